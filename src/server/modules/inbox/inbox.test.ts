import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildActionItem,
  buildProject,
  buildRectification,
  buildUnit,
  ctxOf,
} from '../../../../test/factories.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import type { InboxItem } from '../../../domain/inbox.ts';
import type { Ctx } from '../../context.ts';
import { returnReport, saveReport, submitReport } from '../reports/reports.service.ts';
import { inboxOf } from './inbox.service.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let sys: () => Ctx;
let unitA: number;
let unitB: number;
let coord: TestLogin;
let leader: TestLogin;
let reporterA: TestLogin;
let reporterB: TestLogin;
let sysadmin: TestLogin;

beforeAll(async () => {
  // 2023-05-10 10:00 in Shenzhen
  t = await createTestApp({ auth: 'session', now: new Date('2023-05-10T02:00:00Z') });
  sys = () => ctxOf(t.officeId, t.clock.now);
  unitA = (await buildUnit(t.database.db, sys(), '市建筑工务署')).id;
  unitB = (await buildUnit(t.database.db, sys(), '区建筑工务署')).id;
  coord = await t.loginAs('coordinator');
  leader = await t.loginAs('leader');
  reporterA = await t.loginAs('reporter', { unitId: unitA });
  reporterB = await t.loginAs('reporter', { unitId: unitB });
  sysadmin = await t.loginAs('sysadmin');
});
afterAll(() => t.close());

async function inbox(as: TestLogin): Promise<{ count: number; items: InboxItem[] }> {
  const res = await t.app.inject({ method: 'GET', url: '/api/inbox', headers: as.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const kinds = (box: { items: InboxItem[] }) => box.items.map((i) => i.kind);

describe('the inbox', () => {
  it('is empty for an admin duty and refuses a caller without a session', async () => {
    expect(await inbox(sysadmin)).toEqual({ count: 0, items: [] });
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/inbox' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('reminds a unit of its items three days ahead and flags overdue ones first; never another unit’s', async () => {
    const db = t.database.db;
    const late = await buildActionItem(db, sys(), {
      responsibleUnitId: unitA,
      content: '完成二号变电站用地预审材料补正',
      assignedOn: '2023-04-01',
      deadline: '2023-05-05',
    });
    const soon = await buildActionItem(db, sys(), {
      responsibleUnitId: unitA,
      content: '提交一号道路管线迁改方案',
      assignedOn: '2023-04-20',
      deadline: '2023-05-13',
    });
    await buildActionItem(db, sys(), {
      responsibleUnitId: unitA,
      content: '年底前完成竣工验收',
      assignedOn: '2023-04-20',
      deadline: '2023-05-14',
    });
    const other = await buildActionItem(db, sys(), {
      responsibleUnitId: unitB,
      content: '落实给水加压泵站施工围挡',
      assignedOn: '2023-04-20',
      deadline: '2023-05-11',
    });

    const a = await inbox(reporterA);
    expect(a.items.map((i) => [i.kind, i.key, i.due, i.overdue])).toEqual([
      ['action_item_overdue', `action_item:${late.id}`, '2023-05-05', true],
      ['action_item_due', `action_item:${soon.id}`, '2023-05-13', false],
    ]);
    expect(a.count).toBe(2);
    expect(a.items[0]).toMatchObject({
      href: `/action-items?id=${late.id}`,
      title: '交办事项已逾期（2023-05-05）：完成二号变电站用地预审材料补正',
    });
    const b = await inbox(reporterB);
    expect(b.items.map((i) => i.key)).toEqual([`action_item:${other.id}`]);

    // the office and the leader see one line for the overdue items, pointing at the list
    const overdueLine = (await inbox(leader)).items.find((i) => i.kind === 'action_items_overdue');
    expect(overdueLine).toMatchObject({ title: '逾期未销号的交办事项 1 项', overdue: true });
    expect(overdueLine?.href).toBe('/action-items?overdue=true');
    expect(kinds(await inbox(coord))).toContain('action_items_overdue');
  });

  it('asks the office to verify what a unit reported done, and the unit no longer', async () => {
    const item = await buildActionItem(t.database.db, sys(), {
      responsibleUnitId: unitA,
      content: '完成材料科学园临时用电接入',
      assignedOn: '2023-05-01',
      deadline: '2023-05-12',
    });
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/action-items/${item.id}/report-done`,
      headers: reporterA.headers,
      payload: { note: '已接入并通过验收' },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect((await inbox(reporterA)).items.map((i) => i.key)).not.toContain(
      `action_item:${item.id}`,
    );
    const toVerify = (await inbox(coord)).items.find((i) => i.key === `action_item:${item.id}`);
    expect(toVerify).toMatchObject({
      kind: 'action_item_to_verify',
      title: '交办事项待核销：完成材料科学园临时用电接入',
    });
    // the leader reads but verifies nothing
    expect((await inbox(leader)).items.map((i) => i.kind)).not.toContain('action_item_to_verify');
  });

  it('reminds a unit of its rectification tasks and asks the office to verify the ones reported done', async () => {
    const task = await buildRectification(t.database.db, sys(), {
      responsibleUnitId: unitB,
      finding: '施工现场扬尘防治措施落实不到位',
      deadline: '2023-05-12',
    });
    const key = `rectification:${task.id}`;
    expect((await inbox(reporterB)).items.find((i) => i.key === key)).toMatchObject({
      kind: 'rectification_to_answer',
      title: '整改任务即将到期（2023-05-12）：施工现场扬尘防治措施落实不到位',
      href: `/rectifications?id=${task.id}`,
    });
    expect((await inbox(reporterA)).items.map((i) => i.key)).not.toContain(key);
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/rectifications/${task.id}/report-done`,
      headers: reporterB.headers,
      payload: { evidence: '已增设雾炮两台并建立每日巡查台账' },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect((await inbox(reporterB)).items.map((i) => i.key)).not.toContain(key);
    expect((await inbox(coord)).items.find((i) => i.key === key)?.kind).toBe(
      'rectification_to_verify',
    );
  });

  it('hands a notice to its unit, an answered one to the office, and a late one to the leader', async () => {
    const project = await buildProject(t.database.db, sys(), {
      ownerUnitId: unitB,
      name: '二号变电站',
    });
    const post = (as: TestLogin, url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: as.headers, payload });
    const issued = await post(coord, '/api/supervision-notices', {
      projectId: project.id,
      content: '二号变电站连续两月投资滞后，请于5月11日前报送赶工措施',
      deadline: '2023-05-11',
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const notice = issued.json();
    const key = `notice:${notice.id}`;
    const mine = (await inbox(reporterB)).items.find((i) => i.key === key);
    expect(mine).toMatchObject({ kind: 'notice_to_answer', overdue: false });
    expect(mine?.title).toContain(notice.number);
    expect((await inbox(reporterA)).items.map((i) => i.key)).not.toContain(key);
    expect(kinds(await inbox(leader))).not.toContain('notices_escalated');
    // two days on, unanswered past its deadline: escalated to the leader's list (asked of the
    // service at that instant: the test's sessions would have ended by then)
    const later = new Date('2023-05-12T02:00:00Z');
    const unitLater = await inboxOf(
      t.database.db,
      ctxOf(t.officeId, later, { role: 'reporter', unitId: unitB }),
    );
    expect(unitLater.items.find((i) => i.key === key)?.overdue).toBe(true);
    const leaderLater = await inboxOf(t.database.db, ctxOf(t.officeId, later, { role: 'leader' }));
    expect(leaderLater.items.find((i) => i.kind === 'notices_escalated')).toMatchObject({
      title: '逾期未答复的督办单 1 份（已提请领导关注）',
      href: '/supervision-notices?escalated=true',
    });
    const answered = await post(reporterB, `/api/supervision-notices/${notice.id}/answer`, {
      measures: '增加两个作业班组，实行两班倒',
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect((await inbox(reporterB)).items.map((i) => i.key)).not.toContain(key);
    expect((await inbox(coord)).items.find((i) => i.key === key)?.kind).toBe('notice_to_verify');
    expect(kinds(await inbox(leader))).not.toContain('notices_escalated');
  });

  it('tells a unit what it still has to report this month and what was sent back; the office what to review', async () => {
    const db = t.database.db;
    const planned = await buildProject(db, sys(), { ownerUnitId: unitA, name: '自由电子激光' });
    const plan = await t.app.inject({
      method: 'PUT',
      url: `/api/projects/${planned.code}/plans/2023`,
      headers: coord.headers,
      payload: {
        annualTarget: '1200',
        timingTargets: Array.from({ length: 12 }, (_, i) => String(100 * (i + 1))),
      },
    });
    expect(plan.statusCode, plan.body).toBe(200);
    const due = () => inbox(reporterA).then((b) => b.items.find((i) => i.kind === 'report_due'));
    expect(await due()).toMatchObject({ title: '2023年5月月报：还有 1 个项目待报送' });

    const reporterCtx = ctxOf(t.officeId, t.clock.now, { role: 'reporter', unitId: unitA });
    const may = await saveReport(db, reporterCtx, {
      projectId: planned.id,
      year: 2023,
      month: 5,
      investment: '90',
      version: 0,
    });
    await submitReport(db, reporterCtx, may.id);
    expect(await due()).toBeUndefined();
    expect(kinds(await inbox(coord))).toContain('report_to_review');
    expect((await inbox(reporterB)).items.map((i) => i.kind)).not.toContain('report_due');

    await returnReport(db, sys(), may.id, { reason: '投资额与支付凭证不符' });
    const back = (await inbox(reporterA)).items.find((i) => i.kind === 'report_returned');
    expect(back).toMatchObject({
      title: '月报被退回，请修改后重新报送：自由电子激光（2023年5月）',
      href: `/report/${planned.code}/2023-05`,
    });
    expect(kinds(await inbox(coord))).not.toContain('report_to_review');
  });
});
