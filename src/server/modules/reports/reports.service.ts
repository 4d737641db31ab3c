import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import {
  type ReportDraftInput,
  type ReportListQuery,
  reportDraftInput,
  reportListQuery,
  returnInput,
} from '../../../contracts/reports.ts';
import { wan } from '../../../domain/money.ts';
import { compareYearMonth, yearMonthOf } from '../../../domain/periods.ts';
import {
  assertTransition,
  type ReportAction,
  TransitionError,
} from '../../../domain/report-workflow.ts';
import type { Ctx } from '../../context.ts';
import { type Db, queryRows } from '../../db.ts';
import { AppError, notFound, staleVersion } from '../../errors.ts';
import { jsonRows } from '../../json-rows.ts';
import { projectScope } from '../../policy.ts';
import { refreshRollups } from '../dispatch/rollups.service.ts';
import { loadProjectFor } from '../projects/projects.service.ts';
import { projects } from '../projects/projects.table.ts';
import { monthlyReports, reportTransitions } from './reports.table.ts';

type ReportRow = typeof monthlyReports.$inferSelect;
export type ReportView = Omit<ReportRow, 'investment' | 'progressPercent'> & {
  investment: string;
  progressPercent: string | null;
  projectCode: string;
  projectName: string;
};

const reportNotFound = (id: number | string) => notFound('report', '月报', id);

function toView(row: ReportRow, project: { code: string; name: string }): ReportView {
  return {
    ...row,
    investment: wan(row.investment),
    progressPercent: row.progressPercent,
    projectCode: project.code,
    projectName: project.name,
  };
}

function applyTransition(row: ReportRow, action: ReportAction) {
  try {
    return assertTransition(row.status, action);
  } catch (e) {
    if (e instanceof TransitionError) {
      throw new AppError('report.not_allowed', e.message, {
        field: 'status',
        status: row.status,
        messageEn: `a ${row.status} report cannot be ${action === 'edit' ? 'edited' : `${action}ed`}`,
      });
    }
    throw e;
  }
}

/**
 * Creates a project's report for a month as a draft, or edits the draft (or the returned report).
 * One report per project and month: saving again edits the same report.
 */
export async function saveReport(db: Db, ctx: Ctx, raw: ReportDraftInput): Promise<ReportView> {
  const input = reportDraftInput.parse(raw);
  if (compareYearMonth(input, yearMonthOf(ctx.now)) > 0) {
    throw new AppError('report.future_month', `不能填报未来月份${input.year}年${input.month}月`, {
      field: 'month',
      messageEn: 'a report cannot be for a future month',
    });
  }
  return db.transaction(async (tx) => {
    const project = await loadProjectFor(tx, ctx, 'report.write', input.projectId);
    // Lock the project so two first saves of the same month cannot both insert.
    await tx
      .select({ id: projects.id })
      .from(projects)
      .where(eq(projects.id, input.projectId))
      .for('update');
    const [existing] = await tx
      .select()
      .from(monthlyReports)
      .where(
        and(
          eq(monthlyReports.projectId, input.projectId),
          eq(monthlyReports.year, input.year),
          eq(monthlyReports.month, input.month),
        ),
      )
      .for('update');
    const fields = {
      investment: input.investment,
      progressPercent: input.progressPercent == null ? null : String(input.progressPercent),
      progressText: input.progressText ?? null,
      problems: input.problems ?? null,
      nextPlan: input.nextPlan ?? null,
      updatedBy: ctx.actor.name,
      updatedAt: ctx.now,
    };
    if (!existing) {
      // Nothing to overwrite: whatever version the caller loaded, the report is new.
      const [created] = await tx
        .insert(monthlyReports)
        .values({
          officeId: ctx.actor.officeId,
          projectId: input.projectId,
          year: input.year,
          month: input.month,
          ...fields,
          createdAt: ctx.now,
        })
        .returning();
      await tx.insert(reportTransitions).values({
        officeId: ctx.actor.officeId,
        reportId: created!.id,
        action: 'create',
        fromStatus: null,
        toStatus: 'draft',
        actor: ctx.actor.name,
        at: ctx.now,
      });
      return toView(created!, project);
    }
    // A stale version first: "someone changed it" explains a submitted report better than
    // "a submitted report cannot be edited" does.
    if (input.version !== existing.version) throw staleVersion('report', existing);
    applyTransition(existing, 'edit');
    const [updated] = await tx
      .update(monthlyReports)
      .set({ ...fields, version: existing.version + 1 })
      .where(eq(monthlyReports.id, existing.id))
      .returning();
    return toView(updated!, project);
  });
}

async function transition(
  db: Db,
  ctx: Ctx,
  reportId: number,
  action: 'submit' | 'approve' | 'return',
  opts: { reason?: string; version?: number } = {},
): Promise<ReportView> {
  return db.transaction(async (tx) => {
    const mine = and(
      eq(monthlyReports.id, reportId),
      eq(monthlyReports.officeId, ctx.actor.officeId),
    );
    const [of] = await tx
      .select({ projectId: monthlyReports.projectId })
      .from(monthlyReports)
      .where(mine);
    if (!of) throw reportNotFound(reportId);
    // The project before the report, as saveReport locks them: the roll-up refresh below
    // rewrites the project's row for the year, and two reviews of one project's months must
    // not both read its reports before either has written (the later insert then failed
    // on the roll-up's key: a 500 under load), nor wait on each other in a circle.
    await tx
      .select({ id: projects.id })
      .from(projects)
      .where(eq(projects.id, of.projectId))
      .for('no key update');
    const [row] = await tx.select().from(monthlyReports).where(mine).for('update');
    if (!row) throw reportNotFound(reportId);
    const project = await loadProjectFor(
      tx,
      ctx,
      action === 'submit' ? 'report.write' : 'report.review',
      row.projectId,
    ).catch((e) => {
      // A report of a project outside the actor's scope does not exist for them.
      if (e instanceof AppError && e.status === 404) throw reportNotFound(reportId);
      throw e;
    });
    if (opts.version !== undefined && opts.version !== row.version)
      throw staleVersion('report', row);
    const to = applyTransition(row, action);
    const [updated] = await tx
      .update(monthlyReports)
      .set({
        status: to,
        version: row.version + 1,
        updatedBy: ctx.actor.name,
        updatedAt: ctx.now,
        ...(action === 'submit' ? { submittedAt: ctx.now, returnReason: null } : {}),
        ...(action !== 'submit' ? { reviewedAt: ctx.now } : {}),
        ...(action === 'return' ? { returnReason: opts.reason } : {}),
      })
      .where(eq(monthlyReports.id, reportId))
      .returning();
    await tx.insert(reportTransitions).values({
      officeId: ctx.actor.officeId,
      reportId,
      action,
      fromStatus: row.status,
      toStatus: to,
      reason: opts.reason ?? null,
      actor: ctx.actor.name,
      at: ctx.now,
    });
    await refreshRollups(tx, [row.projectId], row.year);
    return toView(updated!, project);
  });
}

export const submitReport = (db: Db, ctx: Ctx, reportId: number, version?: number) =>
  transition(db, ctx, reportId, 'submit', { version });

export const approveReport = (db: Db, ctx: Ctx, reportId: number, version?: number) =>
  transition(db, ctx, reportId, 'approve', { version });

export async function returnReport(
  db: Db,
  ctx: Ctx,
  reportId: number,
  raw: { reason: string; version?: number },
): Promise<ReportView> {
  const input = returnInput.parse(raw);
  return transition(db, ctx, reportId, 'return', input);
}

export async function getReport(
  db: Db,
  ctx: Ctx,
  reportId: number,
): Promise<ReportView & { transitions: (typeof reportTransitions.$inferSelect)[] }> {
  const [row] = await db
    .select({ report: monthlyReports, code: projects.code, name: projects.name })
    .from(monthlyReports)
    .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
    .where(and(eq(monthlyReports.id, reportId), projectScope(ctx.actor)));
  if (!row) throw reportNotFound(reportId);
  const transitions = await db
    .select()
    .from(reportTransitions)
    .where(eq(reportTransitions.reportId, reportId))
    .orderBy(asc(reportTransitions.id));
  return { ...toView(row.report, row), transitions };
}

export async function listReports(
  db: Db,
  ctx: Ctx,
  raw: ReportListQuery = {},
): Promise<ReportView[]> {
  const q = reportListQuery.parse(raw);
  const where: SQL[] = [projectScope(ctx.actor)];
  if (q.projectId) where.push(eq(monthlyReports.projectId, q.projectId));
  if (q.year) where.push(eq(monthlyReports.year, q.year));
  if (q.month) where.push(eq(monthlyReports.month, q.month));
  if (q.status) where.push(eq(monthlyReports.status, q.status));
  const rows = await db
    .select({ report: monthlyReports, code: projects.code, name: projects.name })
    .from(monthlyReports)
    .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
    .where(and(...where))
    .orderBy(desc(monthlyReports.year), desc(monthlyReports.month), asc(projects.code))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return rows.map((r) => toView(r.report, r));
}

export type ApprovedReportInput = {
  projectId: number;
  year: number;
  month: number;
  investment: string;
  progressPercent?: string | null;
  progressText?: string | null;
  problems?: string | null;
  nextPlan?: string | null;
};

/** A report arriving in bulk; `fromStatus` is the status of the report it replaces, if any. */
export type RecordedReportInput = ApprovedReportInput & { fromStatus?: string | null };

/**
 * Records figures that arrive already checked (an office's own workbook of past months) as
 * approved reports, set-based: one insert, one transition each, one roll-up refresh. Existing
 * reports of the same project and month are replaced in place, so importing twice changes
 * nothing. The caller checks scope and validity and runs this inside its transaction.
 */
export const recordApprovedReports = (db: Db, ctx: Ctx, rows: ApprovedReportInput[]) =>
  recordReports(db, ctx, rows, 'approved');

/**
 * Records a reporter's figures arriving in bulk as submitted reports, awaiting the coordinator's
 * review like a report filled in the form; a returned report loses its return reason.
 */
export const recordSubmittedReports = (db: Db, ctx: Ctx, rows: RecordedReportInput[]) =>
  recordReports(db, ctx, rows, 'submitted');

const CHUNK = 500;
async function recordReports(
  db: Db,
  ctx: Ctx,
  rows: RecordedReportInput[],
  status: 'approved' | 'submitted',
): Promise<{ created: number; updated: number }> {
  if (rows.length === 0) return { created: 0, updated: 0 };
  const approved = status === 'approved';
  let created = 0;
  let updated = 0;
  // The projects before their reports, in id order, as a review and a save lock them (and the
  // roll-up refresh at the end would): an import and a review of the same month then wait in
  // line, where report-then-project was a deadlock against project-then-report.
  const projectIds = [...new Set(rows.map((r) => r.projectId))].sort((a, b) => a - b);
  for (let i = 0; i < projectIds.length; i += 1000) {
    await db
      .select({ id: projects.id })
      .from(projects)
      .where(inArray(projects.id, projectIds.slice(i, i + 1000)))
      .orderBy(projects.id)
      .for('no key update');
  }
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    // The status each report replaced, where it replaced one (a re-import, a resubmission).
    const replaced = chunk.flatMap((r) =>
      r.fromStatus
        ? [{ project_id: r.projectId, year: r.year, month: r.month, from_status: r.fromStatus }]
        : [],
    );
    // One statement: the reports, then a transition for each row written, straight from what
    // the insert returned (the 500 ids no longer go to the application and back).
    const [counts] = await queryRows<{ created: number; updated: number }>(
      db,
      sql`with saved as (
        insert into ${monthlyReports} ${jsonRows(
          monthlyReports,
          chunk.map((r) => ({
            officeId: ctx.actor.officeId,
            projectId: r.projectId,
            year: r.year,
            month: r.month,
            investment: r.investment,
            progressPercent: r.progressPercent ?? null,
            progressText: r.progressText ?? null,
            problems: r.problems ?? null,
            nextPlan: r.nextPlan ?? null,
            status,
            source: 'import' as const,
            submittedAt: ctx.now,
            reviewedAt: approved ? ctx.now : null,
            updatedBy: ctx.actor.name,
            createdAt: ctx.now,
            updatedAt: ctx.now,
          })),
        )}
        on conflict (project_id, year, month) do update set
          investment = excluded.investment, progress_percent = excluded.progress_percent,
          progress_text = excluded.progress_text, problems = excluded.problems,
          next_plan = excluded.next_plan, status = excluded.status, source = excluded.source,
          ${approved ? sql`reviewed_at = excluded.reviewed_at` : sql`submitted_at = excluded.submitted_at, return_reason = null`},
          updated_by = excluded.updated_by, updated_at = excluded.updated_at,
          version = ${monthlyReports}.version + 1
        returning id, version, project_id, year, month
      ),
      moved as (
        insert into ${reportTransitions} (office_id, report_id, action, from_status, to_status, actor, at)
        select ${ctx.actor.officeId}::int, saved.id, 'import', f.from_status, ${status}::text,
          ${ctx.actor.name}::text, ${ctx.now.toISOString()}::timestamptz
        from saved left join json_to_recordset(${JSON.stringify(replaced)}::json)
          as f(project_id int, year int, month int, from_status text)
          on f.project_id = saved.project_id and f.year = saved.year and f.month = saved.month
      )
      select count(*) filter (where version = 1)::int as created,
        count(*) filter (where version > 1)::int as updated
      from saved`,
    );
    created += Number(counts!.created);
    updated += Number(counts!.updated);
  }
  // A set per year, filled in place: copying the list for every row was quadratic (60,000 rows
  // of a 5,000-project workbook spent most of the import's time here).
  const byYear = new Map<number, Set<number>>();
  for (const r of rows) {
    const ids = byYear.get(r.year) ?? new Set<number>();
    ids.add(r.projectId);
    byYear.set(r.year, ids);
  }
  for (const [year, ids] of byYear) await refreshRollups(db, [...ids], year);
  return { created, updated };
}
