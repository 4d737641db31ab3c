import { and, asc, count, desc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import {
  type ProblemInput,
  type ProblemListQuery,
  type ProblemResolveInput,
  problemCoordinateInput,
  problemEscalateInput,
  problemInput,
  problemListQuery,
  problemResolveInput,
} from '../../../contracts/coordination.ts';
import { isoDateOf } from '../../../domain/periods.ts';
import {
  assertTransition,
  legalActions,
  PROBLEM_CATEGORY_ZH,
  type ProblemAction,
} from '../../../domain/problem-workflow.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { type StepOptions, workflowSteps } from '../../workflow-step.ts';
import { meetings } from '../meetings/meetings.table.ts';
import { assertOwned } from '../meetings/references.ts';
import { loadProjectFor } from '../projects/projects.service.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';
import { maySeeProblem, mayWriteProblems, problemScope } from './problems.policy.ts';
import { meetingProblems, problemEvents, problems } from './problems.table.ts';

export type ProblemRow = typeof problems.$inferSelect;
export type ProblemView = ProblemRow & {
  categoryZh: string;
  projectCode: string;
  projectName: string;
  projectOwnerUnitId: number | null;
  raisedByUnitName: string | null;
  resolvedMeetingTitle: string | null;
  resolvedMeetingKind: string | null;
  /** the workflow steps the caller may take now */
  can: ProblemAction[];
};

export const problemNotFound = (id: number | string) => notFound('problem', '问题', id);

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

function viewQuery(db: Db) {
  return db
    .select({
      problem: problems,
      projectCode: projects.code,
      projectName: projects.name,
      projectOwnerUnitId: projects.ownerUnitId,
      raisedByUnitName: units.name,
      resolvedMeetingTitle: meetings.title,
      resolvedMeetingKind: meetings.kind,
    })
    .from(problems)
    .innerJoin(projects, eq(projects.id, problems.projectId))
    .leftJoin(units, eq(units.id, problems.raisedByUnitId))
    .leftJoin(meetings, eq(meetings.id, problems.resolvedMeetingId));
}
type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['where']>>[number];

function toView(ctx: Ctx, r: ViewRow): ProblemView {
  return {
    ...r.problem,
    categoryZh: PROBLEM_CATEGORY_ZH[r.problem.category],
    projectCode: r.projectCode,
    projectName: r.projectName,
    projectOwnerUnitId: r.projectOwnerUnitId,
    raisedByUnitName: r.raisedByUnitName,
    resolvedMeetingTitle: r.resolvedMeetingTitle,
    resolvedMeetingKind: r.resolvedMeetingKind,
    can: mayWriteProblems(ctx.actor) ? legalActions(r.problem.status) : [],
  };
}

async function meetingDate(db: Db, ctx: Ctx, meetingId: number | null | undefined) {
  if (meetingId == null) return null;
  await assertOwned(db, ctx, meetings, [meetingId], 'meetingId', '会议');
  const [m] = await db
    .select({ heldOn: meetings.heldOn })
    .from(meetings)
    .where(eq(meetings.id, meetingId));
  return m!.heldOn;
}

/** Raises a problem of a project; raised in a meeting, it is recorded as discussed there. */
export async function raiseProblem(db: Db, ctx: Ctx, raw: ProblemInput): Promise<ProblemDetail> {
  const input = problemInput.parse(raw);
  if (!mayWriteProblems(ctx.actor)) throw forbidden();
  return db.transaction(async (tx) => {
    await loadProjectFor(tx, ctx, 'coordination.write', input.projectId);
    await assertOwned(tx, ctx, units, [input.raisedByUnitId], 'raisedByUnitId', '提出单位');
    const heldOn = await meetingDate(tx, ctx, input.meetingId);
    const raisedOn = input.raisedOn ?? heldOn ?? isoDateOf(ctx.now);
    const [row] = await tx
      .insert(problems)
      .values({
        officeId: ctx.actor.officeId,
        projectId: input.projectId,
        category: input.category,
        description: input.description,
        raisedOn,
        raisedBy: input.raisedBy ?? null,
        raisedByUnitId: input.raisedByUnitId ?? null,
        updatedBy: ctx.actor.name,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await tx.insert(problemEvents).values({
      officeId: ctx.actor.officeId,
      problemId: row!.id,
      action: 'raise',
      fromStatus: null,
      toStatus: 'open',
      meetingId: input.meetingId ?? null,
      actor: ctx.actor.name,
      at: ctx.now,
    });
    if (input.meetingId != null) {
      await tx
        .insert(meetingProblems)
        .values({ officeId: ctx.actor.officeId, meetingId: input.meetingId, problemId: row!.id })
        .onConflictDoNothing();
    }
    return getProblem(tx, ctx, row!.id);
  });
}

type ProblemStepOptions = StepOptions<ProblemRow> & { meetingId?: number | null };

const step = workflowSteps<
  ProblemRow,
  ProblemRow['status'],
  ProblemAction,
  ProblemDetail,
  ProblemStepOptions
>({
  what: 'problem',
  nounEn: 'problem',
  lock: async (tx, ctx, id) => {
    const [row] = await tx
      .select()
      .from(problems)
      .where(and(eq(problems.id, id), problemScope(ctx.actor)))
      .for('update');
    return row;
  },
  visible: () => true,
  allowed: (ctx) => mayWriteProblems(ctx.actor),
  notFound: problemNotFound,
  transition: assertTransition,
  update: async (tx, id, values) => {
    const [row] = await tx.update(problems).set(values).where(eq(problems.id, id)).returning();
    return row!;
  },
  record: async (tx, ctx, problemId, e, opts) => {
    await tx.insert(problemEvents).values({
      officeId: ctx.actor.officeId,
      problemId,
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      note: e.note,
      meetingId: opts.meetingId ?? null,
      actor: ctx.actor.name,
      at: ctx.now,
    });
    if (opts.meetingId != null) {
      await tx
        .insert(meetingProblems)
        .values({ officeId: ctx.actor.officeId, meetingId: opts.meetingId, problemId })
        .onConflictDoNothing();
    }
  },
  view: getProblem,
});

/** A step whose columns may depend on the date of the meeting it names (checked in the office). */
function transition(
  db: Db,
  ctx: Ctx,
  problemId: number,
  action: ProblemAction,
  opts: {
    version?: number;
    note?: string | null;
    meetingId?: number | null;
    set?: (current: ProblemRow, meetingHeldOn: string | null) => Partial<ProblemRow>;
  },
): Promise<ProblemDetail> {
  return step(db, ctx, problemId, action, {
    version: opts.version,
    note: opts.note,
    meetingId: opts.meetingId,
    set: async (current, tx) => {
      const heldOn = await meetingDate(tx, ctx, opts.meetingId);
      return opts.set?.(current, heldOn) ?? {};
    },
  });
}

export async function coordinateProblem(db: Db, ctx: Ctx, problemId: number, raw: unknown = {}) {
  const input = problemCoordinateInput.parse(raw);
  return transition(db, ctx, problemId, 'coordinate', input);
}

/** Resolved: how, and in which meeting (its date is the day of resolution unless told). */
export async function resolveProblem(
  db: Db,
  ctx: Ctx,
  problemId: number,
  raw: ProblemResolveInput,
) {
  const input = problemResolveInput.parse(raw);
  return transition(db, ctx, problemId, 'resolve', {
    version: input.version,
    note: input.resolution,
    meetingId: input.meetingId,
    set: (_, heldOn) => ({
      resolution: input.resolution,
      resolvedMeetingId: input.meetingId ?? null,
      resolvedOn: input.resolvedOn ?? heldOn ?? isoDateOf(ctx.now),
    }),
  });
}

export async function escalateProblem(db: Db, ctx: Ctx, problemId: number, raw: unknown) {
  const input = problemEscalateInput.parse(raw);
  return transition(db, ctx, problemId, 'escalate', {
    version: input.version,
    note: input.reason,
    set: () => ({ escalationReason: input.reason }),
  });
}

export type ProblemDetail = ProblemView & { events: (typeof problemEvents.$inferSelect)[] };

export async function getProblem(db: Db, ctx: Ctx, problemId: number): Promise<ProblemDetail> {
  const [row] = await viewQuery(db).where(
    and(eq(problems.id, problemId), eq(problems.officeId, ctx.actor.officeId)),
  );
  if (
    !row ||
    !maySeeProblem(ctx.actor, {
      officeId: row.problem.officeId,
      projectOwnerUnitId: row.projectOwnerUnitId,
    })
  )
    throw problemNotFound(problemId);
  const events = await db
    .select()
    .from(problemEvents)
    .where(eq(problemEvents.problemId, problemId))
    .orderBy(asc(problemEvents.id));
  return { ...toView(ctx, row), events };
}

export async function listProblems(
  db: Db,
  ctx: Ctx,
  raw: ProblemListQuery = {},
): Promise<{ items: ProblemView[]; total: number; page: number; pageSize: number }> {
  const q = problemListQuery.parse(raw);
  const where: SQL[] = [problemScope(ctx.actor)];
  if (q.projectId) where.push(eq(problems.projectId, q.projectId));
  if (q.status) where.push(eq(problems.status, q.status));
  if (q.category) where.push(eq(problems.category, q.category));
  if (q.from) where.push(gte(problems.raisedOn, q.from));
  if (q.to) where.push(lte(problems.raisedOn, q.to));
  if (q.meetingId)
    where.push(
      sql`(${problems.resolvedMeetingId} = ${q.meetingId} or exists (select 1 from ${meetingProblems} where ${meetingProblems.problemId} = ${problems.id} and ${meetingProblems.meetingId} = ${q.meetingId}))`,
    );
  const [rows, [{ total }]] = await parallelReads(
    db,
    () =>
      viewQuery(db)
        .where(and(...where))
        .orderBy(desc(problems.raisedOn), desc(problems.id))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
    () =>
      db
        .select({ total: count() })
        .from(problems)
        .where(and(...where)),
  );
  return { items: rows.map((r) => toView(ctx, r)), total, page: q.page, pageSize: q.pageSize };
}
