import { Decimal } from 'decimal.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/test-app.ts';
import { systemActor } from '../offices/offices.service.ts';
import type { ProjectFilter } from '../projects/projects.service.ts';
import { groupSums, groupSumsFromTable } from './dispatch.service.ts';
import { levelKey } from './levels.service.ts';
import { verifyRollups } from './rollups.service.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;

let t: TestApp;

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) {
  const res = await t.app.inject({ method, url, payload });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json, raw: res.body };
}

const ids: Record<string, number> = {};
const linear = (step: number) => Array.from({ length: 12 }, (_, i) => String(step * (i + 1)));

async function createProject(code: string, areaId: number | null, tags: string[]) {
  const res = await call('POST', '/api/projects', { code, name: `项目${code}`, areaId, tags });
  expect(res.status, res.raw).toBe(201);
  ids[code] = res.body.id;
}

async function plan(code: string, annualTarget: string, timingTargets: string[], revise?: object) {
  const res = await call('PUT', `/api/projects/${code}/plans/2026`, {
    annualTarget,
    timingTargets,
    ...revise,
  });
  expect(res.status, res.raw).toBe(200);
}

async function report(
  code: string,
  month: number,
  investment: string,
  to: 'draft' | 'submitted' | 'approved' | 'returned',
) {
  const res = await call('POST', '/api/reports', {
    projectId: ids[code],
    year: 2026,
    month,
    investment,
    version: 0,
  });
  expect(res.status, res.raw).toBe(200);
  const id = res.body.id;
  const step = async (action: string, body: object = {}) =>
    expect((await call('POST', `/api/reports/${id}/${action}`, body)).status).toBe(200);
  if (to === 'draft') return;
  await step('submit');
  if (to === 'approved') await step('approve');
  if (to === 'returned') await step('return', { reason: '请补充凭证' });
}

async function milestone(code: string, kind: string, plannedDate: string, actualDate?: string) {
  const res = await call('POST', `/api/projects/${code}/milestones`, {
    kind,
    plannedDate,
    actualDate,
  });
  expect(res.status, res.raw).toBe(201);
}

async function archive(code: string, archived: boolean) {
  const current = (await call('GET', `/api/projects/${code}`)).body;
  const res = await call('POST', `/api/projects/${code}/archive`, {
    archived,
    version: current.version,
  });
  expect(res.status, res.raw).toBe(200);
}

async function dispatch(query: Record<string, string>) {
  const res = await call('GET', `/api/dispatch?${new URLSearchParams(query)}`);
  expect(res.status, res.raw).toBe(200);
  return res.body;
}

/** Exact sum of two-decimal strings through integer cents. */
const cents = (v: string) => BigInt(v.replace('.', ''));
const sum = (values: string[]) => {
  const total = values.reduce((a, v) => a + cents(v), 0n);
  const s = total.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
};

const FIGURE_KEYS = [
  'projects',
  'plannedProjects',
  'annualTarget',
  'timingTarget',
  'actual',
  'initialAnnualTarget',
  'initialTimingTarget',
] as const;

beforeAll(async () => {
  t = await createTestApp();
  const core = (await call('POST', '/api/areas', { name: 'D甲片区' })).body.id;
  const cloud = (await call('POST', '/api/areas', { name: 'D乙片区' })).body.id;

  await createProject('D-1', core, ['六重', '市投市建']);
  await plan('D-1', '1200', linear(100));
  await report('D-1', 3, '300.50', 'approved');
  await report('D-1', 5, '999', 'submitted');
  await report('D-1', 6, '250', 'approved');
  await milestone('D-1', 'approval', '2026-04-01', '2026-04-10');
  await milestone('D-1', 'start', '2026-07-15');

  await createProject('D-2', core, ['六重']);
  await plan('D-2', '2400', linear(200));
  await plan('D-2', '3000', linear(250), { reason: '增加建安投资', version: 1 });
  await report('D-2', 6, '1600', 'approved');

  await createProject('D-3', cloud, ['市投市建']);
  await plan('D-3', '600', linear(50));
  await report('D-3', 5, '70', 'returned');
  await report('D-3', 6, '100', 'approved');

  await createProject('D-4', cloud, []);
  await milestone('D-4', 'start', '2026-05-15');

  await createProject('D-5', null, ['六重']);
  await plan('D-5', '100', Array(12).fill('100'));

  await createProject('D-ARC', core, ['六重']);
  await plan('D-ARC', '1000', Array(12).fill('1000'));
  await report('D-ARC', 6, '500', 'approved');
  await milestone('D-ARC', 'permit', '2026-02-01');
  await archive('D-ARC', true);
});
afterAll(() => t.close());

describe('GET /api/dispatch', () => {
  it('sums plans, timing targets and approved actuals over planned projects; counts every project', async () => {
    const d = await dispatch({ through: '2026-06' });
    expect(d).toMatchObject({
      year: 2026,
      through: '2026-06',
      projects: 5,
      plannedProjects: 4,
      annualTarget: '4900.00',
      timingTarget: '2500.00',
      actual: '2250.50',
      initialAnnualTarget: '4300.00',
      initialTimingTarget: '2200.00',
      rateVsTiming: '90.0',
      rateVsAnnual: '45.9',
      aboveInitialPlan: '2.3',
      warnings: { green: 1, yellow: 1, red: 3 },
    });
  });

  it('splits by area (projects without one under 未分片区) and the areas add up to the totals', async () => {
    const d = await dispatch({ through: '2026-06' });
    expect(d.byArea.map((a: Json) => a.area)).toEqual(['D甲片区', 'D乙片区', '未分片区']);
    expect(d.byArea[0]).toMatchObject({
      projects: 2,
      plannedProjects: 2,
      annualTarget: '4200.00',
      timingTarget: '2100.00',
      actual: '2150.50',
      initialAnnualTarget: '3600.00',
      initialTimingTarget: '1800.00',
      warnings: { green: 1, yellow: 1, red: 0 },
    });
    expect(d.byArea[1]).toMatchObject({
      projects: 2,
      plannedProjects: 1,
      annualTarget: '600.00',
      timingTarget: '300.00',
      actual: '100.00',
      rateVsTiming: '33.3',
      warnings: { green: 0, yellow: 0, red: 2 },
    });
    expect(d.byArea[2]).toMatchObject({
      projects: 1,
      plannedProjects: 1,
      annualTarget: '100.00',
      actual: '0.00',
      rateVsTiming: '0.0',
      warnings: { green: 0, yellow: 0, red: 1 },
    });
    for (const key of FIGURE_KEYS) {
      const parts = d.byArea.map((a: Json) => a[key]);
      if (typeof d[key] === 'number') {
        expect(
          parts.reduce((x: number, y: number) => x + y, 0),
          key,
        ).toBe(d[key]);
      } else {
        expect(sum(parts), key).toBe(d[key]);
      }
    }
    for (const level of ['green', 'yellow', 'red']) {
      expect(d.byArea.reduce((n: number, a: Json) => n + a.warnings[level], 0)).toBe(
        d.warnings[level],
      );
    }
  });

  it('groups by tag, largest group first', async () => {
    const d = await dispatch({ through: '2026-06' });
    expect(d.byTag.map((g: Json) => [g.tag, g.projects])).toEqual([
      ['六重', 3],
      ['市投市建', 2],
    ]);
    expect(d.byTag[0]).toMatchObject({
      plannedProjects: 3,
      annualTarget: '4300.00',
      timingTarget: '2200.00',
      actual: '2150.50',
      warnings: { green: 1, yellow: 1, red: 1 },
    });
    expect(d.byTag[1]).toMatchObject({
      annualTarget: '1800.00',
      timingTarget: '900.00',
      actual: '650.50',
      initialTimingTarget: '900.00',
    });
  });

  it('gives a 12-month S-curve with no actual after the through month', async () => {
    const d = await dispatch({ through: '2026-06' });
    expect(d.series).toHaveLength(12);
    expect(d.series.map((s: Json) => s.month)).toEqual(linear(1).map(Number));
    expect(d.series.map((s: Json) => s.timingTarget)).toEqual(
      linear(400).map((v) => `${Number(v) + 100}.00`),
    );
    expect(d.series.map((s: Json) => s.actual)).toEqual([
      '0.00',
      '0.00',
      '300.50',
      '300.50',
      '300.50',
      '2250.50',
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    const march = await dispatch({ through: '2026-03' });
    expect(march).toMatchObject({ through: '2026-03', timingTarget: '1300.00', actual: '300.50' });
    expect(march.series.filter((s: Json) => s.actual !== null)).toHaveLength(3);
  });

  it('lists flagged projects worst first with their reasons, and overdue milestones', async () => {
    const d = await dispatch({ through: '2026-06' });
    expect(d.flagged.map((f: Json) => [f.code, f.level])).toEqual([
      ['D-3', 'red'],
      ['D-4', 'red'],
      ['D-5', 'red'],
      ['D-1', 'yellow'],
    ]);
    expect(d.flagged[3].reasons.map((r: Json) => [r.rule, r.level])).toEqual([
      ['investment', 'yellow'],
    ]);
    expect(d.flagged[3].reasons[0].zh).toContain('累计完成550.50万元，为时序目标600.00万元的91.');
    expect(d.overdueMilestones).toEqual([
      {
        projectId: ids['D-4'],
        code: 'D-4',
        name: '项目D-4',
        milestone: '开工',
        plannedDate: '2026-05-15',
        daysLate: 46,
        level: 'red',
        asOf: '2026-06-30',
      },
    ]);
  });

  it('filters by area: another area’s projects are left out of every figure', async () => {
    const d = await dispatch({ through: '2026-06', area: 'D乙片区' });
    expect(d).toMatchObject({
      projects: 2,
      plannedProjects: 1,
      annualTarget: '600.00',
      timingTarget: '300.00',
      actual: '100.00',
      warnings: { green: 0, yellow: 0, red: 2 },
    });
    expect(d.byArea.map((a: Json) => a.area)).toEqual(['D乙片区']);
    expect(d.flagged.map((f: Json) => f.code)).toEqual(['D-3', 'D-4']);
    expect(d.overdueMilestones.map((m: Json) => m.code)).toEqual(['D-4']);
    expect(d.series[5]).toEqual({ month: 6, timingTarget: '300.00', actual: '100.00' });

    const core = await dispatch({ through: '2026-06', area: 'D甲片区' });
    expect(core.flagged.map((f: Json) => f.code)).toEqual(['D-1']);
    expect(core.overdueMilestones).toEqual([]);
  });

  it('filters by tag', async () => {
    const d = await dispatch({ through: '2026-06', tag: '市投市建' });
    expect(d).toMatchObject({
      projects: 2,
      plannedProjects: 2,
      annualTarget: '1800.00',
      timingTarget: '900.00',
      actual: '650.50',
      warnings: { green: 0, yellow: 1, red: 1 },
    });
    expect(d.byArea.map((a: Json) => [a.area, a.projects])).toEqual([
      ['D甲片区', 1],
      ['D乙片区', 1],
    ]);
    const none = await dispatch({ through: '2026-06', tag: '没有这个标签' });
    expect(none).toMatchObject({
      projects: 0,
      plannedProjects: 0,
      actual: '0.00',
      rateVsTiming: null,
      byArea: [],
      byTag: [],
      flagged: [],
    });
  });

  it('leaves archived projects out, and takes them back in when restored', async () => {
    await archive('D-ARC', false);
    const restored = await dispatch({ through: '2026-06' });
    expect(restored).toMatchObject({ projects: 6, plannedProjects: 5, actual: '2750.50' });
    expect(restored.overdueMilestones.map((m: Json) => m.code)).toEqual(['D-ARC', 'D-4']);
    await archive('D-ARC', true);
    const again = await dispatch({ through: '2026-06' });
    expect(again).toMatchObject({ projects: 5, plannedProjects: 4, actual: '2250.50' });
    expect(again.flagged.map((f: Json) => f.code)).not.toContain('D-ARC');
    expect(again.overdueMilestones.map((m: Json) => m.code)).toEqual(['D-4']);
  });

  it('refuses a bad through month', async () => {
    expect((await call('GET', '/api/dispatch?through=2026-13')).status).toBe(400);
    expect((await call('GET', '/api/dispatch')).status).toBe(400);
  });
});

describe('GET /api/dispatch/rollups/verify', () => {
  it('finds no difference after plans, revisions, approvals, returns and archiving', async () => {
    const res = await call('GET', '/api/dispatch/rollups/verify');
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toEqual({ checked: 5, differences: [] });
  });

  it('still finds no difference after a late approval and a further revision', async () => {
    await report('D-5', 6, '40', 'approved');
    const d5 = (await call('GET', '/api/projects/D-5/plans/2026')).body;
    await plan('D-5', '200', Array(12).fill('200'), {
      reason: '追加投资计划',
      version: d5.version,
    });
    expect((await call('GET', '/api/dispatch/rollups/verify')).body).toEqual({
      checked: 5,
      differences: [],
    });
    const d = await dispatch({ through: '2026-06' });
    expect(d).toMatchObject({
      annualTarget: '5000.00',
      timingTarget: '2600.00',
      actual: '2290.50',
    });
  });

  it('finds no difference after a draft report of a project without a plan', async () => {
    await report('D-4', 6, '10', 'draft');
    const res = await call('GET', '/api/dispatch/rollups/verify');
    expect(res.body.differences).toEqual([]);
  });
});

describe('GET /api/dispatch/lineage (issue 15 item 2)', () => {
  const FILTERS: Record<string, string>[] = [
    {},
    { area: 'D甲片区' },
    { area: 'D乙片区' },
    { tag: '六重' },
    { tag: '市投市建' },
    { area: 'D甲片区', tag: '六重' },
    { area: 'D乙片区', tag: '市投市建' },
    { area: 'D乙片区', tag: '六重' },
  ];
  const CARDS = {
    annualTarget: 'annualTarget',
    timingTarget: 'timingTarget',
    actual: 'actual',
    rate: 'rateVsTiming',
  } as const;

  it('each card’s lineage lists that card’s rows and totals to the card, under every filter', async () => {
    for (const through of ['2026-03', '2026-06', '2026-12']) {
      for (const filter of FILTERS) {
        const d = await dispatch({ through, ...filter });
        for (const [figure, key] of Object.entries(CARDS)) {
          const rows: Json[] = [];
          let first: Json;
          for (let page = 1; ; page++) {
            const q = new URLSearchParams({
              through,
              ...filter,
              figure,
              page: String(page),
              pageSize: '2',
            });
            const res = await call('GET', `/api/dispatch/lineage?${q}`);
            expect(res.status, res.raw).toBe(200);
            first ??= res.body;
            rows.push(...res.body.rows);
            if (res.body.rows.length < 2) break;
          }
          const where = `${figure} ${through} ${JSON.stringify(filter)}`;
          expect(first.total, where).toBe(d[key]);
          expect(rows.length, where).toBe(first.count);
          expect(rows.length, where).toBe(d.plannedProjects);
          if (figure === 'rate') {
            expect(sum(rows.map((r) => r.actual)), where).toBe(d.actual);
            expect(sum(rows.map((r) => r.timingTarget)), where).toBe(d.timingTarget);
          } else {
            // the rows are the card's own figure: plan rows for the plan, not the completion
            expect(sum(rows.map((r) => r.value)), where).toBe(d[key]);
            expect(
              rows.every((r) => r.value === r[figure]),
              where,
            ).toBe(true);
          }
        }
      }
    }
  });

  it('lists the plan, not the completion, behind 年度计划', async () => {
    const l = (await call('GET', '/api/dispatch/lineage?through=2026-06&figure=annualTarget')).body;
    const d2 = l.rows.find((r: Json) => r.code === 'D-2');
    expect(d2.value).toBe('3000.00');
    expect(d2.actual).toBe('1600.00');
    expect(d2.monthlyActual).toEqual(['0.00', '0.00', '0.00', '0.00', '0.00', '1600.00']);
  });

  it('refuses an unknown figure naming the field', async () => {
    const res = await call('GET', '/api/dispatch/lineage?through=2026-06&figure=plan');
    expect(res.status).toBe(400);
    expect(res.raw).toContain('figure');
  });
});

describe('one milestone, one delay (issue 15 item 4)', () => {
  it('measures lateness at the month’s end, or today in a month not over, the same on every answer', async () => {
    // the test clock is 2026-11-24: December is not over, so lateness is measured today
    for (const [month, asOf, days] of [
      ['2026-06', '2026-06-30', 46],
      ['2026-12', '2026-11-24', 193],
    ] as const) {
      const d = await dispatch({ through: month });
      const o = d.overdueMilestones.find((x: Json) => x.code === 'D-4');
      expect(o).toMatchObject({ daysLate: days, asOf, level: 'red' });
      const ms = (await call('GET', `/api/projects/D-4/milestones?month=${month}`)).body;
      expect(ms[0].lateness).toEqual({ daysLate: days, asOf, level: 'red' });
      const w = (await call('GET', `/api/warnings?month=${month}`)).body;
      const reason = w
        .find((s: Json) => s.code === 'D-4')
        .reasons.find((r: Json) => r.rule === 'milestone');
      expect(reason.zh).toContain(`截至${asOf}未完成，滞后${days}天`);
      expect(reason.zh).not.toContain('2026-12-31');
    }
  });

  it('uses the office’s threshold for the level', async () => {
    const current = (await call('GET', '/api/settings/warnings')).body;
    const res = await call('PUT', '/api/settings/warnings', {
      ...current,
      milestoneRedAfterDays: 60,
    });
    expect(res.status, res.raw).toBe(200);
    const d = await dispatch({ through: '2026-06' });
    expect(d.overdueMilestones.find((x: Json) => x.code === 'D-4')).toMatchObject({
      daysLate: 46,
      level: 'yellow',
    });
    const ms = (await call('GET', '/api/projects/D-4/milestones?month=2026-06')).body;
    expect(ms[0].lateness.level).toBe('yellow');
    const back = (await call('GET', '/api/settings/warnings')).body;
    await call('PUT', '/api/settings/warnings', { ...back, milestoneRedAfterDays: 30 });
  });

  it('lists a project’s milestones in planned-date order (item 6)', async () => {
    await milestone('D-1', 'completion', '2026-03-01');
    const ms = (await call('GET', '/api/projects/D-1/milestones?month=2026-06')).body;
    expect(ms.map((m: Json) => m.plannedDate)).toEqual(['2026-03-01', '2026-04-01', '2026-07-15']);
    expect(ms.map((m: Json) => m.lateness?.daysLate ?? null)).toEqual([121, null, null]);
  });
});

describe('GET /api/dispatch/default-period (issue 15 item 1)', () => {
  it('is the latest month with approved figures in a planned year; drafts and submitted reports never move it', async () => {
    const period = async () => {
      const res = await call('GET', '/api/dispatch/default-period');
      expect(res.status, res.raw).toBe(200);
      return res.body;
    };
    expect(await period()).toEqual({
      year: 2026,
      month: 6,
      through: '2026-06',
      source: 'approved',
    });
    await createProject('D-6', null, []);
    await plan('D-6', '60', linear(5));
    await report('D-6', 11, '5', 'submitted');
    await report('D-6', 10, '5', 'draft');
    expect((await period()).through).toBe('2026-06');
    // an approved report of a year without plans does not move it either
    const res = await call('POST', '/api/reports', {
      projectId: ids['D-6'],
      year: 2025,
      month: 12,
      investment: '1',
      version: 0,
    });
    expect(res.status, res.raw).toBe(200);
    const submitted = await call('POST', `/api/reports/${res.body.id}/submit`, {});
    expect(submitted.status, submitted.raw).toBe(200);
    const approved = await call('POST', `/api/reports/${res.body.id}/approve`, {});
    expect(approved.status, approved.raw).toBe(200);
    expect((await period()).through).toBe('2026-06');
    // once the office approves November, November is everyone's month
    const list = (await call('GET', `/api/reports?projectId=${ids['D-6']}&year=2026`)).body;
    const nov = list.find((r: Json) => r.month === 11);
    expect((await call('POST', `/api/reports/${nov.id}/approve`, {})).status).toBe(200);
    expect(await period()).toEqual({
      year: 2026,
      month: 11,
      through: '2026-11',
      source: 'approved',
    });
  });
});

describe('GET /api/projects/:code/months/:year (one rate, computed once)', () => {
  it('gives the twelve months’ cumulative, target and half-up rate from the roll-ups', async () => {
    await createProject('D-M', null, []);
    await plan('D-M', '360', linear(30));
    await report('D-M', 1, '10', 'approved');
    await report('D-M', 2, '25.05', 'approved');
    await report('D-M', 3, '40', 'submitted');
    const res = await call('GET', '/api/projects/D-M/months/2026');
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toHaveLength(12);
    expect(res.body.slice(0, 3)).toEqual([
      { month: 1, cumulative: '10.00', target: '30.00', rate: '33.3' },
      // 35.05 / 60 = 58.416…: the submitted March report counts nowhere
      { month: 2, cumulative: '35.05', target: '60.00', rate: '58.4' },
      { month: 3, cumulative: null, target: '90.00', rate: null },
    ]);
    // The warning for February quotes the very rate the project page shows.
    const warnings = await call('GET', '/api/warnings?month=2026-02');
    const standing = warnings.body.find((w: { code: string }) => w.code === 'D-M');
    expect(JSON.stringify(standing.reasons)).toContain('58.4%');
  });

  it('answers 404 for an unknown project and 400 for a bad year, naming the field', async () => {
    expect((await call('GET', '/api/projects/NOPE/months/2026')).status).toBe(404);
    const bad = await call('GET', '/api/projects/D-M/months/20x6');
    expect(bad.status).toBe(400);
    expect(bad.raw).toContain('year');
  });
});

describe('group sums kept by the database (issue 12)', () => {
  const system = () => ({ actor: systemActor(t.officeId), now: t.clock.now });
  /** each group's row, as both ways read it, in one order and with amounts normalised */
  async function both(filter: ProjectFilter, month: number) {
    const key = await levelKey(t.database.db, system(), { year: 2026, month });
    const norm = (rows: Record<string, unknown>[]) =>
      rows
        .map((r) =>
          Object.fromEntries(
            Object.entries(r).map(([k, v]) => [
              k,
              typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? new Decimal(v).toFixed(2) : v,
            ]),
          ),
        )
        .sort((a, b) =>
          JSON.stringify([a.area, a.tags]).localeCompare(JSON.stringify([b.area, b.tags])),
        );
    return {
      table: norm(await groupSumsFromTable(t.database.db, system(), key, filter)),
      projects: norm(await groupSums(t.database.db, system(), key, filter)),
    };
  }
  async function expectSame() {
    for (const filter of [
      {},
      { area: 'D甲片区' },
      { area: 'D乙片区' },
      { tag: '六重' },
      { tag: '市投市建' },
    ]) {
      for (const month of [1, 6, 12]) {
        const { table, projects } = await both(filter, month);
        expect(table, `${JSON.stringify(filter)} month ${month}`).toEqual(projects);
      }
    }
    expect((await verifyRollups(t.database.db, t.officeId, t.clock.now)).differences).toEqual([]);
  }
  async function patch(code: string, body: object) {
    const current = (await call('GET', `/api/projects/${code}`)).body;
    const res = await call('PATCH', `/api/projects/${code}`, { ...body, version: current.version });
    expect(res.status, res.raw).toBe(200);
  }

  it('give every group the same figures as adding up the projects, through moves, archiving and approvals', async () => {
    const { table } = await both({}, 6);
    expect(table.length).toBeGreaterThan(3);
    await expectSame();
    const cloud = (await call('GET', `/api/projects/D-3`)).body.areaId;
    await patch('D-1', { areaId: cloud });
    await expectSame();
    await patch('D-1', { tags: ['六重'] });
    await expectSame();
    await patch('D-2', { areaId: null, tags: [] });
    await expectSame();
    await archive('D-3', true);
    await expectSame();
    await archive('D-ARC', false);
    await expectSame();
    await report('D-5', 9, '42.42', 'approved');
    const d5 = (await call('GET', '/api/projects/D-5/plans/2026')).body;
    await plan('D-5', '250', Array(12).fill('250'), { reason: '调增', version: d5.version });
    await expectSame();
    // put things back as the other tests found them
    await archive('D-ARC', true);
    await archive('D-3', false);
    const core = (await call('GET', `/api/projects/D-ARC`)).body.areaId;
    await patch('D-2', { areaId: core, tags: ['六重'] });
    await patch('D-1', { areaId: core, tags: ['六重', '市投市建'] });
    await expectSame();
  });

  it('are what the dashboard answers: the same figures under a filter the table cannot serve', async () => {
    // a unit filter goes project by project; no unit set anywhere here, so "no unit" would not
    // work: compare one area both ways through the service instead
    const key = await levelKey(t.database.db, system(), { year: 2026, month: 6 });
    const fast = await groupSumsFromTable(t.database.db, system(), key, { area: 'D甲片区' });
    const slow = await groupSums(t.database.db, system(), key, { area: 'D甲片区', q: 'D-' });
    const total = (rows: { actual: string }[]) =>
      rows.reduce((s, r) => s.plus(r.actual), new Decimal(0)).toFixed(2);
    expect(total(fast)).toBe(total(slow));
    expect(Number(total(fast))).toBeGreaterThan(0);
  });

  it('rollup verify names a group whose sums were changed behind its back', async () => {
    await t.database.db.execute(
      sql`update group_month_sums set actual_cumulative = actual_cumulative + 1
          where year = 2026 and month = 6 and 'D甲片区' = (select name from areas where id = area_id)`,
    );
    const { differences } = await verifyRollups(t.database.db, t.officeId, t.clock.now);
    expect(differences.length).toBeGreaterThan(0);
    expect(differences[0]).toMatch(/^D甲片区 \[.*\] 2026-06: 分组汇总与项目汇总不符/);
    await t.database.db.execute(
      sql`update group_month_sums set actual_cumulative = actual_cumulative - 1
          where year = 2026 and month = 6 and 'D甲片区' = (select name from areas where id = area_id)`,
    );
    expect((await verifyRollups(t.database.db, t.officeId, t.clock.now)).differences).toEqual([]);
  });
});
