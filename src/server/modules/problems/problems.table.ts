import { date, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { PROBLEM_CATEGORIES, PROBLEM_STATUSES } from '../../../domain/problem-workflow.ts';
import { meetings } from '../meetings/meetings.table.ts';
import { offices } from '../offices/offices.table.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';

/** 问题: an obstacle of a project, raised, coordinated, resolved (how, in which meeting) or escalated. */
export const problems = pgTable(
  'problems',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    category: text('category', { enum: PROBLEM_CATEGORIES }).notNull(),
    description: text('description').notNull(),
    raisedOn: date('raised_on', { mode: 'string' }).notNull(),
    /** who raised it, as the office wrote it down (a person or a unit's name) */
    raisedBy: text('raised_by'),
    raisedByUnitId: integer('raised_by_unit_id').references(() => units.id),
    status: text('status', { enum: PROBLEM_STATUSES }).notNull().default('open'),
    resolution: text('resolution'),
    resolvedOn: date('resolved_on', { mode: 'string' }),
    resolvedMeetingId: integer('resolved_meeting_id').references(() => meetings.id),
    escalationReason: text('escalation_reason'),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('problems_project').on(t.projectId),
    index('problems_office_raised').on(t.officeId, t.raisedOn),
    index('problems_office_resolved').on(t.officeId, t.resolvedOn),
  ],
);

/** Each step of a problem's life, with who and when. Append-only. */
export const problemEvents = pgTable(
  'problem_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    problemId: integer('problem_id')
      .notNull()
      .references(() => problems.id),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    note: text('note'),
    meetingId: integer('meeting_id').references(() => meetings.id),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('problem_events_problem').on(t.problemId)],
);

/** The problems a meeting discussed (whether or not it resolved them). */
export const meetingProblems = pgTable(
  'meeting_problems',
  {
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    problemId: integer('problem_id')
      .notNull()
      .references(() => problems.id),
  },
  (t) => [
    primaryKey({ columns: [t.meetingId, t.problemId] }),
    index('meeting_problems_problem').on(t.problemId),
  ],
);
