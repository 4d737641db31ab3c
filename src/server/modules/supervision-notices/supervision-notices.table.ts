import {
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { NOTICE_SOURCES, NOTICE_STATUSES } from '../../../domain/notice-workflow.ts';
import type { Level } from '../../../domain/warning-rules.ts';
import { offices } from '../offices/offices.table.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';

/** A reason a notice was issued: a warning's reason as it was, or one written by hand. */
export type NoticeReason = { zh: string; en: string; level?: Level; rule?: string };

/** 督办单: a notice to a unit about a lagging project, answered by the unit, closed by the office. */
export const supervisionNotices = pgTable(
  'supervision_notices',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    /** the year of issue and the notice's number in it: 光科建督〔year〕seq号 */
    year: integer('year').notNull(),
    seq: integer('seq').notNull(),
    number: text('number').notNull(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    content: text('content').notNull(),
    reasons: jsonb('reasons').$type<NoticeReason[]>().notNull(),
    source: text('source', { enum: NOTICE_SOURCES }).notNull(),
    /** the warning it was issued from (source 'warning') */
    warningYear: integer('warning_year'),
    warningMonth: integer('warning_month'),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    deadline: date('deadline', { mode: 'string' }).notNull(),
    status: text('status', { enum: NOTICE_STATUSES }).notNull().default('issued'),
    /** the unit's latest answer; every answer is kept in supervision_notice_events */
    measures: text('measures'),
    answeredOn: date('answered_on', { mode: 'string' }),
    closedOn: date('closed_on', { mode: 'string' }),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('supervision_notices_office_year_seq').on(t.officeId, t.year, t.seq),
    uniqueIndex('supervision_notices_office_number').on(t.officeId, t.number),
    // one notice per warning (project and month); manual notices carry no month
    uniqueIndex('supervision_notices_warning').on(t.projectId, t.warningYear, t.warningMonth),
    index('supervision_notices_office_issued').on(t.officeId, t.issuedOn),
    index('supervision_notices_office_deadline').on(t.officeId, t.status, t.deadline),
    index('supervision_notices_unit').on(t.unitId),
  ],
);

/** Each step of a notice's life (issue, answers, verification), with who and when. Append-only. */
export const supervisionNoticeEvents = pgTable(
  'supervision_notice_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    noticeId: integer('notice_id')
      .notNull()
      .references(() => supervisionNotices.id),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    note: text('note'),
    actor: text('actor').notNull(),
    actorRole: text('actor_role'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('supervision_notice_events_notice').on(t.noticeId)],
);

/**
 * The last number given per office and year. Taking the next one is an upsert on this row, so
 * two notices issued at once queue on its lock and get consecutive numbers; a rolled-back issue
 * rolls its number back too, so the numbers have no gaps.
 */
export const noticeCounters = pgTable(
  'notice_counters',
  {
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    year: integer('year').notNull(),
    lastSeq: integer('last_seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.officeId, t.year] })],
);

/** The office's notice settings; a missing row means the defaults. */
export const noticeSettings = pgTable('notice_settings', {
  officeId: integer('office_id')
    .primaryKey()
    .references(() => offices.id),
  numberPattern: text('number_pattern').notNull(),
  attentionMonths: integer('attention_months').notNull(),
  version: integer('version').notNull().default(1),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
