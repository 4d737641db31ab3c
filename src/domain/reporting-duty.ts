import type { ProjectPhase } from './milestones.ts';

/** Phases in which a project's investment is over: nothing more to report month by month. */
export const PHASES_NOT_DUE: readonly ProjectPhase[] = ['completed', 'in_use'];

/**
 * Whether a unit owes a monthly report for a project: only while it is being prepared or built
 * and has a plan for that year. A finished project, or one without a plan for the year, is
 * not asked for one (a report already started for the month is still shown to finish it).
 */
export function isReportDue(p: { phase: ProjectPhase; hasPlan: boolean }): boolean {
  return p.hasPlan && !PHASES_NOT_DUE.includes(p.phase);
}
