import { z } from 'zod';
import { REVIEW_HINT_KEYS } from '../domain/review-hints.ts';
import { id, month, nonNegativeAmount, version, year } from './common.ts';

const longText = z.string().trim().max(4000).nullish();

export const reportDraftInput = z.object({
  projectId: id,
  year,
  month,
  investment: nonNegativeAmount,
  progressPercent: z.coerce
    .number()
    .min(0, { message: '形象进度应在0–100之间 / progress must be 0–100' })
    .max(100, { message: '形象进度应在0–100之间 / progress must be 0–100' })
    .nullish(),
  progressText: longText,
  problems: longText,
  nextPlan: longText,
  /**
   * The version the form loaded: 0 for a month without a report yet. Required, so a save made
   * over someone else's newer one is a 409 naming them, never a silent overwrite.
   */
  version: z
    .number({
      message:
        '需带 version（打开时读到的版本，新月报为 0）/ version is required (0 for a new report)',
    })
    .int()
    .min(0),
});
export type ReportDraftInput = z.input<typeof reportDraftInput>;

export const returnInput = z.object({
  reason: z.string().trim().min(1, { message: '退回须填写原因 / a reason is required' }).max(1000),
  version: version.optional(),
});

export const reportListQuery = z.object({
  projectId: id.optional(),
  year: year.optional(),
  month: month.optional(),
  status: z.enum(['draft', 'submitted', 'approved', 'returned']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});
export type ReportListQuery = z.input<typeof reportListQuery>;

/** `GET /api/reports/review-queue`: the reports waiting for review, a page at a time. */
export const reviewQueueQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type ReviewQueueQuery = z.input<typeof reviewQueueQuery>;

const hintLevel = z.enum(['yellow', 'red']);
export const reviewQueueOutput = z.object({
  /** every report waiting for review in the caller's scope (not only this page) */
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  items: z.array(
    z.object({
      id: z.number().int(),
      projectId: z.number().int(),
      projectCode: z.string(),
      projectName: z.string(),
      year: z.number().int(),
      month: z.number().int(),
      investment: z.string(),
      progressPercent: z.string().nullable(),
      progressText: z.string().nullable(),
      problems: z.string().nullable(),
      nextPlan: z.string().nullable(),
      status: z.enum(['draft', 'submitted', 'approved', 'returned']),
      version: z.number().int(),
      /** ISO 8601 */
      submittedAt: z.string().nullable(),
      /** the project's report of the month before, whatever its status */
      last: z
        .object({
          investment: z.string(),
          progressPercent: z.string().nullable(),
          status: z.string(),
        })
        .nullable(),
      /** month-over-month change of the investment, signed, one decimal ("+12.5"), or null */
      changePercent: z.string().nullable(),
      /** the month's planned share (the timing target's rise), null without a plan */
      monthPlan: z.string().nullable(),
      /** plausibility hints (domain/review-hints.ts), worded by the web from key and figures */
      hints: z.array(
        z.object({
          key: z.enum(REVIEW_HINT_KEYS),
          level: hintLevel,
          ratio: z.string().optional(),
          last: z.string().optional(),
        }),
      ),
    }),
  ),
});
export type ReviewQueue = z.infer<typeof reviewQueueOutput>;
