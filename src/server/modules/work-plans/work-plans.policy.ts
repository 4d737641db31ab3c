import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../../context.ts';
import { can } from '../../policy.ts';
import { workPlanItems } from './work-plans.table.ts';

/**
 * One rule for work-plan items: the office's readers see every item of the office's plans; a
 * reporter sees only the items addressed to its own unit (and a plan only through them).
 * `workPlanItemScope` is the rule as SQL for lists and roll-ups, `maySeeWorkPlanItem` the same
 * rule for one record; both come from `can(actor, 'read', unit)`.
 */
export function workPlanItemScope(actor: Actor): SQL {
  if (!can(actor, 'read')) return sql`false`;
  if (actor.role === 'reporter') {
    return actor.unitId === null
      ? sql`false`
      : and(
          eq(workPlanItems.officeId, actor.officeId),
          eq(workPlanItems.responsibleUnitId, actor.unitId),
        )!;
  }
  return eq(workPlanItems.officeId, actor.officeId);
}

export function maySeeWorkPlanItem(
  actor: Actor,
  item: { officeId: number; responsibleUnitId: number },
): boolean {
  return item.officeId === actor.officeId && can(actor, 'read', item.responsibleUnitId);
}

/** A plan's frame (name, themes) is seen by every reader who sees at least one of its items, or all of them. */
export function seesWholePlans(actor: Actor): boolean {
  return can(actor, 'read') && actor.role !== 'reporter';
}

export const WORK_PLAN_ITEM_CAPABILITIES = ['edit', 'progress'] as const;
export type WorkPlanItemCapability = (typeof WORK_PLAN_ITEM_CAPABILITIES)[number];

/** May the actor set this item's status and progress: the office, or the item's own unit. */
export function mayUpdateProgress(actor: Actor, responsibleUnitId: number): boolean {
  return can(actor, 'coordination.write') || can(actor, 'work_plan.progress', responsibleUnitId);
}

/** What the caller may do to an item; the web shows buttons from this alone. */
export function workPlanItemCapabilities(
  actor: Actor,
  item: { officeId: number; responsibleUnitId: number },
): WorkPlanItemCapability[] {
  if (!maySeeWorkPlanItem(actor, item)) return [];
  const out: WorkPlanItemCapability[] = [];
  if (can(actor, 'coordination.write')) out.push('edit');
  if (mayUpdateProgress(actor, item.responsibleUnitId)) out.push('progress');
  return out;
}

/** What the caller may do to a plan: edit it, add items, import the item list. */
export function workPlanCapabilities(actor: Actor): ('edit' | 'import')[] {
  return can(actor, 'coordination.write') ? ['edit', 'import'] : [];
}
