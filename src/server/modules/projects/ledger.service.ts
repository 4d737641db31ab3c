import { and, isNull, sql } from 'drizzle-orm';
import type {
  ProjectListOutput,
  ProjectListQuery,
  ProjectOutput,
  ProjectStandingOutput,
} from '../../../contracts/projects.ts';
import { sumWan } from '../../../domain/money.ts';
import { formatYearMonth, parseYearMonth, type YearMonth } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { projectScope } from '../../policy.ts';
import { defaultPeriod } from '../dispatch/lineage.service.ts';
import { evaluateMonth } from '../warnings/warnings.service.ts';
import { getProjectByCode, listProjects, type ProjectView } from './projects.service.ts';
import { projects } from './projects.table.ts';

/** A project as the API answers it: the view with its timestamps as ISO 8601 strings. */
export function projectOutputOf(p: ProjectView): ProjectOutput {
  return {
    ...p,
    archivedAt: p.archivedAt ? p.archivedAt.toISOString() : null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/**
 * The ledger's page: the projects with, for a month, their figures and their warning level,
 * evaluated for this page's projects only (never the whole office to decorate 50 rows).
 */
export async function listLedger(
  db: Db,
  ctx: Ctx,
  query: ProjectListQuery,
): Promise<ProjectListOutput> {
  const page = await listProjects(db, ctx, query);
  const items = page.items.map((p) => ({ ...p, ...projectOutputOf(p) }));
  const pageTotals = {
    totalInvestment: sumWan(items.map((p) => p.totalInvestment)),
    annualTarget: query.month ? sumWan(items.map((p) => p.figures?.annualTarget ?? null)) : null,
    actualCumulative: query.month
      ? sumWan(items.map((p) => p.figures?.actualCumulative ?? null))
      : null,
  };
  if (!query.month || items.length === 0) return { ...page, pageTotals, items };
  const standings = await evaluateMonth(db, ctx, {
    period: parseYearMonth(query.month)!,
    projectIds: items.map((p) => p.id),
  });
  const byId = new Map(standings.map((s) => [s.projectId, s]));
  return {
    ...page,
    pageTotals,
    items: items.map((p) => {
      const s = byId.get(p.id);
      return {
        ...p,
        standing: s ? { level: s.level, computedLevel: s.computedLevel, reasons: s.reasons } : null,
      };
    }),
  };
}

/**
 * One project's standing for a month (the office's default month when none is given), as the
 * warnings list says it, evaluated for this project alone. Another unit's project is a 404.
 */
export async function projectStanding(
  db: Db,
  ctx: Ctx,
  code: string,
  month?: string,
): Promise<ProjectStandingOutput> {
  const project = await getProjectByCode(db, ctx, code);
  const period: YearMonth = month ? parseYearMonth(month)! : await defaultPeriod(db, ctx);
  const [s] = await evaluateMonth(db, ctx, { period, projectIds: [project.id] });
  return {
    projectId: project.id,
    code: project.code,
    month: formatYearMonth(period),
    standing: s
      ? {
          level: s.level,
          computedLevel: s.computedLevel,
          reasons: s.reasons,
          override: s.overrideLevel ? { level: s.overrideLevel, reason: s.overrideReason } : null,
        }
      : null,
  };
}

/** Every tag on the caller's non-archived projects, once each, sorted: the filters' choices. */
export async function listProjectTags(db: Db, ctx: Ctx): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tag: sql<string>`unnest(${projects.tags})` })
    .from(projects)
    .where(and(projectScope(ctx.actor), isNull(projects.archivedAt)));
  // sorted here, not by the database's collation, so both engines answer in one order
  return rows.map((r) => r.tag).sort();
}
