import {
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { WORK_PLAN_ITEM_STATUSES } from '../../../domain/work-plans.ts';
import { offices } from '../offices/offices.table.ts';
import { areas, projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';

/** 工作方案: an area's plan for a year, 清单化、数据化、责任化. */
export const workPlans = pgTable(
  'work_plans',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    name: text('name').notNull(),
    areaId: integer('area_id').references(() => areas.id),
    year: integer('year').notNull(),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('work_plans_office_name').on(t.officeId, t.name)],
);

/** 方面: a theme of a plan, in the plan's order. */
export const workPlanThemes = pgTable(
  'work_plan_themes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    planId: integer('plan_id')
      .notNull()
      .references(() => workPlans.id),
    position: integer('position').notNull(),
    name: text('name').notNull(),
  },
  (t) => [uniqueIndex('work_plan_themes_plan_name').on(t.planId, t.name)],
);

/** 任务: an item under a theme; 'delayed' is computed, never stored (domain/work-plans.ts). */
export const workPlanItems = pgTable(
  'work_plan_items',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    planId: integer('plan_id')
      .notNull()
      .references(() => workPlans.id),
    themeId: integer('theme_id')
      .notNull()
      .references(() => workPlanThemes.id),
    /** the item's number within the plan (序号), the key an imported row updates */
    seq: integer('seq').notNull(),
    content: text('content').notNull(),
    responsibleUnitId: integer('responsible_unit_id')
      .notNull()
      .references(() => units.id),
    /** a day (2023-09-30) or a month (2023-09, by the month's end) */
    deadline: text('deadline').notNull(),
    status: text('status', { enum: WORK_PLAN_ITEM_STATUSES }).notNull().default('not_started'),
    progress: text('progress'),
    /** the day the item was marked done, for counts by period */
    completedOn: date('completed_on', { mode: 'string' }),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('work_plan_items_plan_seq').on(t.planId, t.seq),
    index('work_plan_items_theme').on(t.themeId),
    index('work_plan_items_unit').on(t.responsibleUnitId),
  ],
);

/** The projects an item is about. */
export const workPlanItemProjects = pgTable(
  'work_plan_item_projects',
  {
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    itemId: integer('item_id')
      .notNull()
      .references(() => workPlanItems.id),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.projectId] }),
    index('work_plan_item_projects_project').on(t.projectId),
  ],
);
