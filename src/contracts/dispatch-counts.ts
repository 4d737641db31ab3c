import { z } from 'zod';
import { dispatchQuery } from './dispatch.ts';

/** `GET /api/dispatch/counts`: the dashboard's counts, with the same filters as /dispatch. */
export const dispatchCountsQuery = dispatchQuery;

/** How many projects not reported a page lists at most (the count is always complete). */
export const NOT_REPORTED_LIST_LIMIT = 100;

export const dispatchCountsOutput = z.object({
  /** YYYY-MM */
  through: z.string(),
  /** reports handed in and waiting for review (status submitted), any month, in the filter */
  reportsAwaitingReview: z.number().int(),
  /**
   * projects that owe the month's report (a plan for the year, not finished) and have none
   * submitted or approved for it; overrides of the warning level do not hide them
   */
  notReported: z.number().int(),
  /** the first of them by code, at most NOT_REPORTED_LIST_LIMIT */
  notReportedProjects: z.array(
    z.object({
      projectId: z.number().int(),
      code: z.string(),
      name: z.string(),
      ownerUnit: z.string().nullable(),
    }),
  ),
});
export type DispatchCounts = z.infer<typeof dispatchCountsOutput>;
