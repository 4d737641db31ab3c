import { Decimal } from 'decimal.js';
import { and, eq, max } from 'drizzle-orm';
import { percent, wan } from '../../../domain/money.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { loadProjectFor } from '../projects/projects.service.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { projectYearRollups } from './rollups.table.ts';

export type ProjectMonth = {
  month: number;
  /** year-to-date approved investment through the month; null after the last approved month */
  cumulative: string | null;
  /** the plan's cumulative timing target for the month; null without a plan */
  target: string | null;
  /** cumulative / target with the one rounding rule (percent()); null when either is missing */
  rate: string | null;
};

/**
 * A project's twelve months for the project page's table and curve, from the same roll-ups
 * the dashboard and warnings read, so the page's December rate is the figure the warning
 * quotes, and the browser adds nothing up.
 */
export async function projectMonths(
  db: Db,
  ctx: Ctx,
  projectId: number,
  year: number,
): Promise<ProjectMonth[]> {
  await loadProjectFor(db, ctx, 'read', projectId);
  const [[rollup], [approved]] = await parallelReads(
    db,
    () =>
      db
        .select()
        .from(projectYearRollups)
        .where(and(eq(projectYearRollups.projectId, projectId), eq(projectYearRollups.year, year))),
    () =>
      db
        .select({ last: max(monthlyReports.month) })
        .from(monthlyReports)
        .where(
          and(
            eq(monthlyReports.projectId, projectId),
            eq(monthlyReports.year, year),
            eq(monthlyReports.status, 'approved'),
          ),
        ),
  );
  const last = approved?.last ?? 0;
  return Array.from({ length: 12 }, (_, i) => {
    const cumulative = rollup && i < last ? wan(rollup.actualCumulative[i] ?? '0') : null;
    const target = rollup?.hasPlan ? wan(rollup.timingTargets[i] ?? '0') : null;
    const rate =
      cumulative !== null && target !== null && new Decimal(target).greaterThan(0)
        ? percent(cumulative, target)
        : null;
    return { month: i + 1, cumulative, target, rate };
  });
}
