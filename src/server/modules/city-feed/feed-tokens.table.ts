import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { offices } from '../offices/offices.table.ts';

/**
 * Tokens a higher-level platform (the city's) reads the office's figures with (署区联动): made by
 * the system admin, shown once, kept only as a SHA-256 of the secret, revocable at once.
 */
export const feedTokens = pgTable(
  'feed_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    /** who reads with it, e.g. 深圳市重大项目管理平台 */
    name: text('name').notNull(),
    /** the token's first characters, so an admin can tell tokens apart without the secret */
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    uses: integer('uses').notNull().default(0),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by'),
  },
  (t) => [index('feed_tokens_office').on(t.officeId)],
);
