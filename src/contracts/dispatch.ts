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
