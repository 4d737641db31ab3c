/**
 * The floor: the best plain SQL we can write for the dashboard's figures, one statement on the
 * same connection. It reads the roll-ups (one row per project and year, jsonb arrays), the
 * milestones due by the month, the month's overrides and the office's thresholds, computes each
 * project's level in SQL, and answers the totals, the groups by area and by tag, the warning
 * counts and the 12-month S-curve sums. Where the schema keeps stored levels and group sums it
 * answers the rest of the route's answer too (floorFromGroupSums): the flagged projects with
 * their stored reasons, the late milestones, the projects with stale data.
 * (EXPLAIN ANALYZE at 10,000 projects put most of a first version's time in a set-returning
 * S-curve and four passes over every project; so: one pass grouped by area and tags first,
 * the 12 months as plain sums.)
 */
import { type SQL, sql } from 'drizzle-orm';
import { DISPATCH_LIST_LIMIT } from '../src/contracts/dispatch.ts';
import { latenessAsOf } from '../src/domain/warning-rules.ts';
import type { Db } from '../src/server/db.ts';

export type FloorFilter = { area?: string; tag?: string };

const rows = async (db: Db, q: SQL) =>
  ((await db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;

/**
 * Whether the schema keeps each project's computed level per month (project_month_levels,
 * issue 12): then the floor counts the stored levels, as the design means the dashboard to;
 * without it the floor computes every level in SQL from the roll-ups and the milestones.
 */
export async function hasLevelTable(db: Db): Promise<boolean> {
  const [r] = await rows(
    db,
    sql`select to_regclass('public.project_month_levels') is not null as present`,
  );
  return r?.present === true;
}

let levelTable: boolean | undefined;
let groupTable = false;
/** whether the level rows carry stale_data and late_milestones (both from migration 0025) */
let levelFactColumns = false;
/** Decides once per process which floor applies (call before timing). */
export async function prepareFloor(
  db: Db,
): Promise<'stored levels' | 'stored levels and group sums' | 'levels computed in SQL'> {
  levelTable = await hasLevelTable(db);
  const [r] = await rows(
    db,
    sql`select to_regclass('public.group_month_sums') is not null as present`,
  );
  groupTable = levelTable && r?.present === true;
  const [c] = await rows(
    db,
    sql`select count(*)::int as n from information_schema.columns
        where table_name = 'project_month_levels'
          and column_name in ('stale_data', 'late_milestones')`,
  );
  levelFactColumns = c?.n === 2;
  return groupTable
    ? 'stored levels and group sums'
    : levelTable
      ? 'stored levels'
      : 'levels computed in SQL';
}

function standings(
  officeId: number,
  period: { year: number; month: number },
  today: string,
  f: FloorFilter,
): SQL {
  if (levelTable === undefined) throw new Error('prepareFloor(db) first');
  // the month's index inlined: a bound parameter would be text, and ->> text is an object key
  const idx = sql.raw(String(period.month - 1));
  const asOf = latenessAsOf(period, today);
  const where = [sql`p.office_id = ${officeId}`, sql`p.archived_at is null`];
  if (f.area) where.push(sql`a.name = ${f.area}`);
  if (f.tag) where.push(sql`${f.tag} = any(p.tags)`);
  return sql`
    t as (
      select coalesce((s.thresholds->>'investmentGreenAtPercent')::numeric, 100) as g,
             coalesce((s.thresholds->>'investmentRedBelowPercent')::numeric, 80) as r,
             coalesce((s.thresholds->>'milestoneRedAfterDays')::int, 30) as days,
             case coalesce(s.thresholds->>'missingReportLevel', 'yellow')
               when 'red' then 2 when 'yellow' then 1 else 0 end as missing
      from (select 1) one left join warning_settings s on s.office_id = ${officeId}
    ),
    pj as (
      select p.id, p.code, p.name, p.tags, p.phase, p.owner_unit_id,
             coalesce(a.name, '未分片区') as area, a.sort_order,
             coalesce(y.has_plan, false) as has_plan,
             y.annual_target as annual, y.initial_annual_target as initial_annual,
             (y.timing_targets->>${idx})::numeric as timing,
             (y.initial_timing_targets->>${idx})::numeric as initial_timing,
             (y.actual_cumulative->>${idx})::numeric as actual,
             coalesce((y.reported_months->>${idx})::boolean, false) as reported,
             y.timing_targets as tt, y.actual_cumulative as ac
      from projects p
      left join areas a on a.id = p.area_id
      left join project_year_rollups y on y.project_id = p.id and y.year = ${period.year}
      where ${sql.join(where, sql` and `)}
    ),
    late as (
      select m.project_id, max(${asOf}::date - m.planned_date) as days_late
      from milestones m join pj on pj.id = m.project_id
      where m.planned_date <= ${asOf}::date - 1
        and (m.actual_date is null or m.actual_date > ${asOf}::date)
      group by m.project_id
    ),
    lv as (${levelTable ? stored(period) : computed(officeId, period)}),
    fin as (
      select lv.*, coalesce(case lv.override_level when 'red' then 2 when 'yellow' then 1
                                 when 'green' then 0 end, lv.computed) as level
      from lv
    )`;
}

const MONTHS = Array.from({ length: 12 }, (_, m) => m);
/** per group of projects alike in area and tags: the sums, the level counts, the 12 months */
const GROUP_SUMS = sql.raw(`count(*) as projects, count(*) filter (where has_plan) as planned,
  sum(annual) filter (where has_plan) as annual, sum(timing) filter (where has_plan) as timing,
  sum(actual) filter (where has_plan) as actual,
  sum(initial_annual) filter (where has_plan) as initial_annual,
  sum(initial_timing) filter (where has_plan) as initial_timing,
  count(*) filter (where level = 0) as green, count(*) filter (where level = 1) as yellow,
  count(*) filter (where level = 2) as red,
  ${MONTHS.map((m) => `sum((tt->>${m})::numeric) filter (where has_plan) as t${m}`).join(', ')},
  ${MONTHS.map((m) => `sum((ac->>${m})::numeric) filter (where has_plan) as a${m}`).join(', ')}`);
/** the same figures re-added over groups */
const SUMS = sql.raw(`sum(projects) as projects, sum(planned) as planned, sum(annual) as annual,
  sum(timing) as timing, sum(actual) as actual, sum(initial_annual) as initial_annual,
  sum(initial_timing) as initial_timing, sum(green) as green, sum(yellow) as yellow,
  sum(red) as red`);
const SERIES = sql.raw(`array[${MONTHS.map((m) => `sum(t${m})`).join(', ')}] as series_timing,
  array[${MONTHS.map((m) => `sum(a${m})`).join(', ')}] as series_actual`);

/**
 * The dashboard's figures in one statement, one pass over the projects: grouped first by area
 * and tags (a few dozen groups), then re-added into the total with its S-curve, the areas and
 * the tags (one row each).
 */
export function floorDispatch(
  db: Db,
  officeId: number,
  period: { year: number; month: number },
  today: string,
  f: FloorFilter = {},
  /** how many flagged projects and late milestones the answer lists (the route's limit) */
  limit = DISPATCH_LIST_LIMIT,
) {
  if (groupTable) return floorFromGroupSums(db, officeId, period, today, f, limit);
  return rows(
    db,
    sql`with ${standings(officeId, period, today, f)},
    g as (select area, tags, ${GROUP_SUMS} from fin group by area, tags)
    select 'total' as kind, null as key, ${SUMS}, ${SERIES} from g
    union all
    select 'area', area, ${SUMS}, null, null from g group by area
    union all
    select 'tag', tag, ${SUMS}, null, null from g cross join unnest(tags) as tag group by tag`,
  );
}

/** Every project's final level for the month, with the facts it rests on, in one statement. */
export function floorWarnings(
  db: Db,
  officeId: number,
  period: { year: number; month: number },
  today: string,
  f: FloorFilter = {},
) {
  return rows(
    db,
    sql`with ${standings(officeId, period, today, f)}
    select fin.id, fin.code, fin.name, fin.area, u.name as owner_unit, fin.tags, fin.computed,
           fin.override_level, fin.level, fin.has_plan, fin.annual, fin.timing, fin.actual,
           fin.reported, fin.days_late
    from fin left join units u on u.id = fin.owner_unit_id
    order by fin.sort_order, fin.area, fin.code`,
  );
}

/** each project's computed level as the level table stores it (0 green, 1 yellow, 2 red) */
const stored = (period: { year: number; month: number }) => sql`
      select pj.*, null::int as days_late, w.override_level,
        case l.computed_level when 'red' then 2 when 'yellow' then 1 else 0 end as computed
      from pj
      left join project_month_levels l on l.project_id = pj.id
        and l.year = ${period.year} and l.month = ${period.month}
      left join warning_snapshots w on w.project_id = pj.id
        and w.year = ${period.year} and w.month = ${period.month} and w.override_level is not null`;

/** each project's computed level by the warning rule, in SQL */
const computed = (officeId: number, period: { year: number; month: number }) => sql`
      select pj.*, l.days_late, w.override_level,
        greatest(
          case when pj.has_plan and pj.timing > 0 then
            case when round(pj.actual * 100 / pj.timing, 1) >= t.g then 0
                 when round(pj.actual * 100 / pj.timing, 1) >= t.r then 1 else 2 end
          else 0 end,
          case when l.days_late is null then 0 when l.days_late > t.days then 2 else 1 end,
          case when not pj.reported and pj.has_plan and pj.phase not in ('completed', 'in_use')
               then t.missing else 0 end
        ) as computed
      from pj cross join t
      left join late l on l.project_id = pj.id
      left join warning_snapshots w on w.office_id = ${officeId} and w.project_id = pj.id
        and w.year = ${period.year} and w.month = ${period.month} and w.override_level is not null
    `;

/**
 * The same figures where the schema keeps the money per area, tag set and month
 * (group_month_sums, issue 12), and the rest of the dashboard's answer with them, as the route
 * answers it: the level counts and the projects whose data is stale from one pass over the
 * projects and their stored levels, the money from the group rows, joined per group and
 * re-added as above; and on the total's row the worst `limit` flagged projects with their
 * names, levels and stored reasons (red first, then by code), and the milestones late at the
 * month's lateness day (their count, and the `limit` oldest with their project).
 */
function floorFromGroupSums(
  db: Db,
  officeId: number,
  period: { year: number; month: number },
  today: string,
  f: FloorFilter,
  limit: number,
) {
  const where = [sql`p.office_id = ${officeId}`, sql`p.archived_at is null`];
  const gWhere = [sql`g.office_id = ${officeId}`, sql`g.year = ${period.year}`];
  if (f.area) {
    where.push(sql`a.name = ${f.area}`);
    gWhere.push(sql`a.name = ${f.area}`);
  }
  if (f.tag) {
    where.push(sql`${f.tag} = any(p.tags)`);
    gWhere.push(sql`${f.tag} = any(g.tags)`);
  }
  const projectsWhere = sql.join(where, sql` and `);
  const asOf = latenessAsOf(period, today);
  const at = (col: string, m: number) => `sum(${col}) filter (where g.month = ${m})`;
  const m = period.month;
  const staleData = levelFactColumns
    ? sql`l.stale_data`
    : sql`(l.reasons @> '[{"rule":"staleness"}]'::jsonb)`;
  // as the service reads them: the late milestones counted from the level rows, the lists in
  // arms that each stop at `limit` through an index (dispatch.service.ts says why)
  const lateCount = levelFactColumns
    ? sql`l.late_milestones`
    : sql`jsonb_array_length(jsonb_path_query_array(l.reasons, '$[*] ? (@.rule == "milestone")'))`;
  const noOverride = sql`not exists (select 1 from warning_snapshots o where o.project_id = p.id
    and o.year = ${period.year} and o.month = ${period.month} and o.override_level is not null)`;
  const flaggedArm = (cond: SQL, order: SQL) => sql`(
      select p.id, p.code, p.name, a.name as area, u.name as owner_unit,
        coalesce(w.override_level, l.computed_level) as level, l.computed_level,
        w.override_reason, l.reasons
      ${levels(sql`left join units u on u.id = p.owner_unit_id`)} and ${cond}
      order by ${order} limit ${limit})`;
  const lateArm = (cond: SQL) => sql`(
      select m.id, p.id as project_id, p.code, p.name, m.name as milestone, m.planned_date,
        ${asOf}::date - m.planned_date as days_late
      from milestones m join projects p on p.id = m.project_id
      left join areas a on a.id = p.area_id
      left join project_month_levels l on l.project_id = p.id and l.office_id = ${officeId}
        and l.year = ${period.year} and l.month = ${period.month}
      where ${projectsWhere} and ${cond} and m.planned_date < ${asOf}
      order by m.planned_date, p.code, m.id limit ${limit})`;
  function levels(units = sql``) {
    return sql`from projects p
        left join areas a on a.id = p.area_id ${units}
        left join project_month_levels l on l.project_id = p.id
          and l.year = ${period.year} and l.month = ${period.month}
        left join warning_snapshots w on w.project_id = p.id
          and w.year = ${period.year} and w.month = ${period.month}
        where ${projectsWhere}`;
  }
  return rows(
    db,
    sql`with lv as (
      select coalesce(p.area_id, 0) as area_id, p.tags, count(*) as projects,
        count(*) filter (where level = 'green') as green,
        count(*) filter (where level = 'yellow') as yellow,
        count(*) filter (where level = 'red') as red,
        count(*) filter (where stale_data) as stale_data, sum(late) as late
      from (
        select p.area_id, p.tags, coalesce(w.override_level, l.computed_level) as level,
          ${staleData} as stale_data, ${lateCount} as late
        ${levels()}
      ) p
      group by 1, 2
    ),
    money as (
      select g.area_id as m_area, g.tags as m_tags, ${sql.raw(`${at('g.planned_projects', m)} as planned,
        ${at('g.annual_target', m)} as annual, ${at('g.timing_target', m)} as timing,
        ${at('g.actual_cumulative', m)} as actual,
        ${at('g.initial_annual_target', m)} as initial_annual,
        ${at('g.initial_timing_target', m)} as initial_timing,
        ${MONTHS.map((k) => `${at('g.timing_target', k + 1)} as t${k}`).join(', ')},
        ${MONTHS.map((k) => `${at('g.actual_cumulative', k + 1)} as a${k}`).join(', ')}`)}
      from group_month_sums g left join areas a on a.id = g.area_id
      where ${sql.join(gWhere, sql` and `)}
      group by 1, 2
    ),
    g as (
      select coalesce(a.name, '未分片区') as area, lv.tags, lv.projects, lv.green, lv.yellow,
        lv.red, lv.stale_data, lv.late, money.*
      from lv left join money on money.m_area = lv.area_id and money.m_tags = lv.tags
      left join areas a on a.id = lv.area_id
    ),
    flagged as (
      select * from (${flaggedArm(sql`l.computed_level = 'red' and ${noOverride}`, sql`p.code`)}
        union all ${flaggedArm(sql`l.computed_level = 'yellow' and ${noOverride}`, sql`p.code`)}
        union all ${flaggedArm(sql`w.override_level in ('red', 'yellow')`, sql`(w.override_level = 'red') desc, p.code`)}
      ) f
      order by (level = 'red') desc, code
      limit ${limit}
    ),
    late_list as (
      -- as the service chooses: none, no read; up to 2,000, from the projects whose level row
      -- counts some; more, the arms in date order (each branch gated by the count)
      select * from (
        select * from ${lateArm(sql`((m.actual_date is null and m.planned_date < ${asOf})
            or (m.actual_date > ${asOf} and m.planned_date < ${asOf}))
          and ${lateCount} > 0`)} few
        where (select sum(late) from g) between 1 and 2000
        union all
        select * from (${lateArm(sql`m.actual_date is null`)}
          union all ${lateArm(sql`m.actual_date > ${asOf}`)}) many
        where (select sum(late) from g) > 2000
      ) x
      order by planned_date, code, id
      limit ${limit}
    )
    select 'total' as kind, null as key, ${SUMS}, sum(stale_data) as stale_data, ${SERIES},
      (select json_agg(x) from flagged x) as flagged,
      (select json_agg(x) from late_list x) as overdue,
      sum(late) as overdue_count
    from g
    union all
    select 'area', area, ${SUMS}, null, null, null, null, null, null from g group by area
    union all
    select 'tag', tag, ${SUMS}, null, null, null, null, null, null
    from g cross join unnest(g.tags) as tag group by tag`,
  );
}
