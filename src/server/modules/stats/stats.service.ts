import { and, eq, isNotNull, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { type StatsOutput, type StatsQuery, statsQuery } from '../../../contracts/coordination.ts';
import { ACTIVITY_KINDS, type ActivityKind } from '../../../domain/activities.ts';
import { MEETING_KINDS, type MeetingKind } from '../../../domain/meetings.ts';
import { isoDateOf } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { can } from '../../policy.ts';
import { actionItems } from '../action-items/action-items.table.ts';
import { activities } from '../activities/activities.table.ts';
import { meetings, meetingUnits } from '../meetings/meetings.table.ts';
import { problems } from '../problems/problems.table.ts';
import { projects } from '../projects/projects.table.ts';
import { rectifications } from '../rectifications/rectifications.table.ts';
import { noticeCounts } from '../supervision-notices/notice-stats.ts';
import { units } from '../units/units.table.ts';
import { workPlanCounts } from '../work-plans/work-plan-stats.ts';

export type Stats = StatsOutput;

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function byKey<K extends string>(keys: readonly K[], rows: { key: string | null; n: number }[]) {
  const out = zeros(keys);
  for (const r of rows) if (r.key && r.key in out) out[r.key as K] = Number(r.n);
  return out;
}

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

/** Which unit the counts keep: the one named, or a reporter's own (a reporter counts nothing else). */
async function unitOf(db: Db, ctx: Ctx, name: string | undefined) {
  let unit: { id: number; name: string } | undefined;
  if (name !== undefined) {
    [unit] = await db
      .select({ id: units.id, name: units.name })
      .from(units)
      .where(and(eq(units.officeId, ctx.actor.officeId), eq(units.name, name)));
    if (!unit) {
      throw new AppError('unit.invalid', `单位“${name}”不存在`, {
        field: 'unit',
        messageEn: `unit "${name}" does not exist`,
      });
    }
  }
  if (ctx.actor.role !== 'reporter') return unit ?? null;
  if (ctx.actor.unitId === null || (unit && unit.id !== ctx.actor.unitId)) throw forbidden();
  const [own] = await db
    .select({ id: units.id, name: units.name })
    .from(units)
    .where(eq(units.id, ctx.actor.unitId));
  return own ?? null;
}

/**
 * The numbers a summary quotes for a period (dates inclusive, China Standard Time): meetings by
 * kind; problems raised and resolved (and by the kind of meeting that resolved them); action
 * items assigned, closed, and overdue at the period's last day (or today, if that is earlier) —
 * overdue by the rule of `isOverdue`, with an item closed after that day still open on it;
 * activities by kind. With a unit: the meetings it attended, the problems of its projects or
 * raised by it, the items addressed to it, the activities that concerned it.
 */
export async function periodStats(db: Db, ctx: Ctx, raw: StatsQuery): Promise<Stats> {
  const q = statsQuery.parse(raw);
  if (!can(ctx.actor, 'read')) throw forbidden();
  const unit = await unitOf(db, ctx, q.unit);
  const office = ctx.actor.officeId;
  const today = isoDateOf(ctx.now);
  // ISO dates order as text: the earlier of the period's end and today
  const asOf = [q.to, today].sort()[0]!;
  const within = (col: AnyPgColumn) => sql`${col} between ${q.from} and ${q.to}`;

  const meetingWhere: SQL[] = [eq(meetings.officeId, office), within(meetings.heldOn)];
  if (unit)
    meetingWhere.push(
      sql`exists (select 1 from ${meetingUnits} where ${meetingUnits.meetingId} = ${meetings.id} and ${meetingUnits.unitId} = ${unit.id})`,
    );
  const ofUnitProjects = (id: number) =>
    sql`${problems.projectId} in (select ${projects.id} from ${projects} where ${projects.ownerUnitId} = ${id})`;
  // a reporter sees the problems of its own projects (problems.policy.ts), not others' it raised
  const problemUnit = !unit
    ? sql`true`
    : ctx.actor.role === 'reporter'
      ? ofUnitProjects(unit.id)
      : or(eq(problems.raisedByUnitId, unit.id), ofUnitProjects(unit.id))!;
  const itemUnit = unit ? eq(actionItems.responsibleUnitId, unit.id) : sql`true`;

  const [meetingRows, raisedRows, resolvedRows, createdRows, itemRows, activityRows] =
    await Promise.all([
      db
        .select({ key: meetings.kind, n: sql<number>`count(*)::int` })
        .from(meetings)
        .where(and(...meetingWhere))
        .groupBy(meetings.kind),
      db
        .select({ n: sql<number>`count(*)::int` })
        .from(problems)
        .where(and(eq(problems.officeId, office), within(problems.raisedOn), problemUnit)),
      db
        .select({ key: meetings.kind, n: sql<number>`count(*)::int` })
        .from(problems)
        .leftJoin(meetings, eq(meetings.id, problems.resolvedMeetingId))
        .where(
          and(
            eq(problems.officeId, office),
            isNotNull(problems.resolvedOn),
            within(problems.resolvedOn),
            problemUnit,
          ),
        )
        .groupBy(meetings.kind),
      db
        .select({ key: meetings.kind, n: sql<number>`count(*)::int` })
        .from(actionItems)
        .leftJoin(meetings, eq(meetings.id, actionItems.meetingId))
        .where(and(eq(actionItems.officeId, office), within(actionItems.assignedOn), itemUnit))
        .groupBy(meetings.kind),
      db
        .select({
          closed: sql<number>`(count(*) filter (where ${actionItems.closedOn} between ${q.from} and ${q.to}))::int`,
          overdue: sql<number>`(count(*) filter (where ${actionItems.assignedOn} <= ${asOf} and ${actionItems.deadline} < ${asOf} and (${actionItems.closedOn} is null or ${actionItems.closedOn} > ${asOf})))::int`,
        })
        .from(actionItems)
        .where(and(eq(actionItems.officeId, office), itemUnit)),
      db
        .select({ key: activities.kind, n: sql<number>`count(*)::int` })
        .from(activities)
        .where(
          and(
            eq(activities.officeId, office),
            within(activities.heldOn),
            unit ? eq(activities.unitId, unit.id) : sql`true`,
            // the office's own business, which a reporter does not see (activities.policy.ts)
            ctx.actor.role === 'reporter' ? sql`false` : sql`true`,
          ),
        )
        .groupBy(activities.kind),
    ]);

  // Rectification tasks in hand in the period (issued by its end, not closed before its start)
  // and those of them closed within it: closed never exceeds total.
  const [rectificationRow] = await db
    .select({
      total: sql<number>`count(*)::int`,
      closed: sql<number>`(count(*) filter (where ${rectifications.closedOn} between ${q.from} and ${q.to}))::int`,
    })
    .from(rectifications)
    .where(
      and(
        eq(rectifications.officeId, office),
        sql`${rectifications.issuedOn} <= ${q.to}`,
        sql`(${rectifications.closedOn} is null or ${rectifications.closedOn} >= ${q.from})`,
        unit ? eq(rectifications.responsibleUnitId, unit.id) : sql`true`,
      ),
    );

  const workPlans = await workPlanCounts(db, {
    officeId: office,
    from: q.from,
    to: q.to,
    unitId: unit?.id ?? null,
  });
  const notices = await noticeCounts(db, {
    officeId: office,
    from: q.from,
    to: q.to,
    unitId: unit?.id ?? null,
  });
  const meetingsByKind = byKey<MeetingKind>(MEETING_KINDS, meetingRows);
  const resolvedByMeetingKind = byKey<MeetingKind>(MEETING_KINDS, resolvedRows);
  const createdByMeetingKind = byKey<MeetingKind>(MEETING_KINDS, createdRows);
  const activitiesByKind = byKey<ActivityKind>(ACTIVITY_KINDS, activityRows);
  const sum = (rows: { n: number }[]) => rows.reduce((s, r) => s + Number(r.n), 0);
  return {
    from: q.from,
    to: q.to,
    unit: unit?.name ?? null,
    meetings: { total: sum(meetingRows), byKind: meetingsByKind },
    problems: {
      raised: Number(raisedRows[0]?.n ?? 0),
      resolved: sum(resolvedRows),
      resolvedByMeetingKind,
    },
    actionItems: {
      created: sum(createdRows),
      closed: Number(itemRows[0]?.closed ?? 0),
      overdue: Number(itemRows[0]?.overdue ?? 0),
      createdByMeetingKind,
    },
    notices,
    rectifications: {
      total: Number(rectificationRow?.total ?? 0),
      closed: Number(rectificationRow?.closed ?? 0),
    },
    workPlans,
    activities: { total: sum(activityRows), byKind: activitiesByKind },
  };
}
