import { eq, type SQL, sql } from 'drizzle-orm';
import type { Actor } from './context.ts';
import { AppError } from './errors.ts';
import { projects } from './modules/projects/projects.table.ts';

/**
 * Who may do what, in one place. Routes and services ask `assertCan`; lists use `projectScope`,
 * which is built from the same rule so a single-record check and a list can never disagree.
 */
export type Action =
  | 'read'
  | 'ledger.write'
  | 'plan.write'
  | 'report.write'
  | 'report.review'
  | 'milestone.write'
  | 'warning.override'
  | 'settings.write';

const WRITERS: Record<Exclude<Action, 'read'>, readonly Actor['role'][]> = {
  'ledger.write': ['coordinator', 'system'],
  'plan.write': ['coordinator', 'system'],
  'report.write': ['coordinator', 'reporter', 'system'],
  'report.review': ['coordinator', 'system'],
  'milestone.write': ['coordinator', 'reporter', 'system'],
  'warning.override': ['coordinator', 'system'],
  'settings.write': ['coordinator', 'system'],
};

const READERS: readonly Actor['role'][] = ['coordinator', 'reporter', 'leader', 'system'];

/** May the actor act on a project owned by ownerUnitId (or on office-wide data when undefined)? */
export function can(actor: Actor, action: Action, ownerUnitId?: number | null): boolean {
  const allowed = action === 'read' ? READERS : WRITERS[action];
  if (!allowed.includes(actor.role)) return false;
  if (actor.role === 'reporter' && ownerUnitId !== undefined) {
    return actor.unitId !== null && ownerUnitId === actor.unitId;
  }
  return true;
}

/** A record outside the actor's scope answers 404, so its existence does not leak. */
export function assertCan(
  actor: Actor,
  action: Action,
  ownerUnitId: number | null | undefined,
  notFound: () => AppError,
): void {
  if (actor.role === 'reporter' && ownerUnitId !== undefined && ownerUnitId !== actor.unitId) {
    throw notFound();
  }
  if (!can(actor, action, ownerUnitId)) {
    throw new AppError('permission.forbidden', '没有权限执行此操作', {
      messageEn: 'you may not do this',
    });
  }
}

/** The SQL filter on `projects` matching what `can(actor, 'read', project.ownerUnitId)` allows. */
export function projectScope(actor: Actor): SQL {
  if (actor.role === 'reporter') {
    return actor.unitId === null
      ? sql`false`
      : sql`${projects.officeId} = ${actor.officeId} and ${projects.ownerUnitId} = ${actor.unitId}`;
  }
  if (!READERS.includes(actor.role)) return sql`false`;
  return eq(projects.officeId, actor.officeId);
}
