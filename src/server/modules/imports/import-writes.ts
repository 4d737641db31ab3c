import { eq, sql } from 'drizzle-orm';
import { defaultEffectiveDate } from '../../../domain/investment-plan.ts';
import { STANDARD_MILESTONES } from '../../../domain/milestones.ts';
import { isoDateOf } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import { type Db, queryRows } from '../../db.ts';
import { jsonRows } from '../../json-rows.ts';
import { refreshRollups } from '../dispatch/rollups.service.ts';
import { milestoneChanges, milestones } from '../milestones/milestones.table.ts';
import { investmentPlans, planRevisions } from '../plans/plans.table.ts';
import { ensureArea, ensureCategory } from '../projects/projects.service.ts';
import { areas, categories, projects } from '../projects/projects.table.ts';
import { recordApprovedReports, recordSubmittedReports } from '../reports/reports.service.ts';
import { ensureUnit } from '../units/units.service.ts';
import { units } from '../units/units.table.ts';
import type { ImportPlan } from './imports.service.ts';

const BATCH = 500;

function* batches<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += BATCH) yield items.slice(i, i + BATCH);
}

/**
 * Writes a checked import plan inside the caller's transaction, set-based: one statement per
 * 500 rows per table, then the roll-ups of every touched project and year once.
 */
export async function writeImport(
  tx: Db,
  ctx: Ctx,
  plan: ImportPlan,
  idByCode: Map<string, number>,
  progress: (done: number, total: number) => void,
): Promise<void> {
  const office = ctx.actor.officeId;
  const total =
    plan.projects.length + plan.plans.length + plan.milestones.length + plan.reports.length;
  let done = 0;
  const step = (n: number) => {
    done += n;
    progress(done, total);
  };
  progress(0, total);

  for (const name of plan.newNames.units) await ensureUnit(tx, ctx, name);
  for (const name of plan.newNames.areas) await ensureArea(tx, ctx, name);
  for (const name of plan.newNames.categories) await ensureCategory(tx, ctx, name);
  const idsOf = async (table: typeof areas | typeof categories | typeof units) =>
    new Map(
      (
        await tx
          .select({ id: table.id, name: table.name })
          .from(table)
          .where(eq(table.officeId, office))
      ).map((r) => [r.name, r.id] as const),
    );
  const unitIds = await idsOf(units);
  const areaIds = await idsOf(areas);
  const categoryIds = await idsOf(categories);

  // Projects: new ones and changed ones in one upsert on (office, code); unchanged ones untouched.
  // In code order, so two imports over the same projects lock them in one order and queue
  // instead of deadlocking (the reviews lock projects in id order: rollups.service.ts).
  const inOrder = [...plan.projects].sort((a, b) =>
    a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
  );
  for (const chunk of batches(inOrder)) {
    const saved = await queryRows<{ id: number; code: string }>(
      tx,
      sql`insert into ${projects} ${jsonRows(
        projects,
        chunk.map((p) => ({
          officeId: office,
          code: p.code,
          name: p.fields.name,
          areaId: p.fields.area ? areaIds.get(p.fields.area)! : null,
          categoryId: p.fields.category ? categoryIds.get(p.fields.category)! : null,
          ownerUnitId: p.fields.ownerUnit ? unitIds.get(p.fields.ownerUnit)! : null,
          tags: p.fields.tags,
          phase: p.fields.phase,
          totalInvestment: p.fields.totalInvestment,
          plannedStart: p.fields.plannedStart,
          plannedFinish: p.fields.plannedFinish,
          remarks: p.fields.remarks,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        })),
      )}
      on conflict (office_id, code) do update set
        name = excluded.name, area_id = excluded.area_id, category_id = excluded.category_id,
        owner_unit_id = excluded.owner_unit_id, tags = excluded.tags, phase = excluded.phase,
        total_investment = excluded.total_investment, planned_start = excluded.planned_start,
        planned_finish = excluded.planned_finish, remarks = excluded.remarks,
        version = ${projects}.version + 1, updated_at = excluded.updated_at
      returning id, code`,
    );
    for (const s of saved) idByCode.set(s.code, s.id);
    step(chunk.length);
  }
  const idOf = (code: string) => idByCode.get(code)!;

  // Plans: a first plan is also the start-of-year plan; a change is a revision with its reason.
  // Like a plan set by hand: effective inside the plan's own year (today when it is this year).
  const effectiveDate = (year: number) => defaultEffectiveDate(year, isoDateOf(ctx.now));
  const revisions: (typeof planRevisions.$inferInsert)[] = [];
  const fresh = plan.plans.filter((p) => !p.existing);
  for (const chunk of batches(fresh)) {
    const saved = await queryRows<{ id: number; projectId: number; year: number }>(
      tx,
      sql`insert into ${investmentPlans} ${jsonRows(
        investmentPlans,
        chunk.map((p) => ({
          officeId: office,
          projectId: idOf(p.projectCode),
          year: p.year,
          annualTarget: p.annualTarget,
          timingTargets: p.timingTargets,
          initialAnnualTarget: p.annualTarget,
          initialTimingTargets: p.timingTargets,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        })),
      )}
      returning id, project_id as "projectId", year`,
    );
    const planIds = new Map(saved.map((s) => [`${s.projectId}:${s.year}`, s.id]));
    for (const p of chunk) {
      revisions.push({
        officeId: office,
        planId: planIds.get(`${idOf(p.projectCode)}:${p.year}`)!,
        revision: 1,
        annualTarget: p.annualTarget,
        timingTargets: p.timingTargets,
        effectiveDate: effectiveDate(p.year),
        reason: '年初计划（Excel导入）',
        actor: ctx.actor.name,
        createdAt: ctx.now,
      });
    }
    step(chunk.length);
  }
  const revised = plan.plans.filter((p) => p.existing);
  for (const chunk of batches(revised)) {
    const values = sql.join(
      chunk.map(
        (p) =>
          sql`(${p.existing!.id}::int, ${p.annualTarget}::numeric, ${JSON.stringify(p.timingTargets)}::jsonb)`,
      ),
      sql`, `,
    );
    await tx.execute(sql`
      update investment_plans as p
      set annual_target = v.annual, timing_targets = v.timing, revision = p.revision + 1,
          version = p.version + 1, updated_at = ${ctx.now}
      from (values ${values}) as v(id, annual, timing)
      where p.id = v.id`);
    for (const p of chunk) {
      revisions.push({
        officeId: office,
        planId: p.existing!.id,
        revision: p.existing!.revision + 1,
        annualTarget: p.annualTarget,
        timingTargets: p.timingTargets,
        effectiveDate: effectiveDate(p.year),
        reason: 'Excel导入调整',
        actor: ctx.actor.name,
        createdAt: ctx.now,
      });
    }
    step(chunk.length);
  }
  for (const chunk of batches(revisions))
    await tx.execute(sql`insert into ${planRevisions} ${jsonRows(planRevisions, chunk)}`);

  // Milestones: standard names get their kind and order; a moved planned date is kept as a change.
  const added = plan.milestones.filter((m) => !m.existing);
  for (const chunk of batches(added)) {
    const rows = chunk.map((m) => {
      const order = STANDARD_MILESTONES.findIndex((s) => s.zh === m.name);
      return {
        officeId: office,
        projectId: idOf(m.projectCode),
        kind: order === -1 ? ('custom' as const) : STANDARD_MILESTONES[order].kind,
        name: m.name,
        plannedDate: m.plannedDate,
        actualDate: m.actualDate,
        sortOrder: order === -1 ? 100 : order,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      };
    });
    await tx.execute(sql`insert into ${milestones} ${jsonRows(milestones, rows)}`);
    step(chunk.length);
  }
  const moved = plan.milestones.filter((m) => m.existing);
  for (const chunk of batches(moved)) {
    const values = sql.join(
      chunk.map(
        (m) => sql`(${m.existing!.id}::int, ${m.plannedDate}::date, ${m.actualDate}::date)`,
      ),
      sql`, `,
    );
    await tx.execute(sql`
      update milestones as m
      set planned_date = v.planned, actual_date = v.actual, version = m.version + 1, updated_at = ${ctx.now}
      from (values ${values}) as v(id, planned, actual)
      where m.id = v.id`);
    const changes = chunk
      .filter((m) => m.existing!.plannedDate !== m.plannedDate)
      .map((m) => ({
        officeId: office,
        milestoneId: m.existing!.id,
        oldPlannedDate: m.existing!.plannedDate,
        newPlannedDate: m.plannedDate,
        reason:
          m.existing!.plannedDate === null ? '首次设定计划时间（Excel导入）' : 'Excel导入调整',
        actor: ctx.actor.name,
        at: ctx.now,
      }));
    if (changes.length > 0) await tx.insert(milestoneChanges).values(changes);
    step(chunk.length);
  }

  // Reports: a coordinator's figures are approved; a reporter's are submitted for review.
  // recordReports() takes the fields it writes and fills the absent ones with null.
  const reportRows = plan.reports.map(({ projectCode, existing, ...r }) => ({
    ...r,
    projectId: idOf(projectCode),
    fromStatus: plan.reportsApproved ? null : (existing?.status ?? null),
  }));
  const record = plan.reportsApproved ? recordApprovedReports : recordSubmittedReports;
  await record(tx, ctx, reportRows);
  step(plan.reports.length);

  // Roll-ups of projects whose plans changed and whose reports did not already refresh them.
  const refreshed = new Set(reportRows.map((r) => `${r.projectId}:${r.year}`));
  const pending = plan.plans
    .map((p) => ({ year: p.year, id: idOf(p.projectCode) }))
    .filter((p) => !refreshed.has(`${p.id}:${p.year}`));
  for (const [year, ids] of groupByYear(pending)) await refreshRollups(tx, ids, year);
}

function groupByYear(items: { year: number; id: number }[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const { year, id } of items) {
    const list = out.get(year);
    if (list) list.push(id);
    else out.set(year, [id]);
  }
  return out;
}
