import { and, asc, count, desc, eq, isNotNull, lt, ne, not, type SQL, sql } from 'drizzle-orm';
import {
  type RectificationInput,
  type RectificationListQuery,
  rectificationAnswerInput,
  rectificationCloseInput,
  rectificationInput,
  rectificationListQuery,
  rectificationReportDoneInput,
  rectificationSendBackInput,
} from '../../../contracts/rectifications.ts';
import { isoDateOf } from '../../../domain/periods.ts';
import {
  assertTransition,
  daysOverdue,
  isOverdue,
  RECTIFICATION_SOURCE_ZH,
  RECTIFICATION_STATUS_ZH,
  type RectificationAction,
  type RectificationFigures,
  type RectificationStatus,
  rectificationFigures,
} from '../../../domain/rectification-workflow.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { can } from '../../policy.ts';
import { workflowSteps } from '../../workflow-step.ts';
import { assertOwned } from '../meetings/references.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';
import {
  mayAssignRectifications,
  maySeeRectification,
  rectificationCapabilities,
  rectificationNeeds,
  rectificationScope,
} from './rectifications.policy.ts';
import { rectificationEvents, rectifications } from './rectifications.table.ts';

export type RectificationRow = typeof rectifications.$inferSelect;
export type RectificationView = RectificationRow & {
  statusZh: string;
  sourceZh: string;
  responsibleUnitName: string;
  projectCode: string | null;
  projectName: string | null;
  /** the unit has answered at least once (事事有回音) */
  answered: boolean;
  /** computed on the server at the request's clock (China Standard Time) */
  overdue: boolean;
  daysOverdue: number;
  /** the workflow steps the caller may take now: the web shows buttons from this alone */
  can: RectificationAction[];
};
export type RectificationEvent = typeof rectificationEvents.$inferSelect;
export type RectificationDetail = RectificationView & { events: RectificationEvent[] };
export type RectificationPage = {
  items: RectificationView[];
  total: number;
  page: number;
  pageSize: number;
  /** the header figures over the caller's scope and the unit / source / project filters */
  figures: RectificationFigures;
  /** the source names in the caller's scope, for the form's suggestions */
  sourceNames: string[];
};

export const rectificationNotFound = (id: number | string) =>
  notFound('rectification', '整改任务', id);

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

/**
 * The overdue rule of `isOverdue` (domain/rectification-workflow.ts) as SQL, for filters and
 * counts: not closed and the deadline before today. A test checks the two agree.
 */
export function rectificationOverdueWhere(today: string): SQL {
  return and(ne(rectifications.status, 'closed'), lt(rectifications.deadline, today))!;
}

function viewQuery(db: Db) {
  return db
    .select({
      task: rectifications,
      responsibleUnitName: units.name,
      projectCode: projects.code,
      projectName: projects.name,
    })
    .from(rectifications)
    .innerJoin(units, eq(units.id, rectifications.responsibleUnitId))
    .leftJoin(projects, eq(projects.id, rectifications.projectId));
}
type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['where']>>[number];

function toView(ctx: Ctx, r: ViewRow): RectificationView {
  const { task, ...names } = r;
  return {
    ...task,
    ...names,
    statusZh: RECTIFICATION_STATUS_ZH[task.status],
    sourceZh: RECTIFICATION_SOURCE_ZH[task.source],
    answered: task.firstAnsweredAt !== null,
    overdue: isOverdue(task, ctx.now),
    daysOverdue: daysOverdue(task, ctx.now),
    can: rectificationCapabilities(ctx.actor, task),
  };
}

type Prepared = typeof rectifications.$inferInsert;

async function prepare(db: Db, ctx: Ctx, raw: RectificationInput): Promise<Prepared> {
  const input = rectificationInput.parse(raw);
  await assertOwned(db, ctx, units, [input.responsibleUnitId], 'responsibleUnitId', '责任单位');
  await assertOwned(db, ctx, projects, [input.projectId], 'projectId', '项目');
  const issuedOn = input.issuedOn ?? isoDateOf(ctx.now);
  if (input.deadline < issuedOn) {
    throw new AppError('rectification.deadline_invalid', '整改期限不能早于下发日期', {
      field: 'deadline',
      messageEn: 'the deadline must not be before the day the task is issued',
    });
  }
  return {
    officeId: ctx.actor.officeId,
    source: input.source,
    sourceName: input.sourceName,
    finding: input.finding,
    measures: input.measures,
    responsibleUnitId: input.responsibleUnitId,
    projectId: input.projectId ?? null,
    issuedOn,
    deadline: input.deadline,
    updatedBy: ctx.actor.name,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
}

/**
 * Issues tasks (one inspection's feedback, usually) to units in one transaction, set-based: one
 * insert and one history row each; a bad task refuses the whole batch.
 */
export async function createRectifications(
  db: Db,
  ctx: Ctx,
  inputs: RectificationInput[],
): Promise<RectificationRow[]> {
  if (!mayAssignRectifications(ctx.actor)) throw forbidden();
  if (inputs.length === 0) return [];
  return db.transaction(async (tx) => {
    const rows: Prepared[] = [];
    for (const input of inputs) rows.push(await prepare(tx, ctx, input));
    const created: RectificationRow[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      created.push(
        ...(await tx
          .insert(rectifications)
          .values(rows.slice(i, i + 500))
          .returning()),
      );
    }
    await tx.insert(rectificationEvents).values(
      created.map((c) => ({
        officeId: ctx.actor.officeId,
        rectificationId: c.id,
        action: 'issue',
        fromStatus: null,
        toStatus: 'open',
        note: null,
        actor: ctx.actor.name,
        actorRole: ctx.actor.role,
        at: ctx.now,
      })),
    );
    return created;
  });
}

export async function createRectification(
  db: Db,
  ctx: Ctx,
  input: RectificationInput,
): Promise<RectificationDetail> {
  const [row] = await createRectifications(db, ctx, [input]);
  return getRectification(db, ctx, row!.id);
}

/** One workflow step: lock, scope (404), role, version (409), transition, update, history row. */
const step = workflowSteps<
  RectificationRow,
  RectificationStatus,
  RectificationAction,
  RectificationDetail
>({
  what: 'rectification',
  nounEn: 'rectification task',
  lock: async (tx, ctx, id) => {
    const [row] = await tx
      .select()
      .from(rectifications)
      .where(and(eq(rectifications.id, id), eq(rectifications.officeId, ctx.actor.officeId)))
      .for('update');
    return row;
  },
  visible: (ctx, row) => maySeeRectification(ctx.actor, row),
  allowed: (ctx, row, action) => can(ctx.actor, rectificationNeeds(action), row.responsibleUnitId),
  notFound: rectificationNotFound,
  transition: assertTransition,
  update: async (tx, id, values) => {
    const [row] = await tx
      .update(rectifications)
      .set(values)
      .where(eq(rectifications.id, id))
      .returning();
    return row!;
  },
  record: async (tx, ctx, rectificationId, e) => {
    await tx.insert(rectificationEvents).values({
      officeId: ctx.actor.officeId,
      rectificationId,
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      note: e.note,
      actor: ctx.actor.name,
      actorRole: ctx.actor.role,
      at: ctx.now,
    });
  },
  view: getRectification,
});

/** The unit's first answer is kept: it is what “事事有回音” counts. */
const firstAnswer = (ctx: Ctx) => (current: RectificationRow) =>
  current.firstAnsweredAt ? {} : { firstAnsweredAt: ctx.now };

/** The unit posts its progress (as often as it likes until it reports the task done). */
export async function answerRectification(db: Db, ctx: Ctx, taskId: number, raw: unknown) {
  const input = rectificationAnswerInput.parse(raw);
  return step(db, ctx, taskId, 'answer', {
    version: input.version,
    note: input.progress,
    set: (current) => ({ ...firstAnswer(ctx)(current), progress: input.progress }),
  });
}

/** The unit reports the task done with its evidence; the office verifies. */
export async function reportRectificationDone(db: Db, ctx: Ctx, taskId: number, raw: unknown) {
  const input = rectificationReportDoneInput.parse(raw);
  return step(db, ctx, taskId, 'report_done', {
    version: input.version,
    note: input.evidence,
    set: (current) => ({ ...firstAnswer(ctx)(current), evidence: input.evidence }),
  });
}

/** 销号: the office has verified the rectification and closes the task. */
export async function closeRectification(db: Db, ctx: Ctx, taskId: number, raw: unknown = {}) {
  const input = rectificationCloseInput.parse(raw);
  return step(db, ctx, taskId, 'close', {
    version: input.version,
    note: input.note,
    set: () => ({ closedOn: isoDateOf(ctx.now) }),
  });
}

/** The office does not accept the report: back to the unit, with the reason. */
export async function sendBackRectification(db: Db, ctx: Ctx, taskId: number, raw: unknown) {
  const input = rectificationSendBackInput.parse(raw);
  return step(db, ctx, taskId, 'send_back', { version: input.version, note: input.reason });
}

export async function getRectification(
  db: Db,
  ctx: Ctx,
  taskId: number,
): Promise<RectificationDetail> {
  const [row] = await viewQuery(db).where(
    and(eq(rectifications.id, taskId), eq(rectifications.officeId, ctx.actor.officeId)),
  );
  if (!row || !maySeeRectification(ctx.actor, row.task)) throw rectificationNotFound(taskId);
  const events = await db
    .select()
    .from(rectificationEvents)
    .where(eq(rectificationEvents.rectificationId, taskId))
    .orderBy(asc(rectificationEvents.id));
  return { ...toView(ctx, row), events };
}

/**
 * The tasks the caller may see, newest first, with the header figures of “事事有回音、件件有落实”
 * (total, answered, closed, overdue and the two rates) over the caller's scope and the unit,
 * source and project filters: the status and overdue filters pick rows, not the figures.
 */
export async function listRectifications(
  db: Db,
  ctx: Ctx,
  raw: RectificationListQuery = {},
): Promise<RectificationPage> {
  const q = rectificationListQuery.parse(raw);
  const today = isoDateOf(ctx.now);
  const where: SQL[] = [rectificationScope(ctx.actor)];
  if (q.unitId) where.push(eq(rectifications.responsibleUnitId, q.unitId));
  if (q.source) where.push(eq(rectifications.source, q.source));
  if (q.projectId) where.push(eq(rectifications.projectId, q.projectId));
  const base = and(...where)!;
  if (q.status) where.push(eq(rectifications.status, q.status));
  if (q.overdue === true) where.push(rectificationOverdueWhere(today));
  if (q.overdue === false) where.push(not(rectificationOverdueWhere(today)));
  const [rows, [{ total }], [counts], names] = await parallelReads(
    db,
    () =>
      viewQuery(db)
        .where(and(...where))
        .orderBy(desc(rectifications.issuedOn), asc(rectifications.id))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
    () =>
      db
        .select({ total: count() })
        .from(rectifications)
        .where(and(...where)),
    () =>
      db
        .select({
          total: sql<number>`count(*)::int`,
          answered: sql<number>`(count(*) filter (where ${isNotNull(rectifications.firstAnsweredAt)}))::int`,
          closed: sql<number>`(count(*) filter (where ${eq(rectifications.status, 'closed')}))::int`,
          overdue: sql<number>`(count(*) filter (where ${rectificationOverdueWhere(today)}))::int`,
        })
        .from(rectifications)
        .where(base),
    () =>
      db
        .selectDistinct({ name: rectifications.sourceName })
        .from(rectifications)
        .where(rectificationScope(ctx.actor))
        .orderBy(asc(rectifications.sourceName)),
  );
  return {
    items: rows.map((r) => toView(ctx, r)),
    total,
    page: q.page,
    pageSize: q.pageSize,
    figures: rectificationFigures({
      total: Number(counts?.total ?? 0),
      answered: Number(counts?.answered ?? 0),
      closed: Number(counts?.closed ?? 0),
      overdue: Number(counts?.overdue ?? 0),
    }),
    sourceNames: names.map((n) => n.name),
  };
}
