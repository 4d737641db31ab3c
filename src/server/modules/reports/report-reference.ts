import { Decimal } from 'decimal.js';
import { and, desc, eq, lt, ne, or } from 'drizzle-orm';
import { wan } from '../../../domain/money.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { projectYearRollups } from '../dispatch/rollups.table.ts';
import { loadProjectFor } from '../projects/projects.service.ts';
import { monthlyReports } from './reports.table.ts';

/** What a reporter looks at beside a month's form: the last report and the month's plan. */
export type ReportReference = {
  year: number;
  month: number;
  /** the latest report before this month that was handed in (not a draft), whatever its year */
  lastReport: {
    year: number;
    month: number;
    investment: string;
    progressPercent: string | null;
    status: string;
  } | null;
  /** the year's plan as it stands, null when the project has none for the year */
  plan: {
    annualTarget: string;
    /** this month's share: the cumulative timing target's rise over the month before */
    monthTarget: string;
    /** the cumulative timing target at this month's end */
    cumulativeTarget: string;
  } | null;
  /** approved investment from January to the month before */
  actualBefore: string;
};

/**
 * The reference a month's form shows, the same for a new month and a returned one: the form
 * never works it out from whichever reports happened to be loaded.
 */
export async function getReportReference(
  db: Db,
  ctx: Ctx,
  q: { projectId: number; year: number; month: number },
): Promise<ReportReference> {
  await loadProjectFor(db, ctx, 'read', q.projectId);
  const [last] = await db
    .select({
      year: monthlyReports.year,
      month: monthlyReports.month,
      investment: monthlyReports.investment,
      progressPercent: monthlyReports.progressPercent,
      status: monthlyReports.status,
    })
    .from(monthlyReports)
    .where(
      and(
        eq(monthlyReports.projectId, q.projectId),
        ne(monthlyReports.status, 'draft'),
        or(
          lt(monthlyReports.year, q.year),
          and(eq(monthlyReports.year, q.year), lt(monthlyReports.month, q.month)),
        ),
      ),
    )
    .orderBy(desc(monthlyReports.year), desc(monthlyReports.month))
    .limit(1);
  const [rollup] = await db
    .select()
    .from(projectYearRollups)
    .where(and(eq(projectYearRollups.projectId, q.projectId), eq(projectYearRollups.year, q.year)));
  const i = q.month - 1;
  const cumulative = rollup?.hasPlan ? new Decimal(rollup.timingTargets[i] ?? 0) : null;
  const before = i > 0 && rollup?.hasPlan ? new Decimal(rollup.timingTargets[i - 1] ?? 0) : null;
  return {
    year: q.year,
    month: q.month,
    lastReport: last
      ? {
          ...last,
          investment: wan(last.investment),
          progressPercent: last.progressPercent === null ? null : wan(last.progressPercent),
        }
      : null,
    plan:
      rollup?.hasPlan && cumulative
        ? {
            annualTarget: wan(rollup.annualTarget),
            monthTarget: wan(cumulative.minus(before ?? 0).toFixed(2)),
            cumulativeTarget: wan(cumulative.toFixed(2)),
          }
        : null,
    actualBefore: i > 0 && rollup ? wan(rollup.actualCumulative[i - 1] ?? '0') : '0.00',
  };
}
