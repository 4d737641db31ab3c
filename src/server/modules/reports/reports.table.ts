import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { REPORT_STATUSES } from '../../../domain/report-workflow.ts';
import { offices } from '../offices/offices.table.ts';
import { projects } from '../projects/projects.table.ts';

/** 月报: one per project and month. Only approved ones count in figures. */
export const monthlyReports = pgTable(
  'monthly_reports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    year: integer('year').notNull(),
    month: integer('month').notNull(),
    investment: numeric('investment', { precision: 16, scale: 2 }).notNull(),
    progressPercent: numeric('progress_percent', { precision: 5, scale: 2 }),
    progressText: text('progress_text'),
    problems: text('problems'),
    nextPlan: text('next_plan'),
    status: text('status', { enum: REPORT_STATUSES }).notNull().default('draft'),
    source: text('source', { enum: ['form', 'import'] })
      .notNull()
      .default('form'),
    returnReason: text('return_reason'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    updatedBy: text('updated_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('monthly_reports_project_month').on(t.projectId, t.year, t.month),
    index('monthly_reports_office_period').on(t.officeId, t.year, t.month, t.status),
    // The staleness rule's lookups (approvedHistories): the latest approved progress figure and
    // the run of equal ones, without walking past reports that carry none.
    index('monthly_reports_approved_progress')
      .on(t.projectId, t.year, t.month)
      .where(sql`status = 'approved' and progress_percent is not null`),
  ],
);

/** Every workflow step of a report, who and when. Append-only. */
export const reportTransitions = pgTable(
  'report_transitions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    reportId: integer('report_id')
      .notNull()
      .references(() => monthlyReports.id),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    reason: text('reason'),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('report_transitions_report').on(t.reportId)],
);
