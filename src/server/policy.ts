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
  | 'audit.read'
  /** meetings, problems, action items (assign, verify, close), activities (the office) */
  | 'coordination.write'
  /** answer an action item, ask for more time, report it done (the responsible unit) */
  | 'action_item.answer'
  /** post progress on a rectification task, report it done with evidence (the responsible unit) */
  | 'rectification.answer'
  /** answer a supervision notice with the unit's measures (the addressed unit) */
  | 'notice.answer'
  /** update the status and progress of a work-plan item (its responsible unit) */
  | 'work_plan.progress'
  /** the office's documents naming every unit's projects: the monthly bulletin, the summaries */
  | 'document.read';

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
  'coordination.write': ['coordinator', 'system'],
  'action_item.answer': ['reporter', 'system'],
  'rectification.answer': ['reporter', 'system'],
  'notice.answer': ['reporter', 'system'],
  'work_plan.progress': ['reporter', 'system'],
  // not a write: an office-wide read a reporter (one unit) is not given
  'document.read': ['coordinator', 'leader', 'system'],
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

/** Where a user's day starts in the web app: the first page it opens after log-in. */
export type HomeArea = 'report' | 'dashboard' | 'users' | 'audit' | 'account';

/**
 * What the caller may do, as `/api/auth/me` tells the web app, which shows menus and buttons
 * from this alone. Office-wide: for a reporter, an action on their own unit's projects.
 */
export type Capabilities = { actions: Record<Action, boolean>; home: HomeArea };

export function capabilitiesOf(actor: Actor): Capabilities {
  const actions = Object.fromEntries(
    (['read', ...Object.keys(WRITERS)] as Action[]).map((a) => [a, can(actor, a)]),
  ) as Record<Action, boolean>;
  // Those who report but do not review (the reporters) start at their reports; every other
  // reader of business data at the dashboard; the admin duties at their own page.
  const home: HomeArea = actions.read
    ? actions['report.write'] && !actions['report.review']
      ? 'report'
      : 'dashboard'
    : actions['user.read']
      ? 'users'
      : actions['audit.read']
        ? 'audit'
        : 'account';
  return { actions, home };
}

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

/** What the admin pages do to one account. */
export type AccountOp =
  | 'profile'
  | 'reset_password'
  | 'disable'
  | 'grant'
  | 'unlock'
  | 'reset_totp';

const ADMIN_DUTY_ROLES: readonly Role[] = ['sysadmin', 'secadmin', 'auditadmin'];

/**
 * 三权分立 for one account: may the actor do `op` to an account holding `targetRole`? A business
 * account is the system admin's (profile, password reset, disable) and the security admin's
 * (role and unit, unlock, second factor). An admin-duty account is the security admin's alone:
 * the system admin cannot reset, disable or change the security or the audit admin; and no duty
 * administers its own (its own account included), so the security admin's account is reset or
 * unlocked only from the command line (`system`).
 */
export function canAdministerAccount(actor: Actor, targetRole: Role, op: AccountOp): boolean {
  if (actor.role === 'system') return true;
  if (ADMIN_DUTY_ROLES.includes(targetRole)) {
    return can(actor, 'user.grant') && targetRole !== actor.role;
  }
  return ['profile', 'reset_password', 'disable'].includes(op)
    ? can(actor, 'user.manage')
    : can(actor, 'user.grant');
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

/**
 * How a route may be reached, declared once per route: `open` is outside the API (the web app's
 * files, the API docs, the health check: no session is read), `public` is an API route anyone
 * may call (log-in, demo, log-out), `self` is one's own account (any logged-in user), and the
 * rest are the areas of the API a role may enter at all.
 */
export type RouteAccess =
  | 'open'
  | 'public'
  | 'self'
  | 'accounts'
  | 'audit'
  | 'business'
  /** the city feed (署区联动): a feed token only, never a session (auth.hooks.ts) */
  | 'feed';

/**
 * The access of each route pattern not declaring its own (`config.access`, `config.public`).
 * Deny by default: a route matching no line here fails at start-up, so a new module is served
 * only once someone has said who may enter it. Matched against the registered pattern
 * (`/api/projects/:code`), never against a request's URL.
 */
const ROUTE_AREAS: [RegExp, RouteAccess][] = [
  [/^\/api\/docs(\/|$)/, 'open'],
  [/^\/api\/auth\//, 'self'],
  [/^\/api\/admin\//, 'accounts'],
  [/^\/api\/feed\//, 'feed'],
  [/^\/api\/audit(\/|$)/, 'audit'],
  [
    /^\/api\/(projects|units|areas|categories|reports|report-photos|milestones|warnings|settings|dispatch|imports|exports|scenarios)(\/|$)/,
    'business',
  ],
  // the coordination modules (issue 10): meetings, problems, action items, activities, stats
  [/^\/api\/(meetings|problems|action-items|activities|stats)(\/|$)/, 'business'],
  // rectification tasks (整改), issue 10 item 5
  [/^\/api\/rectifications(\/|$)/, 'business'],
  // supervision notices (督办单), issue 10 item 4
  [/^\/api\/supervision-notices(\/|$)/, 'business'],
  // work plans (工作方案), issue 10 item 6
  [/^\/api\/(work-plans|work-plan-items)(\/|$)/, 'business'],
  // the office's documents (issue 11): monthly bulletin, work summaries
  [/^\/api\/documents(\/|$)/, 'business'],
  // attachments (附件) of meetings, action items, rectifications and notices, issue 10
  [/^\/api\/attachments(\/|$)/, 'business'],
  // outside the API: the web app's files and the health check
  [/^\/(?!api(\/|$))/, 'open'],
];

/** The declared access of a route pattern, or undefined when it has none (it is then not served). */
export function routeAccessOf(
  url: string,
  config: { access?: RouteAccess; public?: boolean } = {},
): RouteAccess | undefined {
  if (config.access) return config.access;
  if (config.public) return 'public';
  return ROUTE_AREAS.find(([re]) => re.test(url))?.[1];
}

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
  // office-wide documents name every unit's projects: not for a reporter
  'GET /api/documents/bulletin': 'document.read',
  // 市重大项目月报 names every unit's projects, like the bulletin
  'GET /api/exports/city-report': 'document.read',
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The gate every API request passes before its handler: 403 when the role has no business in
 * the matched route's area. `route` is the registered pattern and `access` its declared rule.
 */
export function assertRouteAllowed(
  actor: Actor,
  method: string,
  route: string,
  access: RouteAccess,
): void {
  if (access === 'open' || access === 'public' || access === 'self') return;
  // Only the actor a feed token stands for (feed-tokens.service.ts), and it nowhere else.
  const feedActor = actor.id.startsWith('feed-token:');
  if ((access === 'feed') !== feedActor) throw forbidden();
  if (access === 'feed') return;
  if (!AREA_ROLES[access].includes(actor.role)) throw forbidden();
  if (access !== 'business') return;
  if (!SAFE_METHODS.has(method) && READ_ONLY.includes(actor.role)) throw forbidden();
  const action = ROUTE_ACTIONS[`${method} ${route}`];
  if (action && !can(actor, action)) throw forbidden();
}
