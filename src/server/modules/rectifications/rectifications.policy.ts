import { and, eq, type SQL, sql } from 'drizzle-orm';
import {
  legalActions,
  RECTIFICATION_ACTOR,
  type RectificationAction,
  type RectificationStatus,
} from '../../../domain/rectification-workflow.ts';
import type { Actor } from '../../context.ts';
import { can } from '../../policy.ts';
import { rectifications } from './rectifications.table.ts';

/**
 * One rule for rectification tasks: the office's readers see all of the office's tasks; a
 * reporter sees only the tasks addressed to its own unit. `rectificationScope` is that rule as
 * SQL for lists and counts, `maySeeRectification` the same rule for one record; both ask
 * `can(actor, 'read', unit)`'s roles.
 */
export function rectificationScope(actor: Actor): SQL {
  if (!can(actor, 'read')) return sql`false`;
  if (actor.role === 'reporter') {
    return actor.unitId === null
      ? sql`false`
      : and(
          eq(rectifications.officeId, actor.officeId),
          eq(rectifications.responsibleUnitId, actor.unitId),
        )!;
  }
  return eq(rectifications.officeId, actor.officeId);
}

export function maySeeRectification(
  actor: Actor,
  task: { officeId: number; responsibleUnitId: number },
): boolean {
  return task.officeId === actor.officeId && can(actor, 'read', task.responsibleUnitId);
}

/** The policy action a workflow step needs: the unit's steps, or the office's. */
export function rectificationNeeds(action: RectificationAction) {
  return RECTIFICATION_ACTOR[action] === 'unit' ? 'rectification.answer' : 'coordination.write';
}

/** May the actor assign rectification tasks (the office)? */
export const mayAssignRectifications = (actor: Actor) => can(actor, 'coordination.write');

/**
 * What the actor may do to this task now: the workflow's legal steps from its status that the
 * actor's role may take for the task's unit. The web shows buttons from this alone.
 */
export function rectificationCapabilities(
  actor: Actor,
  task: { officeId: number; responsibleUnitId: number; status: RectificationStatus },
): RectificationAction[] {
  if (!maySeeRectification(actor, task)) return [];
  return legalActions(task.status).filter((a) =>
    can(actor, rectificationNeeds(a), task.responsibleUnitId),
  );
}
