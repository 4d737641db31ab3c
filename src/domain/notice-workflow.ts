import { isoDateOf, type YearMonth } from './periods.ts';
import { defineWorkflow, TransitionError } from './workflow.ts';

/**
 * The life of a supervision notice (督办单): issued to a unit; the unit answers with its measures
 * (and may answer again while the office has not decided); the office verifies the answer and
 * closes the notice (销号) or sends it back to the unit.
 */
export const NOTICE_STATUSES = ['issued', 'answered', 'closed'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

export const NOTICE_ACTIONS = ['answer', 'close', 'send_back'] as const;
export type NoticeAction = (typeof NOTICE_ACTIONS)[number];

export const NOTICE_SOURCES = ['warning', 'manual'] as const;
export type NoticeSource = (typeof NOTICE_SOURCES)[number];

/** Who takes each step: the addressed unit, or the office that verifies. */
export const NOTICE_ACTOR: Record<NoticeAction, 'unit' | 'office'> = {
  answer: 'unit',
  close: 'office',
  send_back: 'office',
};

/** Which action may move a notice from which status to which: the whole workflow as data. */
export const NOTICE_TRANSITIONS: Record<
  NoticeAction,
  { from: readonly NoticeStatus[]; to: NoticeStatus }
> = {
  answer: { from: ['issued', 'answered'], to: 'answered' },
  close: { from: ['answered'], to: 'closed' },
  // the measures were not enough: the unit owes a new answer
  send_back: { from: ['answered'], to: 'issued' },
};

export const NOTICE_STATUS_ZH: Record<NoticeStatus, string> = {
  issued: '待反馈',
  answered: '已反馈待核实',
  closed: '已销号',
};

export const NOTICE_ACTION_ZH: Record<NoticeAction, string> = {
  answer: '反馈整改措施',
  close: '核实销号',
  send_back: '退回重新反馈',
};

const flow = defineWorkflow<NoticeStatus, NoticeAction>({
  noun: '督办单',
  actions: NOTICE_ACTIONS,
  transitions: NOTICE_TRANSITIONS,
  statusZh: NOTICE_STATUS_ZH,
  actionZh: NOTICE_ACTION_ZH,
});
export const { assertTransition, legalActions } = flow;
/** The refusal of an illegal move (one class for every workflow; this name for the callers). */
export { TransitionError as NoticeTransitionError };

/**
 * Escalated to the leaders: the unit owes an answer (issued, or sent back) and the deadline has
 * passed on the offices' calendar (China Standard Time). An answered notice is the office's turn,
 * so it does not escalate.
 */
export function isEscalated(
  notice: { status: NoticeStatus; deadline: string },
  now: Date,
): boolean {
  return notice.status === 'issued' && notice.deadline < isoDateOf(now);
}

/** The office's default numbering: 光科建督〔2023〕1号. */
export const DEFAULT_NOTICE_PATTERN = '光科建督〔{year}〕{n}号';
/** Yellow for this many consecutive months proposes a project for supervision. */
export const DEFAULT_ATTENTION_MONTHS = 2;

/** Why a numbering pattern cannot be used, or null when it can. */
export function patternProblem(pattern: string): string | null {
  if (!pattern.includes('{n}')) return '编号格式须包含序号占位符 {n}';
  // n starts again each year: without the year two notices would share a number
  if (!pattern.includes('{year}')) return '编号格式须包含年份占位符 {year}';
  const unknown = pattern.replace(/\{year\}|\{n\}/g, '').match(/\{[^}]*\}/);
  if (unknown) return `编号格式中的 ${unknown[0]} 无法识别，只能使用 {year} 和 {n}`;
  return null;
}

/** The number of the n-th notice of a year under a pattern: {year} and {n} filled in. */
export function formatNoticeNumber(pattern: string, year: number, n: number): string {
  return pattern.replaceAll('{year}', String(year)).replaceAll('{n}', String(n));
}

/** The months ending at `last`, `count` of them, oldest first. */
export function monthsEndingAt(last: YearMonth, count: number): YearMonth[] {
  const out: YearMonth[] = [];
  let { year, month } = last;
  for (let i = 0; i < count; i++) {
    out.unshift({ year, month });
    month--;
    if (month === 0) {
      month = 12;
      year--;
    }
  }
  return out;
}
