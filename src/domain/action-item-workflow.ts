import { isoDateOf } from './periods.ts';
import { defineWorkflow, TransitionError } from './workflow.ts';

/**
 * The life of an action item (交办事项): assigned to a unit (open); the unit answers with progress,
 * asks for more time, or reports it done; the office approves or refuses the extension, and
 * verifies a reported item and closes it (销号) or sends it back.
 */
export const ACTION_ITEM_STATUSES = [
  'open',
  'answered',
  'extension_requested',
  'reported_done',
  'closed',
] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

export const ACTION_ITEM_ACTIONS = [
  'answer',
  'request_extension',
  'approve_extension',
  'reject_extension',
  'report_done',
  'close',
  'send_back',
] as const;
export type ActionItemAction = (typeof ACTION_ITEM_ACTIONS)[number];

/** Who takes each step: the responsible unit, or the office that verifies. */
export const ACTION_ITEM_ACTOR: Record<ActionItemAction, 'unit' | 'office'> = {
  answer: 'unit',
  request_extension: 'unit',
  report_done: 'unit',
  approve_extension: 'office',
  reject_extension: 'office',
  close: 'office',
  send_back: 'office',
};

/** Which action may move an item from which status to which: the whole workflow as data. */
export const ACTION_ITEM_TRANSITIONS: Record<
  ActionItemAction,
  { from: readonly ActionItemStatus[]; to: ActionItemStatus }
> = {
  answer: { from: ['open', 'answered'], to: 'answered' },
  request_extension: { from: ['open', 'answered'], to: 'extension_requested' },
  // the new deadline applies; the unit carries on from an assigned item
  approve_extension: { from: ['extension_requested'], to: 'open' },
  reject_extension: { from: ['extension_requested'], to: 'open' },
  report_done: { from: ['open', 'answered'], to: 'reported_done' },
  close: { from: ['reported_done'], to: 'closed' },
  send_back: { from: ['reported_done'], to: 'open' },
};

export const ACTION_ITEM_STATUS_ZH: Record<ActionItemStatus, string> = {
  open: '办理中',
  answered: '已反馈进展',
  extension_requested: '申请延期',
  reported_done: '待核销',
  closed: '已销号',
};

export const ACTION_ITEM_ACTION_ZH: Record<ActionItemAction, string> = {
  answer: '反馈进展',
  request_extension: '申请延期',
  approve_extension: '同意延期',
  reject_extension: '不同意延期',
  report_done: '报告办结',
  close: '核销（销号）',
  send_back: '退回重办',
};

const flow = defineWorkflow<ActionItemStatus, ActionItemAction>({
  noun: '交办事项',
  actions: ACTION_ITEM_ACTIONS,
  transitions: ACTION_ITEM_TRANSITIONS,
  statusZh: ACTION_ITEM_STATUS_ZH,
  actionZh: ACTION_ITEM_ACTION_ZH,
});
export const { assertTransition, legalActions } = flow;
/** The refusal of an illegal move (one class for every workflow; this name for the callers). */
export { TransitionError as ActionItemTransitionError };

/**
 * Overdue: the deadline has passed (it is before today in China Standard Time, the offices'
 * calendar) and the item is not closed. An item reported done but not yet verified still counts:
 * until the office closes it, it is open business.
 */
export function isOverdue(
  item: { status: ActionItemStatus; deadline: string },
  now: Date,
): boolean {
  return item.status !== 'closed' && item.deadline < isoDateOf(now);
}

/** Whole days past the deadline at `now` (0 when not overdue). */
export function daysOverdue(
  item: { status: ActionItemStatus; deadline: string },
  now: Date,
): number {
  if (!isOverdue(item, now)) return 0;
  const today = isoDateOf(now);
  return Math.round(
    (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${item.deadline}T00:00:00Z`)) / 86_400_000,
  );
}
