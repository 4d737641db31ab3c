import { and, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import { isoDateOf } from '../../../domain/periods.ts';
import { buildRollup, diffRollup, type Rollup, type RollupPlan } from '../../../domain/rollup.ts';
import { latenessAsOf } from '../../../domain/warning-rules.ts';
import { type Db, queryRows } from '../../db.ts';
import { jsonRows } from '../../json-rows.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { systemActor } from '../offices/offices.service.ts';
import { investmentPlans } from '../plans/plans.table.ts';
import { projects } from '../projects/projects.table.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { evaluateMonth } from '../warnings/warnings.service.ts';
import { warningSettings } from '../warnings/warnings.table.ts';
import { projectMonthLevels, projectStandingVersions } from './levels.table.ts';
import { groupMonthSums, projectYearRollups } from './rollups.table.ts';

type Key = string; // `${projectId}:${year}`

/** Recomputes roll-ups from the raw plans and reports, set-based, for the given projects or all. */
async function computeRollups(
  db: Db,
  scope: { officeId?: number; projectIds?: number[]; year?: number },
): Promise<Map<Key, { officeId: number; projectId: number; year: number; rollup: Rollup }>> {
  const planWhere: SQL[] = [];
  // Drafts count nowhere, and saving one does not refresh the roll-up, so they must not make one.
  const reportWhere = [ne(monthlyReports.status, 'draft')];
  if (scope.projectIds) {
    planWhere.push(inArray(investmentPlans.projectId, scope.projectIds));
    reportWhere.push(inArray(monthlyReports.projectId, scope.projectIds));
  }
  if (scope.officeId) {
    planWhere.push(eq(investmentPlans.officeId, scope.officeId));
    reportWhere.push(eq(monthlyReports.officeId, scope.officeId));
  }
  if (scope.year) {
    planWhere.push(eq(investmentPlans.year, scope.year));
    reportWhere.push(eq(monthlyReports.year, scope.year));
  }
  const [plans, reports] = await parallelReads(
    db,
    () =>
      db
        .select()
        .from(investmentPlans)
        .where(and(...planWhere)),
    () =>
      db
        .select({
          officeId: monthlyReports.officeId,
          projectId: monthlyReports.projectId,
          year: monthlyReports.year,
          month: monthlyReports.month,
          status: monthlyReports.status,
          investment: monthlyReports.investment,
        })
        .from(monthlyReports)
        .where(and(...reportWhere)),
  );
  const groups = new Map<
    Key,
    {
      officeId: number;
      projectId: number;
      year: number;
      plan: RollupPlan | null;
      reports: typeof reports;
    }
  >();
  const group = (officeId: number, projectId: number, year: number) => {
    const key = `${projectId}:${year}`;
    let g = groups.get(key);
    if (!g) {
      g = { officeId, projectId, year, plan: null, reports: [] };
      groups.set(key, g);
    }
    return g;
  };
  for (const p of plans) group(p.officeId, p.projectId, p.year).plan = p;
  for (const r of reports) group(r.officeId, r.projectId, r.year).reports.push(r);
  const out = new Map<Key, { officeId: number; projectId: number; year: number; rollup: Rollup }>();
  for (const [key, g] of groups) {
    out.set(key, { ...g, rollup: buildRollup(g.plan, g.reports) });
  }
  return out;
}

/**
 * Brings the roll-ups of some projects up to date. Call it inside the transaction that changed
 * their plans or reports, so the dashboard never sees one without the other.
 */
export async function refreshRollups(db: Db, projectIds: number[], year?: number): Promise<void> {
  if (projectIds.length === 0) return;
  const ids = [...new Set(projectIds)].sort((a, b) => a - b);
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    // One refresh of a project at a time, each computing after the one before committed: two
    // at once both read the reports before either wrote, and the second then lost the first's
    // change or failed on the roll-up's key. In id order, so two refreshes never deadlock.
    // (Callers that lock other rows of the project first should lock the project before them.)
    await db
      .select({ id: projects.id })
      .from(projects)
      .where(inArray(projects.id, chunk))
      .orderBy(projects.id)
      .for('no key update');
    const fresh = await computeRollups(db, { projectIds: chunk, year });
    const where = [inArray(projectYearRollups.projectId, chunk)];
    if (year) where.push(eq(projectYearRollups.year, year));
    await db.delete(projectYearRollups).where(and(...where));
    const rows = [...fresh.values()].map((r) => ({
      officeId: r.officeId,
      projectId: r.projectId,
      year: r.year,
      ...r.rollup,
    }));
    for (let j = 0; j < rows.length; j += 500) {
      await db.execute(
        sql`insert into ${projectYearRollups} ${jsonRows(projectYearRollups, rows.slice(j, j + 500))}`,
      );
    }
  }
}

/**
 * Recomputes every roll-up from the raw rows and lists each difference from the stored ones;
 * then every stored warning level that still counts (levels.table.ts) against the rule run
 * afresh at `now`.
 */
export async function verifyRollups(
  db: Db,
  officeId?: number,
  now: Date = new Date(),
): Promise<{ checked: number; differences: string[] }> {
  const fresh = await computeRollups(db, { officeId });
  const stored = await db
    .select({ rollup: projectYearRollups, code: projects.code })
    .from(projectYearRollups)
    .innerJoin(projects, eq(projects.id, projectYearRollups.projectId))
    .where(officeId ? eq(projectYearRollups.officeId, officeId) : undefined);
  const differences: string[] = [];
  const seen = new Set<Key>();
  for (const { rollup: s, code } of stored) {
    const key = `${s.projectId}:${s.year}`;
    seen.add(key);
    const f = fresh.get(key);
    if (!f) {
      differences.push(
        `${code} ${s.year}: 汇总表有记录但原始数据没有 / stored roll-up without source rows`,
      );
      continue;
    }
    const diff = diffRollup(f.rollup, s);
    if (diff) differences.push(`${code} ${s.year}: ${diff}`);
  }
  for (const [key, f] of fresh) {
    if (!seen.has(key))
      differences.push(`project ${f.projectId} ${f.year}: 缺少汇总 / roll-up missing`);
  }
  differences.push(...(await verifyGroupSums(db, officeId)));
  differences.push(...(await verifyLevels(db, officeId, now)));
  return { checked: fresh.size, differences };
}

/**
 * group_month_sums against the stored roll-ups (checked above against the raw rows) added up
 * afresh: every group, year and month whose sums differ. A row whose sums are all zero (its
 * projects moved away) equals a missing one.
 */
async function verifyGroupSums(db: Db, officeId: number | undefined): Promise<string[]> {
  const scope = officeId === undefined ? sql`true` : sql`office_id = ${officeId}`;
  const rows = await queryRows<{
    area: string | null;
    tags: string[];
    year: number;
    month: number;
  }>(
    db,
    sql`with fresh as (
          select y.office_id, y.year, coalesce(p.area_id, 0) as area_id, p.tags, m.month,
            count(*)::int as planned_projects, sum(y.annual_target) as annual_target,
            sum(y.initial_annual_target) as initial_annual_target,
            coalesce(sum((y.timing_targets ->> (m.month - 1))::numeric), 0) as timing_target,
            coalesce(sum((y.initial_timing_targets ->> (m.month - 1))::numeric), 0) as initial_timing_target,
            coalesce(sum((y.actual_cumulative ->> (m.month - 1))::numeric), 0) as actual_cumulative
          from ${projectYearRollups} y
          join projects p on p.id = y.project_id and p.archived_at is null
          cross join generate_series(1, 12) as m(month)
          where y.has_plan and ${officeId === undefined ? sql`true` : sql`y.office_id = ${officeId}`}
          group by 1, 2, 3, 4, 5
        ),
        stored as (select * from ${groupMonthSums} where ${scope})
        select a.name as "area", coalesce(f.tags, s.tags) as "tags",
          coalesce(f.year, s.year) as "year", coalesce(f.month, s.month) as "month"
        from fresh f
        full join stored s on s.office_id = f.office_id and s.year = f.year
          and s.area_id = f.area_id and s.tags = f.tags and s.month = f.month
        left join areas a on a.id = coalesce(f.area_id, s.area_id)
        where coalesce(f.planned_projects, 0) <> coalesce(s.planned_projects, 0)
          or coalesce(f.annual_target, 0) <> coalesce(s.annual_target, 0)
          or coalesce(f.initial_annual_target, 0) <> coalesce(s.initial_annual_target, 0)
          or coalesce(f.timing_target, 0) <> coalesce(s.timing_target, 0)
          or coalesce(f.initial_timing_target, 0) <> coalesce(s.initial_timing_target, 0)
          or coalesce(f.actual_cumulative, 0) <> coalesce(s.actual_cumulative, 0)
        order by 3, 4, 1, 2`,
  );
  return rows.map(
    (r) =>
      `${r.area ?? '未分片区'} [${r.tags.join('、')}] ${r.year}-${String(r.month).padStart(2, '0')}: 分组汇总与项目汇总不符 / group sums differ from the roll-ups`,
  );
}

/** Each stored level that would be counted today, against evaluateMonth() run now. */
async function verifyLevels(db: Db, officeId: number | undefined, now: Date): Promise<string[]> {
  const rows = await db
    .select({
      level: projectMonthLevels,
      code: projects.code,
      current: sql<boolean>`${projectMonthLevels.standingVersion} = coalesce(${projectStandingVersions.version}, 0)
        and ${projectMonthLevels.thresholdsVersion} = coalesce(${warningSettings.version}, 0)`,
    })
    .from(projectMonthLevels)
    .innerJoin(projects, eq(projects.id, projectMonthLevels.projectId))
    .leftJoin(projectStandingVersions, eq(projectStandingVersions.projectId, projects.id))
    .leftJoin(warningSettings, eq(warningSettings.officeId, projectMonthLevels.officeId))
    .where(officeId ? eq(projectMonthLevels.officeId, officeId) : undefined);
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const { year, month, officeId: o, asOf } = r.level;
    if (!r.current || asOf !== latenessAsOf({ year, month }, isoDateOf(now))) continue;
    const k = `${o}:${year}:${month}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const differences: string[] = [];
  for (const list of groups.values()) {
    const { officeId: o, year, month } = list[0].level;
    const fresh = await evaluateMonth(
      db,
      { actor: systemActor(o), now },
      { period: { year, month }, projectIds: list.map((r) => r.level.projectId) },
    );
    const level = new Map(fresh.map((s) => [s.projectId, s.computedLevel]));
    for (const r of list) {
      const want = level.get(r.level.projectId);
      if (want !== undefined && want !== r.level.computedLevel)
        differences.push(
          `${r.code} ${year}-${String(month).padStart(2, '0')}: 预警等级 ${r.level.computedLevel} ≠ ${want} / stored level differs`,
        );
    }
  }
  return differences;
}
