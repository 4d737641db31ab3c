import { and, eq, type SQL, sql } from 'drizzle-orm';
import {
  legalActions,
  NOTICE_ACTOR,
  type NoticeAction,
  type NoticeStatus,
} from '../../../domain/notice-workflow.ts';
import type { Actor } from '../../context.ts';
import { can } from '../../policy.ts';
import { supervisionNotices } from './supervision-notices.table.ts';

/**
 * One rule for supervision notices: the office's readers see all of the office's notices; a
 * reporter sees only the notices addressed to its own unit. `noticeScope` is that rule as SQL for
 * lists, `maySeeNotice` the same rule for one record; both ask `can(actor, 'read', unit)`'s roles.
 */
export function noticeScope(actor: Actor): SQL {
  if (!can(actor, 'read')) return sql`false`;
  if (actor.role === 'reporter') {
    return actor.unitId === null
      ? sql`false`
      : and(
          eq(supervisionNotices.officeId, actor.officeId),
          eq(supervisionNotices.unitId, actor.unitId),
        )!;
  }
  return eq(supervisionNotices.officeId, actor.officeId);
}

export function maySeeNotice(actor: Actor, notice: { officeId: number; unitId: number }): boolean {
  return notice.officeId === actor.officeId && can(actor, 'read', notice.unitId);
}

/** The policy action a workflow step needs: the unit's answer, or the office's decision. */
export function noticeActionNeeds(action: NoticeAction) {
  return NOTICE_ACTOR[action] === 'unit' ? 'notice.answer' : 'coordination.write';
}

/** May the actor issue notices at all (from a warning or by hand)? */
export function mayIssueNotices(actor: Actor): boolean {
  return can(actor, 'coordination.write');
}

/**
 * What the actor may do to this notice now: the workflow's legal steps from its status that the
 * actor's role may take for the addressed unit. The web shows buttons from this alone.
 */
export function noticeCapabilities(
  actor: Actor,
  notice: { officeId: number; unitId: number; status: NoticeStatus },
): NoticeAction[] {
  if (!maySeeNotice(actor, notice)) return [];
  return legalActions(notice.status).filter((a) => can(actor, noticeActionNeeds(a), notice.unitId));
}
