import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** The tenant: one dispatch office. Every other table carries its key. */
export const offices = pgTable('offices', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
