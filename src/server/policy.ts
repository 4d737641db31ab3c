import { eq, type SQL, sql } from 'drizzle-orm';
import type { Actor, Role } from './context.ts';
import { AppError } from './errors.ts';
import { projects } from './modules/projects/projects.table.ts';

/**
 * Who may do what, in one place. Routes and services ask `assertCan`; lists use `projectScope`,
 * which is built from the same rule so a single-record check and a list can never disagree.
 * `assertRouteAllowed` is the coarse gate every API request passes first: which areas of the
 * API a role may enter at all (leaders read only; admin duties see no business data; only the
 * audit admin reads the audit log).
 */
export type Action =
  | 'read'
  | 'ledger.write'
  | 'plan.write'
  | 'report.write'
  | 'report.review'
  | 'milestone.write'
  | 'warning.override'
  | 'settings.write'
  /** see the accounts list (both account duties) */
  | 'user.read'
  /** create accounts, edit names and contacts, disable, reset passwords (system admin) */
  | 'user.manage'
  /** change roles and units, unlock, reset two-factor (security admin) */
  | 'user.grant'
  /** password, lockout and session policy (security admin) */
  | 'security.write'
  /** search and export the audit log (audit admin) */
  | 'audit.read';

const WRITERS: Record<Exclude<Action, 'read'>, readonly Role[]> = {
  'ledger.write': ['coordinator', 'system'],
  'plan.write': ['coordinator', 'system'],
  'report.write': ['coordinator', 'reporter', 'system'],
  'report.review': ['coordinator', 'system'],
  'milestone.write': ['coordinator', 'reporter', 'system'],
  'warning.override': ['coordinator', 'system'],
  'settings.write': ['coordinator', 'system'],
  'user.read': ['sysadmin', 'secadmin', 'system'],
  'user.manage': ['sysadmin', 'system'],
  'user.grant': ['secadmin', 'system'],
  'security.write': ['secadmin', 'system'],
  'audit.read': ['auditadmin', 'system'],
};

/** The roles that read business data; the three admin duties are not among them. */
const READERS: readonly Role[] = ['coordinator', 'reporter', 'leader', 'system'];

/** May the actor act on a project owned by ownerUnitId (or on office-wide data when undefined)? */
export function can(actor: Actor, action: Action, ownerUnitId?: number | null): boolean {
  const allowed = action === 'read' ? READERS : WRITERS[action];
  if (!allowed.includes(actor.role)) return false;
  if (actor.role === 'reporter' && ownerUnitId !== undefined) {
    return actor.unitId !== null && ownerUnitId === actor.unitId;
  }
  return true;
}

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

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
  if (!can(actor, action, ownerUnitId)) throw forbidden();
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

/** The areas of the API, by path; anything not listed is business data. */
const AREAS: [RegExp, 'self' | 'accounts' | 'audit' | 'business'][] = [
  [/^\/api\/auth(\/|$)/, 'self'],
  [/^\/api\/admin(\/|$)/, 'accounts'],
  [/^\/api\/audit(\/|$)/, 'audit'],
  [/^\/api(\/|$)/, 'business'],
];

const AREA_ROLES: Record<'accounts' | 'audit' | 'business', readonly Role[]> = {
  accounts: ['sysadmin', 'secadmin', 'system'],
  audit: ['auditadmin', 'system'],
  business: READERS,
};

/** Roles that never change anything, whatever a service would allow. */
const READ_ONLY: readonly Role[] = ['leader'];

/**
 * Routes whose service does not check the role itself (it only finds or lists), with the
 * action the caller needs. Keyed by `METHOD /route/pattern`.
 */
const ROUTE_ACTIONS: Record<string, Action> = {
  'POST /api/areas': 'ledger.write',
  'POST /api/categories': 'ledger.write',
  'POST /api/units': 'ledger.write',
  // names projects of every unit
  'GET /api/dispatch/rollups/verify': 'ledger.write',
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The gate every API request passes before its handler: 403 when the role has no business there. */
export function assertRouteAllowed(actor: Actor, method: string, route: string): void {
  const area = AREAS.find(([re]) => re.test(route))?.[1] ?? 'business';
  if (area === 'self') return;
  if (!AREA_ROLES[area].includes(actor.role)) throw forbidden();
  if (area !== 'business') return;
  if (!SAFE_METHODS.has(method) && READ_ONLY.includes(actor.role)) throw forbidden();
  const action = ROUTE_ACTIONS[`${method} ${route}`];
  if (action && !can(actor, action)) throw forbidden();
}
