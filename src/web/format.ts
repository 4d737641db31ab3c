/**
 * How figures look on screen. The arithmetic lives in src/domain (money.ts, periods.ts) and is
 * imported here, so the web shows exactly what the exports and the CLI show.
 */
import { Decimal } from 'decimal.js';
import type { i18n as I18n } from 'i18next';
import { formatWan, percent, wanToYi } from '../domain/money.ts';
import { formatYearMonthZh, type YearMonth } from '../domain/periods.ts';
import { LEVEL_EN, LEVEL_ZH, type Level } from '../domain/warning-rules.ts';
import type { Lang } from './i18n/index.ts';

export { formatWan, percent, wanToYi };

/** The level colours of ui.md, the same in web, Excel and Word. */
export const LEVEL_COLOR: Record<Level, string> = {
  green: '#52c41a',
  yellow: '#faad14',
  red: '#f5222d',
};

/**
 * The same levels as words and numbers on light backgrounds: shade 8/9 of each colour, at least
 * 4.5:1 on white and on LEVEL_TINT (WCAG 2.1 AA); LEVEL_COLOR itself measures 2.2 (green),
 * 1.9 (amber) and 4.0 (red) against white, enough for a dot or a bar, not for text.
 */
export const LEVEL_TEXT: Record<Level, string> = {
  green: '#237804',
  yellow: '#874d00',
  red: '#cf1322',
};
/** The light background of a level tag. */
export const LEVEL_TINT: Record<Level, string> = {
  green: '#f6ffed',
  yellow: '#fffbe6',
  red: '#fff1f0',
};
/** A count badge in a level's colour whose digits stay readable (white on amber is 1.9:1). */
export function levelBadgeStyle(level: Level) {
  return level === 'yellow'
    ? { background: LEVEL_COLOR.yellow, color: 'rgba(0, 0, 0, 0.88)' }
    : { background: LEVEL_TEXT[level], color: '#fff' };
}

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

/** English month names, the one list the English UI takes them from (see GLOSSARY in en.ts). */
export const MONTH_NAMES_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** A month of the year on its own: "June" / "6月"; `short` gives "Jun" for chart axes. */
export function monthName(month: number, lang: Lang, short = false): string {
  if (lang !== 'en') return `${month}月`;
  const name = MONTH_NAMES_EN[month - 1] ?? String(month);
  return short ? name.slice(0, 3) : name;
}

/** Month names inside messages ("{{month, monthName}}", "{{month, monthShort}}") use monthName. */
export function addMonthFormatters(instance: I18n) {
  const lang = (lng: string | undefined): Lang => (lng === 'en' ? 'en' : 'zh-CN');
  instance.services.formatter?.add('monthName', (v, lng) => monthName(Number(v), lang(lng)));
  instance.services.formatter?.add('monthShort', (v, lng) => monthName(Number(v), lang(lng), true));
}

/** "June 2024" / "2024年6月". */
export function monthLabel(ym: YearMonth, lang: Lang): string {
  return lang === 'en' ? `${monthName(ym.month, 'en')} ${ym.year}` : formatYearMonthZh(ym);
}

/** An instant in China Standard Time as "2026-11-24 10:05". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(new Date(iso).getTime() + 8 * 3_600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
