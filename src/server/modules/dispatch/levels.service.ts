import { and, type Column, isNull, type SQL, sql } from 'drizzle-orm';
import { isoDateOf, type YearMonth } from '../../../domain/periods.ts';
import { latenessAsOf, type WarningThresholds } from '../../../domain/warning-rules.ts';
import type { Ctx } from '../../context.ts';
import { type Db, queryRows } from '../../db.ts';
import { projectScope } from '../../policy.ts';
import { systemActor } from '../offices/offices.service.ts';
import { type ProjectFilter, projectFilterSql } from '../projects/projects.service.ts';
import { projects } from '../projects/projects.table.ts';
import {
  evaluateMonth,
  getThresholds,
  type ProjectStanding,
} from '../warnings/warnings.service.ts';
import { warningSnapshots } from '../warnings/warnings.table.ts';
import { projectMonthLevels, projectStandingVersions } from './levels.table.ts';
import { projectYearRollups } from './rollups.table.ts';

/**
 * What a level row must have been computed with to count for a month read now, and the
 * thresholds themselves, read once per request for everything else that measures with them.
 */
export type LevelKey = {
  period: YearMonth;
  asOf: string;
  thresholdsVersion: number;
  thresholds: WarningThresholds;
};

export async function levelKey(db: Db, ctx: Ctx, period: YearMonth): Promise<LevelKey> {
  const { version, ...thresholds } = await getThresholds(db, ctx);
  return {
    period,
    asOf: latenessAsOf(period, isoDateOf(ctx.now)),
    thresholdsVersion: version,
    thresholds,
  };
}

/**
 * One month's element of a roll-up's 12-element array (0-based), as numeric: the only way the
 * set-based queries read the arrays.
 */
export function monthOf(col: Column, m: number): SQL {
  return sql`(${col} ->> ${sql.raw(String(m))})::numeric`;
}

/** The sum over projects with a plan for the year (the only ones the money figures count), as text. */
export function plannedSum(value: SQL | Column): SQL {
  return sql`coalesce(sum(${value}) filter (where ${projectYearRollups.hasPlan}), 0)::text`;
}

/**
 * The FROM and WHERE every set-based dispatch query shares: the actor's non-archived projects
 * under the filter, with their names, the year's roll-up, the month's stored level and the
 * coordinator's override (`rollups: false` leaves the roll-up out; `versions: false` the
 * standing versions, which only staleSql() reads). `stale` marks a level row that no longer
 * counts (see levels.table.ts).
 */
export function standingsFrom(
  ctx: Ctx,
  key: LevelKey,
  filter: ProjectFilter = {},
  opts: {
    unitNames?: boolean;
    categoryNames?: boolean;
    rollups?: boolean;
    versions?: boolean;
  } = {},
): SQL {
  const { year, month } = key.period;
  const where = and(
    projectScope(ctx.actor),
    isNull(projects.archivedAt),
    ...projectFilterSql(filter),
  );
  // Category and unit names are joined only when a filter or the answer reads them: each join
  // is a lookup per project on every dashboard request.
  return sql`from projects
    left join areas on areas.id = projects.area_id
    ${filter.category || opts.categoryNames ? sql`left join categories on categories.id = projects.category_id` : sql``}
    ${filter.unit || opts.unitNames ? sql`left join units on units.id = projects.owner_unit_id` : sql``}
    ${opts.rollups === false ? sql`` : sql`left join ${projectYearRollups} on ${projectYearRollups.projectId} = projects.id and ${projectYearRollups.year} = ${year}`}
    ${opts.versions === false ? sql`` : sql`left join ${projectStandingVersions} on ${projectStandingVersions.projectId} = projects.id`}
    left join ${projectMonthLevels} on ${projectMonthLevels.projectId} = projects.id
      and ${projectMonthLevels.officeId} = ${ctx.actor.officeId}
      and ${projectMonthLevels.year} = ${year} and ${projectMonthLevels.month} = ${month}
    left join ${warningSnapshots} on ${warningSnapshots.projectId} = projects.id
      and ${warningSnapshots.year} = ${year} and ${warningSnapshots.month} = ${month}
    where ${where}`;
}

/** The final level (the override wins) of the row standingsFrom() joined. */
export const finalLevelSql = sql`coalesce(${warningSnapshots.overrideLevel}, ${projectMonthLevels.computedLevel})`;

/**
 * True where the stored level's reasons say the project's data is stale (the staleness rule),
 * overridden or not: the dashboard counts them as it counts projects not reported.
 */
export const staleDataSql = sql`coalesce(${projectMonthLevels.staleData}, false)`;

/** True where the stored level is missing or was computed with other inputs than `key`'s. */
export function staleSql(key: LevelKey): SQL {
  return sql`(${projectMonthLevels.projectId} is null
    or ${projectMonthLevels.standingVersion} <> coalesce(${projectStandingVersions.version}, 0)
    or ${projectMonthLevels.thresholdsVersion} <> ${key.thresholdsVersion}
    or ${projectMonthLevels.asOf} <> ${key.asOf})`;
}

/** A project's standing for a month as the warnings list shows it (no roll-up). */
export type StoredStanding = Omit<ProjectStanding, 'rollup'>;

/**
 * Every project's standing for a month from the stored levels and reasons, the rule run only
 * for the rows gone stale (readWithFreshLevels): what evaluateMonth() would answer, without
 * running the rule over the whole office on every read of the warnings list. In the rule's
 * order (area, then code).
 */
export async function storedStandings(
  db: Db,
  ctx: Ctx,
  opts: { period: YearMonth; filter?: ProjectFilter },
): Promise<StoredStanding[]> {
  const filter = opts.filter ?? {};
  const key = await levelKey(db, ctx, opts.period);
  type Row = StoredStanding & { stale: boolean };
  const read = () =>
    queryRows<Row>(
      db,
      sql`select projects.id as "projectId", projects.code as "code", projects.name as "name",
          areas.name as "area", categories.name as "category", units.name as "ownerUnit",
          projects.owner_unit_id as "ownerUnitId", projects.tags as "tags",
          ${projectMonthLevels.computedLevel} as "computedLevel",
          ${projectMonthLevels.reasons} as "reasons",
          ${warningSnapshots.overrideLevel} as "overrideLevel",
          case when ${warningSnapshots.overrideLevel} is not null
            then ${warningSnapshots.overrideReason} end as "overrideReason",
          ${finalLevelSql} as "level", ${staleSql(key)} as "stale"
        ${standingsFrom(ctx, key, filter, { unitNames: true, categoryNames: true, rollups: false })}
        order by areas.sort_order, areas.id, projects.code`,
    );
  const rows = await readWithFreshLevels(db, ctx, key, filter, read, (answer) =>
    answer.reduce((n, r) => n + (r.stale ? 1 : 0), 0),
  );
  return rows.map(({ stale: _, ...r }) => ({
    ...r,
    projectId: Number(r.projectId),
    ownerUnitId: r.ownerUnitId === null ? null : Number(r.ownerUnitId),
    overrideLevel: r.overrideLevel ?? null,
    overrideReason: r.overrideReason ?? null,
  }));
}

/**
 * Runs a read whose answer counts its stale level rows (staleSql); when it saw any, recomputes
 * them and reads again. The usual request reads once and runs no rule.
 */
export async function readWithFreshLevels<T>(
  db: Db,
  ctx: Ctx,
  key: LevelKey,
  filter: ProjectFilter,
  read: () => Promise<T>,
  staleIn: (answer: T) => number,
): Promise<T> {
  const first = await read();
  if (staleIn(first) === 0) return first;
  await refreshStaleLevels(db, ctx, key, filter);
  return read();
}

/**
 * Recomputes the stored level of every project in scope whose row is stale, with the one rule
 * (evaluateWarning, through evaluateMonth). Each project's standing version is read before its
 * facts: a change committed in between leaves the row older than the project, so it is
 * recomputed next time, never counted stale. Returns how many rows it wrote.
 */
export async function refreshStaleLevels(
  db: Db,
  ctx: Ctx,
  key: LevelKey,
  filter: ProjectFilter = {},
): Promise<number> {
  const stale = (await db.execute(
    sql`select projects.id as id, coalesce(${projectStandingVersions.version}, 0)::text as version
        ${standingsFrom(ctx, key, filter)} and ${staleSql(key)}`,
  )) as unknown as { rows: { id: number; version: string }[] };
  const rows = stale.rows;
  if (rows.length === 0) return 0;
  const version = new Map(rows.map((r) => [Number(r.id), Number(r.version)]));
  // The rule runs for the office, not the reader: the row is shared by everyone who may see it.
  const system: Ctx = { ...ctx, actor: systemActor(ctx.actor.officeId) };
  const ids = [...version.keys()];
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    const standings = await evaluateMonth(db, system, { period: key.period, projectIds: chunk });
    const values = standings.map((s) => ({
      projectId: s.projectId,
      officeId: ctx.actor.officeId,
      year: key.period.year,
      month: key.period.month,
      computedLevel: s.computedLevel,
      reasons: s.reasons,
      standingVersion: version.get(s.projectId)!,
      thresholdsVersion: key.thresholdsVersion,
      asOf: key.asOf,
    }));
    for (let j = 0; j < values.length; j += 1000) {
      await db
        .insert(projectMonthLevels)
        .values(values.slice(j, j + 1000))
        .onConflictDoUpdate({
          target: [projectMonthLevels.projectId, projectMonthLevels.year, projectMonthLevels.month],
          set: {
            computedLevel: sql`excluded.computed_level`,
            reasons: sql`excluded.reasons`,
            standingVersion: sql`excluded.standing_version`,
            thresholdsVersion: sql`excluded.thresholds_version`,
            asOf: sql`excluded.as_of`,
          },
        });
    }
  }
  // A bulk refresh (a new month, changed thresholds, a large import) changes what the planner
  // must know of this table at once: planned from statistics taken before it (1 row for the
  // month), an area filter's join ran as 3.5 million comparisons, 324 ms instead of 28 ms at
  // 10,000 projects on PostgreSQL. ANALYZE samples, so it stays cheap; autovacuum comes later
  // and PGlite has none.
  if (rows.length >= BULK_REFRESH) await db.execute(sql`analyze ${projectMonthLevels}`);
  return rows.length;
}

/** Rows written by one refresh past which the planner's statistics are refreshed with them. */
const BULK_REFRESH = 500;
