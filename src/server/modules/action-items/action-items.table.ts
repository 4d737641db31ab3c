import { date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { ACTION_ITEM_STATUSES } from '../../../domain/action-item-workflow.ts';
import { meetings } from '../meetings/meetings.table.ts';
import { offices } from '../offices/offices.table.ts';
import { problems } from '../problems/problems.table.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';

/** 交办事项: a task a meeting (or a problem) assigns to a unit with a deadline, closed by the office. */
export const actionItems = pgTable(
  'action_items',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    meetingId: integer('meeting_id').references(() => meetings.id),
    problemId: integer('problem_id').references(() => problems.id),
    projectId: integer('project_id').references(() => projects.id),
    responsibleUnitId: integer('responsible_unit_id')
      .notNull()
      .references(() => units.id),
    content: text('content').notNull(),
    assignedOn: date('assigned_on', { mode: 'string' }).notNull(),
    deadline: date('deadline', { mode: 'string' }).notNull(),
    status: text('status', { enum: ACTION_ITEM_STATUSES }).notNull().default('open'),
    /** the unit's latest answer; every answer is kept in action_item_events */
    progress: text('progress'),
    requestedDeadline: date('requested_deadline', { mode: 'string' }),
    extensionReason: text('extension_reason'),
    closedOn: date('closed_on', { mode: 'string' }),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('action_items_office_assigned').on(t.officeId, t.assignedOn),
    index('action_items_office_deadline').on(t.officeId, t.status, t.deadline),
    index('action_items_unit').on(t.responsibleUnitId),
    index('action_items_meeting').on(t.meetingId),
    index('action_items_problem').on(t.problemId),
    index('action_items_project').on(t.projectId),
  ],
);

/** Each step of an item's life (answers, extensions, verification), with who and when. Append-only. */
export const actionItemEvents = pgTable(
  'action_item_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    actionItemId: integer('action_item_id')
      .notNull()
      .references(() => actionItems.id),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    note: text('note'),
    deadlineBefore: date('deadline_before', { mode: 'string' }),
    deadlineAfter: date('deadline_after', { mode: 'string' }),
    actor: text('actor').notNull(),
    actorRole: text('actor_role'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('action_item_events_item').on(t.actionItemId)],
);
