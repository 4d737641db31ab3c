import { z } from 'zod';
import { PROJECT_PHASES } from '../domain/milestones.ts';
import { parseYearMonth } from '../domain/periods.ts';
import { LEVELS, WARNING_RULES } from '../domain/warning-rules.ts';
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
/** A project in a list of figures: who it is and its level for the month (final and computed). */
const projectLevelOut = {
  projectId: z.number().int(),
  code: z.string(),
  name: z.string(),
  area: z.string().nullable(),
  ownerUnit: z.string().nullable(),
  level: levelOut,
  computedLevel: levelOut,
};
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
      ...projectLevelOut,
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

const figuresOut = {
  projects: z.number().int(),
  /** projects with an investment plan for the year; the sums below cover only these */
  plannedProjects: z.number().int(),
  annualTarget: z.string(),
  timingTarget: z.string(),
  actual: z.string(),
  /** the start-of-year plan (年初计划) for comparison */
  initialAnnualTarget: z.string(),
  initialTimingTarget: z.string(),
  /** percentages with one decimal; null when the target is zero */
  rateVsTiming: z.string().nullable(),
  rateVsAnnual: z.string().nullable(),
  /** actual against the start-of-year timing target, minus 100 (提升 / 下降) */
  aboveInitialPlan: z.string().nullable(),
  warnings: z.object({ green: z.number().int(), yellow: z.number().int(), red: z.number().int() }),
};

const reasonOut = z.object({
  rule: z.enum(WARNING_RULES),
  level: levelOut,
  zh: z.string(),
  en: z.string(),
});

/** GET /api/dispatch: the dispatch figures (调度数据), every figure the dashboard shows. */
export const dispatchOutput = z.object({
  ...figuresOut,
  year: z.number().int(),
  through: z.string(),
  byArea: z.array(z.object({ area: z.string(), ...figuresOut })),
  byTag: z.array(z.object({ tag: z.string(), ...figuresOut })),
  series: z.array(
    z.object({ month: z.number().int(), timingTarget: z.string(), actual: z.string().nullable() }),
  ),
  /** the worst first, at most DISPATCH_LIST_LIMIT; flaggedCount says how many there are */
  flagged: z.array(
    z.object({
      ...projectLevelOut,
      overrideReason: z.string().nullable(),
      reasons: z.array(reasonOut),
    }),
  ),
  /** this month's approved investment (本月完成) */
  monthActual: z.string(),
  /** cumulative actual less the timing target (较时序目标) */
  gapVsTiming: z.string(),
  flaggedCount: z.number().int(),
  /**
   * projects whose computed level carries a staleness reason (数据陈旧: latest approved report
   * too old, or progress standing still with money planned), whatever a coordinator made of
   * their level
   */
  staleCount: z.number().int(),
  /** the oldest first, at most DISPATCH_LIST_LIMIT; overdueCount says how many there are */
  overdueMilestones: z.array(
    z.object({
      projectId: z.number().int(),
      code: z.string(),
      name: z.string(),
      milestone: z.string(),
      plannedDate: z.string(),
      /** measured by milestoneLateness() at `asOf`: the month's end, or today when it is not over */
      daysLate: z.number().int(),
      level: levelOut,
      asOf: z.string(),
    }),
  ),
  overdueCount: z.number().int(),
});

/** One group's figures (the totals, an area's, a tag's). */
export type Figures = z.infer<z.ZodObject<typeof figuresOut>>;
export type DispatchResult = z.infer<typeof dispatchOutput>;

/** How many flagged projects and late milestones the dashboard's answer lists. */
export const DISPATCH_LIST_LIMIT = 100;

/** GET /api/warnings: each project's level for the month with its reasons, worst first. */
export const warningsOutput = z.array(
  z.object({
    projectId: z.number().int(),
    code: z.string(),
    name: z.string(),
    area: z.string().nullable(),
    category: z.string().nullable(),
    ownerUnit: z.string().nullable(),
    ownerUnitId: z.number().int().nullable(),
    tags: z.array(z.string()),
    computedLevel: levelOut,
    reasons: z.array(reasonOut),
    overrideLevel: levelOut.nullable(),
    overrideReason: z.string().nullable(),
    /** the override when there is one, else the computed level */
    level: levelOut,
    /** the supervision notice (督办单) issued from this warning, if any */
    notice: z
      .object({
        id: z.number().int(),
        number: z.string(),
        status: z.string(),
        statusZh: z.string(),
      })
      .nullable(),
    /** a red warning without a notice, for someone who issues notices */
    canIssueNotice: z.boolean(),
  }),
);

/** GET/PUT /api/settings/warnings: the office's thresholds and the version to send back. */
export const thresholdsOutput = z.object({
  investmentGreenAtPercent: z.number(),
  investmentRedBelowPercent: z.number(),
  milestoneRedAfterDays: z.number().int(),
  missingReportLevel: levelOut,
  staleReportAfterDays: z.number().int(),
  staleProgressMonths: z.number().int(),
  version: z.number().int(),
});
