import { Decimal } from 'decimal.js';
import { and, asc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { DispatchResult, Figures } from '../../../contracts/dispatch.ts';
import { percent } from '../../../domain/money.ts';
import { formatYearMonth, type YearMonth } from '../../../domain/periods.ts';
import { milestoneLateness, worstFirst } from '../../../domain/warning-rules.ts';
import type { Ctx } from '../../context.ts';
import { type Db, queryRows } from '../../db.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { projectScope } from '../../policy.ts';
import { milestones } from '../milestones/milestones.table.ts';
import { type ProjectFilter, projectFilterSql } from '../projects/projects.service.ts';
import { projects } from '../projects/projects.table.ts';
import { projectsWithNames } from '../projects/projects-with-names.ts';
import { lateAtSql } from '../warnings/warnings.service.ts';
import { warningSnapshots } from '../warnings/warnings.table.ts';
import {
  finalLevelSql,
  type LevelKey,
  levelKey,
  monthOf,
  plannedSum,
  readWithFreshLevels,
  staleDataSql,
  staleSql,
  standingsFrom,
} from './levels.service.ts';
import { projectMonthLevels } from './levels.table.ts';
import { groupMonthSums, projectYearRollups } from './rollups.table.ts';

// The answer's shape is the contract's (src/contracts/dispatch.ts), so the route's response
// schema and this code cannot drift apart.
export type { DispatchResult, Figures };

/** The sums one group of projects adds up to, as set-based SQL returns them. */
export type Sums = {
  projects: number;
  plannedProjects: number;
  annual: string;
  timing: string;
  actual: string;
  initialAnnual: string;
  initialTiming: string;
  green: number;
  yellow: number;
  red: number;
};

/** The figures of a group from its sums, with the one rounding rule for every rate. */
export function figuresOf(s: Sums): Figures {
  const f = (d: string) => new Decimal(d).toFixed(2);
  const actual = f(s.actual);
  const vsInitial = percent(actual, f(s.initialTiming));
  return {
    projects: s.projects,
    plannedProjects: s.plannedProjects,
    annualTarget: f(s.annual),
    timingTarget: f(s.timing),
    actual,
    initialAnnualTarget: f(s.initialAnnual),
    initialTimingTarget: f(s.initialTiming),
    rateVsTiming: percent(actual, f(s.timing)),
    rateVsAnnual: percent(actual, f(s.annual)),
    aboveInitialPlan: vsInitial === null ? null : new Decimal(vsInitial).minus(100).toFixed(1),
    warnings: { green: s.green, yellow: s.yellow, red: s.red },
  };
}

function addSums(a: Sums, b: Sums): Sums {
  const d = (x: string, y: string) => new Decimal(x).plus(y).toString();
  return {
    projects: a.projects + b.projects,
    plannedProjects: a.plannedProjects + b.plannedProjects,
    annual: d(a.annual, b.annual),
    timing: d(a.timing, b.timing),
    actual: d(a.actual, b.actual),
    initialAnnual: d(a.initialAnnual, b.initialAnnual),
    initialTiming: d(a.initialTiming, b.initialTiming),
    green: a.green + b.green,
    yellow: a.yellow + b.yellow,
    red: a.red + b.red,
  };
}

const ZERO: Sums = {
  projects: 0,
  plannedProjects: 0,
  annual: '0',
  timing: '0',
  actual: '0',
  initialAnnual: '0',
  initialTiming: '0',
  green: 0,
  yellow: 0,
  red: 0,
};

/**
 * The SELECT list of a group's sums for month index i (0-based). Only projects with a plan for
 * the year count in the money sums, every project in the counts; numeric all the way, sent as
 * text so no amount passes through a JavaScript number.
 */
export function sumsSql(i: number): SQL {
  const planned = sql`${projectYearRollups.hasPlan}`;
  return sql`count(*)::int as "projects",
    count(*) filter (where ${planned})::int as "plannedProjects",
    ${plannedSum(projectYearRollups.annualTarget)} as "annual",
    ${plannedSum(monthOf(projectYearRollups.timingTargets, i))} as "timing",
    ${plannedSum(monthOf(projectYearRollups.actualCumulative, i))} as "actual",
    ${plannedSum(projectYearRollups.initialAnnualTarget)} as "initialAnnual",
    ${plannedSum(monthOf(projectYearRollups.initialTimingTargets, i))} as "initialTiming",
    ${LEVEL_COUNTS}`;
}

/** A group's projects by final level (the override wins), over standingsFrom(). */
const LEVEL_COUNTS = sql`count(*) filter (where ${finalLevelSql} = 'green')::int as "green",
    count(*) filter (where ${finalLevelSql} = 'yellow')::int as "yellow",
    count(*) filter (where ${finalLevelSql} = 'red')::int as "red"`;

/**
 * What a group's stored level rows add up to besides the levels: the rows that no longer count
 * (stale), the projects whose data the staleness rule flags, and the milestones the rule found
 * late (a reason each). Once the stale rows are refreshed, the late milestones are exactly
 * those lateAtSql() finds for the same projects: the rule measures at the row's as_of, which
 * is the key's.
 */
function levelRowFacts(key: LevelKey): SQL {
  return sql`count(*) filter (where ${staleSql(key)})::int as "stale",
    count(*) filter (where ${staleDataSql})::int as "staleData",
    coalesce(sum(${projectMonthLevels.lateMilestones}), 0)::int as "lateMilestones"`;
}

const NO_AREA = '未分片区';
const MONTHS = Array.from({ length: 12 }, (_, m) => m);

type GroupRow = Sums & {
  area: string | null;
  tags: string[];
  stale: number;
  staleData: number;
  lateMilestones: number;
} & Record<`t${number}` | `a${number}`, string>;

/**
 * Every group's sums in one scan: a row per area and tag set (a few dozen), carrying the
 * S-curve's monthly sums and how many of its level rows are stale. Areas, tags, totals and the
 * curve are then exact Decimal sums of these rows, so they agree by construction.
 */
export async function groupSums(
  db: Db,
  ctx: Ctx,
  key: LevelKey,
  filter: ProjectFilter,
): Promise<GroupRow[]> {
  const series = sql.join(
    MONTHS.flatMap((m) => [
      sql`${plannedSum(monthOf(projectYearRollups.timingTargets, m))} as ${sql.identifier(`t${m}`)}`,
      sql`${plannedSum(monthOf(projectYearRollups.actualCumulative, m))} as ${sql.identifier(`a${m}`)}`,
    ]),
    sql`, `,
  );
  return queryRows<GroupRow>(
    db,
    sql`select areas.name as "area", projects.tags as "tags",
          ${sumsSql(key.period.month - 1)}, ${levelRowFacts(key)}, ${series}
        ${standingsFrom(ctx, key, filter)}
        group by areas.id, areas.name, areas.sort_order, projects.tags
        order by areas.sort_order nulls last, areas.id nulls last`,
  );
}

/**
 * Whether the group sums (group_month_sums) answer this reader's money figures: they hold every
 * non-archived project of the office by area and tag set, so they serve a reader who sees the
 * whole office under no filter, an area or a tag. A reporter's unit, and the other filters,
 * are added up from the roll-ups project by project (groupSums).
 */
function groupTableServes(ctx: Ctx, filter: ProjectFilter): boolean {
  if (ctx.actor.role === 'reporter') return false;
  const { area: _a, areaId: _i, tag: _t, ...rest } = filter;
  return Object.values(rest).every((v) => v === undefined || v === '');
}

/**
 * groupSums() in one statement that reads no project's arrays: the counts and levels per area
 * and tag set from the projects (a row each, no roll-up), the money from group_month_sums (12
 * rows per group, pivoted into the month's sums and the S-curve). One statement, so both halves
 * are read in one snapshot.
 */
export async function groupSumsFromTable(
  db: Db,
  ctx: Ctx,
  key: LevelKey,
  filter: ProjectFilter,
): Promise<GroupRow[]> {
  const { year, month } = key.period;
  const at = (col: SQL, m: number) =>
    sql`coalesce(sum(${col}) filter (where g.month = ${sql.raw(String(m))}), 0)::text`;
  const series = sql.join(
    MONTHS.flatMap((m) => [
      sql`${at(sql`g.timing_target`, m + 1)} as ${sql.identifier(`t${m}`)}`,
      sql`${at(sql`g.actual_cumulative`, m + 1)} as ${sql.identifier(`a${m}`)}`,
    ]),
    sql`, `,
  );
  const where = [sql`g.office_id = ${ctx.actor.officeId}`, sql`g.year = ${year}`];
  if (filter.areaId) where.push(sql`g.area_id = ${filter.areaId}`);
  if (filter.area) where.push(sql`ga.name = ${filter.area}`);
  if (filter.tag) where.push(sql`${filter.tag} = any(g.tags)`);
  return queryRows<GroupRow>(
    db,
    sql`with lv as (
          select coalesce(projects.area_id, 0) as area_key, projects.tags as tags,
            count(*)::int as "projects", ${LEVEL_COUNTS}, ${levelRowFacts(key)}
          ${standingsFrom(ctx, key, filter, { rollups: false })}
          group by 1, 2
        ),
        money as (
          select g.area_id as area_key, g.tags as tags,
            coalesce(sum(g.planned_projects) filter (where g.month = ${month}), 0)::int as "plannedProjects",
            ${at(sql`g.annual_target`, month)} as "annual",
            ${at(sql`g.timing_target`, month)} as "timing",
            ${at(sql`g.actual_cumulative`, month)} as "actual",
            ${at(sql`g.initial_annual_target`, month)} as "initialAnnual",
            ${at(sql`g.initial_timing_target`, month)} as "initialTiming",
            ${series}
          from ${groupMonthSums} g left join areas ga on ga.id = g.area_id
          where ${sql.join(where, sql` and `)}
          group by 1, 2
        )
        select areas.name as "area", lv.tags as "tags", lv."projects", lv."green", lv."yellow",
          lv."red", lv."stale", lv."staleData", lv."lateMilestones",
          coalesce(money."plannedProjects", 0) as "plannedProjects",
          ${sql.join(
            ['annual', 'timing', 'actual', 'initialAnnual', 'initialTiming'].map(
              (c) => sql`coalesce(money.${sql.identifier(c)}, '0') as ${sql.identifier(c)}`,
            ),
            sql`, `,
          )},
          ${sql.join(
            MONTHS.flatMap((m) =>
              [`t${m}`, `a${m}`].map(
                (c) => sql`coalesce(money.${sql.identifier(c)}, '0') as ${sql.identifier(c)}`,
              ),
            ),
            sql`, `,
          )}
        from lv
        left join money on money.area_key = lv.area_key and money.tags = lv.tags
        left join areas on areas.id = lv.area_key
        order by areas.sort_order nulls last, areas.id nulls last`,
  );
}

/**
 * The dispatch figures (调度数据) for a year through a month: totals, by area, by tag, the
 * S-curve series, warning counts, the flagged projects with reasons and overdue milestones.
 * Sums and counts are set-based SQL over the roll-ups and the stored levels (a request reads a
 * row per group, not every project's history); totals, areas and tags are sums of the same
 * group rows, so they always agree. The rule runs only for level rows gone stale; the flagged
 * list (`limit` of the worst first; documents take them all) reads the stored reasons.
 */
export async function dispatchFigures(
  db: Db,
  ctx: Ctx,
  opts: {
    period: YearMonth;
    filter?: ProjectFilter;
    limit?: number;
    /**
     * how to read the lists (tests); by default by the scope's size (FLAGGED_ARMS_ABOVE) and
     * the late milestones' count (LATE_FROM_PROJECTS_UP_TO). 'projects' reads the flagged list
     * as 'arms' does.
     */
    listPlan?: ListPlan;
  },
): Promise<DispatchResult> {
  const { period } = opts;
  const i = period.month - 1;
  const filter = opts.filter ?? {};
  const limit = opts.limit ?? Number.MAX_SAFE_INTEGER;
  const key = await levelKey(db, ctx, period);
  const sizeKey = `${ctx.actor.officeId}:${ctx.actor.unitId ?? ''}`;
  const small = (sizeSeen.get(sizeKey) ?? 0) <= FLAGGED_ARMS_ABOVE;
  const plan: FlaggedPlan = opts.listPlan === 'scan' || (!opts.listPlan && small) ? 'scan' : 'arms';
  // The sums and the flagged list at once (the flagged list reads the stored levels too, so
  // when the sums find stale ones, everything is read again after the refresh); then the late
  // milestones, whose count the sums have just given (levelRowFacts): none, no read; few, read
  // from the projects that have them; many, in date order until the page is full.
  const [groups, flagged, overdue] = await readWithFreshLevels(
    db,
    ctx,
    key,
    filter,
    async () => {
      const [rows, listed] = await parallelReads(
        db,
        () =>
          groupTableServes(ctx, filter)
            ? groupSumsFromTable(db, ctx, key, filter)
            : groupSums(db, ctx, key, filter),
        () => flaggedProjects(db, ctx, key, filter, limit, plan),
      );
      const none: DispatchResult['overdueMilestones'] = [];
      if (rows.some((g) => g.stale > 0)) return [rows, listed, none] as const;
      const late = rows.reduce((n, g) => n + g.lateMilestones, 0);
      return [
        rows,
        listed,
        await overdueMilestones(
          db,
          ctx,
          key,
          filter,
          limit,
          late,
          opts.listPlan ??
            (small ? 'scan' : late <= LATE_FROM_PROJECTS_UP_TO ? 'projects' : 'arms'),
        ),
      ] as const;
    },
    ([rows]) => rows.reduce((n, g) => n + g.stale, 0),
  );
  let total = ZERO;
  let staleCount = 0;
  let overdueCount = 0;
  const byArea = new Map<string, Sums>();
  const byTag = new Map<string, Sums>();
  const timing = MONTHS.map(() => new Decimal(0));
  const actual = MONTHS.map(() => new Decimal(0));
  for (const g of groups) {
    total = addSums(total, g);
    staleCount += g.staleData;
    overdueCount += g.lateMilestones;
    const area = g.area ?? NO_AREA;
    byArea.set(area, addSums(byArea.get(area) ?? ZERO, g));
    for (const tag of g.tags) byTag.set(tag, addSums(byTag.get(tag) ?? ZERO, g));
    for (const m of MONTHS) {
      timing[m] = timing[m].plus(g[`t${m}`]);
      actual[m] = actual[m].plus(g[`a${m}`]);
    }
  }
  const flaggedCount = total.yellow + total.red;
  if (Object.values(filter).every((v) => v === undefined || v === '')) {
    if (!sizeSeen.has(sizeKey) && sizeSeen.size >= 10_000) sizeSeen.clear();
    sizeSeen.set(sizeKey, total.projects);
  }
  const totals = figuresOf(total);

  return {
    year: period.year,
    through: formatYearMonth(period),
    ...totals,
    monthActual: actual[i].minus(i > 0 ? actual[i - 1] : 0).toFixed(2),
    gapVsTiming: new Decimal(totals.actual).minus(totals.timingTarget).toFixed(2),
    byArea: [...byArea].map(([area, s]) => ({ area, ...figuresOf(s) })),
    byTag: [...byTag]
      .map(([tag, s]) => ({ tag, ...figuresOf(s) }))
      .sort((a, b) => b.projects - a.projects || a.tag.localeCompare(b.tag)),
    series: MONTHS.map((m) => ({
      month: m + 1,
      timingTarget: timing[m].toFixed(2),
      actual: m <= i ? actual[m].toFixed(2) : null,
    })),
    flagged,
    flaggedCount,
    staleCount,
    overdueMilestones: overdue,
    overdueCount,
  };
}

export type FlaggedPlan = 'scan' | 'arms';
export type ListPlan = FlaggedPlan | 'projects';

/**
 * Above this many projects in a reader's scope, the flagged list is read in arms that stop at
 * the limit; at or below it, in one scan of the scope's levels. Both give the same list; the
 * arms cost three plans, which on PGlite took longer than the whole scan of a district office
 * (the demo office's 89 projects: 3.8 ms against 1.1; at 10,000 projects on PostgreSQL the
 * scan took 9 ms against 1.2).
 */
export const FLAGGED_ARMS_ABOVE = 1000;

/**
 * How many projects each office (and reporter's unit) held at its last unfiltered answer:
 * only a hint for the flagged list's plan, never part of an answer, so a stale or missing
 * entry costs time, not correctness. Bounded by offices × units; cleared if it ever is not.
 */
const sizeSeen = new Map<string, number>();

/**
 * The worst `limit` projects that are not green (red first, then by code), with the reasons
 * stored with their level. For a large scope ('arms'): three arms, each cut at `limit`:
 * computed red and computed yellow without an override, each read in code order through the
 * projects' (office, code) index and stopping at `limit` rows; and the month's overrides
 * (few). The first `limit` of their union are the first `limit` of all, and no arm reads
 * every project's level: as one filter on the final level, the planner could not estimate it
 * and sorted them all (9 ms at 10,000 projects against 1.2 ms, PostgreSQL EXPLAIN ANALYZE).
 * For a small one ('scan'): that one filter and sort, cheaper to plan.
 */
async function flaggedProjects(
  db: Db,
  ctx: Ctx,
  key: LevelKey,
  filter: ProjectFilter,
  limit: number,
  plan: FlaggedPlan,
): Promise<DispatchResult['flagged']> {
  if (limit <= 0) return [];
  const from = standingsFrom(ctx, key, filter, {
    unitNames: true,
    rollups: false,
    versions: false,
  });
  const arm = (where: SQL, order: SQL) =>
    sql`(select projects.id as "projectId", projects.code as "code", projects.name as "name",
          areas.name as "area", units.name as "ownerUnit", ${finalLevelSql} as "level",
          ${projectMonthLevels.computedLevel} as "computedLevel",
          ${warningSnapshots.overrideReason} as "overrideReason",
          ${projectMonthLevels.reasons} as "reasons"
        ${from} and ${where}
        order by ${order}
        limit ${limit})`;
  // "no override" as NOT EXISTS: as `override_level is null` over the left join the planner
  // guessed 50 rows of 10,000 and again read every project's level.
  const { year, month } = key.period;
  const computed = (level: 'red' | 'yellow') =>
    arm(
      sql`${projectMonthLevels.computedLevel} = ${level} and not exists (
            select 1 from ${warningSnapshots} o where o.project_id = projects.id
              and o.year = ${year} and o.month = ${month} and o.override_level is not null)`,
      sql`projects.code`,
    );
  const rows = await queryRows<DispatchResult['flagged'][number]>(
    db,
    plan === 'scan'
      ? sql`${arm(sql`${finalLevelSql} <> 'green'`, sql`(${finalLevelSql} = 'red') desc, projects.code`)}`
      : sql`select * from (
          ${computed('red')}
          union all ${computed('yellow')}
          union all ${arm(
            sql`${warningSnapshots.overrideLevel} in ('red', 'yellow')`,
            sql`(${warningSnapshots.overrideLevel} = 'red') desc, projects.code`,
          )}
        ) flagged
        order by ("level" = 'red') desc, "code"
        limit ${limit}`,
  );
  return rows
    .map((r) => ({
      ...r,
      projectId: Number(r.projectId),
      overrideReason: r.overrideReason ?? null,
      // null where the level row is missing: read before a refresh, and read again after it
      reasons: (r.reasons ?? []).filter((x) => x.level !== 'green'),
    }))
    .sort(worstFirst);
}

/**
 * Up to this many late milestones in scope, they are read from the projects whose level row
 * counts some. Walking all late milestones in date order stops early only when the scope holds
 * many of them: an area with none made it read every late milestone of the office (120 ms of
 * 83,333 at 100,000 projects, PostgreSQL EXPLAIN ANALYZE).
 */
const LATE_FROM_PROJECTS_UP_TO = 2000;

/**
 * The `limit` milestones late at the month's lateness day, oldest first (lateAtSql; how many
 * there are is the level rows' sum, levelRowFacts); how late each is and its level come from
 * milestoneLateness() under the office's threshold, the number every page shows. For a large
 * scope each of lateAtSql's two arms is read in planned-date order through its own index and
 * stops at `limit`, instead of joining every late milestone to its project and sorting them
 * all (8 ms to 1.3 at 10,000 projects with 8,333 late, PostgreSQL).
 */
async function overdueMilestones(
  db: Db,
  ctx: Ctx,
  key: LevelKey,
  filter: ProjectFilter,
  limit: number,
  /** how many there are in scope (the level rows' count) */
  count: number,
  how: ListPlan,
): Promise<DispatchResult['overdueMilestones']> {
  if (limit <= 0 || count === 0) return [];
  const { asOf, thresholds } = key;
  const arm = (late: SQL) =>
    projectsWithNames(db, {
      id: milestones.id,
      projectId: projects.id,
      code: projects.code,
      name: projects.name,
      milestone: milestones.name,
      plannedDate: milestones.plannedDate,
      actualDate: milestones.actualDate,
    })
      .innerJoin(milestones, eq(milestones.projectId, projects.id))
      .where(
        and(
          projectScope(ctx.actor),
          isNull(projects.archivedAt),
          ...projectFilterSql(filter),
          late,
          sql`${milestones.plannedDate} < ${asOf}`,
        ),
      )
      .orderBy(asc(milestones.plannedDate), asc(projects.code), asc(milestones.id))
      .limit(limit);
  // A small scope: one scan, cheapest to plan. Few late ones: only the projects whose level
  // row counts some. Many: the arms in one statement, their union in the same order (by
  // position: both arms name an "id").
  const { year, month } = key.period;
  const rows = await (how === 'scan'
    ? arm(lateAtSql(asOf))
    : how === 'projects'
      ? arm(
          sql`${lateAtSql(asOf)} and exists (
          select 1 from ${projectMonthLevels} l where l.project_id = projects.id
            and l.office_id = ${ctx.actor.officeId} and l.year = ${year} and l.month = ${month}
            and l.late_milestones > 0)`,
        )
      : arm(isNull(milestones.actualDate))
          .unionAll(arm(sql`${milestones.actualDate} > ${asOf}`))
          .orderBy(sql`6`, sql`3`, sql`1`)
          .limit(limit));
  return rows.flatMap(({ actualDate, id: _, ...o }) => {
    const late = milestoneLateness({ plannedDate: o.plannedDate, actualDate }, asOf, thresholds);
    return late ? [{ ...o, plannedDate: o.plannedDate!, ...late }] : [];
  });
}
