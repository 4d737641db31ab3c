import { z } from 'zod';
import { PROJECT_PHASES } from '../domain/milestones.ts';
import { parseYearMonth } from '../domain/periods.ts';
import { LEVELS } from '../domain/warning-rules.ts';
import { id, yearMonth } from './common.ts';

/** The filters shared by the dashboard, the warnings list and the CLI. */
export const filterQuery = z.object({
  area: z.string().optional(),
  tag: z.string().optional(),
  unit: z.string().optional(),
  unitId: id.optional(),
  category: z.string().optional(),
  phase: z.enum(PROJECT_PHASES).optional(),
});

export const dispatchQuery = filterQuery.extend({
  through: yearMonth.transform((v) => parseYearMonth(v)!),
});

export const warningsQuery = filterQuery.extend({
  month: yearMonth.transform((v) => parseYearMonth(v)!),
  level: z.enum(LEVELS).optional(),
});

/** The month every page opens on (issue 15 item 1): one answer for every user of the office. */
export const defaultPeriodOutput = z.object({
  year: z.number().int(),
  month: z.number().int(),
  /** YYYY-MM */
  through: z.string(),
  /** why this month: the latest approved figures of a planned year, or the clock when none */
  source: z.enum(['approved', 'clock']),
});
export type DefaultPeriod = z.infer<typeof defaultPeriodOutput>;

export const LINEAGE_FIGURES = ['annualTarget', 'timingTarget', 'actual', 'rate'] as const;
export type LineageFigure = (typeof LINEAGE_FIGURES)[number];

export const lineageQuery = dispatchQuery.extend({
  figure: z.enum(LINEAGE_FIGURES),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

const levelOut = z.enum(LEVELS);
/** A figure's lineage: the rows (projects) behind one dashboard card, and their total. */
export const lineageOutput = z.object({
  figure: z.enum(LINEAGE_FIGURES),
  through: z.string(),
  /** the card's own figure: equal to the dispatch answer's for the same filters */
  total: z.string().nullable(),
  /** for rate: the two sums it divides */
  totalActual: z.string(),
  totalTimingTarget: z.string(),
  totalAnnualTarget: z.string(),
  count: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  rows: z.array(
    z.object({
      projectId: z.number().int(),
      code: z.string(),
      name: z.string(),
      area: z.string().nullable(),
      ownerUnit: z.string().nullable(),
      level: levelOut,
      computedLevel: levelOut,
      /** this row's part of the figure (for rate: its own rate, one decimal, or null) */
      value: z.string().nullable(),
      annualTarget: z.string(),
      timingTarget: z.string(),
      actual: z.string(),
      rate: z.string().nullable(),
      /** approved investment of each month through the month (万元), from the roll-up */
      monthlyActual: z.array(z.string()),
    }),
  ),
});
export type Lineage = z.infer<typeof lineageOutput>;
