import { and, eq, type SQL, sql } from 'drizzle-orm';
import {
  ACTION_ITEM_ACTOR,
  type ActionItemAction,
  type ActionItemStatus,
  legalActions,
} from '../../../domain/action-item-workflow.ts';
import type { Actor } from '../../context.ts';
import { can } from '../../policy.ts';
import { actionItems } from './action-items.table.ts';

/**
 * One rule for action items: the office's readers see all of the office's items; a reporter sees
 * only the items addressed to its own unit. `actionItemScope` is that rule as SQL for lists,
 * `maySeeActionItem` the same rule for one record; both ask `can(actor, 'read', unit)`'s roles.
 */
export function actionItemScope(actor: Actor): SQL {
  if (!can(actor, 'read')) return sql`false`;
  if (actor.role === 'reporter') {
    return actor.unitId === null
      ? sql`false`
      : and(
          eq(actionItems.officeId, actor.officeId),
          eq(actionItems.responsibleUnitId, actor.unitId),
        )!;
  }
  return eq(actionItems.officeId, actor.officeId);
}

export function maySeeActionItem(
  actor: Actor,
  item: { officeId: number; responsibleUnitId: number },
): boolean {
  return item.officeId === actor.officeId && can(actor, 'read', item.responsibleUnitId);
}

/** The policy action a workflow step needs: the unit's steps, or the office's. */
export function actionNeeds(action: ActionItemAction) {
  return ACTION_ITEM_ACTOR[action] === 'unit' ? 'action_item.answer' : 'coordination.write';
}

/**
 * What the actor may do to this item now: the workflow's legal steps from its status that the
 * actor's role may take for the item's unit. The web shows buttons from this alone.
 */
export function actionItemCapabilities(
  actor: Actor,
  item: { officeId: number; responsibleUnitId: number; status: ActionItemStatus },
): ActionItemAction[] {
  if (!maySeeActionItem(actor, item)) return [];
  return legalActions(item.status).filter((a) =>
    can(actor, actionNeeds(a), item.responsibleUnitId),
  );
}
