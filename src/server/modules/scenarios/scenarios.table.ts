import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { ScenarioChanges } from '../../../domain/scenarios.ts';
import { offices } from '../offices/offices.table.ts';

/**
 * Saved what-if scenarios (假设分析): a name, the month they are seen from, and their changes.
 * Only the changes are kept; the figures are recomputed from the forecast each time, so a
 * scenario never holds nor touches a real plan, report or milestone.
 */
export const scenarios = pgTable(
  'scenarios',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    name: text('name').notNull(),
    year: integer('year').notNull(),
    /** YYYY-MM: the forecast month the scenario is laid over */
    through: text('through').notNull(),
    changes: jsonb('changes').$type<ScenarioChanges>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('scenarios_office_year').on(t.officeId, t.year)],
);
