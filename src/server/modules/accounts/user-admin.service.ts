import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, staleVersion } from '../../errors.ts';
import { type AccountOp, assertCan, canAdministerAccount } from '../../policy.ts';
import { type AuditEntry, appendAudit } from '../audit/audit.service.ts';
import { units } from '../units/units.table.ts';
import {
  BUSINESS_ROLES,
  diff,
  RESERVED_USERNAMES,
  safeFields,
  type UserRow,
} from './account-views.ts';
import { ACCOUNT_ROLES, type AccountRole, passwordHistory, users } from './accounts.table.ts';
import { hashPassword, sealField } from './crypto.ts';
import { temporaryPassword } from './password-policy.ts';
import { assertNewPassword, setPassword } from './password-store.ts';
import { getSecuritySettings } from './security-settings.service.ts';
import { revokeSessions } from './sessions.service.ts';
import {
  type AdminUserView,
  adminView,
  getUser,
  loadUser,
  userNotFound,
} from './user-directory.service.ts';

// User administration: the system admin's accounts, the security admin's roles, unlocks and resets.

/** The refusal when the caller's duty may not do this to this account. */
const dutyForbidden = (u: Pick<UserRow, 'role'>) =>
  new AppError(
    'account.forbidden',
    (['sysadmin', 'secadmin', 'auditadmin'] as string[]).includes(u.role)
      ? '三权分立：管理员账号只能由安全管理员办理，且不能办理本职责（含本人）的账号'
      : '没有权限对此账号执行此操作',
    {
      messageEn:
        'separation of duties: admin-duty accounts are handled by the security admin only, never by their own duty',
    },
  );

/** Loads an account the caller may see (404 otherwise) and may do `op` to (403 otherwise). */
async function loadForOp(db: Db, ctx: Ctx, id: number, op: AccountOp) {
  assertCan(ctx.actor, 'user.read', undefined, () => userNotFound(id));
  const row = await loadUser(db, ctx, id);
  if (!canAdministerAccount(ctx.actor, row.user.role, op)) throw dutyForbidden(row.user);
  return row;
}

const phone = z
  .string()
  .trim()
  .regex(/^[0-9+\-\s()]{5,24}$/, { message: '电话号码格式不对 / not a phone number' })
  .nullable();
const email = z
  .string()
  .trim()
  .email({ message: '电子邮箱格式不对 / not an e-mail address' })
  .max(200)
  .nullable();

export const userCreateInput = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, {
      message: '用户名为 2–32 位小写字母、数字、点、下划线或连字符 / 2–32 of a-z 0-9 . _ -',
    }),
  displayName: z.string().trim().min(1).max(60),
  role: z.enum(ACCOUNT_ROLES),
  unitId: z.number().int().positive().nullable().optional(),
  phone: phone.optional(),
  email: email.optional(),
  /** left out: a temporary password is generated and shown once */
  password: z.string().min(1).max(256).optional(),
});

export const userPatchInput = z.object({
  version: z.number().int().positive(),
  displayName: z.string().trim().min(1).max(60).optional(),
  phone: phone.optional(),
  email: email.optional(),
  role: z.enum(ACCOUNT_ROLES).optional(),
  unitId: z.number().int().positive().nullable().optional(),
});

async function assertUnit(
  db: Db,
  ctx: Ctx,
  role: AccountRole,
  unitId: number | null | undefined,
): Promise<void> {
  if (role === 'reporter' && unitId == null) {
    throw new AppError('user.unit_required', '填报员须指定所属单位', {
      field: 'unitId',
      messageEn: 'a reporter needs an owner unit',
    });
  }
  if (unitId == null) return;
  const [found] = await db
    .select({ id: units.id })
    .from(units)
    .where(and(eq(units.id, unitId), eq(units.officeId, ctx.actor.officeId)));
  if (!found) {
    throw new AppError('unitId.invalid', `单位（${unitId}）不存在`, {
      field: 'unitId',
      messageEn: `unit ${unitId} does not exist`,
    });
  }
}

/**
 * Creates an account (system admin: the business roles; the admin duties are granted by the
 * security admin or `tiaodu users create-admin`). The password must be changed at first log-in.
 */
export async function createUser(
  db: Db,
  ctx: Ctx,
  raw: z.input<typeof userCreateInput>,
): Promise<{ user: AdminUserView; temporaryPassword?: string }> {
  assertCan(ctx.actor, 'user.manage', undefined, () => userNotFound(''));
  const input = userCreateInput.parse(raw);
  if (ctx.actor.role !== 'system' && !(BUSINESS_ROLES as readonly string[]).includes(input.role)) {
    throw new AppError(
      'user.role_forbidden',
      '系统管理员只能创建业务账号；管理员职责由安全管理员授予',
      {
        field: 'role',
        messageEn:
          'the system admin creates business accounts only; admin duties are granted by the security admin',
      },
    );
  }
  if (RESERVED_USERNAMES.has(input.username)) {
    throw new AppError('user.reserved', `用户名“${input.username}”为保留名`, {
      field: 'username',
      messageEn: 'reserved user name',
    });
  }
  await assertUnit(db, ctx, input.role, input.unitId);
  const settings = await getSecuritySettings(db, ctx.actor.officeId);
  const generated = input.password === undefined ? temporaryPassword(randomBytes) : undefined;
  const password = input.password ?? generated!;
  await assertNewPassword(db, { id: 0, username: input.username }, password, settings, 'password');
  const hash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({
        officeId: ctx.actor.officeId,
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        unitId: input.unitId ?? null,
        passwordHash: hash,
        passwordChangedAt: ctx.now,
        mustChangePassword: true,
        updatedBy: ctx.actor.name,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .onConflictDoNothing()
      .returning();
    if (!created) {
      throw new AppError('user.duplicate', `用户名“${input.username}”已存在`, {
        field: 'username',
        messageEn: `user name "${input.username}" is taken`,
      });
    }
    const contact = {
      phone: input.phone ? sealField(input.phone, `users.phone:${created.id}`) : null,
      email: input.email ? sealField(input.email, `users.email:${created.id}`) : null,
    };
    const [user] = await tx.update(users).set(contact).where(eq(users.id, created.id)).returning();
    await tx.insert(passwordHistory).values({
      officeId: ctx.actor.officeId,
      userId: user.id,
      passwordHash: hash,
      createdAt: ctx.now,
    });
    await appendAudit(tx, ctx, [
      {
        action: 'user.create',
        objectType: 'user',
        objectId: user.id,
        after: {
          ...safeFields(user),
          phone: input.phone ? '(set)' : null,
          email: input.email ? '(set)' : null,
        },
      },
    ]);
    const { unitName } = await loadUser(tx, ctx, user.id);
    return {
      user: adminView(user, unitName, ctx, true),
      ...(generated ? { temporaryPassword: generated } : {}),
    };
  });
}

/**
 * Edits an account. Each duty changes only its own fields and the rest of the body is ignored:
 * the system admin the name and contacts, the security admin the role and unit (a permission
 * change, which ends the account's sessions at once).
 */
export async function updateUser(
  db: Db,
  ctx: Ctx,
  id: number,
  raw: z.input<typeof userPatchInput>,
): Promise<AdminUserView> {
  assertCan(ctx.actor, 'user.read', undefined, () => userNotFound(id));
  const input = userPatchInput.parse(raw);
  const { user: current } = await loadUser(db, ctx, id);
  const manage = canAdministerAccount(ctx.actor, current.role, 'profile');
  const grant = canAdministerAccount(ctx.actor, current.role, 'grant');
  if (!manage && !grant) throw dutyForbidden(current);
  if (input.version !== current.version) throw staleVersion('user', current);
  const profile: Partial<UserRow> = {};
  const permission: Partial<UserRow> = {};
  if (manage) {
    if (input.displayName !== undefined) profile.displayName = input.displayName;
    if (input.phone !== undefined)
      profile.phone = input.phone ? sealField(input.phone, `users.phone:${id}`) : null;
    if (input.email !== undefined)
      profile.email = input.email ? sealField(input.email, `users.email:${id}`) : null;
  }
  if (grant) {
    if (input.role !== undefined && input.role !== current.role) permission.role = input.role;
    if (input.unitId !== undefined && input.unitId !== current.unitId)
      permission.unitId = input.unitId;
  }
  const permissionChange = Object.keys(permission).length > 0;
  if (permissionChange) {
    if (current.username === ctx.actor.id && ctx.actor.role !== 'system') {
      throw new AppError('user.self_grant', '不能修改自己的角色或单位', {
        field: 'role',
        messageEn: 'you cannot change your own role or unit',
      });
    }
    await assertUnit(
      db,
      ctx,
      permission.role ?? current.role,
      permission.unitId === undefined ? current.unitId : permission.unitId,
    );
  }
  const changes = { ...profile, ...permission };
  if (Object.keys(changes).length === 0) return getUser(db, ctx, id);
  const [updated] = await db
    .update(users)
    .set({
      ...changes,
      version: current.version + 1,
      updatedBy: ctx.actor.name,
      updatedAt: ctx.now,
    })
    .where(and(eq(users.id, id), eq(users.version, input.version)))
    .returning();
  if (!updated) throw staleVersion('user', current);
  const entries: AuditEntry[] = [];
  if (Object.keys(profile).length > 0) {
    const shown = (u: Partial<UserRow>) => ({
      ...(u.displayName !== undefined ? { displayName: u.displayName } : {}),
      ...(u.phone !== undefined ? { phone: u.phone ? '(set)' : null } : {}),
      ...(u.email !== undefined ? { email: u.email ? '(set)' : null } : {}),
    });
    const d = diff(shown(current), shown(profile));
    if (d.changed)
      entries.push({
        action: 'user.update',
        objectType: 'user',
        objectId: id,
        before: d.before,
        after: d.after,
      });
  }
  if (permissionChange) {
    const ended = await revokeSessions(db, ctx, id, 'permission_changed');
    const d = diff(
      { role: current.role, unitId: current.unitId },
      permission as Record<string, unknown>,
    );
    entries.push({
      action: 'user.role_change',
      objectType: 'user',
      objectId: id,
      before: d.before,
      after: d.after,
      detail: `${ended} sessions ended`,
    });
  }
  await appendAudit(db, ctx, entries);
  return getUser(db, ctx, id);
}

/**
 * Sets a new temporary password (shown once), to be changed at next log-in, where the owner is
 * told who reset it and when; sessions end. Admin-duty accounts only by the security admin, and
 * never by their own duty (see canAdministerAccount).
 */
export async function resetPassword(
  db: Db,
  ctx: Ctx,
  id: number,
): Promise<{ temporaryPassword: string }> {
  const { user } = await loadForOp(db, ctx, id, 'reset_password');
  const password = temporaryPassword(randomBytes);
  const hash = await hashPassword(password);
  await setPassword(db, ctx, user, hash, {
    mustChange: true,
    resetBy: ctx.actor.role === 'system' ? ctx.actor.name : `${ctx.actor.name}（${ctx.actor.id}）`,
  });
  const ended = await revokeSessions(db, ctx, id, 'password_reset');
  await appendAudit(db, ctx, [
    {
      action: 'user.reset_password',
      objectType: 'user',
      objectId: id,
      before: { mustChangePassword: user.mustChangePassword },
      after: { mustChangePassword: true },
      detail: `${ended} sessions ended`,
    },
  ]);
  return { temporaryPassword: password };
}

export async function unlockUser(db: Db, ctx: Ctx, id: number): Promise<AdminUserView> {
  const { user } = await loadForOp(db, ctx, id, 'unlock');
  await db
    .update(users)
    .set({ failedAttempts: 0, lockedUntil: null, updatedBy: ctx.actor.name, updatedAt: ctx.now })
    .where(eq(users.id, id));
  await appendAudit(db, ctx, [
    {
      action: 'user.unlock',
      objectType: 'user',
      objectId: id,
      before: { lockedUntil: user.lockedUntil, failedAttempts: user.failedAttempts },
      after: { lockedUntil: null, failedAttempts: 0 },
    },
  ]);
  return getUser(db, ctx, id);
}

export async function setUserDisabled(
  db: Db,
  ctx: Ctx,
  id: number,
  disabled: boolean,
): Promise<AdminUserView> {
  const { user } = await loadForOp(db, ctx, id, 'disable');
  if (user.username === ctx.actor.id && ctx.actor.role !== 'system') {
    throw new AppError('user.self_disable', '不能停用自己的账号', {
      messageEn: 'you cannot disable your own account',
    });
  }
  if ((user.disabledAt !== null) === disabled) return getUser(db, ctx, id);
  await db
    .update(users)
    .set({
      disabledAt: disabled ? ctx.now : null,
      version: user.version + 1,
      updatedBy: ctx.actor.name,
      updatedAt: ctx.now,
    })
    .where(eq(users.id, id));
  const ended = disabled ? await revokeSessions(db, ctx, id, 'disabled') : 0;
  await appendAudit(db, ctx, [
    {
      action: disabled ? 'user.disable' : 'user.enable',
      objectType: 'user',
      objectId: id,
      before: { disabled: !disabled },
      after: { disabled },
      detail: disabled ? `${ended} sessions ended` : null,
    },
  ]);
  return getUser(db, ctx, id);
}

/** Clears a lost second factor; the account enrols again at next log-in (admin duties must). */
export async function resetTotp(db: Db, ctx: Ctx, id: number): Promise<AdminUserView> {
  const { user } = await loadForOp(db, ctx, id, 'reset_totp');
  await db
    .update(users)
    .set({
      totpEnabled: false,
      totpSecret: null,
      totpPending: null,
      totpLastCounter: null,
      version: user.version + 1,
      updatedBy: ctx.actor.name,
      updatedAt: ctx.now,
    })
    .where(eq(users.id, id));
  const ended = await revokeSessions(db, ctx, id, 'totp_reset');
  await appendAudit(db, ctx, [
    {
      action: 'user.reset_totp',
      objectType: 'user',
      objectId: id,
      before: { totpEnabled: user.totpEnabled },
      after: { totpEnabled: false },
      detail: `${ended} sessions ended`,
    },
  ]);
  return getUser(db, ctx, id);
}

/**
 * The first accounts of an installation, from the command line: an admin duty (or any role),
 * with a generated password unless one is given; it must be changed at first log-in.
 */
export async function createAccountFromCli(
  db: Db,
  ctx: Ctx,
  input: {
    username: string;
    role: AccountRole;
    displayName?: string;
    password?: string;
    unitId?: number;
  },
): Promise<{ user: AdminUserView; temporaryPassword?: string }> {
  return createUser(db, ctx, {
    username: input.username,
    displayName: input.displayName ?? input.username,
    role: input.role,
    unitId: input.unitId ?? null,
    password: input.password,
  });
}
