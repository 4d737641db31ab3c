import { Decimal } from 'decimal.js';
import { isoDateOf, isValidIsoDate, monthEnd } from './periods.ts';

/**
 * Work plans (工作方案): an area's plan of themes (方面) and items (任务), each item with a
 * responsible unit and a deadline. 'delayed' (滞后) is never stored: it is what a not-done item
 * past its deadline is, computed at the request's clock, so it cannot go stale in the table.
 */
export const WORK_PLAN_ITEM_STATUSES = ['not_started', 'in_progress', 'done'] as const;
export type WorkPlanItemStatus = (typeof WORK_PLAN_ITEM_STATUSES)[number];

/** What the caller sees: the stored status, or 'delayed' when a not-done item is overdue. */
export const WORK_PLAN_ITEM_SHOWN = [...WORK_PLAN_ITEM_STATUSES, 'delayed'] as const;
export type WorkPlanItemShown = (typeof WORK_PLAN_ITEM_SHOWN)[number];

export const WORK_PLAN_STATUS_ZH: Record<WorkPlanItemShown, string> = {
  not_started: '未启动',
  in_progress: '推进中',
  done: '已完成',
  delayed: '滞后',
};

/** A deadline is a day (2023-09-30) or a month (2023-09, meaning by that month's end). */
export const DEADLINE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$/;

export function isValidDeadline(text: string): boolean {
  if (!DEADLINE_PATTERN.test(text)) return false;
  return text.length === 7 || isValidIsoDate(text);
}

/** The last day a deadline allows: the day itself, or the month's last day. */
export function deadlineEnd(deadline: string): string {
  if (deadline.length === 7) {
    return monthEnd({ year: Number(deadline.slice(0, 4)), month: Number(deadline.slice(5, 7)) });
  }
  return deadline;
}

/** 2023年9月30日 or 2023年9月底, as a clerk writes it. */
export function deadlineZh(deadline: string): string {
  const y = Number(deadline.slice(0, 4));
  const m = Number(deadline.slice(5, 7));
  return deadline.length === 7
    ? `${y}年${m}月底`
    : `${y}年${m}月${Number(deadline.slice(8, 10))}日`;
}

type ItemLike = { status: WorkPlanItemStatus; deadline: string };

/** Overdue: not done and the deadline's last day is before today (China Standard Time). */
export function isItemOverdue(item: ItemLike, now: Date): boolean {
  return item.status !== 'done' && deadlineEnd(item.deadline) < isoDateOf(now);
}

/** The status shown: 'delayed' for an overdue item, else the stored one. */
export function shownStatus(item: ItemLike, now: Date): WorkPlanItemShown {
  return isItemOverdue(item, now) ? 'delayed' : item.status;
}

/** done ÷ items as a percentage with one decimal, rounded half-up once; null for no items. */
export function doneRate(done: number, items: number): string | null {
  if (items === 0) return null;
  return new Decimal(done).times(100).dividedBy(items).toFixed(1, Decimal.ROUND_HALF_UP);
}

export type RollUp = {
  key: string;
  items: number;
  done: number;
  overdue: number;
  /** percentage, one decimal ("66.7"), or null when there are no items */
  doneRate: string | null;
};

/**
 * Counts items per key (a theme, a unit), keeping the order in which `keys` name them (then any
 * key only the items name, in order of first appearance).
 */
export function rollUp<T extends ItemLike>(
  items: readonly T[],
  keyOf: (item: T) => string,
  now: Date,
  keys: readonly string[] = [],
): RollUp[] {
  const acc = new Map<string, { items: number; done: number; overdue: number }>();
  for (const k of keys) acc.set(k, { items: 0, done: 0, overdue: 0 });
  for (const item of items) {
    const k = keyOf(item);
    let a = acc.get(k);
    if (!a) {
      a = { items: 0, done: 0, overdue: 0 };
      acc.set(k, a);
    }
    a.items++;
    if (item.status === 'done') a.done++;
    if (isItemOverdue(item, now)) a.overdue++;
  }
  return [...acc].map(([key, a]) => ({ key, ...a, doneRate: doneRate(a.done, a.items) }));
}

/** The totals of a whole list, as one roll-up row. */
export function totalOf<T extends ItemLike>(items: readonly T[], now: Date): Omit<RollUp, 'key'> {
  const { key: _key, ...rest } = rollUp(items, () => '', now, [''])[0]!;
  return rest;
}
