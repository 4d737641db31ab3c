import {
  daysOverdue as actionItemDaysOverdue,
  isOverdue as actionItemIsOverdue,
} from './action-item-workflow.ts';
import { percent } from './money.ts';
import { defineWorkflow, TransitionError } from './workflow.ts';

/**
 * The life of a rectification task (整改任务): a finding of an inspection (巡察), an audit or a
 * supervision, with its measures, assigned to a unit (open); the unit posts its progress and
 * reports the task done with its evidence; the office verifies it and closes it (销号) or sends
 * it back. "事事有回音、件件有落实": every task answered, every task closed.
 */
export const RECTIFICATION_STATUSES = ['open', 'answered', 'reported_done', 'closed'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];

/** Where a finding came from; the free-text source name says which round (“2023年市委第三巡察组反馈”). */
export const RECTIFICATION_SOURCES = ['inspection', 'audit', 'supervision', 'other'] as const;
export type RectificationSource = (typeof RECTIFICATION_SOURCES)[number];

export const RECTIFICATION_SOURCE_ZH: Record<RectificationSource, string> = {
  inspection: '巡察',
  audit: '审计',
  supervision: '督查',
  other: '其他',
};

export const RECTIFICATION_ACTIONS = ['answer', 'report_done', 'close', 'send_back'] as const;
export type RectificationAction = (typeof RECTIFICATION_ACTIONS)[number];

/** Who takes each step: the responsible unit, or the office that verifies. */
export const RECTIFICATION_ACTOR: Record<RectificationAction, 'unit' | 'office'> = {
  answer: 'unit',
  report_done: 'unit',
  close: 'office',
  send_back: 'office',
};

/** Which action may move a task from which status to which: the whole workflow as data. */
export const RECTIFICATION_TRANSITIONS: Record<
  RectificationAction,
  { from: readonly RectificationStatus[]; to: RectificationStatus }
> = {
  answer: { from: ['open', 'answered'], to: 'answered' },
  report_done: { from: ['open', 'answered'], to: 'reported_done' },
  close: { from: ['reported_done'], to: 'closed' },
  // back to the unit, which carries on as with a newly assigned task
  send_back: { from: ['reported_done'], to: 'open' },
};

export const RECTIFICATION_STATUS_ZH: Record<RectificationStatus, string> = {
  open: '整改中',
  answered: '已反馈进展',
  reported_done: '待核销',
  closed: '已销号',
};

export const RECTIFICATION_ACTION_ZH: Record<RectificationAction, string> = {
  answer: '反馈进展',
  report_done: '报告整改完成',
  close: '核销（销号）',
  send_back: '退回整改',
};

const flow = defineWorkflow<RectificationStatus, RectificationAction>({
  noun: '整改任务',
  actions: RECTIFICATION_ACTIONS,
  transitions: RECTIFICATION_TRANSITIONS,
  statusZh: RECTIFICATION_STATUS_ZH,
  actionZh: RECTIFICATION_ACTION_ZH,
});
export const { assertTransition, legalActions } = flow;
/** The refusal of an illegal move (one class for every workflow; this name for the callers). */
export { TransitionError as RectificationTransitionError };

// The overdue rule is the action items' one (deadline before today in China Standard Time, and
// not closed): the office reads both lists side by side and must not meet two calendars.
const asItem = (task: { status: RectificationStatus; deadline: string }) => ({
  status: task.status === 'closed' ? ('closed' as const) : ('open' as const),
  deadline: task.deadline,
});

/** Overdue: past the deadline and not closed (a task awaiting verification still counts). */
export function isOverdue(
  task: { status: RectificationStatus; deadline: string },
  now: Date,
): boolean {
  return actionItemIsOverdue(asItem(task), now);
}

/** Whole days past the deadline at `now` (0 when not overdue). */
export function daysOverdue(
  task: { status: RectificationStatus; deadline: string },
  now: Date,
): number {
  return actionItemDaysOverdue(asItem(task), now);
}

/** The header figures of “事事有回音、件件有落实”: counts, and rates as percentages, one decimal. */
export type RectificationFigures = {
  total: number;
  /** tasks the unit has answered at least once (progress or a report of completion) */
  answered: number;
  /** answered ÷ total, "93.8", rounded half-up once; null when there are no tasks */
  answeredRate: string | null;
  closed: number;
  closedRate: string | null;
  overdue: number;
};

/** The figures from the counts: each rate divides exact integers and is rounded only here. */
export function rectificationFigures(counts: {
  total: number;
  answered: number;
  closed: number;
  overdue: number;
}): RectificationFigures {
  const total = String(counts.total);
  return {
    ...counts,
    answeredRate: percent(String(counts.answered), total),
    closedRate: percent(String(counts.closed), total),
  };
}
