import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core';
import { LEVELS, type WarningReason } from '../../../domain/warning-rules.ts';
import { projects } from '../projects/projects.table.ts';

/**
 * A counter per project that moves whenever anything its warning level reads changes: its
 * roll-ups (approvals, imports, plan revisions), its milestones, its phase. Database triggers
 * move it (migration 0019), in the transaction of the change, whichever code path made it.
 * The staleness rule's approved reports and progress figures need no trigger of their own: a
 * report reaches or leaves 'approved' only through a transition or an import, both of which
 * refresh the project's roll-ups, and an approved report cannot be edited.
 * A derived table: not in backups (a restore rebuilds it).
 */
export const projectStandingVersions = pgTable('project_standing_versions', {
  projectId: integer('project_id')
    .primaryKey()
    .references(() => projects.id),
  version: bigint('version', { mode: 'number' }).notNull(),
});

/**
 * Each project's computed warning level per month with its reasons, as the rule (evaluateWarning)
 * gave them, so
 * the dashboard counts levels with one GROUP BY instead of running the rule over every project
 * on every request. A row is current only while the project's standing version, the office's
 * thresholds version and the day lateness is measured at (as_of: the month's end, or today for
 * a month not over) are the ones it was computed with; any other row is recomputed on read.
 * A derived table: not in backups.
 */
export const projectMonthLevels = pgTable(
  'project_month_levels',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    officeId: integer('office_id').notNull(),
    year: integer('year').notNull(),
    month: integer('month').notNull(),
    computedLevel: text('computed_level', { enum: LEVELS }).notNull(),
    /** the rule's reasons with the level, so a list of flagged projects runs no rule */
    reasons: jsonb('reasons').$type<WarningReason[]>().notNull(),
    /**
     * Whether the reasons hold the staleness rule's: the dashboard counts these on every
     * request, and testing each project's reasons (jsonb containment) was 1.5 of the counts'
     * 10 ms at 10,000 projects (PostgreSQL). Kept by the database from the reasons.
     */
    staleData: boolean('stale_data')
      .notNull()
      .generatedAlwaysAs(sql`(reasons @> '[{"rule":"staleness"}]'::jsonb)`),
    /**
     * How many of the project's milestones the rule found late (a reason each, at the row's
     * as_of): the dashboard's count of late milestones is their sum over the listed projects,
     * read in the same pass as the level counts instead of joining every late milestone to its
     * project (8 ms at 10,000 projects with 8,333 late, PostgreSQL).
     */
    lateMilestones: integer('late_milestones')
      .notNull()
      .generatedAlwaysAs(
        sql`jsonb_array_length(jsonb_path_query_array(reasons, '$[*] ? (@.rule == "milestone")'))`,
      ),
    standingVersion: bigint('standing_version', { mode: 'number' }).notNull(),
    thresholdsVersion: integer('thresholds_version').notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.year, t.month] }),
    // The month's rows are read through project_month_levels_month_cover (migration 0026),
    // which drizzle cannot declare: (office_id, year, month, project_id) INCLUDE the columns
    // the dashboard's counts read, so the counts never touch the rows' reasons.
  ],
);
