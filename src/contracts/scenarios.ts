import { z } from 'zod';
import { id, isoDate, nonNegativeAmount, version, wanOut, yearMonth } from './common.ts';

/** One project's change: extra 万元 a month, a share of its remaining plan, or out of the year. */
export const projectChange = z.object({
  code: z.string().min(1).max(64),
  extraPerMonth: nonNegativeAmount.optional(),
  shareOfRemainingPlan: z.number().min(0).max(100).optional(),
  dropped: z.boolean().optional(),
});

export const milestoneMove = z.object({ milestoneId: id, plannedDate: isoDate });

export const scenarioChanges = z.object({
  projects: z.array(projectChange).max(500).default([]),
  milestones: z.array(milestoneMove).max(500).default([]),
});

export const scenarioInput = z.object({
  name: z.string().trim().min(1).max(100),
  /** YYYY-MM: the forecast month the scenario is laid over */
  through: yearMonth,
  changes: scenarioChanges,
});

export const scenarioUpdateInput = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  through: yearMonth.optional(),
  changes: scenarioChanges.optional(),
  version,
});

export const scenarioPreviewInput = z.object({ through: yearMonth, changes: scenarioChanges });

export const scenarioListQuery = z.object({ year: z.coerce.number().int().optional() });
export const scenarioThroughQuery = z.object({ through: yearMonth });
export const scenarioIdParams = z.object({ id });

const changesOut = z.object({
  projects: z.array(
    z.object({
      code: z.string(),
      extraPerMonth: z.string().optional(),
      shareOfRemainingPlan: z.number().optional(),
      dropped: z.boolean().optional(),
    }),
  ),
  milestones: z.array(z.object({ milestoneId: z.number().int(), plannedDate: z.string() })),
});

export const scenarioOut = z.object({
  id: z.number().int(),
  name: z.string(),
  year: z.number().int(),
  through: z.string(),
  changes: changesOut,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type ScenarioView = z.infer<typeof scenarioOut>;

const level = z.enum(['green', 'yellow', 'red']);
const figures = z.object({
  annualTarget: wanOut,
  /** null when the office has no past year to forecast from */
  expected: wanOut.nullable(),
  /** expected ÷ annual target, percent with one decimal */
  rate: z.string().nullable(),
  /** annual target − expected: positive is short */
  gap: wanOut.nullable(),
  /** the year-end outlook's warning counts (src/domain/scenarios.ts says how they are judged) */
  counts: z.object({ green: z.number().int(), yellow: z.number().int(), red: z.number().int() }),
});

export const scenarioResultOut = z.object({
  year: z.number().int(),
  through: z.string(),
  /** `none`: no finished past year to forecast from; every expected figure is then null */
  basis: z.enum(['history', 'none']),
  baseline: figures,
  scenario: figures,
  changed: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      dropped: z.boolean(),
      baseExpected: wanOut.nullable(),
      expected: wanOut.nullable(),
      baseLevel: level,
      level,
    }),
  ),
  /** the saved scenario, for GET /api/scenarios/:id/result */
  scenarioId: z.number().int().nullable(),
  name: z.string().nullable(),
});
export type ScenarioResultView = z.infer<typeof scenarioResultOut>;

export const suggestionsOut = z.object({
  year: z.number().int(),
  through: z.string(),
  gap: wanOut.nullable(),
  suggestions: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      remainingPlan: wanOut,
      pace: wanOut,
      closable: wanOut,
      zh: z.string(),
      en: z.string(),
    }),
  ),
});
export type SuggestionsView = z.infer<typeof suggestionsOut>;
