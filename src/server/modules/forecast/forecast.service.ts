import { Decimal } from 'decimal.js';
import { and, isNull, sql } from 'drizzle-orm';
import type { ForecastResult } from '../../../contracts/forecast.ts';
import {
  absolutePercentageError,
  buildShareModel,
  continuation,
  forecastProject,
  type HistoryYear,
  median,
  type ProjectForecast,
  sumForecasts,
} from '../../../domain/forecast.ts';
import { formatYearMonth, type YearMonth, yearMonthOf } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import { type Db, queryRows } from '../../db.ts';
import { projectScope } from '../../policy.ts';
import { monthOf } from '../dispatch/levels.service.ts';
import { projectYearRollups } from '../dispatch/rollups.table.ts';
import { type ProjectFilter, projectFilterSql } from '../projects/projects.service.ts';
import { projects } from '../projects/projects.table.ts';

export type { ForecastResult };

const NO_AREA = '未分片区';

type CurrentRow = {
  code: string;
  name: string;
  area: string | null;
  category: string | null;
  tags: string[];
  annualTarget: string;
  actual: string;
};

/**
 * The year's planned projects under the actor's scope and the filter, each with its annual
 * target and its approved actual through the month: one set-based read of the roll-ups. Only
 * projects with a plan for the year count, as in every money figure of the dashboard, so the
 * forecast's actual is the dashboard's.
 */
async function currentProjects(
  db: Db,
  ctx: Ctx,
  period: YearMonth,
  filter: ProjectFilter,
  code?: string,
): Promise<CurrentRow[]> {
  const where = and(
    projectScope(ctx.actor),
    isNull(projects.archivedAt),
    ...projectFilterSql(filter),
    code === undefined ? undefined : sql`${projects.code} = ${code}`,
  );
  return queryRows<CurrentRow>(
    db,
    sql`select projects.code as "code", projects.name as "name", areas.name as "area",
          categories.name as "category", projects.tags as "tags",
          ${projectYearRollups.annualTarget}::text as "annualTarget",
          ${monthOf(projectYearRollups.actualCumulative, period.month - 1)}::text as "actual"
        from projects
        join ${projectYearRollups} on ${projectYearRollups.projectId} = projects.id
          and ${projectYearRollups.year} = ${period.year} and ${projectYearRollups.hasPlan}
        left join areas on areas.id = projects.area_id
        left join categories on categories.id = projects.category_id
        ${filter.unit ? sql`left join units on units.id = projects.owner_unit_id` : sql``}
        where ${where}
        order by projects.code`,
  );
}

/**
 * The finished years (before the clock's year) with planned roll-ups, other than `year`: the
 * office's own history. A year still running is no history: its "year-end" is not in yet.
 */
export async function historyYearsFor(db: Db, ctx: Ctx, year: number): Promise<number[]> {
  const current = yearMonthOf(ctx.now).year;
  const rows = await queryRows<{ year: number }>(
    db,
    sql`select distinct ${projectYearRollups.year} as "year" from ${projectYearRollups}
        where ${projectYearRollups.officeId} = ${ctx.actor.officeId} and ${projectYearRollups.hasPlan}
          and ${projectYearRollups.year} < ${current} and ${projectYearRollups.year} <> ${year}
        order by 1`,
  );
  return rows.map((r) => Number(r.year));
}

/**
 * Every planned project-year of the given years in the office, with its category: what the
 * usual shares are learnt from. The whole office's, whatever the caller's scope or filter, so
 * one project gets the same forecast on every page and for every reader; only shares leave
 * this function, never another unit's figures.
 */
async function historyOf(db: Db, ctx: Ctx, years: number[]): Promise<HistoryYear[]> {
  if (years.length === 0) return [];
  const rows = await queryRows<{
    category: string | null;
    annualTarget: string;
    actualCumulative: string[];
  }>(
    db,
    sql`select categories.name as "category",
          ${projectYearRollups.annualTarget}::text as "annualTarget",
          ${projectYearRollups.actualCumulative} as "actualCumulative"
        from ${projectYearRollups}
        join projects on projects.id = ${projectYearRollups.projectId}
        left join categories on categories.id = projects.category_id
        where ${projectYearRollups.officeId} = ${ctx.actor.officeId} and ${projectYearRollups.hasPlan}
          and ${projectYearRollups.year} in (${sql.join(
            years.map((y) => sql`${y}`),
            sql`, `,
          )})`,
  );
  return rows.map((r) => ({
    category: r.category ?? null,
    annualTarget: r.annualTarget,
    // jsonb numbers or strings alike: Decimal reads their text.
    actualCumulative: r.actualCumulative.map((v) => String(v)),
  }));
}

/**
 * The year-end forecast (全年预计完成) through a month: per project and in total, expected with
 * a low–high band and the gap to the annual target, by area and tag, and the S-curve's
 * continuation. `historyYears` defaults to the office's finished years other than this one.
 */
export async function forecastYear(
  db: Db,
  ctx: Ctx,
  opts: { period: YearMonth; filter?: ProjectFilter; project?: string; historyYears?: number[] },
): Promise<ForecastResult> {
  const { period } = opts;
  const historyYears = opts.historyYears ?? (await historyYearsFor(db, ctx, period.year));
  const [current, history] = await Promise.all([
    currentProjects(db, ctx, period, opts.filter ?? {}, opts.project),
    historyOf(db, ctx, historyYears),
  ]);
  const model = buildShareModel(history);
  const forecasts = current.map((p) => ({ row: p, f: forecastProject(model, p, period.month) }));
  const totals = sumForecasts(forecasts.map((x) => x.f));

  const byArea = new Map<string, ProjectForecast[]>();
  const byTag = new Map<string, ProjectForecast[]>();
  for (const { row, f } of forecasts) {
    const area = row.area ?? NO_AREA;
    byArea.set(area, [...(byArea.get(area) ?? []), f]);
    for (const tag of row.tags) byTag.set(tag, [...(byTag.get(tag) ?? []), f]);
  }
  return {
    year: period.year,
    through: formatYearMonth(period),
    ...totals,
    basis: model.samples > 0 ? 'history' : 'none',
    historyYears: model.samples > 0 ? historyYears : [],
    samples: model.samples,
    projects: forecasts.map(({ row, f }) => ({
      code: f.code,
      name: row.name,
      area: row.area ?? null,
      category: row.category ?? null,
      basis: f.basis,
      method: f.method,
      annualTarget: f.annualTarget,
      actual: f.actual,
      expected: f.expected,
      low: f.low,
      high: f.high,
      gap: f.gap,
    })),
    byArea: [...byArea].map(([area, list]) => ({
      area,
      projects: list.length,
      ...sumForecasts(list),
    })),
    byTag: [...byTag]
      .map(([tag, list]) => ({ tag, projects: list.length, ...sumForecasts(list) }))
      .sort((a, b) => b.projects - a.projects || a.tag.localeCompare(b.tag)),
    series: continuation(model, totals, period.month),
  };
}

export type BacktestRow = {
  year: number;
  month: number;
  historyYears: number[];
  projects: number;
  /** the year's approved total at December */
  finalTotal: string;
  expectedTotal: string | null;
  lowTotal: string | null;
  highTotal: string | null;
  /** |expected − final| ÷ final of the total, as a fraction */
  totalApe: string | null;
  /** the median over projects (those that ended above zero) of their APE */
  medianProjectApe: string | null;
  /** whether the final total lay inside [low, high] */
  inBand: boolean | null;
};

export type Backtest = {
  rows: BacktestRow[];
  /** per month: the mean over years of the total's APE and of the median project's APE, in % */
  summary: {
    month: number;
    totalMape: string | null;
    medianProjectMape: string | null;
    /** of the years forecast at this month, how many had their December total inside the band */
    inBand: number;
    years: number;
  }[];
};

/**
 * Leave-one-out backtest: each finished year with a plan is forecast at each month from the
 * other years only, and compared with its own December figures.
 */
export async function forecastBacktest(
  db: Db,
  ctx: Ctx,
  months: number[] = [3, 6, 9],
): Promise<Backtest> {
  const years = await historyYearsFor(db, ctx, -1);
  const rows: BacktestRow[] = [];
  for (const year of years) {
    const others = years.filter((y) => y !== year);
    const final = await forecastYear(db, ctx, { period: { year, month: 12 }, historyYears: [] });
    const finals = new Map(final.projects.map((p) => [p.code, p.actual]));
    for (const month of months) {
      const f = await forecastYear(db, ctx, { period: { year, month }, historyYears: others });
      const apes = f.projects.flatMap((p) => {
        const e =
          p.expected === null ? null : absolutePercentageError(p.expected, finals.get(p.code)!);
        return e === null ? [] : [e];
      });
      const totalApe =
        f.expected === null ? null : absolutePercentageError(f.expected, final.actual);
      const mid = median(apes);
      rows.push({
        year,
        month,
        historyYears: others,
        projects: f.projects.length,
        finalTotal: final.actual,
        expectedTotal: f.expected,
        lowTotal: f.low,
        highTotal: f.high,
        totalApe: totalApe?.toFixed(6) ?? null,
        medianProjectApe: mid?.toFixed(6) ?? null,
        inBand:
          f.low === null || f.high === null
            ? null
            : new Decimal(final.actual).greaterThanOrEqualTo(f.low) &&
              new Decimal(final.actual).lessThanOrEqualTo(f.high),
      });
    }
  }
  const mean = (xs: (string | null)[]) => {
    const vals = xs.filter((x): x is string => x !== null);
    if (vals.length === 0) return null;
    return vals
      .reduce((s, v) => s.plus(v), new Decimal(0))
      .div(vals.length)
      .times(100)
      .toFixed(1);
  };
  const summary = months.map((month) => {
    const at = rows.filter((r) => r.month === month);
    return {
      month,
      totalMape: mean(at.map((r) => r.totalApe)),
      medianProjectMape: mean(at.map((r) => r.medianProjectApe)),
      inBand: at.filter((r) => r.inBand === true).length,
      years: at.length,
    };
  });
  return { rows, summary };
}
