/** A calendar month, the unit of reporting. */
export type YearMonth = { year: number; month: number };

const MONTH_RE = /^(\d{4})-(\d{2})$/;

/** Parses "2024-09"; returns null for anything else, including month 13. */
export function parseYearMonth(text: string): YearMonth | null {
  const m = MONTH_RE.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12 || year < 1900 || year > 2999) return null;
  return { year, month };
}

export function formatYearMonth({ year, month }: YearMonth): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** 2023年6月 */
export function formatYearMonthZh({ year, month }: YearMonth): string {
  return `${year}年${month}月`;
}

/** The last day of the month as an ISO date string. */
export function monthEnd({ year, month }: YearMonth): string {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
}

/** The ISO date `days` days after `iso` (before, when negative). */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The month before, across a year boundary. */
export function previousMonth({ year, month }: YearMonth): YearMonth {
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
}

/** Whole days from ISO date a to ISO date b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Checks an ISO date string names a real day (rejects 2023-02-30). */
export function isValidIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

export function compareYearMonth(a: YearMonth, b: YearMonth): number {
  return a.year * 12 + a.month - (b.year * 12 + b.month);
}

/** The month a clock instant falls in, in China Standard Time (the offices' calendar). */
export function yearMonthOf(instant: Date): YearMonth {
  const cst = new Date(instant.getTime() + 8 * 3_600_000);
  return { year: cst.getUTCFullYear(), month: cst.getUTCMonth() + 1 };
}

/** Today's date in China Standard Time, ISO. */
export function isoDateOf(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export type PeriodKind = 'month' | 'quarter' | 'half' | 'year';

/** The months a period covers: quarter 3 → 7..9, half 1 → 1..6. */
export function periodMonths(kind: PeriodKind, index = 1): { from: number; to: number } {
  switch (kind) {
    case 'month':
      return { from: index, to: index };
    case 'quarter':
      return { from: (index - 1) * 3 + 1, to: index * 3 };
    case 'half':
      return { from: (index - 1) * 6 + 1, to: index * 6 };
    case 'year':
      return { from: 1, to: 12 };
  }
}
