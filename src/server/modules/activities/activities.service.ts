import { and, count, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import {
  type ActivityInput,
  type ActivityListQuery,
  activityInput,
  activityListQuery,
} from '../../../contracts/coordination.ts';
import { ACTIVITY_KIND_ZH } from '../../../domain/activities.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { assertOwned } from '../meetings/references.ts';
import { units } from '../units/units.table.ts';
import { activityScope, maySeeActivity, mayWriteActivities } from './activities.policy.ts';
import { activities } from './activities.table.ts';

export type ActivityRow = typeof activities.$inferSelect;
export type ActivityView = ActivityRow & { kindZh: string };

const activityNotFound = (id: number | string) => notFound('activity', '活动', id);
const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

const toView = (r: ActivityRow): ActivityView => ({ ...r, kindZh: ACTIVITY_KIND_ZH[r.kind] });

/** Records activities, set-based (one a form, 155 delegations a demo): one insert. */
export async function recordActivities(
  db: Db,
  ctx: Ctx,
  raws: ActivityInput[],
): Promise<ActivityView[]> {
  if (!mayWriteActivities(ctx.actor)) throw forbidden();
  const inputs = raws.map((r) => activityInput.parse(r));
  if (inputs.length === 0) return [];
  await assertOwned(
    db,
    ctx,
    units,
    inputs.map((i) => i.unitId),
    'unitId',
    '单位',
  );
  const out: ActivityRow[] = [];
  for (let i = 0; i < inputs.length; i += 500) {
    out.push(
      ...(await db
        .insert(activities)
        .values(
          inputs.slice(i, i + 500).map((input) => ({
            officeId: ctx.actor.officeId,
            kind: input.kind,
            title: input.title,
            heldOn: input.heldOn,
            participants: input.participants ?? null,
            headcount: input.headcount ?? null,
            unitId: input.unitId ?? null,
            notes: input.notes ?? null,
            updatedBy: ctx.actor.name,
            createdAt: ctx.now,
            updatedAt: ctx.now,
          })),
        )
        .returning()),
    );
  }
  return out.map(toView);
}

export async function recordActivity(db: Db, ctx: Ctx, raw: ActivityInput): Promise<ActivityView> {
  const [row] = await recordActivities(db, ctx, [raw]);
  return row!;
}

export async function getActivity(db: Db, ctx: Ctx, activityId: number): Promise<ActivityView> {
  const [row] = await db
    .select()
    .from(activities)
    .where(and(eq(activities.id, activityId), eq(activities.officeId, ctx.actor.officeId)));
  if (!row || !maySeeActivity(ctx.actor, row)) throw activityNotFound(activityId);
  return toView(row);
}

export async function listActivities(
  db: Db,
  ctx: Ctx,
  raw: ActivityListQuery = {},
): Promise<{ items: ActivityView[]; total: number; page: number; pageSize: number }> {
  const q = activityListQuery.parse(raw);
  const where: SQL[] = [activityScope(ctx.actor)];
  if (q.from) where.push(gte(activities.heldOn, q.from));
  if (q.to) where.push(lte(activities.heldOn, q.to));
  if (q.kind) where.push(eq(activities.kind, q.kind));
  const [rows, [{ total }]] = await parallelReads(
    db,
    () =>
      db
        .select()
        .from(activities)
        .where(and(...where))
        .orderBy(desc(activities.heldOn), desc(activities.id))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
    () =>
      db
        .select({ total: count() })
        .from(activities)
        .where(and(...where)),
  );
  return { items: rows.map(toView), total, page: q.page, pageSize: q.pageSize };
}
