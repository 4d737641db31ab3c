import { isoDateOf } from './periods.ts';

/**
 * What needs a person (待办): the inbox is computed from the records each time it is asked
 * for, so it can never disagree with the lists it points into.
 */
export const INBOX_KINDS = [
  'report_due',
  'report_returned',
  'report_to_review',
  'action_item_due',
  'action_item_overdue',
  'action_item_to_verify',
  'action_items_overdue',
  'notice_to_answer',
  'notice_to_verify',
  'notices_escalated',
  'rectification_to_answer',
  'rectification_to_verify',
] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

export type InboxItem = {
  kind: InboxKind;
  /** stable across refreshes, for lists and for not mailing the same thing twice in a digest */
  key: string;
  title: string;
  titleEn: string;
  /** the deadline the item runs against (ISO date), when it has one */
  due: string | null;
  overdue: boolean;
  /** the web page where the person acts on it */
  href: string;
};

/** Days before a deadline when an item starts to remind its unit (到期提醒). */
export const REMIND_DAYS_BEFORE = 3;

/** The last deadline that reminds today: today plus REMIND_DAYS_BEFORE, in China Standard Time. */
export function remindThrough(now: Date): string {
  return isoDateOf(new Date(now.getTime() + REMIND_DAYS_BEFORE * 86_400_000));
}

/** Overdue first, then the nearest deadline, then undated items; ties by key, so stable. */
export function sortInbox(items: InboxItem[]): InboxItem[] {
  return [...items].sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      (a.due ?? '9999-12-31').localeCompare(b.due ?? '9999-12-31') ||
      a.key.localeCompare(b.key),
  );
}

/**
 * The daily e-mail (每日待办提醒) of one person's inbox: a subject with the count and one line per
 * item, overdue first, each with the page to open. Chinese first, English after, as the app.
 * Say the date once per item: the titles carry their deadlines already.
 */
export function composeDigest(
  items: InboxItem[],
  opts: { name: string; date: string; publicUrl?: string },
): { subject: string; text: string } {
  const overdue = items.filter((i) => i.overdue).length;
  const link = (href: string) =>
    opts.publicUrl ? `${opts.publicUrl.replace(/\/$/, '')}${href}` : href;
  const lines = sortInbox(items).map(
    (i, n) => `${n + 1}. ${i.overdue ? '【已逾期】' : ''}${i.title}\n   ${link(i.href)}`,
  );
  return {
    subject: `【调度】${opts.date} 待办 ${items.length} 项${overdue ? `，其中逾期 ${overdue} 项` : ''} / ${items.length} to do${overdue ? `, ${overdue} overdue` : ''}`,
    text: [
      `${opts.name}，您好：`,
      '',
      `截至 ${opts.date}，以下事项需要您处理：`,
      '',
      ...lines,
      '',
      '—— Tiaodu 调度（此邮件由系统每日发送一次；处理后事项自动移出待办）',
      '',
      `${items.length} item(s) need you as of ${opts.date}:`,
      ...sortInbox(items).map((i) => `- ${i.overdue ? '[overdue] ' : ''}${i.titleEn}`),
    ].join('\n'),
  };
}
