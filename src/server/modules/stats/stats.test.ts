import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildActionItem,
  buildMeeting,
  buildProblem,
  buildProject,
  buildRectification,
  buildUnit,
  coordinatorCtx,
  ctxOf,
  reporterCtx,
} from '../../../../test/factories.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { closeActionItem, reportActionItemDone } from '../action-items/action-items.service.ts';
import { recordActivities } from '../activities/activities.service.ts';
import { resolveProblem } from '../problems/problems.service.ts';
import {
  closeRectification,
  reportRectificationDone,
} from '../rectifications/rectifications.service.ts';
import { periodStats } from './stats.service.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let coord: Ctx;
let unitA: number;
let unitB: number;
let leader: TestLogin;

const at = (iso: string) => new Date(`${iso}T10:00:00+08:00`);

beforeAll(async () => {
  t = await createTestApp({ auth: 'session', now: at('2023-08-15') });
  const db = t.database.db;
  coord = coordinatorCtx(t.officeId, t.clock.now);
  unitA = (await buildUnit(db, coord, '市建筑工务署')).id;
  unitB = (await buildUnit(db, coord, '区建筑工务署')).id;
  leader = await t.loginAs('leader');
  const pA = await buildProject(db, coord, { ownerUnitId: unitA });
  const pB = await buildProject(db, coord, { ownerUnitId: unitB });
  // H1: two task-force meetings and a coordination meeting with unit A; one regular in July
  const tf1 = await buildMeeting(db, coord, {
    kind: 'task_force',
    heldOn: '2023-02-10',
    unitIds: [unitA, unitB],
  });
  const tf2 = await buildMeeting(db, coord, { kind: 'task_force', heldOn: '2023-06-30' });
  const co = await buildMeeting(db, coord, {
    kind: 'coordination',
    heldOn: '2023-03-01',
    unitIds: [unitA],
  });
  await buildMeeting(db, coord, { kind: 'regular', heldOn: '2023-07-01' });
  // problems: 3 raised in H1, 2 resolved in H1 (one per meeting kind), one resolved in July
  const p1 = await buildProblem(db, coord, { projectId: pA.id, raisedOn: '2023-01-05' });
  const p2 = await buildProblem(db, coord, { projectId: pB.id, raisedOn: '2023-02-05' });
  const p3 = await buildProblem(db, coord, { projectId: pB.id, raisedOn: '2023-06-05' });
  await resolveProblem(db, coord, p1.id, { resolution: '已解决', meetingId: tf1.id });
  await resolveProblem(db, coord, p2.id, { resolution: '已解决', meetingId: co.id });
  await resolveProblem(db, coord, p3.id, { resolution: '已解决', resolvedOn: '2023-07-03' });
  // items: 3 from tf1 (A, A, B), 1 from co (A), 1 from tf2 (B, due in July)
  const i1 = await buildActionItem(db, coord, {
    meetingId: tf1.id,
    responsibleUnitId: unitA,
    deadline: '2023-03-31',
  });
  const i2 = await buildActionItem(db, coord, {
    meetingId: tf1.id,
    responsibleUnitId: unitA,
    deadline: '2023-04-30',
  });
  await buildActionItem(db, coord, {
    meetingId: tf1.id,
    responsibleUnitId: unitB,
    deadline: '2023-05-31',
  });
  await buildActionItem(db, coord, {
    meetingId: co.id,
    responsibleUnitId: unitA,
    deadline: '2023-06-30',
  });
  await buildActionItem(db, coord, {
    meetingId: tf2.id,
    responsibleUnitId: unitB,
    deadline: '2023-07-31',
  });
  // i1 closed in March (on time); i2 closed in July (so overdue at the end of June)
  await reportActionItemDone(db, reporterCtx(t.officeId, unitA, at('2023-03-20')), i1.id, {
    note: '办结',
  });
  await closeActionItem(db, coordinatorCtx(t.officeId, at('2023-03-25')), i1.id);
  await reportActionItemDone(db, reporterCtx(t.officeId, unitA, at('2023-07-02')), i2.id, {
    note: '办结',
  });
  await closeActionItem(db, coordinatorCtx(t.officeId, at('2023-07-05')), i2.id);
  await recordActivities(db, coord, [
    { kind: 'delegation', title: '接待考察团', heldOn: '2023-01-10' },
    { kind: 'delegation', title: '接待考察团', heldOn: '2023-06-30' },
    { kind: 'study', title: '专题学习', heldOn: '2023-04-01' },
    { kind: 'consultation', title: '专家咨询', heldOn: '2023-05-01', unitId: unitA },
    { kind: 'delegation', title: '接待考察团', heldOn: '2023-07-01' },
  ]);
  // rectifications: one closed in 2022 (not in hand in H1), one of A closed in May, one of B
  // open, one issued in July
  const r0 = await buildRectification(db, coord, {
    responsibleUnitId: unitA,
    issuedOn: '2022-11-01',
    deadline: '2022-12-31',
  });
  await reportRectificationDone(db, reporterCtx(t.officeId, unitA, at('2022-12-10')), r0.id, {
    evidence: '已整改',
  });
  await closeRectification(db, coordinatorCtx(t.officeId, at('2022-12-20')), r0.id);
  const r1 = await buildRectification(db, coord, {
    responsibleUnitId: unitA,
    issuedOn: '2023-03-01',
  });
  await reportRectificationDone(db, reporterCtx(t.officeId, unitA, at('2023-05-05')), r1.id, {
    evidence: '制度已修订印发',
  });
  await closeRectification(db, coordinatorCtx(t.officeId, at('2023-05-10')), r1.id);
  await buildRectification(db, coord, { responsibleUnitId: unitB, issuedOn: '2023-04-01' });
  await buildRectification(db, coord, {
    responsibleUnitId: unitB,
    issuedOn: '2023-07-05',
    deadline: '2023-09-30',
  });
});
afterAll(() => t.close());

describe('period counts', () => {
  it('H1: the numbers a summary quotes, every kind present, zeros included', async () => {
    const s = await periodStats(t.database.db, coord, { from: '2023-01-01', to: '2023-06-30' });
    expect(s).toEqual({
      from: '2023-01-01',
      to: '2023-06-30',
      unit: null,
      meetings: { total: 3, byKind: { task_force: 2, coordination: 1, regular: 0, site_visit: 0 } },
      problems: {
        raised: 3,
        resolved: 2,
        resolvedByMeetingKind: { task_force: 1, coordination: 1, regular: 0, site_visit: 0 },
      },
      actionItems: {
        created: 5,
        closed: 1,
        // at 2023-06-30: i2 (due 04-30, closed in July) and the unit B item due 05-31
        overdue: 2,
        createdByMeetingKind: { task_force: 4, coordination: 1, regular: 0, site_visit: 0 },
      },
      // counted in supervision-notices.test.ts, where notices are issued
      notices: { issued: 0, closed: 0 },
      // in hand in H1: A's (closed in May) and B's open one; not the 2022 one, not July's
      rectifications: { total: 2, closed: 1 },
      // counted in work-plans.test.ts, where plans are made
      workPlans: [],
      activities: {
        total: 4,
        byKind: { delegation: 2, study: 1, forum: 0, lecture: 0, consultation: 1 },
      },
    });
  });

  it('--unit keeps what involves that unit', async () => {
    const s = await periodStats(t.database.db, coord, {
      from: '2023-01-01',
      to: '2023-06-30',
      unit: '市建筑工务署',
    });
    expect(s.unit).toBe('市建筑工务署');
    expect(s.meetings.byKind).toMatchObject({ task_force: 1, coordination: 1 });
    expect([s.problems.raised, s.problems.resolved]).toEqual([1, 1]);
    expect([s.actionItems.created, s.actionItems.closed, s.actionItems.overdue]).toEqual([3, 1, 1]);
    expect(s.activities.byKind.consultation).toBe(1);
    expect(s.rectifications).toEqual({ total: 1, closed: 1 });
    expect(s.activities.byKind.delegation).toBe(0);
    await expect(
      periodStats(t.database.db, coord, { from: '2023-01-01', to: '2023-06-30', unit: '无此单位' }),
    ).rejects.toMatchObject({ status: 400, details: { field: 'unit' } });
  });

  it('overdue is measured at today when the period has not ended', async () => {
    // today is 2023-08-15: the July item of unit B is overdue too; i2 is closed by then
    const s = await periodStats(t.database.db, coord, { from: '2023-01-01', to: '2023-12-31' });
    expect([s.actionItems.created, s.actionItems.closed, s.actionItems.overdue]).toEqual([5, 2, 3]);
  });

  it('a reporter counts only its own unit; over HTTP the same service answers', async () => {
    const rep = reporterCtx(t.officeId, unitB, t.clock.now);
    const s = await periodStats(t.database.db, rep, { from: '2023-01-01', to: '2023-06-30' });
    expect(s.unit).toBe('区建筑工务署');
    expect(s.actionItems.created).toBe(2);
    expect(s.activities.total).toBe(0);
    expect(s.rectifications).toEqual({ total: 1, closed: 0 });
    await expect(
      periodStats(t.database.db, rep, {
        from: '2023-01-01',
        to: '2023-06-30',
        unit: '市建筑工务署',
      }),
    ).rejects.toMatchObject({ status: 403 });
    const res = await t.app.inject({
      url: '/api/stats?from=2023-01-01&to=2023-06-30',
      headers: leader.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(
      await periodStats(t.database.db, ctxOf(t.officeId, t.clock.now, { role: 'leader' }), {
        from: '2023-01-01',
        to: '2023-06-30',
      }),
    );
    const bad = await t.app.inject({
      url: '/api/stats?from=2023-07-01&to=2023-06-30',
      headers: leader.headers,
    });
    expect([bad.statusCode, bad.json().error.field]).toEqual([400, 'querystring.to']);
  });
});
