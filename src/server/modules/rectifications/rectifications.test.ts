import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildProject,
  buildRectification,
  buildUnit,
  ctxOf,
  reporterCtx,
} from '../../../../test/factories.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import { isOverdue } from '../../../domain/rectification-workflow.ts';
import type { Ctx } from '../../context.ts';
import { auditLog } from '../audit/audit.table.ts';
import {
  answerRectification,
  createRectifications,
  listRectifications,
  reportRectificationDone,
} from './rectifications.service.ts';

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
  // 2023-09-10 10:00 in Shanghai
  t = await createTestApp({ auth: 'session', now: new Date('2023-09-10T02:00:00Z') });
  sys = () => ctxOf(t.officeId, t.clock.now);
  unitA = (await buildUnit(t.database.db, sys(), '区建筑工务署')).id;
  unitB = (await buildUnit(t.database.db, sys(), '区水务局')).id;
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

describe('inspection finding → the unit answers and reports done → the office closes it', () => {
  it('runs end to end through the API, each step by the right role, each in the audit log', async () => {
    const project = await buildProject(t.database.db, sys(), { ownerUnitId: unitA });
    const created = await call(coord, 'POST', '/api/rectifications', {
      source: 'inspection',
      sourceName: '2023年区委第三巡察组反馈意见',
      finding: '工程变更审批不规范，部分变更先实施后审批',
      measures: '修订工程变更管理办法，对已实施变更逐项补办审批手续',
      responsibleUnitId: unitA,
      projectId: project.id,
      issuedOn: '2023-08-01',
      deadline: '2023-10-31',
    });
    expect(created.statusCode, created.body).toBe(201);
    const task = created.json();
    expect(task).toMatchObject({
      status: 'open',
      sourceZh: '巡察',
      responsibleUnitName: '区建筑工务署',
      projectName: project.name,
      answered: false,
      overdue: false,
      can: [],
      version: 1,
    });
    expect((await call(reporterA, 'GET', `/api/rectifications/${task.id}`)).json().can).toEqual([
      'answer',
      'report_done',
    ]);
    // another unit's reporter cannot tell it exists; the leader reads but never writes
    expect((await call(reporterB, 'GET', `/api/rectifications/${task.id}`)).statusCode).toBe(404);
    expect((await call(reporterB, 'GET', '/api/rectifications/999999')).statusCode).toBe(404);
    expect(
      (
        await call(reporterB, 'POST', `/api/rectifications/${task.id}/answer`, {
          progress: '冒答',
        })
      ).statusCode,
    ).toBe(404);
    expect((await call(leader, 'GET', `/api/rectifications/${task.id}`)).statusCode).toBe(200);
    expect(
      (await call(leader, 'POST', `/api/rectifications/${task.id}/close`, {})).statusCode,
    ).toBe(403);
    // the office cannot answer for the unit; a reporter cannot issue tasks
    expect(
      (await call(coord, 'POST', `/api/rectifications/${task.id}/answer`, { progress: '代答' }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await call(reporterA, 'POST', '/api/rectifications', {
          source: 'other',
          sourceName: '自查',
          finding: '问题',
          measures: '措施',
          responsibleUnitId: unitA,
          deadline: '2023-12-31',
        })
      ).statusCode,
    ).toBe(403);

    const answered = await call(reporterA, 'POST', `/api/rectifications/${task.id}/answer`, {
      progress: '变更管理办法已起草，正在征求意见',
      version: 1,
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'answered', answered: true, version: 2 });
    // a stale version is refused and names who changed it
    const stale = await call(reporterA, 'POST', `/api/rectifications/${task.id}/answer`, {
      progress: '再次反馈',
      version: 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toContain('当前版本2');
    const noEvidence = await call(reporterA, 'POST', `/api/rectifications/${task.id}/report-done`, {
      evidence: '  ',
    });
    expect([noEvidence.statusCode, noEvidence.json().error.field]).toEqual([400, 'evidence']);
    const done = await call(reporterA, 'POST', `/api/rectifications/${task.id}/report-done`, {
      evidence: '《工程变更管理办法》已印发（光科建〔2023〕12号），7项变更已补办审批',
      version: 2,
    });
    expect(done.json()).toMatchObject({ status: 'reported_done', version: 3 });
    expect(
      (await call(reporterA, 'POST', `/api/rectifications/${task.id}/close`, {})).statusCode,
    ).toBe(403);
    expect((await call(coord, 'GET', `/api/rectifications/${task.id}`)).json().can).toEqual([
      'close',
      'send_back',
    ]);
    const closed = await call(coord, 'POST', `/api/rectifications/${task.id}/close`, {
      note: '经核查整改到位，予以销号',
      version: 3,
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({
      status: 'closed',
      closedOn: '2023-09-10',
      evidence: expect.stringContaining('光科建'),
      can: [],
    });
    // closed is the end
    const again = await call(coord, 'POST', `/api/rectifications/${task.id}/send-back`, {
      reason: '重办',
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toMatchObject({
      code: 'rectification.not_allowed',
      field: 'status',
    });
    expect(closed.json().events.map((e: { action: string }) => e.action)).toEqual([
      'issue',
      'answer',
      'report_done',
      'close',
    ]);

    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.objectType, 'rectifications'), eq(auditLog.objectId, String(task.id))))
      .orderBy(asc(auditLog.seq));
    expect(
      audit.map((a) => [
        a.action,
        a.before && JSON.parse(a.before).status,
        a.after && JSON.parse(a.after).status,
        a.actorRole,
      ]),
    ).toEqual([
      ['rectifications.insert', null, 'open', 'coordinator'],
      ['rectifications.update', 'open', 'answered', 'reporter'],
      ['rectifications.update', 'answered', 'reported_done', 'reporter'],
      ['rectifications.update', 'reported_done', 'closed', 'coordinator'],
    ]);
  });

  it('a report the office does not accept goes back to the unit with the reason', async () => {
    const task = await buildRectification(t.database.db, sys(), {
      responsibleUnitId: unitA,
      issuedOn: '2023-08-01',
      deadline: '2023-12-31',
    });
    await call(reporterA, 'POST', `/api/rectifications/${task.id}/report-done`, {
      evidence: '已整改',
    });
    const noReason = await call(coord, 'POST', `/api/rectifications/${task.id}/send-back`, {});
    expect([noReason.statusCode, noReason.json().error.field]).toEqual([400, 'reason']);
    const back = await call(coord, 'POST', `/api/rectifications/${task.id}/send-back`, {
      reason: '未附制度文件及会议纪要，请补充佐证材料',
    });
    expect(back.json()).toMatchObject({ status: 'open', answered: true });
    expect(back.json().events.at(-1)).toMatchObject({
      action: 'send_back',
      note: '未附制度文件及会议纪要，请补充佐证材料',
      actorRole: 'coordinator',
    });
  });

  it('refuses bad input with a 400 naming the field, and a bad batch writes nothing', async () => {
    const ok = {
      source: 'audit',
      sourceName: '2023年度区审计局审计发现问题',
      finding: '结算审核不及时',
      measures: '建立结算台账',
      responsibleUnitId: unitA,
      deadline: '2023-12-31',
    };
    const bad = async (patch: object, field: string) => {
      const res = await call(coord, 'POST', '/api/rectifications', { ...ok, ...patch });
      expect([res.statusCode, res.json().error.field]).toEqual([400, field]);
    };
    await bad({ responsibleUnitId: 999999 }, 'responsibleUnitId');
    await bad({ projectId: 999999 }, 'projectId');
    await bad({ source: 'rumour' }, 'source');
    await bad({ finding: '' }, 'finding');
    await bad({ deadline: '2023-02-30' }, 'deadline');
    await bad({ issuedOn: '2023-09-01', deadline: '2023-08-01' }, 'deadline');
    const before = (await listRectifications(t.database.db, sys())).figures.total;
    await expect(
      createRectifications(t.database.db, sys(), [
        ok,
        { ...ok, responsibleUnitId: 999999 },
      ] as never),
    ).rejects.toMatchObject({ status: 400 });
    expect((await listRectifications(t.database.db, sys())).figures.total).toBe(before);
  });
});

describe('the list: 事事有回音、件件有落实', () => {
  it('counts and rates on the server; a reporter sees and counts only its own unit', async () => {
    const unit = await buildUnit(t.database.db, sys(), '区城市管理和综合执法局');
    const other = await buildUnit(t.database.db, sys(), '区交通运输局');
    const make = (deadline: string, responsibleUnitId = unit.id) =>
      buildRectification(t.database.db, sys(), {
        responsibleUnitId,
        source: 'supervision',
        sourceName: '2023年区委督查室专项督查',
        issuedOn: '2023-06-01',
        deadline,
      });
    const unitCtx = reporterCtx(t.officeId, unit.id, t.clock.now);
    const [a, b, c] = [
      await make('2023-12-31'),
      await make('2023-12-31'),
      await make('2023-08-31'),
    ];
    await make('2023-09-09');
    // a answered; b reported and closed; c answered and overdue; the fourth untouched, overdue
    await answerRectification(t.database.db, unitCtx, a.id, { progress: '推进中' });
    await reportRectificationDone(t.database.db, unitCtx, b.id, { evidence: '已完成' });
    await call(coord, 'POST', `/api/rectifications/${b.id}/close`, {});
    await answerRectification(t.database.db, unitCtx, c.id, { progress: '部分完成' });
    await make('2023-12-31', other.id);

    const res = await call(coord, 'GET', `/api/rectifications?unitId=${unit.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    // 3 answered of 4 = 75.0 %; 1 closed of 4 = 25.0 %
    expect(page.figures).toEqual({
      total: 4,
      answered: 3,
      answeredRate: '75.0',
      closed: 1,
      closedRate: '25.0',
      overdue: 2,
    });
    expect(page.sourceNames).toContain('2023年区委督查室专项督查');
    // the status and overdue filters pick rows; the figures stay those of the unit
    const late = (
      await call(coord, 'GET', `/api/rectifications?unitId=${unit.id}&overdue=true`)
    ).json();
    expect(late.items.map((i: { id: number }) => i.id)).toEqual([c.id, c.id + 1]);
    expect(late.items.every((i: { overdue: boolean }) => i.overdue)).toBe(true);
    expect(late.figures.total).toBe(4);
    const closedOnly = (
      await call(coord, 'GET', `/api/rectifications?unitId=${unit.id}&status=closed`)
    ).json();
    expect([closedOnly.total, closedOnly.items[0].id]).toEqual([1, b.id]);
    const bySource = (await call(coord, 'GET', '/api/rectifications?source=supervision')).json();
    expect(bySource.figures.total).toBe(5);

    // the list filter agrees with the domain rule on every task
    const all = await listRectifications(t.database.db, sys(), { pageSize: 500 });
    const overdueIds = new Set(
      (await listRectifications(t.database.db, sys(), { overdue: true, pageSize: 500 })).items.map(
        (i) => i.id,
      ),
    );
    for (const i of all.items)
      expect([i.id, overdueIds.has(i.id)]).toEqual([i.id, isOverdue(i, t.clock.now)]);
    expect(all.figures.overdue).toBe(overdueIds.size);

    // unit A's reporter: only unit A's tasks, in rows and in figures, whatever filter it sends
    const asA = (await call(reporterA, 'GET', '/api/rectifications?pageSize=500')).json();
    expect(asA.items.length).toBeGreaterThan(0);
    expect(
      asA.items.every((i: { responsibleUnitId: number }) => i.responsibleUnitId === unitA),
    ).toBe(true);
    expect(asA.figures.total).toBe(asA.total);
    expect(asA.sourceNames).not.toContain('2023年区委督查室专项督查');
    const peek = (await call(reporterA, 'GET', `/api/rectifications?unitId=${unit.id}`)).json();
    expect([peek.total, peek.figures.total]).toEqual([0, 0]);
    const asLeader = await call(leader, 'GET', `/api/rectifications?unitId=${unit.id}`);
    expect(asLeader.json().figures).toEqual(page.figures);
  });
});
