import { date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { ACTIVITY_KINDS } from '../../../domain/activities.ts';
import { offices } from '../offices/offices.table.ts';
import { units } from '../units/units.table.ts';

/** 活动: a delegation received, a study session, a forum, a lecture, an expert consultation. */
export const activities = pgTable(
  'activities',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    kind: text('kind', { enum: ACTIVITY_KINDS }).notNull(),
    title: text('title').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    /** the visitors (a delegation) or the attendees, as written down */
    participants: text('participants'),
    headcount: integer('headcount'),
    /** the unit it concerned, when one did (an expert consultation for an owner unit) */
    unitId: integer('unit_id').references(() => units.id),
    notes: text('notes'),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('activities_office_held').on(t.officeId, t.heldOn)],
);
