import { and, eq } from 'drizzle-orm';
import type { AttachmentParentKind } from '../../../contracts/attachments.ts';
import { ACTION_ITEM_ACTOR } from '../../../domain/action-item-workflow.ts';
import { NOTICE_ACTOR } from '../../../domain/notice-workflow.ts';
import { RECTIFICATION_ACTOR } from '../../../domain/rectification-workflow.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { getActionItem } from '../action-items/action-items.service.ts';
import { actionItems } from '../action-items/action-items.table.ts';
import { loadMeetingFor } from '../meetings/meetings.service.ts';
import { meetings } from '../meetings/meetings.table.ts';
import { getRectification } from '../rectifications/rectifications.service.ts';
import { rectifications } from '../rectifications/rectifications.table.ts';
import { getNotice } from '../supervision-notices/supervision-notices.service.ts';
import { supervisionNotices } from '../supervision-notices/supervision-notices.table.ts';
import type { AttachmentParent } from './attachments.policy.ts';

export type LoadedParent = AttachmentParent & {
  /** the ids of the record's history rows (answers, reports…), which a file may belong to */
  eventIds: number[];
};

const TABLES = {
  meeting: meetings,
  action_item: actionItems,
  rectification: rectifications,
  supervision_notice: supervisionNotices,
} as const;

/**
 * The record a file hangs on, through its own module's loader: that loader's scope rule decides
 * whether the caller sees it (404 otherwise, the record's own not-found), and its capabilities
 * whether the caller may take one of the unit's steps now. `lock` holds the record's row for the
 * transaction, so it cannot be closed while a file is added, and files are counted one at a time.
 */
export async function loadParentFor(
  db: Db,
  ctx: Ctx,
  kind: AttachmentParentKind,
  id: number,
  opts: { lock?: boolean } = {},
): Promise<LoadedParent> {
  if (opts.lock) {
    const table = TABLES[kind];
    await db
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.id, id), eq(table.officeId, ctx.actor.officeId)))
      .for('update');
  }
  switch (kind) {
    case 'meeting': {
      await loadMeetingFor(db, ctx, id);
      return { kind, id, unitId: null, closed: false, unitStepOpen: false, eventIds: [] };
    }
    case 'action_item': {
      const item = await getActionItem(db, ctx, id);
      return {
        kind,
        id,
        unitId: item.responsibleUnitId,
        closed: item.status === 'closed',
        unitStepOpen: item.can.some((a) => ACTION_ITEM_ACTOR[a] === 'unit'),
        eventIds: item.events.map((e) => e.id),
      };
    }
    case 'rectification': {
      const task = await getRectification(db, ctx, id);
      return {
        kind,
        id,
        unitId: task.responsibleUnitId,
        closed: task.status === 'closed',
        unitStepOpen: task.can.some((a) => RECTIFICATION_ACTOR[a] === 'unit'),
        eventIds: task.events.map((e) => e.id),
      };
    }
    case 'supervision_notice': {
      const notice = await getNotice(db, ctx, id);
      return {
        kind,
        id,
        unitId: notice.unitId,
        closed: notice.status === 'closed',
        unitStepOpen: notice.can.some((a) => NOTICE_ACTOR[a] === 'unit'),
        eventIds: notice.events.map((e) => e.id),
      };
    }
  }
}
