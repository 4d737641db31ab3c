/**
 * How figures look on screen. The arithmetic lives in src/domain (money.ts, periods.ts) and is
 * imported here, so the web shows exactly what the exports and the CLI show.
 */
import { Decimal } from 'decimal.js';
import { formatWan, percent, wanToYi } from '../domain/money.ts';
import { formatYearMonth, formatYearMonthZh, type YearMonth } from '../domain/periods.ts';
import { LEVEL_EN, LEVEL_ZH, type Level } from '../domain/warning-rules.ts';
import type { Lang } from './i18n/index.ts';

export { formatWan, percent, wanToYi };

/** The level colours of ui.md, the same in web, Excel and Word. */
export const LEVEL_COLOR: Record<Level, string> = {
  green: '#52c41a',
  yellow: '#faad14',
  red: '#f5222d',
};

export function levelName(level: Level, lang: Lang): string {
  return lang === 'en' ? LEVEL_EN[level] : LEVEL_ZH[level];
}

/** "93.0" → "93.0%", "42.30" → "42.3%" (percentages show one decimal); null → "—". */
export function pct(value: string | null | undefined): string {
  if (value == null) return '—';
  return `${new Decimal(value).toFixed(1, Decimal.ROUND_HALF_UP)}%`;
}

/** 万元 with separators, or "—". */
export function wanText(value: string | null | undefined): string {
  return value == null ? '—' : formatWan(value);
}

export function yi(value: string | null | undefined): string {
  return value == null ? '—' : wanToYi(value);
}

export function monthLabel(ym: YearMonth, lang: Lang): string {
  return lang === 'en' ? formatYearMonth(ym) : formatYearMonthZh(ym);
}

/** An instant in China Standard Time as "2026-11-24 10:05". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(new Date(iso).getTime() + 8 * 3_600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** The month before, across a year boundary. */
export function previousMonth({ year, month }: YearMonth): YearMonth {
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
}
