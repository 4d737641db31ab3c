import { Decimal } from 'decimal.js';
import { and, type Column, desc, eq, sql } from 'drizzle-orm';
import type { DefaultPeriod, Lineage, LineageFigure } from '../../../contracts/dispatch.ts';
import { percent } from '../../../domain/money.ts';
import { formatYearMonth, isoDateOf, type YearMonth } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import { type Db, queryRows } from '../../db.ts';
import { investmentPlans } from '../plans/plans.table.ts';
import type { ProjectFilter } from '../projects/projects.service.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { figuresOf, type Sums, sumsSql } from './dispatch.service.ts';
import {
  finalLevelSql,
  levelKey,
  monthOf,
  readWithFreshLevels,
  staleSql,
  standingsFrom,
} from './levels.service.ts';
import { projectMonthLevels } from './levels.table.ts';
import { projectYearRollups } from './rollups.table.ts';

/**
 * A dashboard card's lineage: the projects whose figures make the card, each with its part of
 * that figure, a page at a time, and the total. The total is the same set-based sum over the
 * same FROM and WHERE as dispatchFigures() (sumsSql, standingsFrom), so it is the card's figure
 * under every filter by construction; the web only prints it. Only projects with a plan for
 * the year count in the card's sums, so only they are rows.
 */
export async function dispatchLineage(
  db: Db,
  ctx: Ctx,
  opts: {
    period: YearMonth;
    filter?: ProjectFilter;
    figure: LineageFigure;
    page: number;
    pageSize: number;
  },
): Promise<Lineage> {
  const i = opts.period.month - 1;
  const filter = opts.filter ?? {};
  const key = await levelKey(db, ctx, opts.period);
  const at = (col: Column) => monthOf(col, i);
  const orderBy =
    opts.figure === 'annualTarget'
      ? sql`${projectYearRollups.annualTarget}`
      : opts.figure === 'timingTarget'
        ? at(projectYearRollups.timingTargets)
        : at(projectYearRollups.actualCumulative);
  const from = standingsFrom(ctx, key, filter, { unitNames: true });
  // The total first: its row also says whether any level it counted was stale.
  const [sums] = await readWithFreshLevels(
    db,
    ctx,
    key,
    filter,
    () =>
      queryRows<Sums & { stale: number }>(
        db,
        sql`select ${sumsSql(i)}, count(*) filter (where ${staleSql(key)})::int as "stale" ${from}`,
      ),
    ([s]) => s.stale,
  );
  const rows = await queryRows<
    Omit<Lineage['rows'][number], 'value' | 'rate' | 'monthlyActual'> & { cumulative: string[] }
  >(
    db,
    sql`select projects.id as "projectId", projects.code as "code", projects.name as "name",
            areas.name as "area", units.name as "ownerUnit", ${finalLevelSql} as "level",
            ${projectMonthLevels.computedLevel} as "computedLevel",
            ${projectYearRollups.annualTarget}::text as "annualTarget",
            ${at(projectYearRollups.timingTargets)}::text as "timingTarget",
            ${at(projectYearRollups.actualCumulative)}::text as "actual",
            ${projectYearRollups.actualCumulative} as "cumulative"
          ${from} and ${projectYearRollups.hasPlan}
          order by ${orderBy} desc, projects.code
          limit ${opts.pageSize} offset ${(opts.page - 1) * opts.pageSize}`,
  );
  const f = figuresOf(sums);
  const total =
    opts.figure === 'annualTarget'
      ? f.annualTarget
      : opts.figure === 'timingTarget'
        ? f.timingTarget
        : opts.figure === 'actual'
          ? f.actual
          : f.rateVsTiming;
  return {
    figure: opts.figure,
    through: formatYearMonth(opts.period),
    total,
    totalActual: f.actual,
    totalTimingTarget: f.timingTarget,
    totalAnnualTarget: f.annualTarget,
    count: f.plannedProjects,
    page: opts.page,
    pageSize: opts.pageSize,
    rows: rows.map(({ cumulative, ...r }) => {
      const fixed = (v: string) => new Decimal(v).toFixed(2);
      const actual = fixed(r.actual);
      const timingTarget = fixed(r.timingTarget);
      const annualTarget = fixed(r.annualTarget);
      const rate = percent(actual, timingTarget);
      const value =
        opts.figure === 'annualTarget'
          ? annualTarget
          : opts.figure === 'timingTarget'
            ? timingTarget
            : opts.figure === 'actual'
              ? actual
              : rate;
      return {
        ...r,
        projectId: Number(r.projectId),
        value,
        annualTarget,
        timingTarget,
        actual,
        rate,
        monthlyActual: cumulative
          .slice(0, i + 1)
          .map((c, m) => new Decimal(c).minus(m === 0 ? 0 : cumulative[m - 1]).toFixed(2)),
      };
    }),
  };
}

/**
 * The month every page opens on, the same for every user of the office: the latest month with
 * approved figures in a year that has plans. A draft or a submitted report never moves it
 * (issue 15 item 1). An office without approved figures opens on the clock's month, kept
 * inside its latest planned year when it has one.
 */
export async function defaultPeriod(db: Db, ctx: Ctx): Promise<DefaultPeriod> {
  const officeId = ctx.actor.officeId;
  const [latest] = await db
    .select({ year: monthlyReports.year, month: sql<number>`max(${monthlyReports.month})` })
    .from(monthlyReports)
    .where(
      and(
        eq(monthlyReports.officeId, officeId),
        eq(monthlyReports.status, 'approved'),
        sql`exists (select 1 from ${investmentPlans} where ${investmentPlans.officeId} = ${officeId} and ${investmentPlans.year} = ${monthlyReports.year})`,
      ),
    )
    .groupBy(monthlyReports.year)
    .orderBy(desc(monthlyReports.year))
    .limit(1);
  if (latest) {
    const p = { year: latest.year, month: Number(latest.month) };
    return { ...p, through: formatYearMonth(p), source: 'approved' };
  }
  const today = isoDateOf(ctx.now);
  const clock = { year: Number(today.slice(0, 4)), month: Number(today.slice(5, 7)) };
  const planYears = await db
    .selectDistinct({ year: investmentPlans.year })
    .from(investmentPlans)
    .where(eq(investmentPlans.officeId, officeId))
    .orderBy(desc(investmentPlans.year));
  const y =
    planYears.find((p) => p.year <= clock.year)?.year ?? planYears.at(-1)?.year ?? clock.year;
  const p = {
    year: y,
    month: y === clock.year ? clock.month : y < clock.year ? 12 : 1,
  };
  return { ...p, through: formatYearMonth(p), source: 'clock' };
}
