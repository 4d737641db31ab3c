import { and, desc, eq, inArray, or } from 'drizzle-orm';
import type { z } from 'zod';
import {
  type ScenarioResultView,
  type ScenarioView,
  type SuggestionsView,
  scenarioChanges,
  scenarioInput,
  scenarioPreviewInput,
  scenarioUpdateInput,
} from '../../../contracts/scenarios.ts';
import {
  formatYearMonth,
  isoDateOf,
  parseYearMonth,
  type YearMonth,
} from '../../../domain/periods.ts';
import {
  evaluateScenario,
  type ScenarioChanges,
  type ScenarioProjectInput,
  suggestProjects,
} from '../../../domain/scenarios.ts';
import { latenessAsOf } from '../../../domain/warning-rules.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound, staleVersion } from '../../errors.ts';
import { assertCan, projectScope } from '../../policy.ts';
import { forecastYear } from '../forecast/forecast.service.ts';
import { milestones } from '../milestones/milestones.table.ts';
import { projects } from '../projects/projects.table.ts';
import { evaluateMonth, getThresholds, lateAtSql } from '../warnings/warnings.service.ts';
import { scenarios } from './scenarios.table.ts';

const scenarioNotFound = (id: number) => notFound('scenario', '方案', id);

/**
 * Scenarios name every unit's projects: the office's coordinators build them, its leaders read
 * them, a reporter (one unit) neither. Reads check 'document.read' (the office-wide read a
 * reporter is not given), writes 'plan.write'.
 */
const assertRead = (ctx: Ctx) =>
  assertCan(ctx.actor, 'document.read', undefined, () => scenarioNotFound(0));
const assertWrite = (ctx: Ctx) =>
  assertCan(ctx.actor, 'plan.write', undefined, () => scenarioNotFound(0));

function viewOf(row: typeof scenarios.$inferSelect): ScenarioView {
  return {
    id: row.id,
    name: row.name,
    year: row.year,
    through: row.through,
    changes: { projects: row.changes.projects ?? [], milestones: row.changes.milestones ?? [] },
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

type Inputs = {
  basis: 'history' | 'none';
  projects: ScenarioProjectInput[];
  names: Map<string, string>;
  gap: string | null;
};

/**
 * What a scenario is computed from, all read-only: the forecast's expected figures of the year's
 * planned projects, their roll-ups' cumulative actuals and the month's other reasons
 * (evaluateMonth), and the milestones that could be late in the scenario: those late at the
 * month's lateness day and those it moves.
 */
async function inputsFor(
  db: Db,
  ctx: Ctx,
  period: YearMonth,
  changes: ScenarioChanges,
): Promise<Inputs> {
  const forecast = await forecastYear(db, ctx, { period });
  const standings = await evaluateMonth(db, ctx, { period });
  const asOf = latenessAsOf(period, isoDateOf(ctx.now));
  const moved = changes.milestones.map((m) => m.milestoneId);
  const ms = await db
    .select({
      id: milestones.id,
      code: projects.code,
      name: milestones.name,
      plannedDate: milestones.plannedDate,
      actualDate: milestones.actualDate,
    })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(
      and(
        projectScope(ctx.actor),
        moved.length > 0 ? or(lateAtSql(asOf), inArray(milestones.id, moved)) : lateAtSql(asOf),
      ),
    );
  const codes = new Set(forecast.projects.map((p) => p.code));
  const found = new Set(ms.filter((m) => codes.has(m.code)).map((m) => m.id));
  const missing = moved.find((id) => !found.has(id));
  if (missing !== undefined) {
    throw new AppError('scenario.milestone_unknown', `节点（${missing}）不属于本年有计划的项目`, {
      messageEn: `milestone ${missing} is not one of the year's planned projects`,
      field: 'changes.milestones',
    });
  }
  const byCode = new Map(standings.map((s) => [s.code, s]));
  const msByCode = new Map<string, typeof ms>();
  for (const m of ms) msByCode.set(m.code, [...(msByCode.get(m.code) ?? []), m]);
  return {
    basis: forecast.basis,
    gap: forecast.gap,
    names: new Map(forecast.projects.map((p) => [p.code, p.name])),
    projects: forecast.projects.map((p) => {
      const s = byCode.get(p.code);
      return {
        code: p.code,
        annualTarget: p.annualTarget,
        actual: p.actual,
        expected: p.expected,
        actualCumulative: s?.rollup?.actualCumulative ?? [],
        milestones: (msByCode.get(p.code) ?? []).map((m) => ({
          id: m.id,
          name: m.name,
          plannedDate: m.plannedDate,
          actualDate: m.actualDate,
        })),
        otherReasons: (s?.reasons ?? []).filter(
          (r) => r.rule === 'reporting' || r.rule === 'staleness',
        ),
      };
    }),
  };
}

async function compute(
  db: Db,
  ctx: Ctx,
  through: string,
  changes: ScenarioChanges,
  saved: { id: number; name: string } | null,
): Promise<ScenarioResultView> {
  const period = parseYearMonth(through)!;
  const inputs = await inputsFor(db, ctx, period, changes);
  const known = new Set(inputs.projects.map((p) => p.code));
  const unknown = changes.projects.find((c) => !known.has(c.code));
  if (unknown) {
    throw new AppError('scenario.project_unknown', `项目“${unknown.code}”不是本年有计划的项目`, {
      messageEn: `project "${unknown.code}" has no plan for the year`,
      field: 'changes.projects',
    });
  }
  const thresholds = await getThresholds(db, ctx);
  const r = evaluateScenario(inputs.projects, changes, period, {
    today: isoDateOf(ctx.now),
    thresholds,
  });
  return {
    year: period.year,
    through: formatYearMonth(period),
    basis: inputs.basis,
    baseline: r.baseline,
    scenario: r.scenario,
    changed: r.changed.map((c) => ({ ...c, name: inputs.names.get(c.code) ?? c.code })),
    scenarioId: saved?.id ?? null,
    name: saved?.name ?? null,
  };
}

/** A scenario's figures without saving it: the live editor's. */
export async function previewScenario(
  db: Db,
  ctx: Ctx,
  raw: z.input<typeof scenarioPreviewInput>,
): Promise<ScenarioResultView> {
  assertRead(ctx);
  const input = scenarioPreviewInput.parse(raw);
  return compute(db, ctx, input.through, input.changes, null);
}

/** The projects whose remaining plan and recent pace could close the gap, most first. */
export async function scenarioSuggestions(
  db: Db,
  ctx: Ctx,
  through: string,
): Promise<SuggestionsView> {
  assertRead(ctx);
  const period = parseYearMonth(through)!;
  const inputs = await inputsFor(db, ctx, period, { projects: [], milestones: [] });
  return {
    year: period.year,
    through: formatYearMonth(period),
    gap: inputs.gap,
    suggestions: suggestProjects(inputs.projects, period.month).map((s) => ({
      ...s,
      name: inputs.names.get(s.code) ?? s.code,
    })),
  };
}

async function rowOf(db: Db, ctx: Ctx, id: number) {
  const [row] = await db
    .select()
    .from(scenarios)
    .where(and(eq(scenarios.id, id), eq(scenarios.officeId, ctx.actor.officeId)));
  if (!row) throw scenarioNotFound(id);
  return row;
}

export async function listScenarios(db: Db, ctx: Ctx, year?: number): Promise<ScenarioView[]> {
  assertRead(ctx);
  const rows = await db
    .select()
    .from(scenarios)
    .where(
      and(
        eq(scenarios.officeId, ctx.actor.officeId),
        year === undefined ? undefined : eq(scenarios.year, year),
      ),
    )
    .orderBy(desc(scenarios.updatedAt), desc(scenarios.id));
  return rows.map(viewOf);
}

export async function getScenario(db: Db, ctx: Ctx, id: number): Promise<ScenarioView> {
  assertRead(ctx);
  return viewOf(await rowOf(db, ctx, id));
}

/** A saved scenario's figures next to the baseline forecast, recomputed from today's data. */
export async function scenarioResult(db: Db, ctx: Ctx, id: number): Promise<ScenarioResultView> {
  assertRead(ctx);
  const row = await rowOf(db, ctx, id);
  const changes = scenarioChanges.parse(row.changes);
  return compute(db, ctx, row.through, changes, { id: row.id, name: row.name });
}

export async function createScenario(
  db: Db,
  ctx: Ctx,
  raw: z.input<typeof scenarioInput>,
): Promise<ScenarioView> {
  assertWrite(ctx);
  const input = scenarioInput.parse(raw);
  // Computing it once refuses changes naming projects or milestones the year does not have.
  await compute(db, ctx, input.through, input.changes, null);
  const [row] = await db
    .insert(scenarios)
    .values({
      officeId: ctx.actor.officeId,
      name: input.name,
      year: parseYearMonth(input.through)!.year,
      through: input.through,
      changes: input.changes,
      createdBy: ctx.actor.name,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  return viewOf(row);
}

/** Renames a scenario or replaces its month or changes; 409 when it changed since `version`. */
export async function updateScenario(
  db: Db,
  ctx: Ctx,
  id: number,
  raw: z.input<typeof scenarioUpdateInput>,
): Promise<ScenarioView> {
  assertWrite(ctx);
  const input = scenarioUpdateInput.parse(raw);
  const current = await rowOf(db, ctx, id);
  if (current.version !== input.version) throw staleVersion('scenario', current);
  const through = input.through ?? current.through;
  const changes = input.changes ?? scenarioChanges.parse(current.changes);
  await compute(db, ctx, through, changes, null);
  const [row] = await db
    .update(scenarios)
    .set({
      name: input.name ?? current.name,
      through,
      year: parseYearMonth(through)!.year,
      changes,
      version: current.version + 1,
      updatedBy: ctx.actor.name,
      updatedAt: ctx.now,
    })
    // the version in the condition: of two saves against the same version, one wins
    .where(and(eq(scenarios.id, id), eq(scenarios.version, input.version)))
    .returning();
  if (!row) throw staleVersion('scenario', await rowOf(db, ctx, id));
  return viewOf(row);
}

export async function deleteScenario(db: Db, ctx: Ctx, id: number): Promise<{ ok: true }> {
  assertWrite(ctx);
  await rowOf(db, ctx, id);
  await db
    .delete(scenarios)
    .where(and(eq(scenarios.id, id), eq(scenarios.officeId, ctx.actor.officeId)));
  return { ok: true };
}
