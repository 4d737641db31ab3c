import {
  date,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { offices } from '../offices/offices.table.ts';
import { projects } from '../projects/projects.table.ts';

/**
 * 固投计划: a project's annual target and 12 cumulative monthly timing targets for a year.
 * Timing targets are JSON arrays of decimal strings: node-postgres would parse numeric[] into floats.
 * The first revision is the start-of-year plan (年初计划) and is kept beside the current one.
 */
export const investmentPlans = pgTable(
  'investment_plans',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    year: integer('year').notNull(),
    annualTarget: numeric('annual_target', { precision: 16, scale: 2 }).notNull(),
    timingTargets: jsonb('timing_targets').$type<string[]>().notNull(),
    initialAnnualTarget: numeric('initial_annual_target', { precision: 16, scale: 2 }).notNull(),
    initialTimingTargets: jsonb('initial_timing_targets').$type<string[]>().notNull(),
    revision: integer('revision').notNull().default(1),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('investment_plans_project_year').on(t.projectId, t.year)],
);

/** Every revision of a plan, the first one included, with its date and reason. Append-only. */
export const planRevisions = pgTable(
  'plan_revisions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    planId: integer('plan_id')
      .notNull()
      .references(() => investmentPlans.id),
    revision: integer('revision').notNull(),
    annualTarget: numeric('annual_target', { precision: 16, scale: 2 }).notNull(),
    timingTargets: jsonb('timing_targets').$type<string[]>().notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('plan_revisions_plan_revision').on(t.planId, t.revision)],
);
