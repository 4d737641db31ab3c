import { eq, type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../../context.ts';
import { can } from '../../policy.ts';
import { meetings, meetingUnits } from './meetings.table.ts';

/**
 * One rule for meetings: the office's readers see all of the office's meetings; a reporter sees
 * the meetings its unit attended (and, inside them, only what concerns its unit). The SQL for
 * lists and the check for one record say the same thing.
 */
export function meetingScope(actor: Actor): SQL {
  if (!can(actor, 'read')) return sql`false`;
  if (actor.role === 'reporter') {
    if (actor.unitId === null) return sql`false`;
    return sql`${meetings.officeId} = ${actor.officeId} and exists (select 1 from ${meetingUnits} where ${meetingUnits.meetingId} = ${meetings.id} and ${meetingUnits.unitId} = ${actor.unitId})`;
  }
  return eq(meetings.officeId, actor.officeId);
}

export function maySeeMeeting(
  actor: Actor,
  meeting: { officeId: number; unitIds: readonly number[] },
): boolean {
  if (meeting.officeId !== actor.officeId || !can(actor, 'read')) return false;
  if (actor.role === 'reporter') {
    return actor.unitId !== null && meeting.unitIds.includes(actor.unitId);
  }
  return true;
}

/** Who records and edits meetings: the office. */
export const mayWriteMeetings = (actor: Actor) => can(actor, 'coordination.write');
