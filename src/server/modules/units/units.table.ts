import { integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { offices } from '../offices/offices.table.ts';

/** An organisation: the office itself, an owner unit (建设单位) or a department. */
export const units = pgTable(
  'units',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    name: text('name').notNull(),
    shortName: text('short_name'),
    kind: text('kind', { enum: ['office', 'owner', 'department'] })
      .notNull()
      .default('owner'),
    contact: text('contact'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('units_office_name').on(t.officeId, t.name)],
);
