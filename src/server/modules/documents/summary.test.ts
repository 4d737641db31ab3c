import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildActionItem,
  buildMeeting,
  buildProblem,
  buildUnit,
  coordinatorCtx,
  ctxOf,
  reporterCtx,
} from '../../../../test/factories.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { recordActivities } from '../activities/activities.service.ts';
import { addMilestone } from '../milestones/milestones.service.ts';
import { setPlan } from '../plans/plans.service.ts';
import { resolveProblem } from '../problems/problems.service.ts';
import { createProject, ensureArea } from '../projects/projects.service.ts';
import { recordApprovedReports } from '../reports/reports.service.ts';
import { periodStats } from '../stats/stats.service.ts';
import { createWorkPlanItem } from '../work-plans/work-plan-items.service.ts';
import { createWorkPlan } from '../work-plans/work-plans.service.ts';
import { renderDocx } from './gbt9704-docx.ts';
import {
  createSummary,
  finalizeSummary,
  getSummary,
  reopenSummary,
  saveSummaryEdits,
} from './summaries.service.ts';
import { applyEdits, yiText } from './summary.model.ts';
import { buildSummary, summaryPeriod } from './summary.service.ts';
import { summaryToDocument } from './summary-document.ts';

/**
 * The summary of a period states the figures the services compute, for a data set whose figures
 * are known: three projects in two areas (one on target, one in need of attention without a June
 * report, one supervised), two task-force meetings, activities, a work plan.
 */

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let coord: Ctx;
let unitA: number;
let unitB: number;
let p2: number;
let leader: TestLogin;
let coordinator: TestLogin;
let reporter: TestLogin;

const at = (iso: string) => new Date(`${iso}T10:00:00+08:00`);
const H1 = { from: '2023-01-01', to: '2023-06-30' };

/** 12 cumulative timing targets rising evenly to the annual target */
const even = (annual: number) =>
  Array.from({ length: 12 }, (_, m) => ((annual * (m + 1)) / 12).toFixed(2));

async function docxText(buffer: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(buffer);
  const xml = await zip.file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
}

beforeAll(async () => {
  t = await createTestApp({ auth: 'session', now: at('2023-07-05') });
  const db = t.database.db;
  coord = coordinatorCtx(t.officeId, t.clock.now);
  const sys = ctxOf(t.officeId, t.clock.now);
  unitA = (await buildUnit(db, coord, '市建筑工务署')).id;
  unitB = (await buildUnit(db, coord, '区建筑工务署')).id;
  const core = (await ensureArea(db, sys, '核心片区')).row.id;
  const valley = (await ensureArea(db, sys, '云谷片区')).row.id;
  const project = (
    code: string,
    name: string,
    areaId: number,
    ownerUnitId: number,
    tags: string[],
  ) => createProject(db, sys, { code, name, areaId, ownerUnitId, phase: 'construction', tags });
  const p1 = await project('S-1', '一号道路', core, unitA, ['六重']);
  const p2row = await project('S-2', '二号变电站', core, unitB, ['六重', '市投市建']);
  const p3 = await project('S-3', '给水加压泵站', valley, unitA, ['市投市建']);
  p2 = p2row.id;
  await setPlan(db, sys, {
    projectId: p1.id,
    year: 2023,
    annualTarget: '12000',
    timingTargets: even(12000),
  });
  await setPlan(db, sys, {
    projectId: p2,
    year: 2023,
    annualTarget: '8000',
    timingTargets: even(8000),
  });
  await setPlan(db, sys, {
    projectId: p3.id,
    year: 2023,
    annualTarget: '5000.55',
    timingTargets: even(5000.55),
  });
  const months = (projectId: number, n: number, investment: string, progressText?: string) =>
    Array.from({ length: n }, (_, i) => ({
      projectId,
      year: 2023,
      month: i + 1,
      investment,
      progressText: progressText ?? null,
    }));
  await db.transaction((tx) =>
    recordApprovedReports(tx, sys, [
      // 6600.00 of 6000.00 (110.0%): on schedule
      ...months(p1.id, 6, '1100.00', '路面工程完成80%'),
      // 3500.00 of 4000.00 (87.5%): attention, and no June report
      ...months(p2, 5, '700.00'),
      // 1800.06 of 2500.23 (72.0%): supervised
      ...months(p3.id, 6, '300.01'),
    ]),
  );
  await addMilestone(db, sys, {
    projectId: p1.id,
    kind: 'topping_out',
    plannedDate: '2023-05-31',
    actualDate: '2023-05-20',
  });
  await addMilestone(db, sys, { projectId: p3.id, kind: 'completion', plannedDate: '2023-09-30' });

  // two task-force meetings in H1 (one resolves a problem and assigns two items), one in July
  const tf1 = await buildMeeting(db, coord, { kind: 'task_force', heldOn: '2023-02-10' });
  await buildMeeting(db, coord, { kind: 'task_force', heldOn: '2023-05-10' });
  await buildMeeting(db, coord, { kind: 'coordination', heldOn: '2023-03-01' });
  await buildMeeting(db, coord, { kind: 'task_force', heldOn: '2023-07-01' });
  const pr = await buildProblem(db, coord, { projectId: p1.id, raisedOn: '2023-02-01' });
  await resolveProblem(db, coord, pr.id, { resolution: '已解决', meetingId: tf1.id });
  await buildProblem(db, coord, {
    projectId: p3.id,
    raisedOn: '2023-04-01',
    category: 'utilities',
    description: '给水管线迁改方案待审定',
  });
  for (const unit of [unitA, unitB])
    await buildActionItem(db, coord, {
      meetingId: tf1.id,
      responsibleUnitId: unit,
      assignedOn: '2023-02-10',
      deadline: '2023-12-31',
    });
  await recordActivities(db, coord, [
    { kind: 'delegation', title: '接待考察团', heldOn: '2023-01-10' },
    { kind: 'delegation', title: '接待考察团', heldOn: '2023-03-10' },
    { kind: 'delegation', title: '接待考察团', heldOn: '2023-06-30' },
    { kind: 'study', title: '专题学习', heldOn: '2023-04-01' },
    { kind: 'study', title: '专题学习', heldOn: '2023-05-01' },
    { kind: 'delegation', title: '接待考察团', heldOn: '2023-07-01' },
  ]);
  const plan = await createWorkPlan(db, coord, {
    name: '云谷片区开发建设工作方案',
    areaId: valley,
    year: 2023,
    themes: ['规划体系', '创新资源'],
  });
  for (const [i, theme] of [0, 1, 1].entries())
    await createWorkPlanItem(db, coord, plan.id, {
      themeId: plan.themeList[theme]!.id,
      content: `任务${i + 1}`,
      responsibleUnitId: unitA,
      deadline: '2023-12',
    });
  coordinator = await t.loginAs('coordinator');
  leader = await t.loginAs('leader');
  reporter = await t.loginAs('reporter', { unitId: unitA });
});
afterAll(() => t.close());

describe('figures as the text says them', () => {
  it('writes 亿元 with two decimals and 约 only when rounded', () => {
    expect(yiText('1049100.00')).toBe('104.91亿元');
    expect(yiText('2088000.00')).toBe('208.80亿元');
    expect(yiText('11900.06')).toBe('约1.19亿元');
    expect(yiText('300.00')).toBe('300万元');
  });

  it('names the period as a summary does', () => {
    expect(summaryPeriod('2023-01-01', '2023-06-30').title('某署')).toBe(
      '某署2023年上半年工作总结和下半年工作计划',
    );
    expect(summaryPeriod('2023-01-01', '2023-12-31').title('某署')).toBe(
      '某署2023年度工作总结和2024年工作计划',
    );
    expect(summaryPeriod('2023-01-01', '2023-05-31').label).toBe('1—5月');
    expect(() => summaryPeriod('2023-07-01', '2024-06-30')).toThrow(/同一年度/);
  });
});

describe('buildSummary', () => {
  it('states the figures of the services, each linked to the rows behind it', async () => {
    const model = await buildSummary(t.database.db, coord, H1);
    expect(model.title).toMatch(/2023年上半年工作总结和下半年工作计划$/);
    const docx = await renderDocx(summaryToDocument(model));
    const text = await docxText(docx);
    expect(text).toContain('一、上半年工作开展情况');
    expect(text).toContain('二、存在的问题');
    expect(text).toContain('三、下半年工作计划');
    // totals: 25000.55 / 12500.27 / 11900.06 万元
    expect(text).toContain('全署纳入调度的重点项目3个');
    expect(text).toContain('年度固投任务约2.50亿元');
    expect(text).toContain('1—6月累计完成投资约1.19亿元，完成时序任务的95.2%');
    // the core area: 2 projects, 20000.00 annual, 10100.00 of 10000.00
    expect(text).toContain(
      '核心片区。梳理重点项目2个，围绕年度2.00亿元的固投任务，多措并举，加强督办，上半年累计完成投资1.01亿元，超额完成固定资产投资时序任务（完成时序任务的101%）',
    );
    expect(text).toContain('督办滞后项目1个、提请关注项目1个、按期推进项目1个');
    expect(text).toContain(
      '“六重”重大工程项目2个，压实台账管理，密切跟进项目进展情况和存在问题，上半年通过会议协调、通报预警等方式，督办滞后项目0个、提请关注项目1个、推动按期建设项目1个',
    );
    expect(text).toContain('上半年组织召开专责小组会议2次，协调解决问题1个，形成交办事项2项');
    // city-invested Jan–May: 3500.00 + 1500.05 = 5000.05 against 3333.33 + 2083.56 = 5416.89
    expect(text).toContain('2个市投市建项目1-5月固投完成额约0.50亿元，较年初计划下降7.7%');
    expect(text).toContain('专题学习2次');
    expect(text).toContain('接待调研考察团3批次');
    expect(text).toContain('围绕2个方面，细化任务3项');
    expect(text).toContain('一号道路：路面工程完成80%；5月20日完成主体封顶');
    expect(text).toContain(
      '一是部分项目推进中的问题尚未解决。截至2023年6月30日，尚有1个问题待协调解决',
    );
    expect(text).toContain('二是部分项目进度滞后。督办项目1个：给水加压泵站');
    expect(text).toContain('给水管线迁改方案待审定');
    expect(text).toContain('给水加压泵站9月竣工验收');

    // the same figures `tiaodu stats` prints
    const stats = await periodStats(t.database.db, coord, H1);
    expect(model.figures['meetings.taskForce']?.value).toBe(
      String(stats.meetings.byKind.task_force),
    );
    expect(model.figures['actionItems.created']?.value).toBe(String(stats.actionItems.created));
    // links to the rows behind the figures
    expect(model.figures['warnings.sixKey.yellow']?.link).toBe(
      `/warnings?month=2023-06&level=yellow&tag=${encodeURIComponent('六重')}`,
    );
    expect(model.figures['warnings.all.red']?.link).toBe('/warnings?month=2023-06&level=red');
    expect(model.figures['meetings.taskForce']?.link).toBe(
      '/meetings?kind=task_force&from=2023-01-01&to=2023-06-30',
    );
    expect(model.figures['invest.actual']?.value).toBe('11900.06');
    // every figure a paragraph quotes is in its text
    for (const s of model.sections)
      for (const p of s.paragraphs) for (const f of p.figures) expect(p.text).toContain(f.text);
  });

  it('applies edits: a paragraph replaced, one added, one dropped', async () => {
    const model = await buildSummary(t.database.db, coord, H1);
    const edited = applyEdits(model, {
      preface: { paragraphs: { p1: '今年以来，我署较好完成了各项目标任务。' } },
      activities: { added: ['举办首届科学城论坛分论坛2场。'] },
      rectifications: { paragraphs: { all: '' } },
    });
    const text = edited.sections.flatMap((s) => s.paragraphs.map((p) => p.text)).join('\n');
    expect(text).toContain('今年以来，我署较好完成了各项目标任务。');
    expect(text).toContain('举办首届科学城论坛分论坛2场。');
    expect(edited.sections.find((s) => s.id === 'rectifications')?.paragraphs).toEqual([]);
  });
});

describe('summaries: drafts, final versions, access', () => {
  const api = (login: TestLogin, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: login.headers, ...(payload ? { payload } : {}) });

  it('refuses a reporter and lets a leader read only', async () => {
    const created = await api(coordinator, 'POST', '/api/documents/summaries', {
      from: '2023-01-01',
      to: '2023-03-31',
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json().model.title).toMatch(/2023年1—3月工作总结和下一阶段工作计划$/);
    expect((await api(reporter, 'GET', '/api/documents/summaries')).statusCode).toBe(403);
    expect((await api(reporter, 'GET', `/api/documents/summaries/${id}`)).statusCode).toBe(403);
    expect(
      (
        await api(reporter, 'POST', '/api/documents/summaries', {
          from: '2023-04-01',
          to: '2023-04-30',
        })
      ).statusCode,
    ).toBe(403);
    expect((await api(leader, 'GET', `/api/documents/summaries/${id}`)).statusCode).toBe(200);
    expect(
      (await api(leader, 'PUT', `/api/documents/summaries/${id}/edits`, { edits: {}, version: 1 }))
        .statusCode,
    ).toBe(403);
    const dup = await api(coordinator, 'POST', '/api/documents/summaries', {
      from: '2023-01-01',
      to: '2023-03-31',
    });
    expect(dup.statusCode).toBe(409);
    const file = await api(leader, 'GET', `/api/documents/summaries/${id}/download`);
    expect(file.statusCode).toBe(200);
    expect(String(file.headers['content-type'])).toContain('wordprocessingml');
    expect(await docxText(file.rawPayload)).toContain('一、1—3月工作开展情况');
  });

  it('answers a stale save with 409', async () => {
    const created = await api(coordinator, 'POST', '/api/documents/summaries', {
      from: '2023-04-01',
      to: '2023-04-30',
    });
    const { id, version } = created.json();
    const first = await api(coordinator, 'PUT', `/api/documents/summaries/${id}/edits`, {
      edits: { preface: { added: ['第一次修改'] } },
      version,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(version + 1);
    const stale = await api(coordinator, 'PUT', `/api/documents/summaries/${id}/edits`, {
      edits: { preface: { added: ['基于旧版本的修改'] } },
      version,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('summary.stale');
    const now = await api(coordinator, 'GET', `/api/documents/summaries/${id}`);
    const preface = now.json().model.sections.find((s: { id: string }) => s.id === 'preface');
    expect(preface.paragraphs.map((p: { text: string }) => p.text)).toContain('第一次修改');
  });

  // last: it changes the data (a June report arrives after the summary was finalised)
  it('keeps a final version frozen while a draft follows the data', async () => {
    const db = t.database.db;
    let s = await createSummary(db, coord, H1);
    s = await saveSummaryEdits(db, coord, s.id, {
      edits: { activities: { added: ['举办首届科学城论坛分论坛2场。'] } },
      version: s.version,
    });
    s = await finalizeSummary(db, coord, s.id, { version: s.version });
    expect(s.status).toBe('final');
    expect(s.frozen).toBe(true);
    const frozenText = JSON.stringify(s.model);
    expect(frozenText).toContain('约1.19亿元');
    expect(frozenText).toContain('举办首届科学城论坛分论坛2场。');
    // finalised: no more edits until re-opened
    await expect(
      saveSummaryEdits(db, coord, s.id, { edits: {}, version: s.version }),
    ).rejects.toMatchObject({ code: 'summary.not_draft' });
    const reopened = await reopenSummary(db, coord, s.id, { version: s.version });
    expect(reopened).toMatchObject({ status: 'draft', revision: 2 });

    // the late June report of 二号变电站: 700.00 more, 12600.06 in all
    await db.transaction((tx) =>
      recordApprovedReports(tx, ctxOf(t.officeId, t.clock.now), [
        { projectId: p2, year: 2023, month: 6, investment: '700.00' },
      ]),
    );
    const draft = await getSummary(db, coord, s.id);
    expect(draft.frozen).toBe(false);
    expect(draft.model.figures['invest.actual']?.value).toBe('12600.06');
    expect(JSON.stringify(draft.model)).toContain('约1.26亿元');
    // the edits carry over into the new revision
    expect(JSON.stringify(draft.model)).toContain('举办首届科学城论坛分论坛2场。');
    const v1 = await getSummary(db, coord, s.id, { revision: 1 });
    expect(v1.frozen).toBe(true);
    expect(JSON.stringify(v1.model)).toBe(frozenText);
    expect(v1.model.figures['invest.actual']?.value).toBe('11900.06');
    // the frozen document downloads as it was
    const file = await t.app.inject({
      method: 'GET',
      url: `/api/documents/summaries/${s.id}/download?revision=1`,
      headers: leader.headers,
    });
    expect(file.statusCode).toBe(200);
    const text = await docxText(file.rawPayload);
    expect(text).toContain('1—6月累计完成投资约1.19亿元');
    expect(text).not.toContain('约1.26亿元');
    void reporterCtx;
    void unitB;
  });
});
