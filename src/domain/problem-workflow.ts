import { defineWorkflow, TransitionError } from './workflow.ts';

/**
 * The life of a problem (问题) of a project: raised (open) → being coordinated → resolved (with
 * how, and in which meeting) or escalated to the leaders; an escalated problem comes back to be
 * coordinated once the leaders have decided.
 */
export const PROBLEM_STATUSES = ['open', 'coordinating', 'resolved', 'escalated'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

export const PROBLEM_CATEGORIES = [
  'land',
  'planning',
  'approval',
  'funding',
  'demolition',
  'utilities',
  'construction',
  'other',
] as const;
export type ProblemCategory = (typeof PROBLEM_CATEGORIES)[number];

export const PROBLEM_CATEGORY_ZH: Record<ProblemCategory, string> = {
  land: '用地',
  planning: '规划',
  approval: '报批报建',
  funding: '资金',
  demolition: '征拆',
  utilities: '管线迁改',
  construction: '施工',
  other: '其他',
};

export const PROBLEM_ACTIONS = ['coordinate', 'resolve', 'escalate'] as const;
export type ProblemAction = (typeof PROBLEM_ACTIONS)[number];

/** Which action may move a problem from which status to which: the whole workflow as data. */
export const PROBLEM_TRANSITIONS: Record<
  ProblemAction,
  { from: readonly ProblemStatus[]; to: ProblemStatus }
> = {
  coordinate: { from: ['open', 'escalated'], to: 'coordinating' },
  resolve: { from: ['open', 'coordinating', 'escalated'], to: 'resolved' },
  escalate: { from: ['open', 'coordinating'], to: 'escalated' },
};

export const PROBLEM_STATUS_ZH: Record<ProblemStatus, string> = {
  open: '待协调',
  coordinating: '协调中',
  resolved: '已解决',
  escalated: '已提级',
};

const ACTION_ZH: Record<ProblemAction, string> = {
  coordinate: '开始协调',
  resolve: '标记解决',
  escalate: '提级处理',
};

const flow = defineWorkflow<ProblemStatus, ProblemAction>({
  noun: '问题',
  actions: PROBLEM_ACTIONS,
  transitions: PROBLEM_TRANSITIONS,
  statusZh: PROBLEM_STATUS_ZH,
  actionZh: ACTION_ZH,
});
export const { assertTransition, legalActions } = flow;
/** The refusal of an illegal move (one class for every workflow; this name for the callers). */
export { TransitionError as ProblemTransitionError };
