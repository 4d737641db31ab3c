import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db.ts';
import { areas } from '../projects/projects.table.ts';
import { workPlanItems, workPlans, workPlanThemes } from './work-plans.table.ts';

export type WorkPlanCount = {
  name: string;
  area: string | null;
  themes: number;
  items: number;
  done: number;
};

/**
 * The work plans of the years a period touches, each with its themes, its items and those of
 * them done by the period's end (an item done later was not done then). With a unit: only its
 * items, and only the plans holding any.
 */
export async function workPlanCounts(
  db: Db,
  q: { officeId: number; from: string; to: string; unitId: number | null },
): Promise<WorkPlanCount[]> {
  const unitFilter =
    q.unitId === null ? sql`true` : sql`${workPlanItems.responsibleUnitId} = ${q.unitId}`;
  const rows = await db
    .select({
      name: workPlans.name,
      area: areas.name,
      themes: sql<number>`(select count(*) from ${workPlanThemes} where ${workPlanThemes.planId} = ${workPlans.id})::int`,
      items: sql<number>`(select count(*) from ${workPlanItems} where ${workPlanItems.planId} = ${workPlans.id} and ${unitFilter})::int`,
      done: sql<number>`(select count(*) from ${workPlanItems} where ${workPlanItems.planId} = ${workPlans.id} and ${unitFilter} and ${workPlanItems.status} = 'done' and (${workPlanItems.completedOn} is null or ${workPlanItems.completedOn} <= ${q.to}))::int`,
    })
    .from(workPlans)
    .leftJoin(areas, eq(areas.id, workPlans.areaId))
    .where(
      and(
        eq(workPlans.officeId, q.officeId),
        sql`${workPlans.year} between ${Number(q.from.slice(0, 4))} and ${Number(q.to.slice(0, 4))}`,
      ),
    )
    .orderBy(asc(workPlans.year), asc(workPlans.name));
  return rows
    .map((r) => ({
      name: r.name,
      area: r.area,
      themes: Number(r.themes),
      items: Number(r.items),
      done: Number(r.done),
    }))
    .filter((r) => q.unitId === null || r.items > 0);
}
