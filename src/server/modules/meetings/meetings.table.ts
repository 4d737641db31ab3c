import { date, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { MEETING_KINDS } from '../../../domain/meetings.ts';
import { offices } from '../offices/offices.table.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';

/** 会议: a task-force, coordination or regular meeting, or a site visit, with its minutes. */
export const meetings = pgTable(
  'meetings',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    kind: text('kind', { enum: MEETING_KINDS }).notNull(),
    title: text('title').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    chair: text('chair'),
    location: text('location'),
    /** plain text in paragraphs (see normalizeMinutes), never HTML */
    minutes: text('minutes'),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('meetings_office_held').on(t.officeId, t.heldOn)],
);

/** The units that attended a meeting. */
export const meetingUnits = pgTable(
  'meeting_units',
  {
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
  },
  (t) => [
    primaryKey({ columns: [t.meetingId, t.unitId] }),
    index('meeting_units_unit').on(t.unitId),
  ],
);

/** The projects a meeting was about. */
export const meetingProjects = pgTable(
  'meeting_projects',
  {
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
  },
  (t) => [
    primaryKey({ columns: [t.meetingId, t.projectId] }),
    index('meeting_projects_project').on(t.projectId),
  ],
);
