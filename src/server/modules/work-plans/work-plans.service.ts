import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import {
  type WorkPlanInput,
  type WorkPlanListQuery,
  type WorkPlanUpdateInput,
  workPlanInput,
  workPlanListQuery,
  workPlanUpdateInput,
} from '../../../contracts/work-plans.ts';
import {
  deadlineEnd,
  isItemOverdue,
  type RollUp,
  rollUp,
  shownStatus,
  totalOf,
  WORK_PLAN_STATUS_ZH,
  type WorkPlanItemShown,
} from '../../../domain/work-plans.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound, staleVersion } from '../../errors.ts';
import { can } from '../../policy.ts';
import { areas, projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';
import {
  seesWholePlans,
  type WorkPlanItemCapability,
  workPlanCapabilities,
  workPlanItemCapabilities,
  workPlanItemScope,
} from './work-plans.policy.ts';
import {
  workPlanItemProjects,
  workPlanItems,
  workPlans,
  workPlanThemes,
} from './work-plans.table.ts';

export type WorkPlanRow = typeof workPlans.$inferSelect;
export type WorkPlanItemRow = typeof workPlanItems.$inferSelect;

export type WorkPlanItemView = WorkPlanItemRow & {
  themeName: string;
  responsibleUnitName: string;
  /** the last day the deadline allows (a month's deadline ends on its last day) */
  deadlineEnd: string;
  /** computed at the request's clock: 'delayed' when not done and past the deadline */
  shownStatus: WorkPlanItemShown;
  statusZh: string;
  overdue: boolean;
  projects: { id: number; code: string; name: string }[];
  can: WorkPlanItemCapability[];
};

type Totals = Omit<RollUp, 'key'>;

export type WorkPlanSummary = Pick<
  WorkPlanRow,
  'id' | 'name' | 'areaId' | 'year' | 'version' | 'updatedBy' | 'updatedAt'
> & {
  areaName: string | null;
  themes: number;
  can: ('edit' | 'import')[];
} & Totals;

export type WorkPlanDetail = WorkPlanSummary & {
  themeList: { id: number; name: string; position: number }[];
  itemList: WorkPlanItemView[];
  byTheme: (RollUp & { themeId: number })[];
  byUnit: (RollUp & { unitId: number })[];
};

export const workPlanNotFound = (id: number | string) => notFound('work_plan', '工作方案', id);
export const workPlanItemNotFound = (id: number | string) =>
  notFound('work_plan_item', '工作方案任务', id);

export const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

export function assertWrite(ctx: Ctx) {
  if (!can(ctx.actor, 'coordination.write')) throw forbidden();
}

/** The items matching `where` within the caller's scope, with names and linked projects, in plan order. */
export async function loadItems(db: Db, ctx: Ctx, where: SQL): Promise<WorkPlanItemView[]> {
  const rows = await db
    .select({ item: workPlanItems, themeName: workPlanThemes.name, unitName: units.name })
    .from(workPlanItems)
    .innerJoin(workPlanThemes, eq(workPlanThemes.id, workPlanItems.themeId))
    .innerJoin(units, eq(units.id, workPlanItems.responsibleUnitId))
    .where(and(workPlanItemScope(ctx.actor), where))
    .orderBy(asc(workPlanItems.planId), asc(workPlanItems.seq));
  const ids = rows.map((r) => r.item.id);
  const links =
    ids.length === 0
      ? []
      : await db
          .select({
            itemId: workPlanItemProjects.itemId,
            id: projects.id,
            code: projects.code,
            name: projects.name,
          })
          .from(workPlanItemProjects)
          .innerJoin(projects, eq(projects.id, workPlanItemProjects.projectId))
          .where(inArray(workPlanItemProjects.itemId, ids))
          .orderBy(asc(projects.code));
  const byItem = new Map<number, { id: number; code: string; name: string }[]>();
  for (const l of links) {
    const list = byItem.get(l.itemId) ?? [];
    list.push({ id: l.id, code: l.code, name: l.name });
    byItem.set(l.itemId, list);
  }
  return rows.map(({ item, themeName, unitName }) => {
    const shown = shownStatus(item, ctx.now);
    return {
      ...item,
      themeName,
      responsibleUnitName: unitName,
      deadlineEnd: deadlineEnd(item.deadline),
      shownStatus: shown,
      statusZh: WORK_PLAN_STATUS_ZH[shown],
      overdue: isItemOverdue(item, ctx.now),
      projects: byItem.get(item.id) ?? [],
      can: workPlanItemCapabilities(ctx.actor, item),
    };
  });
}

async function planRows(db: Db, ctx: Ctx, where: SQL[]) {
  return db
    .select({ plan: workPlans, areaName: areas.name })
    .from(workPlans)
    .leftJoin(areas, eq(areas.id, workPlans.areaId))
    .where(and(eq(workPlans.officeId, ctx.actor.officeId), ...where))
    .orderBy(sql`${workPlans.year} desc`, asc(workPlans.name));
}

function summaryOf(
  ctx: Ctx,
  plan: WorkPlanRow,
  areaName: string | null,
  themes: number,
  items: WorkPlanItemView[],
): WorkPlanSummary {
  return {
    id: plan.id,
    name: plan.name,
    areaId: plan.areaId,
    areaName,
    year: plan.year,
    version: plan.version,
    updatedBy: plan.updatedBy,
    updatedAt: plan.updatedAt,
    themes,
    ...totalOf(items, ctx.now),
    can: workPlanCapabilities(ctx.actor),
  };
}

/**
 * The plans the caller may see, each with its totals over the items the caller may see: every
 * plan for the office, and for a reporter the plans holding items of its unit.
 */
export async function listWorkPlans(
  db: Db,
  ctx: Ctx,
  raw: WorkPlanListQuery = {},
): Promise<{ plans: WorkPlanSummary[] }> {
  const q = workPlanListQuery.parse(raw);
  if (!can(ctx.actor, 'read')) throw forbidden();
  const where: SQL[] = [];
  if (q.year) where.push(eq(workPlans.year, q.year));
  if (q.areaId) where.push(eq(workPlans.areaId, q.areaId));
  const plans = await planRows(db, ctx, where);
  if (plans.length === 0) return { plans: [] };
  const planIds = plans.map((p) => p.plan.id);
  // one after the other: a transaction's single connection must not run two queries at once
  const items = await loadItems(db, ctx, inArray(workPlanItems.planId, planIds));
  const themeCounts = await db
    .select({ planId: workPlanThemes.planId, n: sql<number>`count(*)::int` })
    .from(workPlanThemes)
    .where(inArray(workPlanThemes.planId, planIds))
    .groupBy(workPlanThemes.planId);
  const themesOf = new Map(themeCounts.map((t) => [t.planId, Number(t.n)]));
  const whole = seesWholePlans(ctx.actor);
  return {
    plans: plans
      .map(({ plan, areaName }) => ({
        plan,
        areaName,
        items: items.filter((i) => i.planId === plan.id),
      }))
      .filter((p) => whole || p.items.length > 0)
      .map((p) => summaryOf(ctx, p.plan, p.areaName, themesOf.get(p.plan.id) ?? 0, p.items)),
  };
}

/** One plan with its themes, the items the caller may see, and roll-ups per theme and per unit. */
export async function getWorkPlan(db: Db, ctx: Ctx, planId: number): Promise<WorkPlanDetail> {
  if (!can(ctx.actor, 'read')) throw forbidden();
  const [row] = await planRows(db, ctx, [eq(workPlans.id, planId)]);
  if (!row) throw workPlanNotFound(planId);
  const themeList = await db
    .select({
      id: workPlanThemes.id,
      name: workPlanThemes.name,
      position: workPlanThemes.position,
    })
    .from(workPlanThemes)
    .where(eq(workPlanThemes.planId, planId))
    .orderBy(asc(workPlanThemes.position));
  const items = await loadItems(db, ctx, eq(workPlanItems.planId, planId));
  if (!seesWholePlans(ctx.actor) && items.length === 0) throw workPlanNotFound(planId);
  const themeIds = themeList.map((t) => String(t.id));
  const byTheme = rollUp(items, (i) => String(i.themeId), ctx.now, themeIds).map((r) => ({
    ...r,
    key: themeList.find((t) => String(t.id) === r.key)!.name,
    themeId: Number(r.key),
  }));
  const unitNames = new Map(items.map((i) => [i.responsibleUnitId, i.responsibleUnitName]));
  const byUnit = rollUp(items, (i) => String(i.responsibleUnitId), ctx.now).map((r) => ({
    ...r,
    key: unitNames.get(Number(r.key))!,
    unitId: Number(r.key),
  }));
  return {
    ...summaryOf(ctx, row.plan, row.areaName, themeList.length, items),
    themeList,
    itemList: items,
    byTheme,
    byUnit,
  };
}

async function assertArea(db: Db, ctx: Ctx, areaId: number | null | undefined) {
  if (areaId == null) return;
  const [area] = await db
    .select({ id: areas.id })
    .from(areas)
    .where(and(eq(areas.id, areaId), eq(areas.officeId, ctx.actor.officeId)));
  if (!area) {
    throw new AppError('areaId.invalid', `片区（${areaId}）不存在`, {
      field: 'areaId',
      messageEn: `area ${areaId} does not exist`,
    });
  }
}

function nameTaken(name: string) {
  return new AppError('work_plan.duplicate', `已有名为“${name}”的工作方案`, {
    field: 'name',
    messageEn: `a work plan named "${name}" already exists`,
  });
}

async function assertNameFree(db: Db, ctx: Ctx, name: string, exceptId?: number) {
  const [other] = await db
    .select({ id: workPlans.id })
    .from(workPlans)
    .where(and(eq(workPlans.officeId, ctx.actor.officeId), eq(workPlans.name, name)));
  if (other && other.id !== exceptId) throw nameTaken(name);
}

function assertDistinctThemes(names: string[]) {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) {
      throw new AppError('work_plan.theme_duplicate', `方面“${n}”重复`, {
        field: 'themes',
        messageEn: `theme "${n}" repeats`,
      });
    }
    seen.add(n);
  }
}

/** A plan with its themes in order (the office). */
export async function createWorkPlan(
  db: Db,
  ctx: Ctx,
  raw: WorkPlanInput,
): Promise<WorkPlanDetail> {
  assertWrite(ctx);
  const input = workPlanInput.parse(raw);
  assertDistinctThemes(input.themes);
  const planId = await db.transaction(async (tx) => {
    await assertArea(tx, ctx, input.areaId);
    await assertNameFree(tx, ctx, input.name);
    const [plan] = await tx
      .insert(workPlans)
      .values({
        officeId: ctx.actor.officeId,
        name: input.name,
        areaId: input.areaId ?? null,
        year: input.year,
        updatedBy: ctx.actor.name,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    if (input.themes.length > 0) {
      await tx.insert(workPlanThemes).values(
        input.themes.map((name, i) => ({
          officeId: ctx.actor.officeId,
          planId: plan!.id,
          position: i + 1,
          name,
        })),
      );
    }
    return plan!.id;
  });
  return getWorkPlan(db, ctx, planId);
}

/** Locks a plan for a write and checks its version (409 naming who changed it). */
export async function lockPlan(tx: Db, ctx: Ctx, planId: number, version?: number) {
  const [plan] = await tx
    .select()
    .from(workPlans)
    .where(and(eq(workPlans.id, planId), eq(workPlans.officeId, ctx.actor.officeId)))
    .for('update');
  if (!plan) throw workPlanNotFound(planId);
  if (version !== undefined && version !== plan.version) throw staleVersion('work_plan', plan);
  return plan;
}

/** A plan's change bumps its version, so an edit made against an older list is refused. */
export async function touchPlan(tx: Db, ctx: Ctx, planId: number, current: number) {
  await tx
    .update(workPlans)
    .set({ version: current + 1, updatedBy: ctx.actor.name, updatedAt: ctx.now })
    .where(eq(workPlans.id, planId));
}

/** Renames the plan, moves it to another area or year, and edits its ordered themes (the office). */
export async function updateWorkPlan(
  db: Db,
  ctx: Ctx,
  planId: number,
  raw: WorkPlanUpdateInput,
): Promise<WorkPlanDetail> {
  assertWrite(ctx);
  const input = workPlanUpdateInput.parse(raw);
  await db.transaction(async (tx) => {
    const plan = await lockPlan(tx, ctx, planId, input.version);
    if (input.areaId != null) await assertArea(tx, ctx, input.areaId);
    if (input.name !== undefined) await assertNameFree(tx, ctx, input.name, planId);
    await tx
      .update(workPlans)
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.areaId !== undefined ? { areaId: input.areaId } : {}),
        ...(input.year !== undefined ? { year: input.year } : {}),
        version: plan.version + 1,
        updatedBy: ctx.actor.name,
        updatedAt: ctx.now,
      })
      .where(eq(workPlans.id, planId));
    if (input.themes) await replaceThemes(tx, ctx, planId, input.themes);
  });
  return getWorkPlan(db, ctx, planId);
}

async function replaceThemes(
  tx: Db,
  ctx: Ctx,
  planId: number,
  themes: { id?: number; name: string }[],
) {
  assertDistinctThemes(themes.map((t) => t.name));
  const existing = await tx.select().from(workPlanThemes).where(eq(workPlanThemes.planId, planId));
  const byId = new Map(existing.map((t) => [t.id, t]));
  for (const t of themes) {
    if (t.id !== undefined && !byId.has(t.id)) {
      throw new AppError('themes.invalid', `方面（${t.id}）不属于该方案`, {
        field: 'themes',
        messageEn: `theme ${t.id} is not in this plan`,
      });
    }
  }
  const kept = new Set(themes.map((t) => t.id).filter((v) => v !== undefined));
  const removed = existing.filter((t) => !kept.has(t.id));
  if (removed.length > 0) {
    const [used] = await tx
      .select({ themeId: workPlanItems.themeId })
      .from(workPlanItems)
      .where(
        inArray(
          workPlanItems.themeId,
          removed.map((t) => t.id),
        ),
      )
      .limit(1);
    if (used) {
      const name = byId.get(used.themeId)!.name;
      throw new AppError('themes.in_use', `方面“${name}”下还有任务，不能删除`, {
        field: 'themes',
        messageEn: `theme "${name}" still holds items`,
      });
    }
    await tx.delete(workPlanThemes).where(
      inArray(
        workPlanThemes.id,
        removed.map((t) => t.id),
      ),
    );
  }
  // Positions and names move through a temporary range so the unique name never collides midway.
  for (const t of existing.filter((e) => kept.has(e.id))) {
    await tx
      .update(workPlanThemes)
      .set({ name: `~${t.id}~`, position: -t.id })
      .where(eq(workPlanThemes.id, t.id));
  }
  for (const [i, t] of themes.entries()) {
    if (t.id !== undefined) {
      await tx
        .update(workPlanThemes)
        .set({ name: t.name, position: i + 1 })
        .where(eq(workPlanThemes.id, t.id));
    } else {
      await tx.insert(workPlanThemes).values({
        officeId: ctx.actor.officeId,
        planId,
        position: i + 1,
        name: t.name,
      });
    }
  }
}

/** One item; outside the caller's scope it does not exist (404). */
export async function getWorkPlanItem(db: Db, ctx: Ctx, itemId: number): Promise<WorkPlanItemView> {
  if (!can(ctx.actor, 'read')) throw forbidden();
  const [item] = await loadItems(
    db,
    ctx,
    and(eq(workPlanItems.id, itemId), eq(workPlanItems.officeId, ctx.actor.officeId))!,
  );
  if (!item) throw workPlanItemNotFound(itemId);
  return item;
}
