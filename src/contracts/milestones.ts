import { z } from 'zod';
import { MILESTONE_KINDS } from '../domain/milestones.ts';
import { id, isoDate, version } from './common.ts';

export const milestoneInput = z.object({
  projectId: id,
  kind: z.enum(MILESTONE_KINDS),
  /** required for custom milestones; standard ones take their standard name */
  name: z.string().trim().min(1).max(100).optional(),
  plannedDate: isoDate.nullish(),
  actualDate: isoDate.nullish(),
});
export type MilestoneInput = z.input<typeof milestoneInput>;

export const milestonePatch = z.object({
  plannedDate: isoDate.nullish(),
  actualDate: isoDate.nullish(),
  name: z.string().trim().min(1).max(100).optional(),
  /** required when the planned date changes */
  reason: z.string().trim().max(500).optional(),
  version,
});
export type MilestonePatch = z.input<typeof milestonePatch>;
