import { sql } from 'drizzle-orm';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testContext } from '../../test/test-db.ts';
import type { Ctx } from '../server/context.ts';
import type { Database } from '../server/db.ts';
import { queryRows } from '../server/db.ts';
import { dispatchFigures } from '../server/modules/dispatch/dispatch.service.ts';
import { defaultPeriod } from '../server/modules/dispatch/lineage.service.ts';
import { verifyRollups } from '../server/modules/dispatch/rollups.service.ts';
import { renderDocx } from '../server/modules/documents/gbt9704-docx.ts';
import { buildSummary } from '../server/modules/documents/summary.service.ts';
import { summaryToDocument } from '../server/modules/documents/summary-document.ts';
import { forecastYear } from '../server/modules/forecast/forecast.service.ts';
import { listReports } from '../server/modules/reports/reports.service.ts';
import { warningHistory } from '../server/modules/warnings/warnings.service.ts';
import { CORE } from './catalog.ts';
import { loadDemo } from './demo-office.ts';

let database: Database;
let ctx: Ctx;
beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemo(database.db);
  ctx = await testContext(database, { role: 'leader' });
});
afterAll(() => database?.close());

describe('the demo office reproduces the seed through the dispatch figures', () => {
  it('core area H1 2023: 59 projects, 208.8亿 target, 104.91亿 actual, ahead of the timing target', async () => {
    const d = await dispatchFigures(database.db, ctx, {
      period: { year: 2023, month: 6 },
      filter: { area: CORE },
    });
    expect(d.projects).toBe(59);
    expect(d.annualTarget).toBe('2088000.00');
    expect(d.actual).toBe('1049100.00');
    expect(Number(d.rateVsTiming)).toBeGreaterThanOrEqual(100);
  });

  it('six-key projects through June 2023: 37, supervised 2, attention 4, on schedule 31', async () => {
    const d = await dispatchFigures(database.db, ctx, {
      period: { year: 2023, month: 6 },
      filter: { tag: '六重' },
    });
    expect(d.projects).toBe(37);
    expect(d.warnings).toEqual({ green: 31, yellow: 4, red: 2 });
    const red = d.flagged.filter((f) => f.level === 'red');
    expect(red.every((f) => f.reasons.length > 0)).toBe(true);
    // One yellow is a coordinator's override of a computed red, with its reason kept.
    const overridden = d.flagged.find((f) => f.computedLevel !== f.level);
    expect(overridden).toMatchObject({ computedLevel: 'red', level: 'yellow' });
    expect(overridden?.overrideReason).toContain('窗口指导');
  });

  it('city-invested projects Jan–May 2023: 12, 16.2亿, 40% above the start-of-year plan', async () => {
    const d = await dispatchFigures(database.db, ctx, {
      period: { year: 2023, month: 5 },
      filter: { tag: '市投市建' },
    });
    expect(d.projects).toBe(12);
    expect(d.actual).toBe('162000.00');
    expect(d.aboveInitialPlan).toBe('40.0');
    // the current plan was revised upward after the start of the year
    expect(Number(d.timingTarget)).toBeGreaterThan(Number(d.initialTimingTarget));
  });

  it('is a living office: other areas, 2024 data, returned and pending reports, history', async () => {
    const d = await dispatchFigures(database.db, ctx, { period: { year: 2024, month: 12 } });
    expect(d.byArea.map((a) => a.area)).toEqual(
      expect.arrayContaining([CORE, '光明云谷片区', '地铁六号线光明段', '科技创新集群']),
    );
    expect(Number(d.actual)).toBeGreaterThan(0);
    const pending = await listReports(database.db, ctx, {
      year: 2024,
      month: 12,
      status: 'submitted',
    });
    expect(pending.length).toBeGreaterThan(0);
    const returned = await listReports(database.db, ctx, {
      year: 2024,
      month: 12,
      status: 'returned',
    });
    expect(returned.length).toBeGreaterThan(0);
    const history = await warningHistory(database.db, ctx, d.flagged[0].projectId);
    expect(history.length).toBeGreaterThan(0);
  });

  it('keeps the roll-ups equal to a recomputation from the raw rows', async () => {
    const result = await verifyRollups(database.db);
    expect(result.differences).toEqual([]);
    expect(result.checked).toBeGreaterThan(100);
  });

  it('refuses to load into an office that already has projects', async () => {
    await expect(loadDemo(database.db)).rejects.toThrow(/已有项目/);
  });
});

// The half-year summary (issue 11) on the same demo: a second load would cost a minute.
describe('the demo office H1 2023 summary', () => {
  it('says what the seed says', async () => {
    const model = await buildSummary(database.db, ctx, { from: '2023-01-01', to: '2023-06-30' });
    expect(model.title).toBe('光明区科学城开发建设署2023年上半年工作总结和下半年工作计划');
    const zip = await JSZip.loadAsync(await renderDocx(summaryToDocument(model)));
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(text).toContain(
      '光明科学城核心片区。梳理重点项目59个，围绕年度208.80亿元的固投任务，多措并举，加强督办，上半年累计完成投资104.91亿元，超额完成固定资产投资时序任务',
    );
    expect(text).toContain('组织召开专责小组会议6次，协调解决问题21个，形成交办事项47项');
    expect(text).toContain('督办滞后项目2个、提请关注项目4个、推动按期建设项目31个');
    expect(text).toContain('12个市投市建项目1-5月固投完成额16.20亿元，较年初计划提升40%');
    expect(text).toContain('接待调研考察团155批次');
    expect(text).toContain('专题学习34次');
    expect(text).toContain('围绕6个方面，细化任务74项');
  });
});

// Issue 14 item 1: loaded on a day of the present, the office is in that day's year.
describe('the demo office loaded on 2026-11-29', () => {
  const today = new Date('2026-11-29T10:00:00+08:00');
  let present: Database;
  let leader: Ctx;
  const rows = async <T>(text: string) => queryRows<T>(present.db, sql.raw(text));
  beforeAll(async () => {
    present = await createTestDatabase();
    await loadDemo(present.db, { today });
    leader = await testContext(present, { role: 'leader', now: today });
  });
  afterAll(() => present?.close());

  it('keeps 2023 exactly as the seed', async () => {
    const core = await dispatchFigures(present.db, leader, {
      period: { year: 2023, month: 6 },
      filter: { area: CORE },
    });
    expect([core.projects, core.annualTarget, core.actual]).toEqual([
      59,
      '2088000.00',
      '1049100.00',
    ]);
    const six = await dispatchFigures(present.db, leader, {
      period: { year: 2023, month: 6 },
      filter: { tag: '六重' },
    });
    expect(six.warnings).toEqual({ green: 31, yellow: 4, red: 2 });
  });

  it('opens on last month of this year, with plans and a year-end forecast', async () => {
    const period = await defaultPeriod(present.db, leader);
    expect(period).toMatchObject({ year: 2026, month: 10, source: 'approved' });
    const d = await dispatchFigures(present.db, leader, { period });
    expect(d.plannedProjects).toBeGreaterThan(5);
    expect(Number(d.actual)).toBeGreaterThan(0);
    // every project still being built reported each month before the one in progress
    const [gaps] = await rows<{ n: number }>(
      `select count(*)::int as n from investment_plans pl
         cross join generate_series(1, 9) m
        where pl.year = 2026 and not exists (select 1 from monthly_reports r
          where r.project_id = pl.project_id and r.year = 2026 and r.month = m
            and r.status = 'approved')`,
    );
    expect(gaps.n).toBe(0);
    const f = await forecastYear(present.db, leader, { period });
    expect(f.projects.length).toBe(d.plannedProjects);
    expect(Number(f.expected)).toBeGreaterThan(Number(d.actual));
  });

  it('has the month in progress: approved, waiting, draft, returned and missing reports', async () => {
    const byStatus = await rows<{ status: string; n: number }>(
      `select status, count(*)::int as n from monthly_reports
        where year = 2026 and month = 10 group by status`,
    );
    expect(byStatus.map((r) => r.status).sort()).toEqual([
      'approved',
      'draft',
      'returned',
      'submitted',
    ]);
    const [missing] = await rows<{ n: number }>(
      `select count(*)::int as n from investment_plans pl where pl.year = 2026 and not exists
        (select 1 from monthly_reports r where r.project_id = pl.project_id
          and r.year = 2026 and r.month = 10)`,
    );
    expect(missing.n).toBeGreaterThan(0);
  });

  it('has milestones late now and milestones coming due, and nothing dated after today', async () => {
    const [m] = await rows<{ late: number; due: number }>(
      `select count(*) filter (where planned_date < '2026-11-01')::int as late,
              count(*) filter (where planned_date between '2026-11-29' and '2027-01-31')::int as due
         from milestones where actual_date is null and planned_date >= '2026-01-01'`,
    );
    expect(m.late).toBeGreaterThan(0);
    expect(m.due).toBeGreaterThan(0);
    const [latest] = await rows<{ at: string }>(
      `select greatest((select max(updated_at) from monthly_reports),
                       (select max(at) from warning_events),
                       (select max(updated_at) from projects))::text as at`,
    );
    expect(Date.parse(latest.at)).toBeLessThanOrEqual(today.getTime());
  });

  it('is the same office for the same day', async () => {
    const again = await createTestDatabase();
    try {
      await loadDemo(again.db, { today });
      const sums = (db: Database['db']) =>
        queryRows<{ s: string; n: number }>(
          db,
          sql.raw(
            `select sum(investment)::text as s, count(*)::int as n from monthly_reports where year >= 2025`,
          ),
        );
      expect(await sums(again.db)).toEqual(await sums(present.db));
    } finally {
      await again.close();
    }
  });
});
