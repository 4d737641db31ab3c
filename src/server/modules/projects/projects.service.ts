import { and, asc, eq, ilike, inArray, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import {
  type ProjectListQuery,
  type ProjectPatch,
  projectInput,
  projectListQuery,
  projectPatch,
} from '../../../contracts/projects.ts';
import { percent, wan } from '../../../domain/money.ts';
import { parseYearMonth } from '../../../domain/periods.ts';
import { PHASES_NOT_DUE } from '../../../domain/reporting-duty.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound, staleVersion } from '../../errors.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { assertCan, projectScope } from '../../policy.ts';
import { projectYearRollups } from '../dispatch/rollups.table.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { units } from '../units/units.table.ts';
import { areas, categories, projects } from './projects.table.ts';
import { projectNames, projectsWithNames } from './projects-with-names.ts';

export type ProjectRow = typeof projects.$inferSelect;

/** A project as the API, the CLI and the exports show it: ids resolved to names. */
export type ProjectView = Omit<ProjectRow, 'totalInvestment'> & {
  totalInvestment: string | null;
  areaName: string | null;
  categoryName: string | null;
  ownerUnitName: string | null;
};

const projectNotFound = (key: string | number) => notFound('project', '项目', key);

const viewColumns = { project: projects, ...projectNames };

function toView(row: {
  project: ProjectRow;
  areaName: string | null;
  categoryName: string | null;
  ownerUnitName: string | null;
}): ProjectView {
  const { project, ...names } = row;
  return {
    ...project,
    totalInvestment: project.totalInvestment === null ? null : wan(project.totalInvestment),
    ...names,
  };
}

function viewQuery(db: Db) {
  return projectsWithNames(db, viewColumns);
}

async function assertReferences(
  db: Db,
  ctx: Ctx,
  input: { areaId?: number | null; categoryId?: number | null; ownerUnitId?: number | null },
) {
  const office = ctx.actor.officeId;
  const checks: [
    number | null | undefined,
    typeof areas | typeof categories | typeof units,
    string,
    string,
  ][] = [
    [input.areaId, areas, 'areaId', '片区'],
    [input.categoryId, categories, 'categoryId', '项目类别'],
    [input.ownerUnitId, units, 'ownerUnitId', '建设单位'],
  ];
  for (const [value, table, field, zh] of checks) {
    if (value == null) continue;
    const [found] = await db
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.id, value), eq(table.officeId, office)));
    if (!found) {
      throw new AppError(`${field}.invalid`, `${zh}（${value}）不存在`, {
        field,
        messageEn: `${field} ${value} does not exist`,
      });
    }
  }
}

function assertDates(input: { plannedStart?: string | null; plannedFinish?: string | null }) {
  if (input.plannedStart && input.plannedFinish && input.plannedFinish < input.plannedStart) {
    throw new AppError('project.dates_invalid', '计划竣工时间不能早于计划开工时间', {
      field: 'plannedFinish',
      messageEn: 'planned finish must not be before planned start',
    });
  }
}

export async function createProject(db: Db, ctx: Ctx, raw: unknown): Promise<ProjectView> {
  const input = projectInput.parse(raw);
  assertCan(ctx.actor, 'ledger.write', undefined, () => projectNotFound(input.code));
  assertDates(input);
  await assertReferences(db, ctx, input);
  const [row] = await db
    .insert(projects)
    .values({
      ...input,
      tags: [...new Set(input.tags)],
      officeId: ctx.actor.officeId,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      updatedBy: ctx.actor.name,
    })
    .onConflictDoNothing()
    .returning({ id: projects.id });
  if (!row) {
    throw new AppError('project.duplicate', `项目编号“${input.code}”已存在`, {
      field: 'code',
      messageEn: `project code "${input.code}" already exists`,
    });
  }
  return getProjectById(db, ctx, row.id);
}

export async function getProjectById(db: Db, ctx: Ctx, id: number): Promise<ProjectView> {
  const [row] = await viewQuery(db).where(and(eq(projects.id, id), projectScope(ctx.actor)));
  if (!row) throw projectNotFound(id);
  return toView(row);
}

export async function getProjectByCode(db: Db, ctx: Ctx, code: string): Promise<ProjectView> {
  const [row] = await viewQuery(db).where(and(eq(projects.code, code), projectScope(ctx.actor)));
  if (!row) throw projectNotFound(code);
  return toView(row);
}

/** Loads a project for a write: 404 outside the actor's scope, 403 when the role may not. */
export async function loadProjectFor(
  db: Db,
  ctx: Ctx,
  action: Parameters<typeof assertCan>[1],
  projectId: number,
): Promise<ProjectRow> {
  const [row] = await db
    .select()
    .from(projects)
    .where(and(eq(projects.id, projectId), eq(projects.officeId, ctx.actor.officeId)));
  if (!row) throw projectNotFound(projectId);
  assertCan(ctx.actor, action, row.ownerUnitId, () => projectNotFound(projectId));
  return row;
}

export async function updateProject(
  db: Db,
  ctx: Ctx,
  projectId: number,
  raw: ProjectPatch,
): Promise<ProjectView> {
  const { version, ...patch } = projectPatch.parse(raw);
  const current = await loadProjectFor(db, ctx, 'ledger.write', projectId);
  assertDates({
    plannedStart: patch.plannedStart === undefined ? current.plannedStart : patch.plannedStart,
    plannedFinish: patch.plannedFinish === undefined ? current.plannedFinish : patch.plannedFinish,
  });
  await assertReferences(db, ctx, patch);
  if (patch.tags) patch.tags = [...new Set(patch.tags)];
  const updated = await db
    .update(projects)
    .set({ ...patch, version: version + 1, updatedAt: ctx.now, updatedBy: ctx.actor.name })
    .where(and(eq(projects.id, projectId), eq(projects.version, version)))
    .returning({ id: projects.id })
    .catch((e: unknown) => {
      if (
        String(
          (e as { cause?: { code?: string } })?.cause?.code ?? (e as { code?: string }).code,
        ) === '23505'
      ) {
        throw new AppError('project.duplicate', `项目编号“${patch.code}”已存在`, {
          field: 'code',
          messageEn: `project code "${patch.code}" already exists`,
        });
      }
      throw e;
    });
  if (updated.length === 0) throw staleVersion('project', current);
  return getProjectById(db, ctx, projectId);
}

/** Archiving hides a project from lists and figures but keeps it and its history. */
export async function setProjectArchived(
  db: Db,
  ctx: Ctx,
  projectId: number,
  archived: boolean,
  version: number,
): Promise<ProjectView> {
  const current = await loadProjectFor(db, ctx, 'ledger.write', projectId);
  const updated = await db
    .update(projects)
    .set({
      archivedAt: archived ? ctx.now : null,
      version: version + 1,
      updatedAt: ctx.now,
      updatedBy: ctx.actor.name,
    })
    .where(and(eq(projects.id, projectId), eq(projects.version, version)))
    .returning({ id: projects.id });
  if (updated.length === 0) throw staleVersion('project', current);
  return getProjectById(db, ctx, projectId);
}

/** The filter shared by the ledger list and the dispatch figures. */
export type ProjectFilter = {
  area?: string;
  areaId?: number;
  tag?: string;
  unit?: string;
  unitId?: number;
  category?: string;
  phase?: ProjectRow['phase'];
  q?: string;
};

/** SQL conditions on `projects` (joined to areas, categories, units) for a filter. */
export function projectFilterSql(f: ProjectFilter): SQL[] {
  const where: SQL[] = [];
  if (f.areaId) where.push(eq(projects.areaId, f.areaId));
  if (f.area) where.push(eq(areas.name, f.area));
  if (f.tag) where.push(sql`${f.tag} = any(${projects.tags})`);
  if (f.unitId) where.push(eq(projects.ownerUnitId, f.unitId));
  if (f.unit) where.push(eq(units.name, f.unit));
  if (f.category) where.push(eq(categories.name, f.category));
  if (f.phase) where.push(eq(projects.phase, f.phase));
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(projects.code, like), ilike(projects.name, like))!);
  }
  return where;
}

export async function listProjects(
  db: Db,
  ctx: Ctx,
  raw: ProjectListQuery = {},
): Promise<{
  items: (ProjectView & { figures?: ProjectFigures | null })[];
  total: number;
  page: number;
  pageSize: number;
}> {
  const q = projectListQuery.parse(raw);
  const where = [projectScope(ctx.actor), ...projectFilterSql(q)];
  if (q.archived === 'exclude') where.push(isNull(projects.archivedAt));
  if (q.archived === 'only') where.push(isNotNull(projects.archivedAt));
  if (q.due) where.push(reportDueSql(parseYearMonth(q.due)!));
  const desc_ = q.sort.startsWith('-');
  const key = q.sort.replace(/^-/, '') as 'code' | 'name' | 'totalInvestment' | 'plannedStart';
  const order = desc_ ? sql`${projects[key]} desc nulls last` : asc(projects[key]);
  const [items, [{ total }]] = await parallelReads(
    db,
    () =>
      viewQuery(db)
        .where(and(...where))
        .orderBy(order, asc(projects.id))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
    () => projectsWithNames(db, { total: sql<number>`count(*)::int` }).where(and(...where)),
  );
  const views = items.map(toView);
  if (!q.month) return { items: views, total, page: q.page, pageSize: q.pageSize };
  const period = parseYearMonth(q.month)!;
  const figures = await projectFigures(
    db,
    views.map((v) => v.id),
    period,
  );
  return {
    items: views.map((v) => ({ ...v, figures: figures.get(v.id) ?? null })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/**
 * isReportDue() in SQL for `projects`: not finished, and with an investment plan for the year.
 */
export function owesReportSql(at: { year: number }): SQL {
  const notDue = sql.join(
    PHASES_NOT_DUE.map((p) => sql`${p}`),
    sql`, `,
  );
  return sql`(${projects.phase} not in (${notDue}) and exists (
      select 1 from ${projectYearRollups} r
      where r.project_id = ${projects.id} and r.year = ${at.year} and r.has_plan))`;
}

/**
 * The SQL form of isReportDue() for a month: a project being prepared or built with a plan for
 * the year, or one whose report for the month already exists (a draft or a returned report is
 * still to be finished).
 */
export function reportDueSql(at: { year: number; month: number }): SQL {
  return sql`(
    ${owesReportSql(at)}
    or exists (
      select 1 from ${monthlyReports} m
      where m.project_id = ${projects.id} and m.year = ${at.year} and m.month = ${at.month}))`;
}

/** A project's investment at a month's end, as the ledger's columns show it. */
export type ProjectFigures = {
  year: number;
  month: number;
  /** the year's plan, null when the project has no plan that year */
  annualTarget: string | null;
  /** the cumulative timing target at the month's end (时序目标) */
  timingTarget: string | null;
  /** approved investment from January to the month's end (累计完成) */
  actualCumulative: string;
  /** 累计完成 ÷ 时序目标 as a percentage with one decimal, null without a target */
  rate: string | null;
};

/**
 * The ledger's 年度计划 / 累计完成 / 完成率 for a page of projects, read from the per-year
 * roll-ups (the same rows the dashboard reads), so the ledger and the dashboard agree.
 */
async function projectFigures(
  db: Db,
  ids: number[],
  at: { year: number; month: number },
): Promise<Map<number, ProjectFigures>> {
  const out = new Map<number, ProjectFigures>();
  if (ids.length === 0) return out;
  const rows = await db
    .select()
    .from(projectYearRollups)
    .where(and(eq(projectYearRollups.year, at.year), inArray(projectYearRollups.projectId, ids)));
  const i = at.month - 1;
  for (const r of rows) {
    const timing = r.hasPlan ? (r.timingTargets[i] ?? null) : null;
    const actual = wan(r.actualCumulative[i] ?? '0');
    out.set(r.projectId, {
      year: at.year,
      month: at.month,
      annualTarget: r.hasPlan ? wan(r.annualTarget) : null,
      timingTarget: timing === null ? null : wan(timing),
      actualCumulative: actual,
      rate: timing === null ? null : percent(actual, timing),
    });
  }
  return out;
}

type Named = { id: number; name: string };

async function ensureNamed(
  db: Db,
  ctx: Ctx,
  table: typeof areas | typeof categories,
  name: string,
): Promise<{ row: Named; created: boolean }> {
  const trimmed = name.trim();
  const where = and(eq(table.officeId, ctx.actor.officeId), eq(table.name, trimmed));
  const [found] = await db.select({ id: table.id, name: table.name }).from(table).where(where);
  if (found) return { row: found, created: false };
  assertCan(ctx.actor, 'ledger.write', undefined, () => notFound('area', '片区', trimmed));
  const [row] = await db
    .insert(table)
    .values({ officeId: ctx.actor.officeId, name: trimmed })
    .returning({ id: table.id, name: table.name });
  return { row: row!, created: true };
}

export const ensureArea = (db: Db, ctx: Ctx, name: string) => ensureNamed(db, ctx, areas, name);
export const ensureCategory = (db: Db, ctx: Ctx, name: string) =>
  ensureNamed(db, ctx, categories, name);

export async function listAreas(db: Db, ctx: Ctx): Promise<Named[]> {
  return db
    .select({ id: areas.id, name: areas.name })
    .from(areas)
    .where(eq(areas.officeId, ctx.actor.officeId))
    .orderBy(asc(areas.sortOrder), asc(areas.id));
}

export async function listCategories(db: Db, ctx: Ctx): Promise<Named[]> {
  return db
    .select({ id: categories.id, name: categories.name })
    .from(categories)
    .where(eq(categories.officeId, ctx.actor.officeId))
    .orderBy(asc(categories.id));
}
