import { and, asc, count, desc, eq, gte, lt, lte, ne, not, type SQL } from 'drizzle-orm';
import {
  type ActionItemInput,
  type ActionItemListQuery,
  actionItemInput,
  actionItemListQuery,
  answerInput,
  extensionInput,
  reasonInput,
  reportDoneInput,
  verifyInput,
} from '../../../contracts/coordination.ts';
import {
  ACTION_ITEM_STATUS_ZH,
  type ActionItemAction,
  type ActionItemStatus,
  assertTransition,
  daysOverdue,
  isOverdue,
} from '../../../domain/action-item-workflow.ts';
import { isoDateOf } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { can } from '../../policy.ts';
import { workflowSteps } from '../../workflow-step.ts';
import { meetings } from '../meetings/meetings.table.ts';
import { assertOwned } from '../meetings/references.ts';
import { problems } from '../problems/problems.table.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';
import {
  actionItemCapabilities,
  actionItemScope,
  actionNeeds,
  maySeeActionItem,
} from './action-items.policy.ts';
import { actionItemEvents, actionItems } from './action-items.table.ts';

export type ActionItemRow = typeof actionItems.$inferSelect;
export type ActionItemView = ActionItemRow & {
  statusZh: string;
  responsibleUnitName: string;
  meetingTitle: string | null;
  meetingKind: string | null;
  projectCode: string | null;
  projectName: string | null;
  /** computed on the server at the request's clock (China Standard Time) */
  overdue: boolean;
  daysOverdue: number;
  /** the workflow steps the caller may take now: the web shows buttons from this alone */
  can: ActionItemAction[];
};
export type ActionItemEvent = typeof actionItemEvents.$inferSelect;

export const actionItemNotFound = (id: number | string) => notFound('action_item', '交办事项', id);

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

/**
 * The overdue rule of `isOverdue` (domain/action-item-workflow.ts) as SQL, for list filters and
 * counts: not closed and the deadline before today. A test checks the two agree row by row.
 */
export function overdueWhere(today: string): SQL {
  return and(ne(actionItems.status, 'closed'), lt(actionItems.deadline, today))!;
}

function viewQuery(db: Db) {
  return db
    .select({
      item: actionItems,
      responsibleUnitName: units.name,
      meetingTitle: meetings.title,
      meetingKind: meetings.kind,
      projectCode: projects.code,
      projectName: projects.name,
    })
    .from(actionItems)
    .innerJoin(units, eq(units.id, actionItems.responsibleUnitId))
    .leftJoin(meetings, eq(meetings.id, actionItems.meetingId))
    .leftJoin(projects, eq(projects.id, actionItems.projectId));
}
type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['where']>>[number];

function toView(ctx: Ctx, r: ViewRow): ActionItemView {
  const { item, ...names } = r;
  return {
    ...item,
    ...names,
    statusZh: ACTION_ITEM_STATUS_ZH[item.status],
    overdue: isOverdue(item, ctx.now),
    daysOverdue: daysOverdue(item, ctx.now),
    can: actionItemCapabilities(ctx.actor, item),
  };
}

type Prepared = typeof actionItems.$inferInsert;

/** Checks an item's links and fills its project and assignment date from its meeting or problem. */
export async function prepareActionItem(db: Db, ctx: Ctx, raw: ActionItemInput): Promise<Prepared> {
  const input = actionItemInput.parse(raw);
  await assertOwned(db, ctx, units, [input.responsibleUnitId], 'responsibleUnitId', '责任单位');
  await assertOwned(db, ctx, projects, [input.projectId], 'projectId', '项目');
  let heldOn: string | null = null;
  if (input.meetingId != null) {
    await assertOwned(db, ctx, meetings, [input.meetingId], 'meetingId', '会议');
    const [m] = await db
      .select({ heldOn: meetings.heldOn })
      .from(meetings)
      .where(eq(meetings.id, input.meetingId));
    heldOn = m!.heldOn;
  }
  let projectId = input.projectId ?? null;
  if (input.problemId != null) {
    const [p] = await db
      .select({ projectId: problems.projectId })
      .from(problems)
      .where(and(eq(problems.id, input.problemId), eq(problems.officeId, ctx.actor.officeId)));
    if (!p) {
      throw new AppError('problemId.invalid', `问题（${input.problemId}）不存在`, {
        field: 'problemId',
        messageEn: `problem ${input.problemId} does not exist`,
      });
    }
    projectId ??= p.projectId;
  }
  const assignedOn = input.assignedOn ?? heldOn ?? isoDateOf(ctx.now);
  if (input.deadline < assignedOn) {
    throw new AppError('action_item.deadline_invalid', '办理期限不能早于交办日期', {
      field: 'deadline',
      messageEn: 'the deadline must not be before the day the item is assigned',
    });
  }
  return {
    officeId: ctx.actor.officeId,
    meetingId: input.meetingId ?? null,
    problemId: input.problemId ?? null,
    projectId,
    responsibleUnitId: input.responsibleUnitId,
    content: input.content,
    assignedOn,
    deadline: input.deadline,
    updatedBy: ctx.actor.name,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
}

/**
 * Assigns items (from a meeting or a problem) to units, set-based: one insert and one history
 * row each. The form, the API and the demo all come through here.
 */
export async function createActionItems(
  db: Db,
  ctx: Ctx,
  inputs: ActionItemInput[],
): Promise<ActionItemRow[]> {
  if (!can(ctx.actor, 'coordination.write')) throw forbidden();
  if (inputs.length === 0) return [];
  return db.transaction(async (tx) => {
    const rows: Prepared[] = [];
    for (const input of inputs) rows.push(await prepareActionItem(tx, ctx, input));
    const created: ActionItemRow[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      created.push(
        ...(await tx
          .insert(actionItems)
          .values(rows.slice(i, i + 500))
          .returning()),
      );
    }
    await tx.insert(actionItemEvents).values(
      created.map((c) => ({
        officeId: ctx.actor.officeId,
        actionItemId: c.id,
        action: 'assign',
        fromStatus: null,
        toStatus: 'open',
        note: null,
        deadlineAfter: c.deadline,
        actor: ctx.actor.name,
        actorRole: ctx.actor.role,
        at: ctx.now,
      })),
    );
    return created;
  });
}

export async function createActionItem(
  db: Db,
  ctx: Ctx,
  input: ActionItemInput,
): Promise<ActionItemView> {
  const [row] = await createActionItems(db, ctx, [input]);
  return getActionItem(db, ctx, row!.id);
}

/** One workflow step: lock, scope (404), role, version (409), transition, update, history row. */
const step = workflowSteps<ActionItemRow, ActionItemStatus, ActionItemAction, ActionItemView>({
  what: 'action_item',
  nounEn: 'action item',
  lock: async (tx, ctx, id) => {
    const [row] = await tx
      .select()
      .from(actionItems)
      .where(and(eq(actionItems.id, id), eq(actionItems.officeId, ctx.actor.officeId)))
      .for('update');
    return row;
  },
  visible: (ctx, row) => maySeeActionItem(ctx.actor, row),
  allowed: (ctx, row, action) => can(ctx.actor, actionNeeds(action), row.responsibleUnitId),
  notFound: actionItemNotFound,
  transition: assertTransition,
  update: async (tx, id, values) => {
    const [row] = await tx
      .update(actionItems)
      .set(values)
      .where(eq(actionItems.id, id))
      .returning();
    return row!;
  },
  record: async (tx, ctx, actionItemId, e) => {
    await tx.insert(actionItemEvents).values({
      officeId: ctx.actor.officeId,
      actionItemId,
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      note: e.note,
      deadlineBefore: e.current.deadline,
      deadlineAfter: e.updated.deadline,
      actor: ctx.actor.name,
      actorRole: ctx.actor.role,
      at: ctx.now,
    });
  },
  view: getActionItem,
});

/** The unit answers with its progress (as often as it likes until it reports the item done). */
export async function answerActionItem(db: Db, ctx: Ctx, itemId: number, raw: unknown) {
  const input = answerInput.parse(raw);
  return step(db, ctx, itemId, 'answer', {
    version: input.version,
    note: input.progress,
    set: () => ({ progress: input.progress }),
  });
}

/** The unit asks for a later deadline, with its reason; the office decides. */
export async function requestExtension(db: Db, ctx: Ctx, itemId: number, raw: unknown) {
  const input = extensionInput.parse(raw);
  return step(db, ctx, itemId, 'request_extension', {
    version: input.version,
    note: input.reason,
    check: (current) => {
      if (input.deadline <= current.deadline) {
        throw new AppError('action_item.extension_invalid', '延期后的期限应晚于当前期限', {
          field: 'deadline',
          messageEn: 'the requested deadline must be after the current one',
        });
      }
    },
    set: () => ({ requestedDeadline: input.deadline, extensionReason: input.reason }),
  });
}

/** The office grants the extension: the requested deadline becomes the deadline. */
export async function approveExtension(db: Db, ctx: Ctx, itemId: number, raw: unknown = {}) {
  const input = verifyInput.parse(raw);
  return step(db, ctx, itemId, 'approve_extension', {
    version: input.version,
    note: input.note,
    set: (current) => ({
      deadline: current.requestedDeadline ?? current.deadline,
      requestedDeadline: null,
    }),
  });
}

/** The office refuses the extension, saying why: the deadline stands. */
export async function rejectExtension(db: Db, ctx: Ctx, itemId: number, raw: unknown) {
  const input = reasonInput.parse(raw);
  return step(db, ctx, itemId, 'reject_extension', {
    version: input.version,
    note: input.reason,
    set: () => ({ requestedDeadline: null }),
  });
}

/** The unit reports the item done, saying what was done; the office verifies. */
export async function reportActionItemDone(db: Db, ctx: Ctx, itemId: number, raw: unknown) {
  const input = reportDoneInput.parse(raw);
  return step(db, ctx, itemId, 'report_done', {
    version: input.version,
    note: input.note,
    set: () => ({ progress: input.note }),
  });
}

/** 销号: the office has verified the item and closes it. */
export async function closeActionItem(db: Db, ctx: Ctx, itemId: number, raw: unknown = {}) {
  const input = verifyInput.parse(raw);
  return step(db, ctx, itemId, 'close', {
    version: input.version,
    note: input.note,
    set: () => ({ closedOn: isoDateOf(ctx.now) }),
  });
}

/** The office does not accept the report: back to the unit, with the reason. */
export async function sendBackActionItem(db: Db, ctx: Ctx, itemId: number, raw: unknown) {
  const input = reasonInput.parse(raw);
  return step(db, ctx, itemId, 'send_back', { version: input.version, note: input.reason });
}

export async function getActionItem(
  db: Db,
  ctx: Ctx,
  itemId: number,
): Promise<ActionItemView & { events: ActionItemEvent[] }> {
  const [row] = await viewQuery(db).where(
    and(eq(actionItems.id, itemId), eq(actionItems.officeId, ctx.actor.officeId)),
  );
  if (!row || !maySeeActionItem(ctx.actor, row.item)) throw actionItemNotFound(itemId);
  const events = await db
    .select()
    .from(actionItemEvents)
    .where(eq(actionItemEvents.actionItemId, itemId))
    .orderBy(asc(actionItemEvents.id));
  return { ...toView(ctx, row), events };
}

/**
 * The items the caller may see, newest first, with how many of the matching items are overdue
 * (for the dashboard and the project page).
 */
export async function listActionItems(
  db: Db,
  ctx: Ctx,
  raw: ActionItemListQuery = {},
): Promise<{
  items: ActionItemView[];
  total: number;
  overdue: number;
  page: number;
  pageSize: number;
}> {
  const q = actionItemListQuery.parse(raw);
  const today = isoDateOf(ctx.now);
  const where: SQL[] = [actionItemScope(ctx.actor)];
  if (q.status) where.push(eq(actionItems.status, q.status));
  if (q.unitId) where.push(eq(actionItems.responsibleUnitId, q.unitId));
  if (q.meetingId) where.push(eq(actionItems.meetingId, q.meetingId));
  if (q.problemId) where.push(eq(actionItems.problemId, q.problemId));
  if (q.projectId) where.push(eq(actionItems.projectId, q.projectId));
  if (q.from) where.push(gte(actionItems.assignedOn, q.from));
  if (q.to) where.push(lte(actionItems.assignedOn, q.to));
  const base = and(...where)!;
  if (q.overdue === true) where.push(overdueWhere(today));
  if (q.overdue === false) where.push(not(overdueWhere(today)));
  const [rows, [{ total }], [{ overdue }]] = await parallelReads(
    db,
    () =>
      viewQuery(db)
        .where(and(...where))
        // the overdue list is read top down as what to chase first: the longest overdue first
        .orderBy(
          ...(q.overdue === true
            ? [asc(actionItems.deadline), asc(actionItems.id)]
            : [desc(actionItems.assignedOn), desc(actionItems.id)]),
        )
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
    () =>
      db
        .select({ total: count() })
        .from(actionItems)
        .where(and(...where)),
    () =>
      db
        .select({ overdue: count() })
        .from(actionItems)
        .where(and(base, overdueWhere(today))),
  );
  return {
    items: rows.map((r) => toView(ctx, r)),
    total,
    overdue,
    page: q.page,
    pageSize: q.pageSize,
  };
}
