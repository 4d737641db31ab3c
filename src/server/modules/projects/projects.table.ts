import {
  date,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { PROJECT_PHASES } from '../../../domain/milestones.ts';
import { offices } from '../offices/offices.table.ts';
import { units } from '../units/units.table.ts';

/** 片区: a development zone. */
export const areas = pgTable(
  'areas',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    name: text('name').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('areas_office_name').on(t.officeId, t.name)],
);

/** 项目类别: big-science facility, hospital, road … */
export const categories = pgTable(
  'categories',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    name: text('name').notNull(),
  },
  (t) => [uniqueIndex('categories_office_name').on(t.officeId, t.name)],
);

/** One project of the ledger (台账). Archived, never deleted, so history keeps its subject. */
export const projects = pgTable(
  'projects',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    areaId: integer('area_id').references(() => areas.id),
    categoryId: integer('category_id').references(() => categories.id),
    tags: text('tags').array().notNull().default([]),
    ownerUnitId: integer('owner_unit_id').references(() => units.id),
    phase: text('phase', { enum: PROJECT_PHASES }).notNull().default('preparation'),
    totalInvestment: numeric('total_investment', { precision: 16, scale: 2 }),
    plannedStart: date('planned_start', { mode: 'string' }),
    plannedFinish: date('planned_finish', { mode: 'string' }),
    location: text('location'),
    remarks: text('remarks'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('projects_office_code').on(t.officeId, t.code),
    index('projects_office_area').on(t.officeId, t.areaId),
    index('projects_owner_unit').on(t.ownerUnitId),
  ],
);
