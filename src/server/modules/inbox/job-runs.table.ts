import { date, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { offices } from '../offices/offices.table.ts';

/**
 * One row per scheduled job, office and day that an instance claimed. The primary key is the
 * lock: with several app instances, the insert of exactly one of them succeeds, so a daily job
 * runs once whatever the number of instances, and a restart the same day does not repeat it.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    job: text('job').notNull(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    runOn: date('run_on', { mode: 'string' }).notNull(),
    instance: text('instance').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** success, partial (some messages failed) or failure, with what was done */
    outcome: text('outcome'),
    detail: text('detail'),
  },
  (t) => [primaryKey({ columns: [t.job, t.officeId, t.runOn] })],
);
