import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildProject,
  buildUnit,
  coordinatorCtx,
  ctxOf,
  reporterCtx,
} from '../../../../test/factories.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { auditLog } from '../audit/audit.table.ts';
import { addMilestone } from '../milestones/milestones.service.ts';
import { setPlan } from '../plans/plans.service.ts';
import { periodStats } from '../stats/stats.service.ts';
import { listNoticeProposals } from './notice-proposals.ts';
import {
  answerNotice,
  closeNotice,
  getNotice,
  issueNotice,
  listNotices,
} from './supervision-notices.service.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;
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

const call = async (
  as: TestLogin,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: object,
): Promise<{ status: number; body: Json }> => {
  const res = await t.app.inject({
    method,
    url,
    headers: as.headers,
    ...(payload !== undefined ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.body ? res.json() : null };
};

/** A project of a unit whose start slipped more than 30 days by April 2023: red in April. */
async function redProject(unitId: number) {
  const p = await buildProject(t.database.db, sys(), { ownerUnitId: unitId });
  await addMilestone(t.database.db, sys(), {
    projectId: p.id,
    kind: 'start',
    plannedDate: '2023-02-01',
  });
  return p;
}

/** A planned project that has reported nothing: yellow (本月未报送) month after month. */
async function yellowProject(unitId: number) {
  const p = await buildProject(t.database.db, sys(), { ownerUnitId: unitId });
  await setPlan(t.database.db, sys(), {
    projectId: p.id,
    year: 2023,
    annualTarget: '1000',
    timingTargets: [...Array(11).fill('0'), '1000'],
  });
  return p;
}

describe('red warning → notice → the unit answers → the office closes it', () => {
  it('runs end to end through the API, each step by the right role, each in the audit log', async () => {
    const project = await redProject(unitA);
    const warnings = await call(coord, 'GET', '/api/warnings?month=2023-04');
    const warning = warnings.body.find((w: Json) => w.projectId === project.id);
    expect(warning).toMatchObject({ level: 'red', notice: null, canIssueNotice: true });
    // the leader and the unit read the warning but may not supervise it
    const asLeader = await call(leader, 'GET', '/api/warnings?month=2023-04');
    expect(asLeader.body.find((w: Json) => w.projectId === project.id).canIssueNotice).toBe(false);

    const issued = await call(coord, 'POST', '/api/supervision-notices/from-warning', {
      projectCode: project.code,
      month: '2023-04',
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const n = issued.body;
    expect(n).toMatchObject({
      number: '光科建督〔2023〕1号',
      status: 'issued',
      source: 'warning',
      warningPeriod: '2023-04',
      unitId: unitA,
      unitName: '市建筑工务署',
      issuedOn: '2023-05-10',
      deadline: '2023-05-25',
      escalated: false,
      // the office waits for the unit's answer: no step of its own yet
      can: [],
    });
    // the warning's reasons, as the warnings service gave them, not recomputed
    expect(n.reasons).toEqual(
      warning.reasons
        .filter((r: Json) => r.level !== 'green')
        .map((r: Json) => ({ zh: r.zh, en: r.en, level: r.level, rule: r.rule })),
    );
    expect(n.reasons.length).toBeGreaterThan(0);
    expect(n.content).toContain(project.name);

    // the warning now shows its notice; a second click is refused
    const after = await call(coord, 'GET', '/api/warnings?month=2023-04');
    expect(after.body.find((w: Json) => w.projectId === project.id)).toMatchObject({
      notice: { id: n.id, number: '光科建督〔2023〕1号', status: 'issued' },
      canIssueNotice: false,
    });
    const again = await call(coord, 'POST', '/api/supervision-notices/from-warning', {
      projectCode: project.code,
      month: '2023-04',
    });
    expect([again.status, again.body.error.code]).toEqual([409, 'notice.duplicate']);

    // unit A's reporter answers; unit B's cannot tell it exists; the leader reads only
    const seenByA = await call(reporterA, 'GET', `/api/supervision-notices/${n.id}`);
    expect(seenByA.body.can).toEqual(['answer']);
    expect((await call(reporterB, 'GET', `/api/supervision-notices/${n.id}`)).status).toBe(404);
    expect(
      (await call(reporterB, 'POST', `/api/supervision-notices/${n.id}/answer`, { measures: 'x' }))
        .status,
    ).toBe(404);
    expect((await call(leader, 'GET', `/api/supervision-notices/${n.id}`)).status).toBe(200);
    expect(
      (await call(coord, 'POST', `/api/supervision-notices/${n.id}/answer`, { measures: '代答' }))
        .status,
    ).toBe(403);

    const answered = await call(reporterA, 'POST', `/api/supervision-notices/${n.id}/answer`, {
      measures: '已调整施工组织，增加两个作业面，6月底前完成开工手续',
      version: 1,
    });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body).toMatchObject({
      status: 'answered',
      version: 2,
      answeredOn: '2023-05-10',
    });
    // a stale version is refused and names who changed it
    const stale = await call(reporterA, 'POST', `/api/supervision-notices/${n.id}/answer`, {
      measures: '补充措施',
      version: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toContain(answered.body.updatedBy);
    // the office is not satisfied: back to the unit, which answers again
    const coordView = await call(coord, 'GET', `/api/supervision-notices/${n.id}`);
    expect(coordView.body.can).toEqual(['close', 'send_back']);
    expect(
      (await call(coord, 'POST', `/api/supervision-notices/${n.id}/send-back`, {})).body.error
        .field,
    ).toBe('reason');
    const back = await call(coord, 'POST', `/api/supervision-notices/${n.id}/send-back`, {
      reason: '措施未明确责任人和完成时限，请补充',
      version: 2,
    });
    expect(back.body).toMatchObject({ status: 'issued', version: 3 });
    await call(reporterA, 'POST', `/api/supervision-notices/${n.id}/answer`, {
      measures: '明确项目经理为第一责任人，6月20日前取得施工许可',
    });
    expect(
      (await call(reporterA, 'POST', `/api/supervision-notices/${n.id}/close`, {})).status,
    ).toBe(403);
    const closed = await call(coord, 'POST', `/api/supervision-notices/${n.id}/close`, {
      note: '经现场核实，措施已落实，予以销号',
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedOn: '2023-05-10', can: [] });
    const end = await call(coord, 'POST', `/api/supervision-notices/${n.id}/send-back`, {
      reason: '重办',
    });
    expect([end.status, end.body.error.code]).toEqual([400, 'notice.not_allowed']);
    expect(closed.body.events.map((e: Json) => e.action)).toEqual([
      'issue',
      'answer',
      'send_back',
      'answer',
      'close',
    ]);

    // every state change is in the audit log with its before and after
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.objectType, 'supervision_notices'), eq(auditLog.objectId, String(n.id))),
      )
      .orderBy(asc(auditLog.seq));
    expect(
      audit.map((a) => [
        a.action,
        a.before && JSON.parse(a.before).status,
        a.after && JSON.parse(a.after).status,
        a.actorRole,
      ]),
    ).toEqual([
      ['supervision_notices.insert', null, 'issued', 'coordinator'],
      ['supervision_notices.update', 'issued', 'answered', 'reporter'],
      ['supervision_notices.update', 'answered', 'issued', 'coordinator'],
      ['supervision_notices.update', 'issued', 'answered', 'reporter'],
      ['supervision_notices.update', 'answered', 'closed', 'coordinator'],
    ]);
  });

  it('refuses a warning that is not red, and bad input, with a 4xx naming the field', async () => {
    const green = await buildProject(t.database.db, sys(), { ownerUnitId: unitA });
    const notRed = await call(coord, 'POST', '/api/supervision-notices/from-warning', {
      projectCode: green.code,
      month: '2023-04',
    });
    expect([notRed.status, notRed.body.error.field]).toEqual([400, 'month']);
    const bad = async (payload: object, field: string) => {
      const res = await call(coord, 'POST', '/api/supervision-notices', payload);
      expect([res.status, res.body.error.field]).toEqual([400, field]);
    };
    await bad({ projectId: 999999, content: '督办', deadline: '2023-06-30' }, 'projectId');
    await bad({ projectId: green.id, content: '', deadline: '2023-06-30' }, 'content');
    await bad({ projectId: green.id, content: '督办', deadline: '2023-02-30' }, 'deadline');
    await bad({ projectId: green.id, content: '督办', deadline: '2023-05-01' }, 'deadline');
    await bad(
      { projectId: green.id, content: '督办', deadline: '2023-06-30', unitId: 999999 },
      'unitId',
    );
    const orphan = await buildProject(t.database.db, sys());
    await bad({ projectId: orphan.id, content: '督办', deadline: '2023-06-30' }, 'unitId');
    // a reporter or a leader issues nothing
    const byReporter = await call(reporterA, 'POST', '/api/supervision-notices', {
      projectId: green.id,
      content: '督办',
      deadline: '2023-06-30',
    });
    expect(byReporter.status).toBe(403);
  });
});

describe('numbering', () => {
  it('counts up per year with no gap or duplicate when issued at once, in the office’s pattern', async () => {
    const p = await buildProject(t.database.db, sys(), { ownerUnitId: unitB });
    const coordCtx = coordinatorCtx(t.officeId, t.clock.now);
    const before = (await listNotices(t.database.db, coordCtx, { pageSize: 500 })).items.map(
      (n) => n.seq,
    );
    const made = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        issueNotice(t.database.db, coordCtx, {
          projectId: p.id,
          content: `请于月底前报送第${i}批整改措施`,
          reasons: ['投资完成率低于时序目标'],
          deadline: '2023-06-30',
        }),
      ),
    );
    const seqs = made.map((n) => n.seq).sort((a, b) => a - b);
    const start = Math.max(0, ...before) + 1;
    expect(seqs).toEqual([start, start + 1, start + 2, start + 3, start + 4]);
    expect(made.every((n) => n.number === `光科建督〔2023〕${n.seq}号`)).toBe(true);
    expect(made[0]!.source).toBe('manual');
    expect(made[0]!.reasons).toEqual([
      { zh: '投资完成率低于时序目标', en: '投资完成率低于时序目标' },
    ]);

    // the coordinator changes the pattern; a pattern without {n} and a stale version are refused
    const settings = await call(coord, 'GET', '/api/settings/notices');
    expect(settings.body).toEqual({
      numberPattern: '光科建督〔{year}〕{n}号',
      attentionMonths: 2,
      version: 0,
    });
    const noN = await call(coord, 'PUT', '/api/settings/notices', {
      numberPattern: '光科建督〔{year}〕号',
      attentionMonths: 2,
      version: 0,
    });
    expect([noN.status, noN.body.error.field]).toEqual([400, 'numberPattern']);
    expect(
      (
        await call(reporterA, 'PUT', '/api/settings/notices', {
          numberPattern: '督{n}',
          attentionMonths: 2,
          version: 0,
        })
      ).status,
    ).toBe(403);
    const saved = await call(coord, 'PUT', '/api/settings/notices', {
      numberPattern: '光督〔{year}〕第{n}号',
      attentionMonths: 2,
      version: 0,
    });
    expect(saved.body).toMatchObject({ numberPattern: '光督〔{year}〕第{n}号', version: 1 });
    const stale = await call(coord, 'PUT', '/api/settings/notices', {
      numberPattern: '督〔{year}〕{n}号',
      attentionMonths: 2,
      version: 0,
    });
    expect(stale.status).toBe(409);
    const next = await issueNotice(t.database.db, coordCtx, {
      projectId: p.id,
      content: '请报送整改措施',
      deadline: '2023-06-30',
    });
    expect(next.number).toBe(`光督〔2023〕第${start + 5}号`);
    // a new year starts again at 1
    const nextYear = await issueNotice(
      t.database.db,
      coordinatorCtx(t.officeId, new Date('2024-01-03T02:00:00Z')),
      { projectId: p.id, content: '请报送整改措施', deadline: '2024-01-31' },
    );
    expect([nextYear.year, nextYear.seq, nextYear.number]).toEqual([2024, 1, '光督〔2024〕第1号']);
    await call(coord, 'PUT', '/api/settings/notices', {
      numberPattern: '光科建督〔{year}〕{n}号',
      attentionMonths: 2,
      version: 1,
    });
  });
});

describe('escalation as data', () => {
  it('a notice unanswered past its deadline is on the leaders’ list until the unit answers', async () => {
    const p = await buildProject(t.database.db, sys(), { ownerUnitId: unitB });
    const n = await issueNotice(t.database.db, coordinatorCtx(t.officeId, t.clock.now), {
      projectId: p.id,
      content: '请于5月12日前报送征拆工作计划',
      deadline: '2023-05-12',
    });
    expect(n.escalated).toBe(false);
    // 2023-05-13 09:00 in Shanghai
    t.clock.now = new Date('2023-05-13T01:00:00Z');
    try {
      // (through the service: the test's sessions would have expired over the days)
      const asLeader = ctxOf(t.officeId, t.clock.now, { role: 'leader', name: '区领导' });
      const list = await listNotices(t.database.db, asLeader, { escalated: 'true', unitId: unitB });
      expect(list.items.map((i) => i.id)).toContain(n.id);
      expect(list.items.every((i) => i.escalated)).toBe(true);
      expect(list.escalated).toBe(list.total);
      await answerNotice(t.database.db, reporterCtx(t.officeId, unitB, t.clock.now), n.id, {
        measures: '征拆计划已报区土地整备局',
      });
      const later = await listNotices(t.database.db, asLeader, { escalated: true });
      expect(later.items.map((i) => i.id)).not.toContain(n.id);
      expect((await getNotice(t.database.db, ctxOf(t.officeId, t.clock.now), n.id)).escalated).toBe(
        false,
      );
    } finally {
      t.clock.now = new Date('2023-05-10T02:00:00Z');
    }
  });

  it('proposes a project yellow for two months running, and stops once it is supervised', async () => {
    const p = await yellowProject(unitA);
    const proposals = await call(coord, 'GET', '/api/supervision-notices/proposals?month=2023-04');
    expect(proposals.status, JSON.stringify(proposals.body)).toBe(200);
    const item = proposals.body.items.find((i: Json) => i.projectId === p.id);
    expect(item).toMatchObject({ months: ['2023-03', '2023-04'], canIssueNotice: true });
    expect(item.reasons.some((r: Json) => r.level === 'yellow')).toBe(true);
    // a reporter of another unit sees none of unit A's projects
    const asB = await call(reporterB, 'GET', '/api/supervision-notices/proposals?month=2023-04');
    expect(asB.body.items.find((i: Json) => i.projectId === p.id)).toBeUndefined();
    // one click from the proposal: the yellow warning may be supervised
    const issued = await call(coord, 'POST', '/api/supervision-notices/from-warning', {
      projectCode: p.code,
      month: '2023-04',
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body.content).toContain('连续提请关注');
    const again = await call(coord, 'GET', '/api/supervision-notices/proposals?month=2023-04');
    expect(again.body.items.find((i: Json) => i.projectId === p.id)).toBeUndefined();
  });
});

describe('a reporter sees only the notices addressed to its unit', () => {
  it('in the list and one by one; the counts of the period follow the same notices', async () => {
    const ctxA = reporterCtx(t.officeId, unitA, t.clock.now);
    const all = await listNotices(t.database.db, sys(), { pageSize: 500 });
    const mine = await listNotices(t.database.db, ctxA, { pageSize: 500 });
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((n) => n.unitId === unitA)).toBe(true);
    for (const n of all.items) {
      const seen = await getNotice(t.database.db, ctxA, n.id).then(
        () => true,
        () => false,
      );
      expect([n.id, seen]).toEqual([n.id, n.unitId === unitA]);
    }
    const h1 = { from: '2023-01-01', to: '2023-06-30' };
    const s = await periodStats(t.database.db, coordinatorCtx(t.officeId, t.clock.now), h1);
    const issuedH1 = all.items.filter((n) => n.issuedOn <= '2023-06-30').length;
    const closedH1 = all.items.filter((n) => n.closedOn && n.closedOn <= '2023-06-30').length;
    expect(s.notices).toEqual({ issued: issuedH1, closed: closedH1 });
    expect(closedH1).toBeGreaterThan(0);
    const asA = await periodStats(t.database.db, ctxA, h1);
    expect(asA.notices.issued).toBe(mine.items.filter((n) => n.issuedOn <= '2023-06-30').length);
    // the leader cannot close one (a read-only role, refused at the gate)
    const open = all.items.find((n) => n.status === 'answered');
    if (open) {
      expect(
        (await call(leader, 'POST', `/api/supervision-notices/${open.id}/close`, {})).status,
      ).toBe(403);
      await closeNotice(t.database.db, coordinatorCtx(t.officeId, t.clock.now), open.id);
    }
    expect(await listNoticeProposals(t.database.db, ctxA, { month: '2023-04' })).toMatchObject({
      month: '2023-04',
      attentionMonths: 2,
    });
  });
});
