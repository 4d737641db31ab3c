import { Decimal } from 'decimal.js';

/** Amounts are 万元 held as decimal strings with two places; every sum goes through Decimal. */
export type Wan = string;

/** decimal.js keeps the sign of a negative that rounds to zero; "-0.00" is never what we mean. */
function fixed(d: Decimal, places = 2): string {
  const text = d.toFixed(places, Decimal.ROUND_HALF_UP);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

const FULL_WIDTH = /[\uFF10-\uFF19\uFF0E\uFF0C\uFF0D\uFF0B]/g;

/** Turns full-width digits and punctuation into ASCII so "１２，３４５．５" reads as 12,345.5. */
export function toHalfWidth(text: string): string {
  return text.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * Parses a user-typed amount in 万元 ("1,234.5", "１２３４．５", 1234.5) into a two-decimal string.
 * Returns null when the text is not a number; callers decide what an empty value means.
 */
export function parseAmount(input: string | number): Wan | null {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return null;
    // A number typed in a form or read from a cell is converted through its shortest decimal form.
    return fixed(new Decimal(String(input)));
  }
  const text = toHalfWidth(input).trim().replace(/[,\s]/g, '');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return null;
  return fixed(new Decimal(text));
}

/** The largest amount numeric(16,2) holds: 14 digits before the point. */
export const MAX_WAN = '99999999999999.99';

/** True when the amount fits the database column (|amount| ≤ MAX_WAN). */
export function isStorableAmount(value: Wan): boolean {
  return new Decimal(value).abs().lessThanOrEqualTo(MAX_WAN);
}

/** Exact sum of 万元 strings. */
export function sumWan(values: Iterable<Wan | null | undefined>): Wan {
  let total = new Decimal(0);
  for (const v of values) if (v != null) total = total.plus(v);
  return fixed(total);
}

/** Normalises any numeric string from the database to two decimals. */
export function wan(value: string | number | null | undefined): Wan {
  if (value == null) return '0.00';
  return fixed(new Decimal(String(value)));
}

export function compareWan(a: Wan, b: Wan): number {
  return new Decimal(a).comparedTo(b);
}

export function subtractWan(a: Wan, b: Wan): Wan {
  return fixed(new Decimal(a).minus(b));
}

/** a ÷ b as an exact Decimal, or null when b is zero (a rate against nothing is undefined). */
export function ratio(a: Wan, b: Wan): Decimal | null {
  const d = new Decimal(b);
  if (d.isZero()) return null;
  return new Decimal(a).dividedBy(d);
}

/** A rate as a percentage string with one decimal ("93.0"), or null. */
export function percent(a: Wan, b: Wan, places = 1): string | null {
  const r = ratio(a, b);
  return r === null ? null : fixed(r.times(100), places);
}

/** 万元 → 亿元 with two decimals, as dashboards show it (1049100.00 → "104.91"). */
export function wanToYi(value: Wan, places = 2): string {
  return fixed(new Decimal(value).dividedBy(10000), places);
}

/**
 * An amount in a sentence, in both languages: 亿元 from 1亿 up (small ones would round to
 * 0.00亿), else 万元; English units as in the web's glossary (src/web/i18n/en.ts).
 */
export function amountText(value: Wan): { zh: string; en: string } {
  if (new Decimal(value).abs().greaterThanOrEqualTo(10000)) {
    const yi = wanToYi(value);
    return { zh: `${yi}亿元`, en: `${yi} 100M yuan` };
  }
  const w = formatWan(value);
  return { zh: `${w}万元`, en: `${w} 10k yuan` };
}

/** Thousands separators for tables: 1234567.5 → "1,234,567.50". */
export function formatWan(value: Wan): string {
  const [int, frac] = fixed(new Decimal(value)).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  return `${sign}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}
