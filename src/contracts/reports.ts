import { z } from 'zod';
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
