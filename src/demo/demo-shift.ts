import { addDays, daysBetween, type YearMonth } from '../domain/periods.ts';

/**
 * How far the demo's "latest months" (the coordination loop of Q4 2024: meetings, action
 * items, problems, notices, rectifications, visits) move so they end in the demo's last
 * month: dates by whole days (their order never changes), periods by whole months. Zero when
 * the demo ends in 2024-12, so the office of the tests is the one written down.
 */
export type DemoShift = { days: number; months: number };

const WRITTEN_END: YearMonth = { year: 2024, month: 12 };

export function demoShift(end: YearMonth): DemoShift {
  const first = (ym: YearMonth) => `${ym.year}-${String(ym.month).padStart(2, '0')}-01`;
  return {
    days: daysBetween(first(WRITTEN_END), first(end)),
    months: (end.year - WRITTEN_END.year) * 12 + end.month - WRITTEN_END.month,
  };
}

export const NO_SHIFT: DemoShift = { days: 0, months: 0 };

export function shiftDate(s: DemoShift, iso: string): string {
  return addDays(iso, s.days);
}

export function shiftPeriod(s: DemoShift, { year, month }: YearMonth): YearMonth {
  const n = year * 12 + month - 1 + s.months;
  return { year: Math.floor(n / 12), month: (n % 12) + 1 };
}

/** "10月" in a written sentence names the month it happened in: it moves with the dates. */
export function shiftText(s: DemoShift, text: string): string {
  if (s.months === 0) return text;
  return text.replace(
    /(?<!\d)(1[0-2]|[1-9])月/g,
    (_, m: string) => `${((Number(m) - 1 + s.months) % 12) + 1}月`,
  );
}
