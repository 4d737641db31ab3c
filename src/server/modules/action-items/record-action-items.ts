import type { ActionItemInput } from '../../../contracts/coordination.ts';
import {
  ACTION_ITEM_ACTOR,
  type ActionItemAction,
  type ActionItemStatus,
  assertTransition,
} from '../../../domain/action-item-workflow.ts';
import { isoDateOf } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { can } from '../../policy.ts';
import { type ActionItemRow, prepareActionItem } from './action-items.service.ts';
import { actionItemEvents, actionItems } from './action-items.table.ts';

/** One step of an item's past, as it happened: who (the unit or the office), when, what. */
export type ActionItemPastStep = {
  action: ActionItemAction;
  at: Date;
  /** who took it, as the history shows it */
  actor: string;
  note?: string | null;
  /** request_extension: the deadline asked for */
  deadline?: string;
};

/**
 * Records items whose history is already decided (an office's past ledger of items, the demo's
 * first half-year), set-based: each history is replayed through the workflow's table
 * (assertTransition, and each step by the side the workflow gives it), then one insert of the
 * items in their final state and one of all their history rows. The office records them.
 */
export async function recordActionItems(
  db: Db,
  ctx: Ctx,
  entries: { input: ActionItemInput; steps: ActionItemPastStep[] }[],
): Promise<ActionItemRow[]> {
  if (!can(ctx.actor, 'coordination.write')) {
    throw new AppError('permission.forbidden', '没有权限执行此操作', {
      messageEn: 'you may not do this',
    });
  }
  if (entries.length === 0) return [];
  return db.transaction(async (tx) => {
    const rows: (typeof actionItems.$inferInsert)[] = [];
    const events: Omit<typeof actionItemEvents.$inferInsert, 'actionItemId'>[][] = [];
    for (const { input, steps } of entries) {
      const item = await prepareActionItem(tx, ctx, input);
      let status: ActionItemStatus = 'open';
      let deadline = item.deadline;
      let requested: string | null = null;
      const history: Omit<typeof actionItemEvents.$inferInsert, 'actionItemId'>[] = [
        {
          officeId: ctx.actor.officeId,
          action: 'assign',
          fromStatus: null,
          toStatus: 'open',
          deadlineAfter: deadline,
          actor: ctx.actor.name,
          actorRole: ctx.actor.role,
          at: ctx.now,
        },
      ];
      for (const s of steps) {
        const to = assertTransition(status, s.action);
        if (s.action === 'request_extension' && !(s.deadline && s.deadline > deadline)) {
          throw new AppError('action_item.extension_invalid', '延期后的期限应晚于当前期限', {
            field: 'deadline',
            messageEn: 'the requested deadline must be after the current one',
          });
        }
        const before = deadline;
        if (s.action === 'request_extension') requested = s.deadline ?? null;
        if (s.action === 'approve_extension') deadline = requested ?? deadline;
        if (s.action === 'approve_extension' || s.action === 'reject_extension') requested = null;
        if (s.action === 'answer' || s.action === 'report_done') item.progress = s.note ?? null;
        if (s.action === 'close') item.closedOn = isoDateOf(s.at);
        history.push({
          officeId: ctx.actor.officeId,
          action: s.action,
          fromStatus: status,
          toStatus: to,
          note: s.note ?? null,
          deadlineBefore: before,
          deadlineAfter: deadline,
          actor: s.actor,
          actorRole: ACTION_ITEM_ACTOR[s.action] === 'unit' ? 'reporter' : 'coordinator',
          at: s.at,
        });
        status = to;
      }
      const last = steps.at(-1);
      rows.push({
        ...item,
        status,
        deadline,
        requestedDeadline: requested,
        version: steps.length + 1,
        updatedAt: last?.at ?? ctx.now,
        updatedBy: last?.actor ?? ctx.actor.name,
      });
      events.push(history);
    }
    const created: ActionItemRow[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      created.push(
        ...(await tx
          .insert(actionItems)
          .values(rows.slice(i, i + 500))
          .returning()),
      );
    }
    const all = created.flatMap((c, i) => events[i]!.map((e) => ({ ...e, actionItemId: c.id })));
    for (let i = 0; i < all.length; i += 500) {
      await tx.insert(actionItemEvents).values(all.slice(i, i + 500));
    }
    return created;
  });
}
