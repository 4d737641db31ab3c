import { and, asc, desc, eq, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
  type ReviewQueue,
  type ReviewQueueQuery,
  reviewQueueQuery,
} from '../../../contracts/reports.ts';
import { wan } from '../../../domain/money.ts';
import { changePercent, monthPlanOf, reviewHints } from '../../../domain/review-hints.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { projectScope } from '../../policy.ts';
import { projectYearRollups } from '../dispatch/rollups.table.ts';
import { projects } from '../projects/projects.table.ts';
import { monthlyReports } from './reports.table.ts';

const last = alias(monthlyReports, 'last_month');

/**
 * The review queue: reports waiting for review in the caller's scope, newest month first, each
 * with the month before, its change, the month's plan and the plausibility hints, all worked
 * out here so the page renders them (it no longer fetches plans and months to divide them).
 */
export async function reviewQueue(
  db: Db,
  ctx: Ctx,
  raw: ReviewQueueQuery = {},
): Promise<ReviewQueue> {
  const q = reviewQueueQuery.parse(raw);
  const where = and(projectScope(ctx.actor), eq(monthlyReports.status, 'submitted'));
  const [rows, [count]] = await parallelReads(
    db,
    () =>
      db
        .select({
          report: monthlyReports,
          code: projects.code,
          name: projects.name,
          last: {
            investment: last.investment,
            progressPercent: last.progressPercent,
            status: last.status,
          },
          plan: {
            hasPlan: projectYearRollups.hasPlan,
            annualTarget: projectYearRollups.annualTarget,
            timingTargets: projectYearRollups.timingTargets,
          },
        })
        .from(monthlyReports)
        .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
        .leftJoin(
          last,
          and(
            eq(last.projectId, monthlyReports.projectId),
            or(
              and(
                sql`${monthlyReports.month} > 1`,
                eq(last.year, monthlyReports.year),
                eq(last.month, sql`${monthlyReports.month} - 1`),
              ),
              and(
                eq(monthlyReports.month, 1),
                eq(last.year, sql`${monthlyReports.year} - 1`),
                eq(last.month, 12),
              ),
            ),
          ),
        )
        .leftJoin(
          projectYearRollups,
          and(
            eq(projectYearRollups.projectId, monthlyReports.projectId),
            eq(projectYearRollups.year, monthlyReports.year),
          ),
        )
        .where(where)
        .orderBy(
          desc(monthlyReports.year),
          desc(monthlyReports.month),
          asc(projects.code),
          asc(monthlyReports.id),
        )
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
    () =>
      db
        .select({ n: sql<number>`count(*)::int` })
        .from(monthlyReports)
        .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
        .where(where),
  );
  return {
    total: count?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
    items: rows.map(({ report: r, code, name, last: l, plan: p }) => {
      const plan = p?.hasPlan
        ? { annualTarget: p.annualTarget, timingTargets: p.timingTargets }
        : null;
      const investment = wan(r.investment);
      const lastMonth = l
        ? { investment: wan(l.investment), progressPercent: l.progressPercent, status: l.status }
        : null;
      return {
        id: r.id,
        projectId: r.projectId,
        projectCode: code,
        projectName: name,
        year: r.year,
        month: r.month,
        investment,
        progressPercent: r.progressPercent,
        progressText: r.progressText,
        problems: r.problems,
        nextPlan: r.nextPlan,
        status: r.status,
        version: r.version,
        submittedAt: r.submittedAt ? r.submittedAt.toISOString() : null,
        last: lastMonth,
        changePercent: changePercent(investment, lastMonth?.investment),
        monthPlan: plan ? wan(monthPlanOf(plan, r.month)) : null,
        hints: reviewHints({
          month: r.month,
          investment,
          progressPercent: r.progressPercent,
          plan,
          last: lastMonth,
        }),
      };
    }),
  };
}
