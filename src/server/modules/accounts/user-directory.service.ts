import { and, asc, count, eq, gt, ilike, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { notFound } from '../../errors.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { type AccountOp, assertCan, canAdministerAccount } from '../../policy.ts';
import { units } from '../units/units.table.ts';
import { type SessionUser, sessionUser, totpRequired, type UserRow } from './account-views.ts';
import { ACCOUNT_ROLES, users } from './accounts.table.ts';
import { openField } from './crypto.ts';
import { DEFAULT_SECURITY_SETTINGS } from './password-policy.ts';

// The accounts as the admin pages read them: list, detail, the units to bind, and for each
// account what the caller's duty may do to it.

function mask(value: string | null, kind: 'phone' | 'email'): string | null {
  if (!value) return null;
  if (kind === 'phone')
    return value.length <= 7 ? '****' : `${value.slice(0, 3)}****${value.slice(-4)}`;
  const [name, domain] = value.split('@');
  return `${name.slice(0, 1)}***@${domain ?? ''}`;
}

function contactOf(u: UserRow, field: 'phone' | 'email'): string | null {
  const sealed = u[field];
  return sealed ? openField(sealed, `users.${field}:${u.id}`) : null;
}

export type AdminUserView = SessionUser & {
  phone: string | null;
  email: string | null;
  disabled: boolean;
  disabledAt: Date | null;
  lockedUntil: Date | null;
  locked: boolean;
  failedAttempts: number;
  lastLoginAt: Date | null;
  lastLoginIp: string | null;
  passwordChangedAt: Date;
  demo: boolean;
  totpRequired: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string | null;
  /** what the caller may do to this account (三权分立), so the page offers only that */
  allowed: Record<AccountOp, boolean>;
};

const ACCOUNT_OPS: AccountOp[] = [
  'profile',
  'reset_password',
  'disable',
  'grant',
  'unlock',
  'reset_totp',
];

const allowedOps = (ctx: Ctx, u: Pick<UserRow, 'role'>) =>
  Object.fromEntries(
    ACCOUNT_OPS.map((op) => [op, canAdministerAccount(ctx.actor, u.role, op)]),
  ) as Record<AccountOp, boolean>;

export function adminView(
  u: UserRow,
  unitName: string | null,
  ctx: Ctx,
  full: boolean,
): AdminUserView {
  const phone = contactOf(u, 'phone');
  const email = contactOf(u, 'email');
  return {
    ...sessionUser(u, unitName, DEFAULT_SECURITY_SETTINGS, ctx.now),
    mustChangePassword: u.mustChangePassword,
    phone: full ? phone : mask(phone, 'phone'),
    email: full ? email : mask(email, 'email'),
    disabled: u.disabledAt !== null,
    disabledAt: u.disabledAt,
    lockedUntil: u.lockedUntil,
    locked: u.lockedUntil !== null && u.lockedUntil > ctx.now,
    failedAttempts: u.failedAttempts,
    lastLoginAt: u.lastLoginAt,
    lastLoginIp: u.lastLoginIp,
    passwordChangedAt: u.passwordChangedAt,
    demo: u.demo,
    totpRequired: totpRequired(u),
    version: u.version,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
    updatedBy: u.updatedBy,
    allowed: allowedOps(ctx, u),
  };
}

export const userNotFound = (id: number | string) => notFound('user', '用户', id);

export const userListQuery = z.object({
  q: z.string().max(100).optional(),
  role: z.enum(ACCOUNT_ROLES).optional(),
  unitId: z.coerce.number().int().positive().optional(),
  status: z.enum(['all', 'active', 'disabled', 'locked']).default('all'),
  /** accounts not logged in for this many days (never logged in counts from creation) */
  inactiveDays: z.coerce.number().int().min(1).max(3650).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export async function listUsers(
  db: Db,
  ctx: Ctx,
  raw: z.input<typeof userListQuery> = {},
): Promise<{ items: AdminUserView[]; total: number; page: number; pageSize: number }> {
  assertCan(ctx.actor, 'user.read', undefined, () => userNotFound(''));
  const q = userListQuery.parse(raw);
  const where: SQL[] = [eq(users.officeId, ctx.actor.officeId)];
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(users.username, like), ilike(users.displayName, like))!);
  }
  if (q.role) where.push(eq(users.role, q.role));
  if (q.unitId) where.push(eq(users.unitId, q.unitId));
  if (q.status === 'active') where.push(isNull(users.disabledAt));
  if (q.status === 'disabled') where.push(isNotNull(users.disabledAt));
  if (q.status === 'locked') where.push(gt(users.lockedUntil, ctx.now));
  if (q.inactiveDays) {
    const since = new Date(ctx.now.getTime() - q.inactiveDays * 86_400_000);
    where.push(isNull(users.disabledAt));
    where.push(sql`coalesce(${users.lastLoginAt}, ${users.createdAt}) < ${since}`);
  }
  const [rows, [{ total }]] = await parallelReads(
    db,
    () =>
      db
        .select({ user: users, unitName: units.name })
        .from(users)
        .leftJoin(units, eq(units.id, users.unitId))
        .where(and(...where))
        .orderBy(asc(users.username))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
    () =>
      db
        .select({ total: count() })
        .from(users)
        .where(and(...where)),
  );
  return {
    items: rows.map((r) => adminView(r.user, r.unitName, ctx, false)),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

export async function loadUser(
  db: Db,
  ctx: Ctx,
  id: number,
): Promise<{ user: UserRow; unitName: string | null }> {
  const [row] = await db
    .select({ user: users, unitName: units.name })
    .from(users)
    .leftJoin(units, eq(units.id, users.unitId))
    .where(and(eq(users.id, id), eq(users.officeId, ctx.actor.officeId)));
  if (!row) throw userNotFound(id);
  return row;
}

export async function getUser(db: Db, ctx: Ctx, id: number): Promise<AdminUserView> {
  assertCan(ctx.actor, 'user.read', undefined, () => userNotFound(id));
  const row = await loadUser(db, ctx, id);
  return adminView(
    row.user,
    row.unitName,
    ctx,
    canAdministerAccount(ctx.actor, row.user.role, 'profile'),
  );
}

/** The units an account can be bound to, for the admin pages (no business data beyond names). */
export async function listAssignableUnits(
  db: Db,
  ctx: Ctx,
): Promise<{ id: number; name: string }[]> {
  assertCan(ctx.actor, 'user.read', undefined, () => userNotFound(''));
  return db
    .select({ id: units.id, name: units.name })
    .from(units)
    .where(eq(units.officeId, ctx.actor.officeId))
    .orderBy(asc(units.name));
}
