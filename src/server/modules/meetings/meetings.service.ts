import { and, asc, count, desc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import {
  type MeetingInput,
  type MeetingListQuery,
  type MeetingPatch,
  meetingInput,
  meetingListQuery,
  meetingPatch,
} from '../../../contracts/coordination.ts';
import { minutesParagraphs, normalizeMinutes } from '../../../domain/meetings.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound, staleVersion } from '../../errors.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { type ActionItemView, listActionItems } from '../action-items/action-items.service.ts';
import { listProblems, type ProblemView } from '../problems/problems.service.ts';
import { meetingProblems, problems } from '../problems/problems.table.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';
import { maySeeMeeting, mayWriteMeetings, meetingScope } from './meetings.policy.ts';
import { meetingProjects, meetings, meetingUnits } from './meetings.table.ts';
import { assertOwned } from './references.ts';

export type MeetingRow = typeof meetings.$inferSelect;
export type MeetingView = MeetingRow & {
  units: { id: number; name: string }[];
  projects: { id: number; code: string; name: string }[];
  /** what the caller may do: the web shows buttons from this alone */
  can: { edit: boolean; addProblem: boolean; addActionItem: boolean };
};
export type MeetingDetail = MeetingView & {
  minutesParagraphs: string[];
  problems: ProblemView[];
  actionItems: ActionItemView[];
};

export const meetingNotFound = (id: number | string) => notFound('meeting', '会议', id);

function forbidden() {
  return new AppError('permission.forbidden', '没有权限执行此操作', {
    messageEn: 'you may not do this',
  });
}

async function linksOf(db: Db, ids: number[]) {
  if (ids.length === 0) return { unitsOf: new Map(), projectsOf: new Map() };
  const [u, p] = await parallelReads(
    db,
    () =>
      db
        .select({ meetingId: meetingUnits.meetingId, id: units.id, name: units.name })
        .from(meetingUnits)
        .innerJoin(units, eq(units.id, meetingUnits.unitId))
        .where(inArray(meetingUnits.meetingId, ids))
        .orderBy(asc(units.name)),
    () =>
      db
        .select({
          meetingId: meetingProjects.meetingId,
          id: projects.id,
          code: projects.code,
          name: projects.name,
        })
        .from(meetingProjects)
        .innerJoin(projects, eq(projects.id, meetingProjects.projectId))
        .where(inArray(meetingProjects.meetingId, ids))
        .orderBy(asc(projects.code)),
  );
  const unitsOf = new Map<number, { id: number; name: string }[]>();
  for (const { meetingId, ...r } of u)
    unitsOf.set(meetingId, [...(unitsOf.get(meetingId) ?? []), r]);
  const projectsOf = new Map<number, { id: number; code: string; name: string }[]>();
  for (const { meetingId, ...r } of p)
    projectsOf.set(meetingId, [...(projectsOf.get(meetingId) ?? []), r]);
  return { unitsOf, projectsOf };
}

/**
 * A reporter sees, among a meeting's projects, only its own unit's: the ids it may see, or null
 * for the office's readers, who see them all.
 */
async function visibleProjectIds(db: Db, ctx: Ctx): Promise<Set<number> | null> {
  if (ctx.actor.role !== 'reporter') return null;
  if (ctx.actor.unitId === null) return new Set();
  const rows = await db
    .select({ id: projects.id })
    .from(projects)
    .where(
      and(eq(projects.officeId, ctx.actor.officeId), eq(projects.ownerUnitId, ctx.actor.unitId)),
    );
  return new Set(rows.map((r) => r.id));
}

async function toViews(db: Db, ctx: Ctx, rows: MeetingRow[]): Promise<MeetingView[]> {
  const [{ unitsOf, projectsOf }, visible] = await parallelReads(
    db,
    () =>
      linksOf(
        db,
        rows.map((r) => r.id),
      ),
    () => visibleProjectIds(db, ctx),
  );
  const write = mayWriteMeetings(ctx.actor);
  return rows.map((r) => ({
    ...r,
    units: unitsOf.get(r.id) ?? [],
    projects: ((projectsOf.get(r.id) ?? []) as { id: number; code: string; name: string }[]).filter(
      (p) => visible === null || visible.has(p.id),
    ),
    can: { edit: write, addProblem: write, addActionItem: write },
  }));
}

async function writeLinks(
  db: Db,
  ctx: Ctx,
  meetingId: number,
  links: { unitIds?: number[]; projectIds?: number[]; problemIds?: number[] },
  replace: boolean,
) {
  const officeId = ctx.actor.officeId;
  if (links.unitIds !== undefined) {
    await assertOwned(db, ctx, units, links.unitIds, 'unitIds', '参会单位');
    if (replace) await db.delete(meetingUnits).where(eq(meetingUnits.meetingId, meetingId));
    const list = [...new Set(links.unitIds)];
    if (list.length)
      await db
        .insert(meetingUnits)
        .values(list.map((unitId) => ({ officeId, meetingId, unitId })))
        .onConflictDoNothing();
  }
  if (links.projectIds !== undefined) {
    await assertOwned(db, ctx, projects, links.projectIds, 'projectIds', '项目');
    if (replace) await db.delete(meetingProjects).where(eq(meetingProjects.meetingId, meetingId));
    const list = [...new Set(links.projectIds)];
    if (list.length)
      await db
        .insert(meetingProjects)
        .values(list.map((projectId) => ({ officeId, meetingId, projectId })))
        .onConflictDoNothing();
  }
  if (links.problemIds !== undefined) {
    const list = [...new Set(links.problemIds)];
    if (list.length) {
      const found = await db
        .select({ id: problems.id })
        .from(problems)
        .where(and(eq(problems.officeId, officeId), inArray(problems.id, list)));
      const missing = list.find((id) => !found.some((f) => f.id === id));
      if (missing !== undefined) {
        throw new AppError('problemIds.invalid', `问题（${missing}）不存在`, {
          field: 'problemIds',
          messageEn: `problem ${missing} does not exist`,
        });
      }
    }
    if (replace) await db.delete(meetingProblems).where(eq(meetingProblems.meetingId, meetingId));
    if (list.length)
      await db
        .insert(meetingProblems)
        .values(list.map((problemId) => ({ officeId, meetingId, problemId })))
        .onConflictDoNothing();
  }
}

/** Records a meeting with its attending units, the projects it was about and the problems discussed. */
export async function createMeeting(db: Db, ctx: Ctx, raw: MeetingInput): Promise<MeetingView> {
  const input = meetingInput.parse(raw);
  if (!mayWriteMeetings(ctx.actor)) throw forbidden();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(meetings)
      .values({
        officeId: ctx.actor.officeId,
        kind: input.kind,
        title: input.title,
        heldOn: input.heldOn,
        chair: input.chair ?? null,
        location: input.location ?? null,
        minutes: input.minutes ? normalizeMinutes(input.minutes) : null,
        updatedBy: ctx.actor.name,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await writeLinks(tx, ctx, row!.id, input, false);
    return (await toViews(tx, ctx, [row!]))[0]!;
  });
}

/** Edits a meeting; lists given replace the links; a stale version is refused (409). */
export async function updateMeeting(
  db: Db,
  ctx: Ctx,
  meetingId: number,
  raw: MeetingPatch,
): Promise<MeetingView> {
  const { version, unitIds, projectIds, problemIds, ...patch } = meetingPatch.parse(raw);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(meetings)
      .where(and(eq(meetings.id, meetingId), meetingScope(ctx.actor)))
      .for('update');
    if (!current) throw meetingNotFound(meetingId);
    if (!mayWriteMeetings(ctx.actor)) throw forbidden();
    if (version !== current.version) throw staleVersion('meeting', current);
    const [row] = await tx
      .update(meetings)
      .set({
        ...patch,
        ...(patch.minutes !== undefined
          ? { minutes: patch.minutes ? normalizeMinutes(patch.minutes) : null }
          : {}),
        version: current.version + 1,
        updatedBy: ctx.actor.name,
        updatedAt: ctx.now,
      })
      .where(eq(meetings.id, meetingId))
      .returning();
    await writeLinks(tx, ctx, meetingId, { unitIds, projectIds, problemIds }, true);
    return (await toViews(tx, ctx, [row!]))[0]!;
  });
}

/** One meeting as the caller may see it (404 outside its scope), without what hangs off it. */
export async function loadMeetingFor(db: Db, ctx: Ctx, meetingId: number): Promise<MeetingView> {
  const [row] = await db
    .select()
    .from(meetings)
    .where(and(eq(meetings.id, meetingId), eq(meetings.officeId, ctx.actor.officeId)));
  if (!row) throw meetingNotFound(meetingId);
  const [view] = await toViews(db, ctx, [row]);
  if (!maySeeMeeting(ctx.actor, { officeId: row.officeId, unitIds: view!.units.map((u) => u.id) }))
    throw meetingNotFound(meetingId);
  return view!;
}

/** One meeting with its minutes in paragraphs, the problems discussed and the items it assigned. */
export async function getMeeting(db: Db, ctx: Ctx, meetingId: number): Promise<MeetingDetail> {
  const view = await loadMeetingFor(db, ctx, meetingId);
  const [discussed, items] = await parallelReads(
    db,
    () => listProblems(db, ctx, { meetingId, pageSize: 500 }),
    () => listActionItems(db, ctx, { meetingId, pageSize: 500 }),
  );
  return {
    ...view,
    minutesParagraphs: view.minutes ? minutesParagraphs(view.minutes) : [],
    problems: discussed.items,
    actionItems: items.items,
  };
}

export async function listMeetings(
  db: Db,
  ctx: Ctx,
  raw: MeetingListQuery = {},
): Promise<{ items: MeetingView[]; total: number; page: number; pageSize: number }> {
  const q = meetingListQuery.parse(raw);
  const where: SQL[] = [meetingScope(ctx.actor)];
  if (q.from) where.push(gte(meetings.heldOn, q.from));
  if (q.to) where.push(lte(meetings.heldOn, q.to));
  if (q.kind) where.push(eq(meetings.kind, q.kind));
  if (q.unitId)
    where.push(
      sql`exists (select 1 from ${meetingUnits} where ${meetingUnits.meetingId} = ${meetings.id} and ${meetingUnits.unitId} = ${q.unitId})`,
    );
  if (q.projectId)
    where.push(
      sql`exists (select 1 from ${meetingProjects} where ${meetingProjects.meetingId} = ${meetings.id} and ${meetingProjects.projectId} = ${q.projectId})`,
    );
  const [rows, [{ total }]] = await parallelReads(
    db,
    () =>
      db
        .select()
        .from(meetings)
        .where(and(...where))
        .orderBy(desc(meetings.heldOn), desc(meetings.id))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
    () =>
      db
        .select({ total: count() })
        .from(meetings)
        .where(and(...where)),
  );
  return { items: await toViews(db, ctx, rows), total, page: q.page, pageSize: q.pageSize };
}

/** A meeting of the office, for services that link to one (404 outside the office). */
export async function loadMeeting(db: Db, ctx: Ctx, meetingId: number): Promise<MeetingRow> {
  const [row] = await db
    .select()
    .from(meetings)
    .where(and(eq(meetings.id, meetingId), eq(meetings.officeId, ctx.actor.officeId)));
  if (!row) {
    throw new AppError('meetingId.invalid', `会议（${meetingId}）不存在`, {
      field: 'meetingId',
      messageEn: `meeting ${meetingId} does not exist`,
    });
  }
  return row;
}
