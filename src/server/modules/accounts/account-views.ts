import type { Actor } from '../../context.ts';
import { type AccountRole, ADMIN_DUTIES, type users } from './accounts.table.ts';
import type { SecuritySettings } from './password-policy.ts';

// The shapes every accounts file shares: the account as the web app and the audit log see it.

export type UserRow = typeof users.$inferSelect;

/** The user as the web app sees itself (the log-in and /me answer). */
export type SessionUser = {
  id: number;
  username: string;
  displayName: string;
  role: AccountRole;
  unitId: number | null;
  unitName: string | null;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /** while a reset password awaits its change: who reset it and when */
  passwordReset: { by: string; at: Date } | null;
};
export type AuthBody = { user: SessionUser; csrfToken: string };

export const BUSINESS_ROLES = ['coordinator', 'reporter', 'leader'] as const;
export const RESERVED_USERNAMES = new Set(['system', 'anonymous', 'admin', 'root']);

export function passwordExpired(u: UserRow, s: SecuritySettings, now: Date): boolean {
  return (
    s.passwordMaxAgeDays > 0 &&
    now.getTime() - u.passwordChangedAt.getTime() > s.passwordMaxAgeDays * 86_400_000
  );
}

/** Admin duties need a second factor, except the demo office's accounts until they enrol. */
export function totpRequired(u: Pick<UserRow, 'role' | 'demo'>): boolean {
  return (ADMIN_DUTIES as readonly string[]).includes(u.role) && !u.demo;
}

export function sessionUser(
  u: UserRow,
  unitName: string | null,
  s: SecuritySettings,
  now: Date,
): SessionUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    unitId: u.unitId,
    unitName,
    mustChangePassword: u.mustChangePassword || passwordExpired(u, s, now),
    totpEnabled: u.totpEnabled,
    passwordReset:
      u.mustChangePassword && u.passwordResetBy && u.passwordResetAt
        ? { by: u.passwordResetBy, at: u.passwordResetAt }
        : null,
  };
}

export function actorOf(
  u: Pick<UserRow, 'username' | 'displayName' | 'role' | 'officeId' | 'unitId'>,
): Actor {
  return {
    id: u.username,
    name: u.displayName,
    role: u.role,
    officeId: u.officeId,
    unitId: u.role === 'reporter' ? u.unitId : null,
  };
}

export const auditActor = (u: UserRow) => ({
  id: u.username,
  name: u.displayName,
  role: u.role,
  unitId: u.unitId,
});

/** The changed fields only, before and after. */
export function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) {
    if (v === undefined) continue;
    if (JSON.stringify(before[k] ?? null) !== JSON.stringify(v ?? null)) {
      b[k] = before[k] ?? null;
      a[k] = v;
    }
  }
  return { before: b, after: a, changed: Object.keys(a).length > 0 };
}

/** The fields of an account the audit log and the admin pages show: never a secret. */
export function safeFields(u: UserRow) {
  return {
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    unitId: u.unitId,
    disabled: u.disabledAt !== null,
  };
}
