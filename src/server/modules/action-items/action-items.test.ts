import { and, asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildActionItem,
  buildMeeting,
  buildProject,
  buildUnit,
  coordinatorCtx,
  ctxOf,
  reporterCtx,
} from '../../../../test/factories.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import { isOverdue } from '../../../domain/action-item-workflow.ts';
import type { Ctx } from '../../context.ts';
import { auditLog } from '../audit/audit.table.ts';
import { getActionItem, listActionItems } from './action-items.service.ts';
import { recordActionItems } from './record-action-items.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let sys: () => Ctx;
let unitA: number;
let unitB: number;
let coord: TestLogin;
let leader: TestLogin;
let reporterA: TestLogin;
let reporterB: TestLogin;

beforeAll(async () => {
  // 2023-05-10 10:00 in Shanghai
  t = await createTestApp({ auth: 'session', now: new Date('2023-05-10T02:00:00Z') });
  sys = () => ctxOf(t.officeId, t.clock.now);
  unitA = (await buildUnit(t.database.db, sys(), '市建筑工务署')).id;
  unitB = (await buildUnit(t.database.db, sys(), '区建筑工务署')).id;
  coord = await t.loginAs('coordinator');
  leader = await t.loginAs('leader');
  reporterA = await t.loginAs('reporter', { unitId: unitA });
  reporterB = await t.loginAs('reporter', { unitId: unitB });
});
afterAll(() => t.close());

const call = (as: TestLogin, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: as.headers,
    ...(payload !== undefined ? { payload } : {}),
  });

describe('meeting → action item → the unit answers → the office closes it', () => {
  it('runs end to end through the API, each step by the right role, each in the audit log', async () => {
    const project = await buildProject(t.database.db, sys(), { ownerUnitId: unitA });
    const meeting = await call(coord, 'POST', '/api/meetings', {
      kind: 'task_force',
      title: '光明科学城专责小组第三次会议',
      heldOn: '2023-05-08',
      chair: '常务副区长',
      unitIds: [unitA],
      projectIds: [project.id],
      minutes:
        '一、会议听取了项目推进情况汇报。\r\n\r\n\r\n二、会议研究了管线迁改问题。<script>alert(1)</script>',
    });
    expect(meeting.statusCode, meeting.body).toBe(201);
    const m = meeting.json();
    expect(m.minutes).not.toContain('\r');
    expect(m.units.map((u: { id: number }) => u.id)).toEqual([unitA]);

    const created = await call(coord, 'POST', '/api/action-items', {
      meetingId: m.id,
      projectId: project.id,
      responsibleUnitId: unitA,
      content: '5月20日前完成110kV线路迁改方案报审',
      deadline: '2023-05-20',
    });
    expect(created.statusCode, created.body).toBe(201);
    const item = created.json();
    // assigned on the meeting's day; the reporter of unit A may answer, the coordinator verify
    expect(item).toMatchObject({ status: 'open', assignedOn: '2023-05-08', overdue: false });
    expect(item.can).toEqual([]);
    const seenByA = (await call(reporterA, 'GET', `/api/action-items/${item.id}`)).json();
    expect(seenByA.can).toEqual(['answer', 'request_extension', 'report_done']);
    // another unit's reporter cannot tell it exists; the leader reads but never writes
    expect((await call(reporterB, 'GET', `/api/action-items/${item.id}`)).statusCode).toBe(404);
    expect(
      (await call(reporterB, 'POST', `/api/action-items/${item.id}/answer`, { progress: 'x' }))
        .statusCode,
    ).toBe(404);
    expect((await call(leader, 'GET', `/api/action-items/${item.id}`)).statusCode).toBe(200);
    expect((await call(leader, 'POST', `/api/action-items/${item.id}/close`, {})).statusCode).toBe(
      403,
    );
    // the office cannot answer for the unit, the unit cannot close its own item
    expect(
      (await call(coord, 'POST', `/api/action-items/${item.id}/answer`, { progress: '代答' }))
        .statusCode,
    ).toBe(403);

    const answered = await call(reporterA, 'POST', `/api/action-items/${item.id}/answer`, {
      progress: '迁改方案已完成初稿，正与供电局对接',
      version: 1,
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'answered', version: 2 });
    // a stale version is refused and names who changed it
    const stale = await call(reporterA, 'POST', `/api/action-items/${item.id}/answer`, {
      progress: '再次反馈',
      version: 1,
    });
    expect(stale.statusCode).toBe(409);
    const done = await call(reporterA, 'POST', `/api/action-items/${item.id}/report-done`, {
      note: '迁改方案已报审并取得批复',
    });
    expect(done.json()).toMatchObject({ status: 'reported_done' });
    expect(
      (await call(reporterA, 'POST', `/api/action-items/${item.id}/close`, {})).statusCode,
    ).toBe(403);
    const coordView = (await call(coord, 'GET', `/api/action-items/${item.id}`)).json();
    expect(coordView.can).toEqual(['close', 'send_back']);
    const closed = await call(coord, 'POST', `/api/action-items/${item.id}/close`, {
      note: '经核实已办结，予以销号',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', closedOn: '2023-05-10', can: [] });
    // closed is the end
    const again = await call(coord, 'POST', `/api/action-items/${item.id}/send-back`, {
      reason: '重办',
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toMatchObject({ code: 'action_item.not_allowed', field: 'status' });

    const history = closed.json().events.map((e: { action: string }) => e.action);
    expect(history).toEqual(['assign', 'answer', 'report_done', 'close']);

    // every state change is in the audit log with its before and after
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.objectType, 'action_items'), eq(auditLog.objectId, String(item.id))))
      .orderBy(asc(auditLog.seq));
    const statuses = audit.map((a) => [
      a.action,
      a.before && JSON.parse(a.before).status,
      a.after && JSON.parse(a.after).status,
    ]);
    expect(statuses).toEqual([
      ['action_items.insert', null, 'open'],
      ['action_items.update', 'open', 'answered'],
      ['action_items.update', 'answered', 'reported_done'],
      ['action_items.update', 'reported_done', 'closed'],
    ]);
    expect(audit.map((a) => a.actorRole)).toEqual([
      'coordinator',
      'reporter',
      'reporter',
      'coordinator',
    ]);
    const meetingAudit = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.objectType, 'meeting_units'));
    expect(meetingAudit.length).toBe(1);

    // the meeting's page shows the item it assigned; minutes are paragraphs of plain text
    const detail = (await call(coord, 'GET', `/api/meetings/${m.id}`)).json();
    expect(detail.actionItems.map((i: { id: number }) => i.id)).toEqual([item.id]);
    expect(detail.minutesParagraphs).toEqual([
      '一、会议听取了项目推进情况汇报。',
      '二、会议研究了管线迁改问题。<script>alert(1)</script>',
    ]);
  });

  it('an extension: asked with a reason, granted by the office, the new deadline applies', async () => {
    const item = await buildActionItem(t.database.db, sys(), {
      responsibleUnitId: unitA,
      deadline: '2023-05-12',
    });
    const early = await call(reporterA, 'POST', `/api/action-items/${item.id}/request-extension`, {
      deadline: '2023-05-01',
      reason: '征拆未完成',
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.field).toBe('deadline');
    const asked = await call(reporterA, 'POST', `/api/action-items/${item.id}/request-extension`, {
      deadline: '2023-06-15',
      reason: '涉及征拆补偿协商，需延期一个月',
    });
    expect(asked.json()).toMatchObject({
      status: 'extension_requested',
      requestedDeadline: '2023-06-15',
      deadline: '2023-05-12',
    });
    expect(
      (await call(reporterA, 'POST', `/api/action-items/${item.id}/approve-extension`, {}))
        .statusCode,
    ).toBe(403);
    const granted = await call(coord, 'POST', `/api/action-items/${item.id}/approve-extension`, {});
    expect(granted.json()).toMatchObject({
      status: 'open',
      deadline: '2023-06-15',
      requestedDeadline: null,
    });
    const last = granted.json().events.at(-1);
    expect(last).toMatchObject({
      action: 'approve_extension',
      deadlineBefore: '2023-05-12',
      deadlineAfter: '2023-06-15',
    });
  });

  it('a report the office does not accept goes back to the unit with the reason', async () => {
    const item = await buildActionItem(t.database.db, sys(), { responsibleUnitId: unitA });
    await call(reporterA, 'POST', `/api/action-items/${item.id}/report-done`, { note: '已完成' });
    const noReason = await call(coord, 'POST', `/api/action-items/${item.id}/send-back`, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.field).toBe('reason');
    const back = await call(coord, 'POST', `/api/action-items/${item.id}/send-back`, {
      reason: '未附批复文件，请补充佐证材料',
    });
    expect(back.json()).toMatchObject({ status: 'open' });
    expect(back.json().events.at(-1)).toMatchObject({ note: '未附批复文件，请补充佐证材料' });
  });

  it('refuses bad input with a 4xx naming the field', async () => {
    const bad = async (payload: object, field: string) => {
      const res = await call(coord, 'POST', '/api/action-items', payload);
      expect([res.statusCode, res.json().error.field]).toEqual([400, field]);
    };
    await bad(
      { responsibleUnitId: 999999, content: '事项', deadline: '2023-05-30' },
      'responsibleUnitId',
    );
    await bad({ responsibleUnitId: unitA, content: '', deadline: '2023-05-30' }, 'content');
    await bad({ responsibleUnitId: unitA, content: '事项', deadline: '2023-02-30' }, 'deadline');
    await bad(
      {
        responsibleUnitId: unitA,
        content: '事项',
        deadline: '2023-05-01',
        assignedOn: '2023-05-08',
      },
      'deadline',
    );
    await bad(
      { responsibleUnitId: unitA, content: '事项', deadline: '2023-05-30', meetingId: 999999 },
      'meetingId',
    );
  });
});

describe('overdue', () => {
  it('turns red the day after the deadline, on the server, in lists and counts alike', async () => {
    const unit = await buildUnit(t.database.db, sys());
    const item = await buildActionItem(t.database.db, sys(), {
      responsibleUnitId: unit.id,
      assignedOn: '2023-05-01',
      deadline: '2023-05-10',
    });
    const onDay = await getActionItem(t.database.db, sys(), item.id);
    expect(onDay.overdue).toBe(false);
    // 2023-05-11 00:30 in Shanghai
    const later = ctxOf(t.officeId, new Date('2023-05-10T16:30:00Z'));
    const next = await getActionItem(t.database.db, later, item.id);
    expect([next.overdue, next.daysOverdue]).toEqual([true, 1]);
    const list = await listActionItems(t.database.db, later, { unitId: unit.id, overdue: true });
    expect([list.total, list.overdue]).toEqual([1, 1]);
    expect(
      (await listActionItems(t.database.db, later, { unitId: unit.id, overdue: false })).total,
    ).toBe(0);
  });

  it('the list filter agrees with the domain rule on every item, at any day', async () => {
    const all = (await listActionItems(t.database.db, sys(), { pageSize: 500 })).items;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 90 }), async (days) => {
        const at = new Date(Date.parse('2023-04-20T02:00:00Z') + days * 86_400_000);
        const ctx = ctxOf(t.officeId, at);
        const listed = new Set(
          (await listActionItems(t.database.db, ctx, { overdue: true, pageSize: 500 })).items.map(
            (i) => i.id,
          ),
        );
        for (const i of all) expect([i.id, listed.has(i.id)]).toEqual([i.id, isOverdue(i, at)]);
      }),
      { numRuns: 20 },
    );
  });

  it('lists overdue items longest overdue first, the rest newest first', async () => {
    const ctx = ctxOf(t.officeId, new Date('2023-07-01T02:00:00Z'));
    const overdue = (await listActionItems(t.database.db, ctx, { overdue: true, pageSize: 500 }))
      .items;
    expect(overdue.length).toBeGreaterThan(1);
    const deadlines = overdue.map((i) => i.deadline);
    expect(deadlines).toEqual([...deadlines].sort());
    const all = (await listActionItems(t.database.db, ctx, { pageSize: 500 })).items;
    const assigned = all.map((i) => i.assignedOn);
    expect(assigned).toEqual([...assigned].sort().reverse());
  });
});

describe('a reporter sees only the items addressed to its unit', () => {
  it('the list and the single-record check agree for random ids', async () => {
    for (let i = 0; i < 4; i++) {
      await buildActionItem(t.database.db, sys(), { responsibleUnitId: i % 2 ? unitA : unitB });
    }
    const maxId = Math.max(
      ...(await listActionItems(t.database.db, sys(), { pageSize: 500 })).items.map((i) => i.id),
    );
    for (const unit of [unitA, unitB]) {
      const ctx = reporterCtx(t.officeId, unit, t.clock.now);
      const listed = await listActionItems(t.database.db, ctx, { pageSize: 500 });
      expect(listed.items.every((i) => i.responsibleUnitId === unit)).toBe(true);
      const ids = new Set(listed.items.map((i) => i.id));
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: maxId + 2 }), async (id) => {
          const single = await getActionItem(t.database.db, ctx, id).then(
            () => true,
            () => false,
          );
          expect([id, single]).toEqual([id, ids.has(id)]);
        }),
        { numRuns: 40 },
      );
    }
    // the office sees them all, and a meeting's reporter view keeps only its own unit's items
    const meeting = await buildMeeting(t.database.db, coordinatorCtx(t.officeId, t.clock.now), {
      unitIds: [unitA, unitB],
    });
    for (const unit of [unitA, unitB])
      await buildActionItem(t.database.db, sys(), {
        responsibleUnitId: unit,
        meetingId: meeting.id,
      });
    const asA = (await call(reporterA, 'GET', `/api/meetings/${meeting.id}`)).json();
    expect(asA.actionItems.map((i: { responsibleUnitId: number }) => i.responsibleUnitId)).toEqual([
      unitA,
    ]);
  });
});

describe('items recorded with their history already decided', () => {
  it('are replayed through the workflow table, in one go, ending where the steps lead', async () => {
    const db = t.database.db;
    const ctx = coordinatorCtx(t.officeId, new Date('2023-03-01T02:00:00Z'));
    const on = (iso: string) => new Date(`${iso}T10:00:00+08:00`);
    const [item] = await recordActionItems(db, ctx, [
      {
        input: {
          responsibleUnitId: unitA,
          content: '完成管线迁改',
          deadline: '2023-03-31',
          assignedOn: '2023-03-01',
        },
        steps: [
          {
            action: 'request_extension',
            at: on('2023-03-25'),
            actor: '填报员',
            deadline: '2023-04-20',
            note: '需停电窗口',
          },
          { action: 'approve_extension', at: on('2023-03-27'), actor: '统筹科' },
          { action: 'report_done', at: on('2023-04-18'), actor: '填报员', note: '已完成' },
          { action: 'close', at: on('2023-04-19'), actor: '统筹科' },
        ],
      },
    ]);
    const view = await getActionItem(db, ctx, item!.id);
    expect(view).toMatchObject({
      status: 'closed',
      deadline: '2023-04-20',
      closedOn: '2023-04-19',
      progress: '已完成',
      version: 5,
    });
    expect(view.events.map((e) => [e.action, e.toStatus, e.actorRole])).toEqual([
      ['assign', 'open', 'coordinator'],
      ['request_extension', 'extension_requested', 'reporter'],
      ['approve_extension', 'open', 'coordinator'],
      ['report_done', 'reported_done', 'reporter'],
      ['close', 'closed', 'coordinator'],
    ]);
    // an illegal history is refused whole: nothing is written
    const before = (await listActionItems(db, ctx, { pageSize: 500 })).total;
    await expect(
      recordActionItems(db, ctx, [
        { input: { responsibleUnitId: unitA, content: '甲', deadline: '2023-03-31' }, steps: [] },
        {
          input: { responsibleUnitId: unitA, content: '乙', deadline: '2023-03-31' },
          steps: [{ action: 'close', at: on('2023-03-10'), actor: '统筹科' }],
        },
      ]),
    ).rejects.toThrow('办理中的交办事项不能核销（销号）');
    expect((await listActionItems(db, ctx, { pageSize: 500 })).total).toBe(before);
    await expect(
      recordActionItems(db, reporterCtx(t.officeId, unitA, t.clock.now), []),
    ).rejects.toMatchObject({ status: 403 });
  });
});
