import { Decimal } from 'decimal.js';
import { and, asc, desc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { isoDateOf, type YearMonth } from '../../../domain/periods.ts';
import type { Rollup } from '../../../domain/rollup.ts';
import {
  type ApprovedHistory,
  DEFAULT_THRESHOLDS,
  evaluateWarning,
  finalLevel,
  LEVELS,
  type Level,
  latenessAsOf,
  type WarningReason,
  type WarningThresholds,
} from '../../../domain/warning-rules.ts';
import type { Ctx } from '../../context.ts';
import { type Db, queryRows } from '../../db.ts';
import { AppError, staleVersion } from '../../errors.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { assertCan, projectScope } from '../../policy.ts';
import { projectYearRollups } from '../dispatch/rollups.table.ts';
import { milestones } from '../milestones/milestones.table.ts';
import {
  loadProjectFor,
  type ProjectFilter,
  projectFilterSql,
} from '../projects/projects.service.ts';
import { areas, categories, projects } from '../projects/projects.table.ts';
import { projectsWithNames } from '../projects/projects-with-names.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { units } from '../units/units.table.ts';
import { warningEvents, warningSettings, warningSnapshots } from './warnings.table.ts';

export const thresholdsInput = z
  .object({
    investmentGreenAtPercent: z.number().min(0).max(1000),
    investmentRedBelowPercent: z.number().min(0).max(1000),
    milestoneRedAfterDays: z.number().int().min(0).max(3650),
    missingReportLevel: z.enum(LEVELS),
    // Optional so a client written before them still saves; an omitted one keeps its value.
    staleReportAfterDays: z.number().int().min(1).max(3650).optional(),
    staleProgressMonths: z.number().int().min(1).max(120).optional(),
    /** the version the page loaded (0 before the first change): a stale one is a 409 */
    version: z
      .number({ message: '需带 version（打开时读到的版本）/ version is required' })
      .int()
      .min(0),
  })
  .refine((t) => t.investmentRedBelowPercent <= t.investmentGreenAtPercent, {
    message: '督办阈值不能高于按期阈值 / red threshold must not exceed the green one',
    path: ['investmentRedBelowPercent'],
  });

export async function getThresholds(
  db: Db,
  ctx: Ctx,
): Promise<WarningThresholds & { version: number }> {
  const [row] = await db
    .select()
    .from(warningSettings)
    .where(eq(warningSettings.officeId, ctx.actor.officeId));
  return row
    ? { ...DEFAULT_THRESHOLDS, ...row.thresholds, version: row.version }
    : { ...DEFAULT_THRESHOLDS, version: 0 };
}

export async function setThresholds(
  db: Db,
  ctx: Ctx,
  raw: unknown,
): Promise<WarningThresholds & { version: number }> {
  assertCan(ctx.actor, 'settings.write', undefined, () => new AppError('settings.not_found', ''));
  const { version, ...input } = thresholdsInput.parse(raw);
  const officeId = ctx.actor.officeId;
  // Every threshold is stored; one left out keeps its value. Should another save land between
  // this read and the write, the write below finds the version moved and refuses.
  const { version: _v, ...stored } = await getThresholds(db, ctx);
  const thresholds: WarningThresholds = {
    ...input,
    staleReportAfterDays: input.staleReportAfterDays ?? stored.staleReportAfterDays,
    staleProgressMonths: input.staleProgressMonths ?? stored.staleProgressMonths,
  };
  const current = () =>
    db
      .select({
        version: warningSettings.version,
        updatedBy: warningSettings.updatedBy,
        updatedAt: warningSettings.updatedAt,
      })
      .from(warningSettings)
      .where(eq(warningSettings.officeId, officeId))
      .then((rows) => rows[0] ?? { version: 0 });
  // Only the version the page loaded is replaced; 0 creates the office's first row, and of two
  // first saves at once the second finds the row taken.
  const changed =
    version === 0
      ? await db
          .insert(warningSettings)
          .values({ officeId, thresholds, updatedBy: ctx.actor.name, updatedAt: ctx.now })
          .onConflictDoNothing()
          .returning({ version: warningSettings.version })
      : await db
          .update(warningSettings)
          .set({
            thresholds,
            updatedBy: ctx.actor.name,
            updatedAt: ctx.now,
            version: sql`${warningSettings.version} + 1`,
          })
          .where(and(eq(warningSettings.officeId, officeId), eq(warningSettings.version, version)))
          .returning({ version: warningSettings.version });
  if (changed.length === 0) throw staleVersion('settings', await current());
  return getThresholds(db, ctx);
}

/**
 * The milestones milestoneLateness() calls late at `asOf`, as SQL: planned before that day and
 * not done by it (a whole day late at least). Lists and counts select with it, then measure the
 * rows they show with milestoneLateness() itself; levels.test.ts holds the two together.
 */
export function lateAtSql(asOf: string): SQL {
  // Written as two ranges so each arm reads its own index (milestones.table.ts).
  return sql`((${milestones.actualDate} is null and ${milestones.plannedDate} < ${asOf})
    or (${milestones.actualDate} > ${asOf} and ${milestones.plannedDate} < ${asOf}))`;
}

type HistoryRow = {
  projectId: number;
  ly: number | null;
  lm: number | null;
  percent: string | null;
  fy: number | null;
  fm: number | null;
  ty: number | null;
  tm: number | null;
};

/**
 * Each matching project's approved history as the staleness rule reads it (ApprovedHistory), as
 * of `period`, in one statement: four index lookups per project on monthly_reports' (project,
 * year, month) key, newest first, never a project's whole history. The latest approved month;
 * the latest approved progress figure; the latest month before it with another figure; and the
 * first figure after that one, which starts the run of equal figures.
 */
async function approvedHistories(
  db: Db,
  period: YearMonth,
  cond: SQL | undefined,
): Promise<Map<number, ApprovedHistory>> {
  const upTo = sql`m.project_id = projects.id and m.status = 'approved'
    and (m.year, m.month) <= (${period.year}::int, ${period.month}::int)`;
  const rows = await queryRows<HistoryRow>(
    db,
    sql`select projects.id as "projectId", la.year as "ly", la.month as "lm",
          lp.percent::text as "percent", lp.year as "ty", lp.month as "tm",
          lf.year as "fy", lf.month as "fm"
        from projects
        left join areas on areas.id = projects.area_id
        left join categories on categories.id = projects.category_id
        left join units on units.id = projects.owner_unit_id
        left join lateral (select m.year, m.month from ${monthlyReports} m where ${upTo}
          order by m.year desc, m.month desc limit 1) la on true
        left join lateral (select m.year, m.month, m.progress_percent as percent
          from ${monthlyReports} m where ${upTo} and m.progress_percent is not null
          order by m.year desc, m.month desc limit 1) lp on true
        left join lateral (select m.year, m.month from ${monthlyReports} m
          where ${upTo} and m.progress_percent <> lp.percent
          order by m.year desc, m.month desc limit 1) ld on true
        left join lateral (select m.year, m.month from ${monthlyReports} m
          where ${upTo} and m.progress_percent is not null
            and (m.year, m.month) > (coalesce(ld.year, 0), coalesce(ld.month, 0))
          order by m.year, m.month limit 1) lf on true
        where ${cond}`,
  );
  const month = (year: number | null, m: number | null) =>
    year === null || m === null ? null : { year: Number(year), month: Number(m) };
  return new Map(
    rows.map((r) => {
      const from = month(r.fy, r.fm);
      const to = month(r.ty, r.tm);
      return [
        Number(r.projectId),
        {
          latestApproved: month(r.ly, r.lm),
          progress: r.percent !== null && from && to ? { percent: r.percent, from, to } : null,
        },
      ];
    }),
  );
}

/** One project's position for a year and month: the facts the dispatch figures and rules read. */
export type ProjectStanding = {
  projectId: number;
  code: string;
  name: string;
  area: string | null;
  category: string | null;
  ownerUnit: string | null;
  ownerUnitId: number | null;
  tags: string[];
  rollup: Rollup | null;
  computedLevel: Level;
  reasons: WarningReason[];
  overrideLevel: Level | null;
  overrideReason: string | null;
  level: Level;
};

/**
 * Evaluates every matching non-archived project for a month in a handful of set-based queries:
 * projects with their year roll-up, their milestones, and the month's overrides.
 */
export async function evaluateMonth(
  db: Db,
  ctx: Ctx,
  opts: { period: YearMonth; filter?: ProjectFilter; projectIds?: number[] },
): Promise<ProjectStanding[]> {
  const { period } = opts;
  const where = [
    projectScope(ctx.actor),
    isNull(projects.archivedAt),
    ...projectFilterSql(opts.filter ?? {}),
  ];
  if (opts.projectIds) where.push(inArray(projects.id, opts.projectIds));
  const cond = and(...where);
  const asOf = latenessAsOf(period, isoDateOf(ctx.now));
  const [rows, ms, overrides, thresholds, histories] = await parallelReads(
    db,
    () =>
      projectsWithNames(db, {
        id: projects.id,
        code: projects.code,
        name: projects.name,
        tags: projects.tags,
        area: areas.name,
        category: categories.name,
        ownerUnit: units.name,
        ownerUnitId: projects.ownerUnitId,
        phase: projects.phase,
        rollup: projectYearRollups,
      })
        .leftJoin(
          projectYearRollups,
          and(
            eq(projectYearRollups.projectId, projects.id),
            eq(projectYearRollups.year, period.year),
          ),
        )
        .where(cond)
        .orderBy(asc(areas.sortOrder), asc(areas.id), asc(projects.code)),
    () =>
      projectsWithNames(db, {
        projectId: milestones.projectId,
        name: milestones.name,
        plannedDate: milestones.plannedDate,
        actualDate: milestones.actualDate,
      })
        .innerJoin(milestones, eq(milestones.projectId, projects.id))
        // Only the milestones late at the lateness day: the rule gives the others no reason, and
        // a city's history has tens of thousands of them.
        .where(and(cond, lateAtSql(asOf))),
    () =>
      db
        .select({
          projectId: warningSnapshots.projectId,
          overrideLevel: warningSnapshots.overrideLevel,
          overrideReason: warningSnapshots.overrideReason,
        })
        .from(warningSnapshots)
        .where(
          and(
            eq(warningSnapshots.officeId, ctx.actor.officeId),
            eq(warningSnapshots.year, period.year),
            eq(warningSnapshots.month, period.month),
            sql`${warningSnapshots.overrideLevel} is not null`,
          ),
        ),
    () => getThresholds(db, ctx),
    () => approvedHistories(db, period, cond),
  );
  const msByProject = new Map<number, typeof ms>();
  for (const m of ms) {
    const list = msByProject.get(m.projectId) ?? [];
    list.push(m);
    msByProject.set(m.projectId, list);
  }
  const overrideByProject = new Map(overrides.map((o) => [o.projectId, o]));
  const i = period.month - 1;
  return rows.map((r) => {
    const rollup = r.rollup;
    const result = evaluateWarning(
      {
        period,
        plan: rollup?.hasPlan
          ? { annualTarget: rollup.annualTarget, timingTarget: rollup.timingTargets[i] }
          : null,
        actual: rollup?.actualCumulative[i] ?? '0.00',
        reported: rollup?.reportedMonths[i] ?? false,
        phase: r.phase,
        milestones: msByProject.get(r.id) ?? [],
        today: isoDateOf(ctx.now),
        laterTimingTarget: laterTarget(rollup?.timingTargets, i),
        history: histories.get(r.id) ?? { latestApproved: null, progress: null },
      },
      thresholds,
    );
    const o = overrideByProject.get(r.id);
    return {
      projectId: r.id,
      code: r.code,
      name: r.name,
      area: r.area,
      category: r.category,
      ownerUnit: r.ownerUnit,
      ownerUnitId: r.ownerUnitId,
      tags: r.tags,
      rollup: rollup
        ? {
            hasPlan: rollup.hasPlan,
            annualTarget: rollup.annualTarget,
            initialAnnualTarget: rollup.initialAnnualTarget,
            timingTargets: rollup.timingTargets,
            initialTimingTargets: rollup.initialTimingTargets,
            actualCumulative: rollup.actualCumulative,
            reportedMonths: rollup.reportedMonths,
          }
        : null,
      computedLevel: result.level,
      reasons: result.reasons,
      overrideLevel: o?.overrideLevel ?? null,
      overrideReason: o?.overrideReason ?? null,
      level: finalLevel(result.level, o?.overrideLevel),
    };
  });
}

/** The highest cumulative timing target after month index i: what the year still schedules. */
function laterTarget(targets: string[] | undefined, i: number): string {
  let max = new Decimal(0);
  for (const x of targets?.slice(i + 1) ?? []) if (max.lessThan(x)) max = new Decimal(x);
  return max.toFixed(2);
}

/**
 * Records the month's warnings as snapshots (研判): computed level and reasons per project; a
 * change of the computed level is appended to the history. Overrides stay as they are.
 */
export async function snapshotWarnings(
  db: Db,
  ctx: Ctx,
  opts: { period: YearMonth; projectIds?: number[] },
): Promise<{ projects: number; changed: number }> {
  assertCan(ctx.actor, 'warning.override', undefined, () => new AppError('warning.not_found', ''));
  return db.transaction(async (tx) => {
    const standings = await evaluateMonth(tx, ctx, opts);
    const existing = await tx
      .select({
        projectId: warningSnapshots.projectId,
        computedLevel: warningSnapshots.computedLevel,
      })
      .from(warningSnapshots)
      .where(
        and(
          eq(warningSnapshots.officeId, ctx.actor.officeId),
          eq(warningSnapshots.year, opts.period.year),
          eq(warningSnapshots.month, opts.period.month),
        ),
      );
    const before = new Map(existing.map((e) => [e.projectId, e.computedLevel]));
    const events: (typeof warningEvents.$inferInsert)[] = [];
    const rows = standings.map((s) => {
      if (before.get(s.projectId) !== s.computedLevel) {
        events.push({
          officeId: ctx.actor.officeId,
          projectId: s.projectId,
          ...opts.period,
          kind: 'computed',
          computedLevel: s.computedLevel,
          reasons: s.reasons,
          finalLevel: s.level,
          overrideLevel: s.overrideLevel,
          overrideReason: s.overrideReason,
          actor: ctx.actor.name,
          at: ctx.now,
        });
      }
      return {
        officeId: ctx.actor.officeId,
        projectId: s.projectId,
        ...opts.period,
        computedLevel: s.computedLevel,
        reasons: s.reasons,
        finalLevel: s.level,
        computedAt: ctx.now,
      };
    });
    for (let j = 0; j < rows.length; j += 500) {
      await tx
        .insert(warningSnapshots)
        .values(rows.slice(j, j + 500))
        .onConflictDoUpdate({
          target: [warningSnapshots.projectId, warningSnapshots.year, warningSnapshots.month],
          set: {
            computedLevel: sql`excluded.computed_level`,
            reasons: sql`excluded.reasons`,
            finalLevel: sql`coalesce(${warningSnapshots.overrideLevel}, excluded.computed_level)`,
            computedAt: sql`excluded.computed_at`,
          },
        });
    }
    for (let j = 0; j < events.length; j += 500) {
      await tx.insert(warningEvents).values(events.slice(j, j + 500));
    }
    return { projects: rows.length, changed: events.length };
  });
}

export const overrideInput = z.object({
  projectId: z.number().int().positive(),
  year: z.number().int().min(2000).max(2100),
  month: z.number().int().min(1).max(12),
  /** null clears the override and lets the computed level stand again */
  level: z.enum(LEVELS).nullable(),
  reason: z
    .string()
    .trim()
    .min(4, { message: '调整预警等级须写明理由（至少4个字）/ a written reason is required' })
    .max(1000),
});

/** A coordinator sets (or clears) the final level of one project-month, with a written reason. */
export async function overrideWarning(
  db: Db,
  ctx: Ctx,
  raw: z.input<typeof overrideInput>,
): Promise<ProjectStanding> {
  const input = overrideInput.parse(raw);
  return db.transaction(async (tx) => {
    await loadProjectFor(tx, ctx, 'warning.override', input.projectId);
    const period = { year: input.year, month: input.month };
    const [standing] = await evaluateMonth(tx, ctx, { period, projectIds: [input.projectId] });
    if (!standing)
      throw new AppError('project.archived', '已归档项目不能调整预警等级', { field: 'projectId' });
    const level = input.level ?? standing.computedLevel;
    const row = {
      officeId: ctx.actor.officeId,
      projectId: input.projectId,
      ...period,
      computedLevel: standing.computedLevel,
      reasons: standing.reasons,
      finalLevel: level,
      overrideLevel: input.level,
      overrideReason: input.reason,
      overriddenBy: ctx.actor.name,
      overriddenAt: ctx.now,
      computedAt: ctx.now,
    };
    await tx
      .insert(warningSnapshots)
      .values(row)
      .onConflictDoUpdate({
        target: [warningSnapshots.projectId, warningSnapshots.year, warningSnapshots.month],
        set: row,
      });
    await tx.insert(warningEvents).values({
      officeId: ctx.actor.officeId,
      projectId: input.projectId,
      ...period,
      kind: input.level ? 'override' : 'override_cleared',
      computedLevel: standing.computedLevel,
      reasons: standing.reasons,
      finalLevel: level,
      overrideLevel: input.level,
      overrideReason: input.reason,
      actor: ctx.actor.name,
      at: ctx.now,
    });
    return {
      ...standing,
      overrideLevel: input.level,
      overrideReason: input.reason,
      level,
    };
  });
}

/** Every recorded warning event of a project, newest first: the history nobody rewrites. */
export async function warningHistory(db: Db, ctx: Ctx, projectId: number) {
  await loadProjectFor(db, ctx, 'read', projectId);
  return db
    .select()
    .from(warningEvents)
    .where(eq(warningEvents.projectId, projectId))
    .orderBy(desc(warningEvents.year), desc(warningEvents.month), desc(warningEvents.id));
}
