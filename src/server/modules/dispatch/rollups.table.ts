import { boolean, integer, jsonb, numeric, pgTable, primaryKey } from 'drizzle-orm/pg-core';
import { offices } from '../offices/offices.table.ts';
import { projects } from '../projects/projects.table.ts';

/**
 * Per project and year, what the dashboard needs: targets (current and start-of-year) and the
 * cumulative approved actual at each month end, as 12-element arrays of decimal strings, plus
 * which months have a report handed in. Kept in the same transaction as every approval, import
 * and plan revision; `tiaodu rollup verify` recomputes it from the raw rows.
 */
export const projectYearRollups = pgTable(
  'project_year_rollups',
  {
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    year: integer('year').notNull(),
    hasPlan: boolean('has_plan').notNull(),
    annualTarget: numeric('annual_target', { precision: 16, scale: 2 }).notNull(),
    initialAnnualTarget: numeric('initial_annual_target', { precision: 16, scale: 2 }).notNull(),
    timingTargets: jsonb('timing_targets').$type<string[]>().notNull(),
    initialTimingTargets: jsonb('initial_timing_targets').$type<string[]>().notNull(),
    actualCumulative: jsonb('actual_cumulative').$type<string[]>().notNull(),
    reportedMonths: jsonb('reported_months').$type<boolean[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.year] })],
);
