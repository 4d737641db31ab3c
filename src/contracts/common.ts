import { z } from 'zod';
import { isStorableAmount, parseAmount } from '../domain/money.ts';
import { isValidIsoDate, parseYearMonth } from '../domain/periods.ts';

/** An amount in 万元: a number or a string like "1,234.5" or full-width digits; carried on as "1234.50". */
export const amount = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const parsed = parseAmount(v);
  if (parsed === null) {
    ctx.addIssue({ code: 'custom', message: `“${v}”不是有效金额 / not a valid amount` });
    return z.NEVER;
  }
  if (!isStorableAmount(parsed)) {
    ctx.addIssue({ code: 'custom', message: `金额“${v}”超出上限 / amount too large` });
    return z.NEVER;
  }
  return parsed;
});

export const nonNegativeAmount = amount.refine((v) => !v.startsWith('-'), {
  message: '金额不能为负数 / amount must not be negative',
});

export const isoDate = z.string().refine(isValidIsoDate, {
  message: '日期应为有效的 YYYY-MM-DD / date must be a real YYYY-MM-DD',
});

/**
 * A moment to filter timestamps by: a YYYY-MM-DD day or an ISO date-time with offset.
 * Bounded like yearMonth: '0001-01-01' in +08:00 is year 0 in UTC, which PostgreSQL refuses.
 */
export const instant = z.string().refine(
  (v) => {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(v);
    if (day ? !isValidIsoDate(v) : !z.iso.datetime({ offset: true }).safeParse(v).success)
      return false;
    const y = new Date(day ? `${v}T00:00:00Z` : v).getUTCFullYear();
    return y >= 1900 && y <= 2999;
  },
  {
    message:
      '应为 YYYY-MM-DD 或带时区的时间，年份在 1900–2999 之间 / must be a date or an ISO date-time with offset in 1900–2999',
  },
);

export const yearMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '月份应为 YYYY-MM / month must be YYYY-MM' })
  // Routes read it with parseYearMonth(v)!, which has no month before 1900 or after 2999.
  .refine((v) => parseYearMonth(v) !== null, {
    message: '月份的年份应在 1900–2999 之间 / the month must be in 1900–2999',
  });

export const year = z.coerce.number().int().min(2000).max(2100);
export const month = z.coerce.number().int().min(1).max(12);
// Every id column is a PostgreSQL integer: a larger id names nothing, and must not reach SQL.
export const id = z.coerce.number().int().positive().max(2_147_483_647);
export const version = z.number().int().positive();

/** Amount fields in answers: decimal strings in 万元 with two places. */
export const wanOut = z.string();
