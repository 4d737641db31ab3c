import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { MILESTONE_KINDS } from '../../../domain/milestones.ts';
import { offices } from '../offices/offices.table.ts';
import { projects } from '../projects/projects.table.ts';

/** 节点: a planned and actual date in a project's life. */
export const milestones = pgTable(
  'milestones',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    kind: text('kind', { enum: MILESTONE_KINDS }).notNull(),
    name: text('name').notNull(),
    plannedDate: date('planned_date', { mode: 'string' }),
    actualDate: date('actual_date', { mode: 'string' }),
    sortOrder: integer('sort_order').notNull().default(0),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('milestones_project').on(t.projectId),
    // Late at a day (lateAtSql): open and planned before it, or done after it. Two small
    // ranges, instead of reading every milestone of the office's history on every dashboard.
    index('milestones_open_planned').on(t.plannedDate).where(sql`actual_date is null`),
    index('milestones_actual').on(t.actualDate),
  ],
);

/** Each change of a milestone's planned date, with the old date and the reason. Append-only. */
export const milestoneChanges = pgTable('milestone_changes', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  officeId: integer('office_id')
    .notNull()
    .references(() => offices.id),
  milestoneId: integer('milestone_id')
    .notNull()
    .references(() => milestones.id),
  oldPlannedDate: date('old_planned_date', { mode: 'string' }),
  newPlannedDate: date('new_planned_date', { mode: 'string' }),
  reason: text('reason').notNull(),
  actor: text('actor').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
});
