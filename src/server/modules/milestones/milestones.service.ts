import { and, asc, eq, sql } from 'drizzle-orm';
import {
  type MilestoneInput,
  type MilestonePatch,
  milestoneInput,
  milestonePatch,
} from '../../../contracts/milestones.ts';
import { milestoneNameZh, STANDARD_MILESTONES } from '../../../domain/milestones.ts';
import { isoDateOf, type YearMonth } from '../../../domain/periods.ts';
import {
  latenessAsOf,
  type MilestoneLateness,
  milestoneLateness,
} from '../../../domain/warning-rules.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound, staleVersion } from '../../errors.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { loadProjectFor } from '../projects/projects.service.ts';
import { getThresholds } from '../warnings/warnings.service.ts';
import { milestoneChanges, milestones } from './milestones.table.ts';

export type Milestone = typeof milestones.$inferSelect;

export async function addMilestone(db: Db, ctx: Ctx, raw: MilestoneInput): Promise<Milestone> {
  const input = milestoneInput.parse(raw);
  if (input.kind === 'custom' && !input.name) {
    throw new AppError('milestone.name_required', '自定义节点须填写名称', {
      field: 'name',
      messageEn: 'a custom milestone needs a name',
    });
  }
  await loadProjectFor(db, ctx, 'milestone.write', input.projectId);
  const order = STANDARD_MILESTONES.findIndex((m) => m.kind === input.kind);
  const [row] = await db
    .insert(milestones)
    .values({
      officeId: ctx.actor.officeId,
      projectId: input.projectId,
      kind: input.kind,
      name: input.kind === 'custom' ? input.name! : (input.name ?? milestoneNameZh(input.kind)),
      plannedDate: input.plannedDate ?? null,
      actualDate: input.actualDate ?? null,
      sortOrder: order === -1 ? 100 : order,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      updatedBy: ctx.actor.name,
    })
    .returning();
  return row!;
}

/**
 * Edits a milestone. Moving its planned date needs a reason; the old date is kept in
 * milestone_changes so a slip can always be seen.
 */
export async function updateMilestone(
  db: Db,
  ctx: Ctx,
  milestoneId: number,
  raw: MilestonePatch,
): Promise<Milestone> {
  const input = milestonePatch.parse(raw);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(milestones)
      .where(and(eq(milestones.id, milestoneId), eq(milestones.officeId, ctx.actor.officeId)))
      .for('update');
    if (!current) throw notFound('milestone', '节点', milestoneId);
    await loadProjectFor(tx, ctx, 'milestone.write', current.projectId).catch((e) => {
      if (e instanceof AppError && e.status === 404)
        throw notFound('milestone', '节点', milestoneId);
      throw e;
    });
    if (input.version !== current.version) throw staleVersion('milestone', current);
    const plannedChanges =
      input.plannedDate !== undefined && (input.plannedDate ?? null) !== current.plannedDate;
    if (plannedChanges && current.plannedDate !== null && !input.reason) {
      throw new AppError('milestone.reason_required', '调整节点计划时间须填写原因', {
        field: 'reason',
        messageEn: 'changing a planned date needs a reason',
      });
    }
    const [updated] = await tx
      .update(milestones)
      .set({
        ...(input.plannedDate !== undefined ? { plannedDate: input.plannedDate ?? null } : {}),
        ...(input.actualDate !== undefined ? { actualDate: input.actualDate ?? null } : {}),
        ...(input.name && current.kind === 'custom' ? { name: input.name } : {}),
        version: current.version + 1,
        updatedAt: ctx.now,
        updatedBy: ctx.actor.name,
      })
      .where(eq(milestones.id, milestoneId))
      .returning();
    if (plannedChanges) {
      await tx.insert(milestoneChanges).values({
        officeId: ctx.actor.officeId,
        milestoneId,
        oldPlannedDate: current.plannedDate,
        newPlannedDate: input.plannedDate ?? null,
        reason: input.reason ?? '首次设定计划时间',
        actor: ctx.actor.name,
        at: ctx.now,
      });
    }
    return updated!;
  });
}

/**
 * A project's milestones in planned-date order (undated ones last, in their standard order),
 * each with its lateness at the period, measured by milestoneLateness() with the office's
 * threshold: the same number the dashboard and the warnings show.
 */
export async function listMilestones(
  db: Db,
  ctx: Ctx,
  projectId: number,
  period: YearMonth,
): Promise<
  (Milestone & {
    changes: (typeof milestoneChanges.$inferSelect)[];
    lateness: MilestoneLateness | null;
  })[]
> {
  await loadProjectFor(db, ctx, 'read', projectId);
  const [rows, thresholds] = await parallelReads(
    db,
    () =>
      db
        .select()
        .from(milestones)
        .where(eq(milestones.projectId, projectId))
        .orderBy(
          sql`${milestones.plannedDate} asc nulls last`,
          asc(milestones.sortOrder),
          asc(milestones.id),
        ),
    () => getThresholds(db, ctx),
  );
  const asOf = latenessAsOf(period, isoDateOf(ctx.now));
  const changes = await db
    .select({ change: milestoneChanges })
    .from(milestoneChanges)
    .innerJoin(milestones, eq(milestones.id, milestoneChanges.milestoneId))
    .where(eq(milestones.projectId, projectId))
    .orderBy(asc(milestoneChanges.id));
  return rows.map((m) => ({
    ...m,
    changes: changes.map((c) => c.change).filter((c) => c.milestoneId === m.id),
    lateness: milestoneLateness(m, asOf, thresholds),
  }));
}
