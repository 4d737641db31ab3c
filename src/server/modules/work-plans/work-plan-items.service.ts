import { and, eq, inArray, max } from 'drizzle-orm';
import {
  type WorkPlanItemInput,
  workPlanItemInput,
  workPlanItemUpdateInput,
  workPlanProgressInput,
} from '../../../contracts/work-plans.ts';
import { isoDateOf } from '../../../domain/periods.ts';
import type { WorkPlanItemStatus } from '../../../domain/work-plans.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, staleVersion } from '../../errors.ts';
import { assertOwned } from '../meetings/references.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';
import { maySeeWorkPlanItem, mayUpdateProgress } from './work-plans.policy.ts';
import {
  assertWrite,
  forbidden,
  getWorkPlanItem,
  lockPlan,
  touchPlan,
  type WorkPlanItemView,
  workPlanItemNotFound,
} from './work-plans.service.ts';
import { workPlanItemProjects, workPlanItems, workPlanThemes } from './work-plans.table.ts';

/** Writing a plan's items: the office adds and edits them, the responsible unit reports progress. */

async function resolveProjectCodes(tx: Db, ctx: Ctx, codes: string[]): Promise<number[]> {
  if (codes.length === 0) return [];
  const found = await tx
    .select({ id: projects.id, code: projects.code })
    .from(projects)
    .where(and(eq(projects.officeId, ctx.actor.officeId), inArray(projects.code, codes)));
  const byCode = new Map(found.map((p) => [p.code, p.id]));
  const missing = codes.find((c) => !byCode.has(c));
  if (missing !== undefined) {
    throw new AppError('projectCodes.invalid', `项目“${missing}”不存在`, {
      field: 'projectCodes',
      messageEn: `project "${missing}" does not exist`,
    });
  }
  return codes.map((c) => byCode.get(c)!);
}

async function assertTheme(tx: Db, planId: number, themeId: number) {
  const [theme] = await tx
    .select({ id: workPlanThemes.id })
    .from(workPlanThemes)
    .where(and(eq(workPlanThemes.id, themeId), eq(workPlanThemes.planId, planId)));
  if (!theme) {
    throw new AppError('themeId.invalid', `方面（${themeId}）不属于该方案`, {
      field: 'themeId',
      messageEn: `theme ${themeId} is not in this plan`,
    });
  }
}

async function assertSeqFree(tx: Db, planId: number, seq: number, exceptId?: number) {
  const [other] = await tx
    .select({ id: workPlanItems.id })
    .from(workPlanItems)
    .where(and(eq(workPlanItems.planId, planId), eq(workPlanItems.seq, seq)));
  if (other && other.id !== exceptId) {
    throw new AppError('work_plan_item.duplicate', `序号${seq}已被该方案的其他任务使用`, {
      field: 'seq',
      messageEn: `number ${seq} is already used in this plan`,
    });
  }
}

async function setLinks(tx: Db, ctx: Ctx, itemId: number, projectIds: number[]) {
  await tx.delete(workPlanItemProjects).where(eq(workPlanItemProjects.itemId, itemId));
  if (projectIds.length > 0) {
    await tx
      .insert(workPlanItemProjects)
      .values(projectIds.map((projectId) => ({ officeId: ctx.actor.officeId, itemId, projectId })));
  }
}

const completedOnFor = (
  ctx: Ctx,
  before: { status: WorkPlanItemStatus; completedOn: string | null } | null,
  status: WorkPlanItemStatus,
) =>
  status !== 'done' ? null : before?.status === 'done' ? before.completedOn : isoDateOf(ctx.now);

/** Adds an item under a theme of the plan (the office); the plan's version moves on. */
export async function createWorkPlanItem(
  db: Db,
  ctx: Ctx,
  planId: number,
  raw: WorkPlanItemInput & { planVersion?: number },
): Promise<WorkPlanItemView> {
  assertWrite(ctx);
  const input = workPlanItemInput.parse(raw);
  const itemId = await db.transaction(async (tx) => {
    const plan = await lockPlan(tx, ctx, planId, raw.planVersion);
    await assertTheme(tx, planId, input.themeId);
    await assertOwned(tx, ctx, units, [input.responsibleUnitId], 'responsibleUnitId', '责任单位');
    const projectIds = await resolveProjectCodes(tx, ctx, input.projectCodes);
    let seq = input.seq;
    if (seq === undefined) {
      const [{ top }] = await tx
        .select({ top: max(workPlanItems.seq) })
        .from(workPlanItems)
        .where(eq(workPlanItems.planId, planId));
      seq = (top ?? 0) + 1;
    } else await assertSeqFree(tx, planId, seq);
    const [item] = await tx
      .insert(workPlanItems)
      .values({
        officeId: ctx.actor.officeId,
        planId,
        themeId: input.themeId,
        seq,
        content: input.content,
        responsibleUnitId: input.responsibleUnitId,
        deadline: input.deadline,
        status: input.status,
        progress: input.progress ?? null,
        completedOn: completedOnFor(ctx, null, input.status),
        updatedBy: ctx.actor.name,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await setLinks(tx, ctx, item!.id, projectIds);
    await touchPlan(tx, ctx, planId, plan.version);
    return item!.id;
  });
  return getWorkPlanItem(db, ctx, itemId);
}

/** Locks an item in the caller's scope (404 outside it) and checks its version. */
async function lockItem(tx: Db, ctx: Ctx, itemId: number, version: number) {
  const [current] = await tx
    .select()
    .from(workPlanItems)
    .where(and(eq(workPlanItems.id, itemId), eq(workPlanItems.officeId, ctx.actor.officeId)))
    .for('update');
  if (!current || !maySeeWorkPlanItem(ctx.actor, current)) throw workPlanItemNotFound(itemId);
  return {
    current,
    checkVersion: () => {
      if (version !== current.version) throw staleVersion('work_plan_item', current);
    },
  };
}

/** Edits any field of an item (the office). */
export async function updateWorkPlanItem(
  db: Db,
  ctx: Ctx,
  itemId: number,
  raw: unknown,
): Promise<WorkPlanItemView> {
  const input = workPlanItemUpdateInput.parse(raw);
  await db.transaction(async (tx) => {
    const { current, checkVersion } = await lockItem(tx, ctx, itemId, input.version);
    assertWrite(ctx);
    checkVersion();
    if (input.themeId !== undefined) await assertTheme(tx, current.planId, input.themeId);
    if (input.responsibleUnitId !== undefined)
      await assertOwned(tx, ctx, units, [input.responsibleUnitId], 'responsibleUnitId', '责任单位');
    if (input.seq !== undefined) await assertSeqFree(tx, current.planId, input.seq, itemId);
    const status = input.status ?? current.status;
    await tx
      .update(workPlanItems)
      .set({
        ...(input.themeId !== undefined ? { themeId: input.themeId } : {}),
        ...(input.seq !== undefined ? { seq: input.seq } : {}),
        ...(input.content !== undefined ? { content: input.content } : {}),
        ...(input.responsibleUnitId !== undefined
          ? { responsibleUnitId: input.responsibleUnitId }
          : {}),
        ...(input.deadline !== undefined ? { deadline: input.deadline } : {}),
        ...(input.progress !== undefined ? { progress: input.progress } : {}),
        status,
        completedOn: completedOnFor(ctx, current, status),
        version: current.version + 1,
        updatedBy: ctx.actor.name,
        updatedAt: ctx.now,
      })
      .where(eq(workPlanItems.id, itemId));
    if (input.projectCodes !== undefined)
      await setLinks(tx, ctx, itemId, await resolveProjectCodes(tx, ctx, input.projectCodes));
  });
  return getWorkPlanItem(db, ctx, itemId);
}

/** The responsible unit (or the office) sets the item's status and progress note. */
export async function updateWorkPlanProgress(
  db: Db,
  ctx: Ctx,
  itemId: number,
  raw: unknown,
): Promise<WorkPlanItemView> {
  const input = workPlanProgressInput.parse(raw);
  await db.transaction(async (tx) => {
    const { current, checkVersion } = await lockItem(tx, ctx, itemId, input.version);
    if (!mayUpdateProgress(ctx.actor, current.responsibleUnitId)) throw forbidden();
    checkVersion();
    await tx
      .update(workPlanItems)
      .set({
        status: input.status,
        ...(input.progress !== undefined ? { progress: input.progress } : {}),
        completedOn: completedOnFor(ctx, current, input.status),
        version: current.version + 1,
        updatedBy: ctx.actor.name,
        updatedAt: ctx.now,
      })
      .where(eq(workPlanItems.id, itemId));
  });
  return getWorkPlanItem(db, ctx, itemId);
}
