import { date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import {
  RECTIFICATION_SOURCES,
  RECTIFICATION_STATUSES,
} from '../../../domain/rectification-workflow.ts';
import { offices } from '../offices/offices.table.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';

/** 整改任务: a finding of an inspection (or audit, supervision) with its measures, owned by a unit. */
export const rectifications = pgTable(
  'rectifications',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    source: text('source', { enum: RECTIFICATION_SOURCES }).notNull(),
    /** which round: “2023年市委第三巡察组反馈意见” */
    sourceName: text('source_name').notNull(),
    finding: text('finding').notNull(),
    measures: text('measures').notNull(),
    responsibleUnitId: integer('responsible_unit_id')
      .notNull()
      .references(() => units.id),
    projectId: integer('project_id').references(() => projects.id),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    deadline: date('deadline', { mode: 'string' }).notNull(),
    status: text('status', { enum: RECTIFICATION_STATUSES }).notNull().default('open'),
    /** the unit's latest progress; every answer is kept in rectification_events */
    progress: text('progress'),
    /** what the unit says proves the task done (its latest report of completion) */
    evidence: text('evidence'),
    /** the unit's first answer: “事事有回音” counts the tasks that have one */
    firstAnsweredAt: timestamp('first_answered_at', { withTimezone: true }),
    closedOn: date('closed_on', { mode: 'string' }),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('rectifications_office_issued').on(t.officeId, t.issuedOn),
    index('rectifications_office_deadline').on(t.officeId, t.status, t.deadline),
    index('rectifications_unit').on(t.responsibleUnitId),
    index('rectifications_project').on(t.projectId),
  ],
);

/** Each step of a task's life (progress, reports, verification), with who and when. Append-only. */
export const rectificationEvents = pgTable(
  'rectification_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    rectificationId: integer('rectification_id')
      .notNull()
      .references(() => rectifications.id),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    note: text('note'),
    actor: text('actor').notNull(),
    actorRole: text('actor_role'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('rectification_events_task').on(t.rectificationId)],
);
