import { and, asc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import {
  type DispatchCounts,
  NOT_REPORTED_LIST_LIMIT,
} from '../../../contracts/dispatch-counts.ts';
import { formatYearMonth, type YearMonth } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { projectScope } from '../../policy.ts';
import {
  owesReportSql,
  type ProjectFilter,
  projectFilterSql,
} from '../projects/projects.service.ts';
import { projects } from '../projects/projects.table.ts';
import { projectsWithNames } from '../projects/projects-with-names.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { units } from '../units/units.table.ts';

/**
 * The SQL of isReportDue() and of "reported" for a month: a project being prepared or built with
 * a plan for the year that has no report submitted or approved for the month (a draft or a
 * returned report is not handed in).
 */
function notReportedSql(at: YearMonth): SQL {
  return and(
    owesReportSql(at),
    sql`not exists (
      select 1 from ${monthlyReports} m
      where m.project_id = ${projects.id} and m.year = ${at.year} and m.month = ${at.month}
        and m.status in ('submitted', 'approved'))`,
  )!;
}

/**
 * The dashboard's counts, counted in SQL over the caller's projects and the filter: reports
 * waiting for review, and projects that owe the month's report and have not handed it in
 * (whatever a coordinator made of their warning level). The count never stops at a page.
 */
export async function dispatchCounts(
  db: Db,
  ctx: Ctx,
  opts: { period: YearMonth; filter?: ProjectFilter },
): Promise<DispatchCounts> {
  const scope = [
    projectScope(ctx.actor),
    isNull(projects.archivedAt),
    ...projectFilterSql(opts.filter ?? {}),
  ];
  const [[awaiting], missing] = await parallelReads(
    db,
    () =>
      projectsWithNames(db, { n: sql<number>`count(*)::int` })
        .innerJoin(monthlyReports, eq(monthlyReports.projectId, projects.id))
        .where(and(...scope, eq(monthlyReports.status, 'submitted'))),
    () =>
      projectsWithNames(db, {
        projectId: projects.id,
        code: projects.code,
        name: projects.name,
        ownerUnit: units.name,
        total: sql<number>`(count(*) over ())::int`,
      })
        .where(and(...scope, notReportedSql(opts.period)))
        .orderBy(asc(projects.code))
        .limit(NOT_REPORTED_LIST_LIMIT),
  );
  return {
    through: formatYearMonth(opts.period),
    reportsAwaitingReview: awaiting?.n ?? 0,
    notReported: missing[0]?.total ?? 0,
    notReportedProjects: missing.map(({ total: _t, ...p }) => p),
  };
}
