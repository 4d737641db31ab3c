import { boolean, integer, jsonb, numeric, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
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

/**
 * The money of the roll-ups added up per office, year, area, tag set and month, over the
 * non-archived projects with a plan for the year: what the dashboard's totals, areas, tags and
 * S-curve add up, read as a few hundred rows instead of every project's 12-month arrays (at
 * 10,000 projects, parsing those arrays was a third of the dashboard's time). Database triggers
 * (migration 0023) add each change to project_year_rollups, and each move of a project between
 * areas or tag sets or into the archive, as a difference, in the transaction of the change, in
 * key order, so concurrent approvals queue on a row instead of losing each other's sums.
 * area_id 0 is "no area". A derived table: not in backups (a restore's inserts rebuild it);
 * `tiaodu rollup verify` compares it with a fresh sum.
 */
export const groupMonthSums = pgTable(
  'group_month_sums',
  {
    officeId: integer('office_id').notNull(),
    year: integer('year').notNull(),
    areaId: integer('area_id').notNull(),
    tags: text('tags').array().notNull(),
    month: integer('month').notNull(),
    plannedProjects: integer('planned_projects').notNull(),
    annualTarget: numeric('annual_target').notNull(),
    initialAnnualTarget: numeric('initial_annual_target').notNull(),
    timingTarget: numeric('timing_target').notNull(),
    initialTimingTarget: numeric('initial_timing_target').notNull(),
    actualCumulative: numeric('actual_cumulative').notNull(),
  },
  (t) => [primaryKey({ columns: [t.officeId, t.year, t.areaId, t.tags, t.month] })],
);
