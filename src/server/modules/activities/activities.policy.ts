import { eq, type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../../context.ts';
import { can } from '../../policy.ts';
import { activities } from './activities.table.ts';

/**
 * One rule for activities: they are the office's own business (delegations it received, its
 * study sessions), read by the office and its leaders; a reporter sees none. The list SQL and
 * the one-record check say the same thing.
 */
const officeReader = (actor: Actor) => can(actor, 'read') && actor.role !== 'reporter';

export function activityScope(actor: Actor): SQL {
  return officeReader(actor) ? eq(activities.officeId, actor.officeId) : sql`false`;
}

export function maySeeActivity(actor: Actor, activity: { officeId: number }): boolean {
  return officeReader(actor) && activity.officeId === actor.officeId;
}

export const mayWriteActivities = (actor: Actor) => can(actor, 'coordination.write');
