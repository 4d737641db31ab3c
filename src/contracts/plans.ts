import { z } from 'zod';
import { id, isoDate, version, year } from './common.ts';

const amountText = z.union([z.string(), z.number()]).transform(String);

export const planInput = z.object({
  projectId: id,
  year,
  annualTarget: amountText,
  /** cumulative targets at the end of January … December */
  timingTargets: z.array(amountText),
  /** required when revising an existing plan */
  reason: z.string().trim().max(500).optional(),
  effectiveDate: isoDate.optional(),
  /** the plan's current version, required when revising */
  version: version.optional(),
});
export type PlanInput = z.input<typeof planInput>;
