import {
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { offices } from '../offices/offices.table.ts';
import type { SummaryEdits, SummaryFigure, SummaryModel } from './summary.model.ts';

export const SUMMARY_STATUSES = ['draft', 'final'] as const;
export type SummaryStatus = (typeof SUMMARY_STATUSES)[number];

/**
 * 工作总结: one per office and period. While a draft its figures are read live from the data and
 * the user's edits (per section) apply on top; finalising freezes the current revision into
 * `summary_versions`, re-opening starts the next revision as a draft (the frozen one stays).
 */
export const summaries = pgTable(
  'summaries',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    periodFrom: date('period_from', { mode: 'string' }).notNull(),
    periodTo: date('period_to', { mode: 'string' }).notNull(),
    title: text('title').notNull(),
    status: text('status', { enum: SUMMARY_STATUSES }).notNull().default('draft'),
    edits: jsonb('edits').$type<SummaryEdits>().notNull().default({}),
    /** 1, 2, …: the n-th version of the document; a final one is in summary_versions */
    revision: integer('revision').notNull().default(1),
    /** optimistic concurrency: every save, finalise and re-open bumps it */
    version: integer('version').notNull().default(1),
    createdBy: text('created_by'),
    updatedBy: text('updated_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('summaries_office_period').on(t.officeId, t.periodFrom, t.periodTo)],
);

/** A finalised revision, frozen: the model as it read, the document laid out, its figures. */
export const summaryVersions = pgTable(
  'summary_versions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    summaryId: integer('summary_id')
      .notNull()
      .references(() => summaries.id),
    revision: integer('revision').notNull(),
    title: text('title').notNull(),
    /** the SummaryModel with the edits applied */
    model: jsonb('model').$type<SummaryModel>().notNull(),
    /** the OfficialDocument (image bytes as base64) the .docx is rendered from */
    document: jsonb('document').$type<unknown>().notNull(),
    /** every figure the text quotes, by key */
    figures: jsonb('figures').$type<Record<string, SummaryFigure>>().notNull(),
    finalizedBy: text('finalized_by'),
    finalizedAt: timestamp('finalized_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('summary_versions_summary_revision').on(t.summaryId, t.revision),
    index('summary_versions_office').on(t.officeId),
  ],
);
