import { Decimal } from 'decimal.js';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { DefaultPeriod, Lineage, LineageFigure } from '../../../contracts/dispatch.ts';
import { percent } from '../../../domain/money.ts';
import { formatYearMonth, isoDateOf, type YearMonth } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { investmentPlans } from '../plans/plans.table.ts';
import type { ProjectFilter } from '../projects/projects.service.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { evaluateMonth } from '../warnings/warnings.service.ts';
import { Acc } from './dispatch.service.ts';

/**
 * A dashboard card's lineage: the projects whose figures make the card, each with its part of
 * that figure, and the total. Built from the same standings and the same accumulator as
 * dispatchFigures(), so the total is the card's figure under every filter by construction; the
 * web only prints it. Only projects with a plan for the year count in the card's sums.
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
  const standings = await evaluateMonth(db, ctx, opts);
  const acc = new Acc();
  const rows: Lineage['rows'] = [];
  for (const s of standings) {
    acc.add(s, i);
    const r = s.rollup;
    if (!r?.hasPlan) continue;
    const actual = new Decimal(r.actualCumulative[i]).toFixed(2);
    const timingTarget = new Decimal(r.timingTargets[i]).toFixed(2);
    const annualTarget = new Decimal(r.annualTarget).toFixed(2);
    const rate = percent(actual, timingTarget);
    const value =
      opts.figure === 'annualTarget'
        ? annualTarget
        : opts.figure === 'timingTarget'
          ? timingTarget
          : opts.figure === 'actual'
            ? actual
            : rate;
    rows.push({
      projectId: s.projectId,
      code: s.code,
      name: s.name,
      area: s.area,
      ownerUnit: s.ownerUnit,
      level: s.level,
      computedLevel: s.computedLevel,
      value,
      annualTarget,
      timingTarget,
      actual,
      rate,
      monthlyActual: r.actualCumulative
        .slice(0, i + 1)
        .map((c, m) => new Decimal(c).minus(m === 0 ? 0 : r.actualCumulative[m - 1]).toFixed(2)),
    });
  }
  // Largest part first; a rate's rows by their actual, since a rate alone does not add up.
  const key = (r: Lineage['rows'][number]) =>
    new Decimal(opts.figure === 'rate' ? r.actual : (r.value ?? 0));
  rows.sort((a, b) => key(b).comparedTo(key(a)) || a.code.localeCompare(b.code));
  const f = acc.figures();
  const total =
    opts.figure === 'annualTarget'
      ? f.annualTarget
      : opts.figure === 'timingTarget'
        ? f.timingTarget
        : opts.figure === 'actual'
          ? f.actual
          : f.rateVsTiming;
  const start = (opts.page - 1) * opts.pageSize;
  return {
    figure: opts.figure,
    through: formatYearMonth(opts.period),
    total,
    totalActual: f.actual,
    totalTimingTarget: f.timingTarget,
    totalAnnualTarget: f.annualTarget,
    count: rows.length,
    page: opts.page,
    pageSize: opts.pageSize,
    rows: rows.slice(start, start + opts.pageSize),
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
