import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { WarningReason, WarningThresholds } from '../../../domain/warning-rules.ts';
import { LEVELS } from '../../../domain/warning-rules.ts';
import { offices } from '../offices/offices.table.ts';
import { projects } from '../projects/projects.table.ts';

/** Warning thresholds per office; a missing row means the defaults. */
export const warningSettings = pgTable('warning_settings', {
  officeId: integer('office_id')
    .primaryKey()
    .references(() => offices.id),
  thresholds: jsonb('thresholds').$type<WarningThresholds>().notNull(),
  version: integer('version').notNull().default(1),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The monthly snapshot of a project's warning: computed level and reasons as of the last
 * snapshot, and the final level (the override when there is one).
 */
export const warningSnapshots = pgTable(
  'warning_snapshots',
  {
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    year: integer('year').notNull(),
    month: integer('month').notNull(),
    computedLevel: text('computed_level', { enum: LEVELS }).notNull(),
    reasons: jsonb('reasons').$type<WarningReason[]>().notNull(),
    finalLevel: text('final_level', { enum: LEVELS }).notNull(),
    overrideLevel: text('override_level', { enum: LEVELS }),
    overrideReason: text('override_reason'),
    overriddenBy: text('overridden_by'),
    overriddenAt: timestamp('overridden_at', { withTimezone: true }),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.year, t.month] }),
    index('warning_snapshots_office_period').on(t.officeId, t.year, t.month),
  ],
);

/**
 * The history of every warning: each computed change and each override, never rewritten.
 * The snapshot row is the current state; this table is how it got there.
 */
export const warningEvents = pgTable(
  'warning_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    year: integer('year').notNull(),
    month: integer('month').notNull(),
    kind: text('kind', { enum: ['computed', 'override', 'override_cleared'] }).notNull(),
    computedLevel: text('computed_level', { enum: LEVELS }).notNull(),
    reasons: jsonb('reasons').$type<WarningReason[]>().notNull(),
    finalLevel: text('final_level', { enum: LEVELS }).notNull(),
    overrideLevel: text('override_level', { enum: LEVELS }),
    overrideReason: text('override_reason'),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('warning_events_project_period').on(t.projectId, t.year, t.month)],
);
