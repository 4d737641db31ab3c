import { z } from 'zod';
import { parseYearMonth } from '../domain/periods.ts';
import { wanOut, year as yearField, yearMonth } from './common.ts';
import { filterQuery } from './dispatch.ts';

/** GET /api/forecast: the year-end forecast through a month, for the dashboard's filters or one project. */
export const forecastQuery = filterQuery
  .extend({
    /** optional; when given it must be the year of `through` */
    year: yearField.optional(),
    through: yearMonth.transform((v) => parseYearMonth(v)!),
    /** one project's code (the project page) */
    project: z.string().optional(),
  })
  .refine((q) => q.year === undefined || q.year === q.through.year, {
    message: 'year 与 through 不一致 / year and through disagree',
    path: ['year'],
  });

const basis = z.enum(['category', 'office', 'none']);
const method = z.enum(['share', 'plan', 'actual', 'none']);

/** Expected, low, high and gap are null when the office has no past year to go on (`basis: none`). */
const band = {
  annualTarget: wanOut,
  actual: wanOut,
  expected: wanOut.nullable(),
  low: wanOut.nullable(),
  high: wanOut.nullable(),
  /** annual target − expected: positive is short of the target */
  gap: wanOut.nullable(),
};

export const forecastProjectOut = z.object({
  code: z.string(),
  name: z.string(),
  area: z.string().nullable(),
  category: z.string().nullable(),
  basis,
  method,
  ...band,
});

export const forecastOutput = z.object({
  year: z.number().int(),
  /** YYYY-MM */
  through: z.string(),
  ...band,
  /** `history`: figures from past years; `none`: the office has no finished past year with data */
  basis: z.enum(['history', 'none']),
  /** the finished years the usual shares were learnt from */
  historyYears: z.array(z.number().int()),
  /** past project-years behind the shares */
  samples: z.number().int(),
  projects: z.array(forecastProjectOut),
  byArea: z.array(z.object({ area: z.string(), projects: z.number().int(), ...band })),
  byTag: z.array(z.object({ tag: z.string(), projects: z.number().int(), ...band })),
  /** the S-curve's dashed continuation: month `through` (the actual) to 12 (the forecast) */
  series: z.array(
    z.object({ month: z.number().int(), expected: wanOut, low: wanOut, high: wanOut }),
  ),
});
export type ForecastResult = z.infer<typeof forecastOutput>;
