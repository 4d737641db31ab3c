import { randomBytes } from 'node:crypto';
import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  ilike,
  isNotNull,
  isNull,
  ne,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { z } from 'zod';
import type { Actor, Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { readEnv } from '../../env.ts';
import { AppError, notFound, staleVersion } from '../../errors.ts';
import { assertCan, can } from '../../policy.ts';
import { type AuditEntry, appendAudit } from '../audit/audit.service.ts';
import { ensureUnit } from '../units/units.service.ts';
import { units } from '../units/units.table.ts';
import {
  ACCOUNT_ROLES,
  type AccountRole,
  ADMIN_DUTIES,
  passwordHistory,
  securitySettings,
  sessions,
  users,
} from './accounts.table.ts';
import {
  csrfTokenOf,
  dummyPasswordHash,
  hashPassword,
  openField,
  randomToken,
  sealField,
  sessionIdOf,
  verifyPassword,
} from './crypto.ts';
import {
  checkPassword,
  DEFAULT_SECURITY_SETTINGS,
  DEMO_PASSWORD,
  type SecuritySettings,
  securitySettingsInput,
  temporaryPassword,
} from './password-policy.ts';

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
};
export type AuthBody = { user: SessionUser; csrfToken: string };

export const SESSION_COOKIE = 'tiaodu_session';
const BUSINESS_ROLES = ['coordinator', 'reporter', 'leader'] as const;
const RESERVED_USERNAMES = new Set(['system', 'anonymous', 'admin', 'root']);

// ---------------------------------------------------------------- settings

export async function getSecuritySettings(
  db: Db,
  officeId: number,
): Promise<SecuritySettings & { version: number }> {
  const [row] = await db
    .select()
    .from(securitySettings)
    .where(eq(securitySettings.officeId, officeId));
  return row
    ? { ...DEFAULT_SECURITY_SETTINGS, ...row.settings, version: row.version }
    : { ...DEFAULT_SECURITY_SETTINGS, version: 0 };
}

export const securitySettingsPut = securitySettingsInput.extend({
  version: z.number().int().min(0),
});

export async function updateSecuritySettings(
  db: Db,
  ctx: Ctx,
  raw: z.input<typeof securitySettingsPut>,
): Promise<SecuritySettings & { version: number }> {
  assertCan(ctx.actor, 'security.write', undefined, () => notFound('settings', '设置', ''));
  const { version, ...settings } = securitySettingsPut.parse(raw);
  const current = await getSecuritySettings(db, ctx.actor.officeId);
  if (version !== current.version) throw staleVersion('settings', { version: current.version });
  const saved =
    current.version === 0
      ? await db
          .insert(securitySettings)
          .values({
            officeId: ctx.actor.officeId,
            settings,
            updatedBy: ctx.actor.name,
            updatedAt: ctx.now,
          })
          .onConflictDoNothing()
          .returning()
      : await db
          .update(securitySettings)
          .set({ settings, version: version + 1, updatedBy: ctx.actor.name, updatedAt: ctx.now })
          .where(
            and(
              eq(securitySettings.officeId, ctx.actor.officeId),
              eq(securitySettings.version, version),
            ),
          )
          .returning();
  if (saved.length === 0) throw staleVersion('settings', { version: current.version });
  const { version: _v, ...before } = current;
  const d = diff(before, settings);
  await appendAudit(db, ctx, [
    {
      action: 'security.settings_update',
      objectType: 'security_settings',
      objectId: ctx.actor.officeId,
      before: d.before,
      after: d.after,
    },
  ]);
  return getSecuritySettings(db, ctx.actor.officeId);
}

/** The changed fields only, before and after. */
function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>) {
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

// ---------------------------------------------------------------- views

function passwordExpired(u: UserRow, s: SecuritySettings, now: Date): boolean {
  return (
    s.passwordMaxAgeDays > 0 &&
    now.getTime() - u.passwordChangedAt.getTime() > s.passwordMaxAgeDays * 86_400_000
  );
}

/** Admin duties need a second factor, except the demo office's accounts until they enrol. */
export function totpRequired(u: Pick<UserRow, 'role' | 'demo'>): boolean {
  return (ADMIN_DUTIES as readonly string[]).includes(u.role) && !u.demo;
}

function sessionUser(
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

const auditActor = (u: UserRow) => ({
  id: u.username,
  name: u.displayName,
  role: u.role,
  unitId: u.unitId,
});

// ---------------------------------------------------------------- log-in

export const loginInput = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  totp: z.string().trim().max(12).optional(),
});

const normalizeUsername = (u: string) => u.trim().toLowerCase();

function totpOf(secret: string, username: string) {
  return new TOTP({
    issuer: 'Tiaodu 调度',
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  });
}

/** The time step a code matches (±1 step of drift), or null; a step already used never matches again. */
function checkTotp(
  secret: string,
  code: string,
  now: Date,
  lastCounter: number | null,
): number | null {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secret, 'x').validate({ token, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  const counter = TOTP.counter({ period: 30, timestamp: now.getTime() }) + delta;
  if (lastCounter !== null && counter <= lastCounter) return null;
  return counter;
}

const invalidLogin = () =>
  new AppError('auth.invalid', '用户名或密码错误', { messageEn: 'wrong user name or password' });

const lockedError = (until: Date) =>
  new AppError(
    'auth.locked',
    `账号已锁定，请于 ${until.toISOString()} 后再试，或联系安全管理员解锁`,
    {
      messageEn: 'the account is locked; try again later or ask the security admin to unlock it',
      lockedUntil: until.toISOString(),
    },
  );

export type LoginMeta = { ip: string; userAgent?: string };

/**
 * Checks a log-in and opens a session. Failed attempts are counted and recorded even though the
 * call fails (each in its own transaction); the threshold locks the account.
 */
export async function login(
  db: Db,
  ctx: Ctx,
  raw: z.input<typeof loginInput>,
  meta: LoginMeta,
): Promise<{ token: string; body: AuthBody }> {
  const input = loginInput.parse(raw);
  const username = normalizeUsername(input.username);
  const officeId = ctx.actor.officeId;
  const settings = await getSecuritySettings(db, officeId);
  const [found] = await db
    .select({ user: users, unitName: units.name })
    .from(users)
    .leftJoin(units, eq(units.id, users.unitId))
    .where(and(eq(users.officeId, officeId), eq(users.username, username)));
  const attempted = { id: username.slice(0, 64), name: null, role: null, unitId: null };
  const failed = (h: Db, actor: AuditEntry['actor'], reason: string, extra: AuditEntry[] = []) =>
    appendAudit(h, ctx, [
      {
        action: 'auth.login',
        outcome: 'failure',
        detail: reason,
        objectType: 'user',
        objectId: username.slice(0, 64),
        actor,
      },
      ...extra,
    ]);
  if (!found || found.user.disabledAt) {
    // Same work as a real check, so the answer's timing does not tell which accounts exist.
    await verifyPassword(input.password, await dummyPasswordHash());
    await failed(
      db,
      found ? auditActor(found.user) : attempted,
      found ? 'disabled' : 'unknown_user',
    );
    throw invalidLogin();
  }
  const user = found.user;
  if (user.lockedUntil && user.lockedUntil > ctx.now) {
    await failed(db, auditActor(user), 'locked');
    throw lockedError(user.lockedUntil);
  }
  const passwordOk = await verifyPassword(input.password, user.passwordHash);
  let totpCounter: number | null = null;
  let failure: string | null = passwordOk ? null : 'bad_password';
  if (passwordOk && user.totpEnabled && user.totpSecret) {
    if (!input.totp) {
      throw new AppError('auth.totp_required', '请输入动态验证码', {
        field: 'totp',
        messageEn: 'enter the code from your authenticator app',
      });
    }
    totpCounter = checkTotp(
      openField(user.totpSecret, `users.totp_secret:${user.id}`),
      input.totp,
      ctx.now,
      user.totpLastCounter,
    );
    if (totpCounter === null) failure = 'bad_totp';
  }
  if (failure) {
    const lockedUntil = await db.transaction(async (tx) => {
      const [counted] = await tx
        .update(users)
        .set({ failedAttempts: sql`${users.failedAttempts} + 1` })
        .where(eq(users.id, user.id))
        .returning({ n: users.failedAttempts });
      if (counted.n < settings.lockoutThreshold) {
        await failed(tx, auditActor(user), failure);
        return null;
      }
      const until = new Date(ctx.now.getTime() + settings.lockoutMinutes * 60_000);
      await tx
        .update(users)
        .set({ failedAttempts: 0, lockedUntil: until })
        .where(eq(users.id, user.id));
      await failed(tx, auditActor(user), failure, [
        {
          action: 'auth.lockout',
          objectType: 'user',
          objectId: user.id,
          detail: `${counted.n} failed attempts, locked for ${settings.lockoutMinutes} minutes`,
          after: { lockedUntil: until },
          actor: auditActor(user),
        },
      ]);
      return until;
    });
    if (lockedUntil) throw lockedError(lockedUntil);
    if (failure === 'bad_totp') {
      throw new AppError('auth.totp_invalid', '动态验证码错误或已使用', {
        field: 'totp',
        messageEn: 'the code is wrong or was already used',
      });
    }
    throw invalidLogin();
  }
  const token = randomToken();
  const userCtx: Ctx = { ...ctx, actor: actorOf(user) };
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        failedAttempts: 0,
        lockedUntil: null,
        lastLoginAt: ctx.now,
        lastLoginIp: meta.ip,
        ...(totpCounter !== null ? { totpLastCounter: totpCounter } : {}),
      })
      .where(eq(users.id, user.id));
    await tx.insert(sessions).values({
      id: sessionIdOf(token),
      officeId,
      userId: user.id,
      createdAt: ctx.now,
      lastSeenAt: ctx.now,
      expiresAt: new Date(ctx.now.getTime() + settings.sessionAbsoluteHours * 3_600_000),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await appendAudit(tx, userCtx, [
      {
        action: 'auth.login',
        objectType: 'user',
        objectId: user.id,
        detail: user.totpEnabled ? 'password+totp' : 'password',
      },
    ]);
  });
  return {
    token,
    body: {
      user: sessionUser(user, found.unitName, settings, ctx.now),
      csrfToken: csrfTokenOf(token),
    },
  };
}

// ---------------------------------------------------------------- sessions

export type SessionInfo = {
  sessionId: string;
  user: UserRow;
  unitName: string | null;
  settings: SecuritySettings;
  actor: Actor;
  /** what the session must do before anything else */
  restriction: 'password' | 'totp' | null;
  body: AuthBody;
};

/**
 * The session a cookie's token names, if it is still good: not revoked, the account enabled,
 * within its absolute lifetime and idle timeout. An expired session is ended and recorded.
 */
export async function authenticateSession(
  db: Db,
  token: string,
  ctx: Ctx,
): Promise<SessionInfo | { ended: 'unknown' | 'revoked' | 'expired' }> {
  const id = sessionIdOf(token);
  const [row] = await db
    .select({
      session: sessions,
      user: users,
      unitName: units.name,
      settings: securitySettings.settings,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(units, eq(units.id, users.unitId))
    .leftJoin(securitySettings, eq(securitySettings.officeId, sessions.officeId))
    .where(eq(sessions.id, id));
  if (!row) return { ended: 'unknown' };
  if (row.session.revokedAt) return { ended: 'revoked' };
  const settings = { ...DEFAULT_SECURITY_SETTINGS, ...(row.settings ?? {}) };
  const now = ctx.now.getTime();
  const reason = row.user.disabledAt
    ? 'disabled'
    : now >= row.session.expiresAt.getTime()
      ? 'absolute_timeout'
      : now - row.session.lastSeenAt.getTime() > settings.sessionIdleMinutes * 60_000
        ? 'idle_timeout'
        : null;
  if (reason) {
    await db.transaction(async (tx) => {
      const ended = await tx
        .update(sessions)
        .set({ revokedAt: ctx.now, revokedReason: reason })
        .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
        .returning({ id: sessions.id });
      if (ended.length > 0) {
        await appendAudit(tx, { ...ctx, actor: actorOf(row.user) }, [
          { action: 'auth.session_end', objectType: 'user', objectId: row.user.id, detail: reason },
        ]);
      }
    });
    return { ended: 'expired' };
  }
  // Activity is written at most once a minute: enough for a 5-minute or longer idle timeout.
  if (now - row.session.lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: ctx.now }).where(eq(sessions.id, id));
  }
  const user = row.user;
  const mustChange = user.mustChangePassword || passwordExpired(user, settings, ctx.now);
  return {
    sessionId: id,
    user,
    unitName: row.unitName,
    settings,
    actor: actorOf(user),
    restriction: mustChange ? 'password' : totpRequired(user) && !user.totpEnabled ? 'totp' : null,
    body: {
      user: sessionUser(user, row.unitName, settings, ctx.now),
      csrfToken: csrfTokenOf(token),
    },
  };
}

async function revokeSessions(
  db: Db,
  ctx: Ctx,
  userId: number,
  reason: string,
  keep?: string,
): Promise<number> {
  const where = [eq(sessions.userId, userId), isNull(sessions.revokedAt)];
  if (keep) where.push(ne(sessions.id, keep));
  const ended = await db
    .update(sessions)
    .set({ revokedAt: ctx.now, revokedReason: reason })
    .where(and(...where))
    .returning({ id: sessions.id });
  return ended.length;
}

/** Ends this session, or every session of the account (log-out everywhere). */
export async function logout(
  db: Db,
  ctx: Ctx,
  session: SessionInfo,
  everywhere: boolean,
): Promise<void> {
  await db.transaction(async (tx) => {
    const ended = everywhere
      ? await revokeSessions(tx, ctx, session.user.id, 'logout_all')
      : (
          await tx
            .update(sessions)
            .set({ revokedAt: ctx.now, revokedReason: 'logout' })
            .where(and(eq(sessions.id, session.sessionId), isNull(sessions.revokedAt)))
            .returning({ id: sessions.id })
        ).length;
    await appendAudit(tx, ctx, [
      {
        action: everywhere ? 'auth.logout_all' : 'auth.logout',
        objectType: 'user',
        objectId: session.user.id,
        detail: `${ended} sessions ended`,
      },
    ]);
  });
}

/** Ends a session silently when a new log-in replaces it in the same browser. */
export async function replaceSession(db: Db, ctx: Ctx, sessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: ctx.now, revokedReason: 'replaced' })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

// ---------------------------------------------------------------- own password and TOTP

export const passwordChangeInput = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});

async function assertNewPassword(
  db: Db,
  user: Pick<UserRow, 'id' | 'username'>,
  password: string,
  settings: SecuritySettings,
  field: string,
): Promise<void> {
  const problem = checkPassword(password, settings, user.username);
  if (problem)
    throw new AppError(problem.code, problem.message, { field, messageEn: problem.messageEn });
  const recent = await db
    .select({ hash: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(eq(passwordHistory.userId, user.id))
    .orderBy(desc(passwordHistory.id))
    .limit(settings.passwordHistory);
  for (const r of recent) {
    if (await verifyPassword(password, r.hash)) {
      throw new AppError(
        'password.reused',
        `不能使用最近 ${settings.passwordHistory} 次用过的密码`,
        {
          field,
          messageEn: `do not reuse any of your last ${settings.passwordHistory} passwords`,
        },
      );
    }
  }
}

/** Changes one's own password; the other sessions of the account end. */
export async function changePassword(
  db: Db,
  ctx: Ctx,
  session: SessionInfo,
  raw: z.input<typeof passwordChangeInput>,
): Promise<void> {
  const input = passwordChangeInput.parse(raw);
  const [user] = await db.select().from(users).where(eq(users.id, session.user.id));
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await appendAudit(db, ctx, [
      {
        action: 'auth.password_change',
        outcome: 'failure',
        objectType: 'user',
        objectId: user.id,
        detail: 'current_password_wrong',
      },
    ]);
    throw new AppError('password.current_invalid', '当前密码错误', {
      field: 'currentPassword',
      messageEn: 'the current password is wrong',
    });
  }
  try {
    await assertNewPassword(db, user, input.newPassword, session.settings, 'newPassword');
  } catch (e) {
    if (e instanceof AppError) {
      await appendAudit(db, ctx, [
        {
          action: 'auth.password_change',
          outcome: 'failure',
          objectType: 'user',
          objectId: user.id,
          detail: e.code,
        },
      ]);
    }
    throw e;
  }
  const hash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await setPassword(tx, ctx, user, hash, { mustChange: false });
    const ended = await revokeSessions(tx, ctx, user.id, 'password_changed', session.sessionId);
    await appendAudit(tx, ctx, [
      {
        action: 'auth.password_change',
        objectType: 'user',
        objectId: user.id,
        detail: `${ended} other sessions ended`,
      },
    ]);
  });
}

async function setPassword(
  db: Db,
  ctx: Ctx,
  user: Pick<UserRow, 'id' | 'officeId' | 'demo'>,
  hash: string,
  opts: { mustChange: boolean },
): Promise<void> {
  await db
    .update(users)
    .set({
      passwordHash: hash,
      passwordChangedAt: ctx.now,
      mustChangePassword: opts.mustChange,
      // A changed password is no longer the published demo one.
      demo: false,
      version: sql`${users.version} + 1`,
      updatedBy: ctx.actor.name,
      updatedAt: ctx.now,
    })
    .where(eq(users.id, user.id));
  await db
    .insert(passwordHistory)
    .values({ officeId: user.officeId, userId: user.id, passwordHash: hash, createdAt: ctx.now });
}

/** Starts TOTP enrolment: a new secret, kept sealed until a code from it is confirmed. */
export async function enrollTotp(
  db: Db,
  ctx: Ctx,
  session: SessionInfo,
): Promise<{ secret: string; otpauthUrl: string }> {
  const secret = new Secret({ size: 20 }).base32;
  await db
    .update(users)
    .set({ totpPending: sealField(secret, `users.totp_pending:${session.user.id}`) })
    .where(eq(users.id, session.user.id));
  await appendAudit(db, ctx, [
    { action: 'auth.totp_enroll', objectType: 'user', objectId: session.user.id },
  ]);
  return { secret, otpauthUrl: totpOf(secret, session.user.username).toString() };
}

export const totpConfirmInput = z.object({ code: z.string().trim().min(6).max(12) });

export async function confirmTotp(
  db: Db,
  ctx: Ctx,
  session: SessionInfo,
  raw: z.input<typeof totpConfirmInput>,
): Promise<void> {
  const { code } = totpConfirmInput.parse(raw);
  const [user] = await db.select().from(users).where(eq(users.id, session.user.id));
  const secret = user.totpPending
    ? openField(user.totpPending, `users.totp_pending:${user.id}`)
    : null;
  const counter = secret ? checkTotp(secret, code, ctx.now, null) : null;
  if (!secret || counter === null) {
    await appendAudit(db, ctx, [
      {
        action: 'auth.totp_confirm',
        outcome: 'failure',
        objectType: 'user',
        objectId: user.id,
        detail: secret ? 'wrong_code' : 'not_enrolling',
      },
    ]);
    throw new AppError('totp.invalid', secret ? '验证码错误，请重试' : '请先开始绑定动态验证码', {
      field: 'code',
      messageEn: secret ? 'the code is wrong' : 'start the enrolment first',
    });
  }
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        totpSecret: sealField(secret, `users.totp_secret:${user.id}`),
        totpPending: null,
        totpEnabled: true,
        totpLastCounter: counter,
        version: sql`${users.version} + 1`,
        updatedAt: ctx.now,
      })
      .where(eq(users.id, user.id));
    await appendAudit(tx, ctx, [
      {
        action: 'auth.totp_confirm',
        objectType: 'user',
        objectId: user.id,
        before: { totpEnabled: user.totpEnabled },
        after: { totpEnabled: true },
      },
    ]);
  });
}

// ---------------------------------------------------------------- demo

/** The demo office's log-ins, while any of them still has the published password. */
export async function demoInfo(
  db: Db,
  officeId: number,
): Promise<
  { demo: true; password: string; accounts: { username: string; role: string }[] } | { demo: false }
> {
  const rows = await db
    .select({ username: users.username, role: users.role })
    .from(users)
    .where(and(eq(users.officeId, officeId), eq(users.demo, true), isNull(users.disabledAt)))
    .orderBy(asc(users.id));
  return rows.length === 0
    ? { demo: false }
    : { demo: true, password: DEMO_PASSWORD, accounts: rows };
}

const DEMO_ACCOUNTS: { username: string; role: AccountRole; displayName: string; unit?: string }[] =
  [
    { username: 'coord', role: 'coordinator', displayName: '统筹（演示）' },
    { username: 'leader', role: 'leader', displayName: '领导（演示）' },
    { username: 'sysadmin', role: 'sysadmin', displayName: '系统管理员（演示）' },
    { username: 'secadmin', role: 'secadmin', displayName: '安全管理员（演示）' },
    { username: 'auditadmin', role: 'auditadmin', displayName: '审计管理员（演示）' },
    {
      username: 'reporter-gws',
      role: 'reporter',
      displayName: '市建筑工务署填报员（演示）',
      unit: '市建筑工务署',
    },
    {
      username: 'reporter-qgws',
      role: 'reporter',
      displayName: '区建筑工务署填报员（演示）',
      unit: '区建筑工务署',
    },
  ];

/**
 * Creates the demo office's accounts (password Tiaodu-demo-2023, not forced to change, TOTP not
 * enforced) and their two units, when absent, and answers the log-ins that still have that
 * password. Refused in production: a production installation has no account with a known
 * password.
 */
export async function ensureDemoAccounts(
  db: Db,
  ctx: Ctx,
): Promise<{ username: string; role: string }[]> {
  if (readEnv().NODE_ENV === 'production') {
    throw new AppError(
      'demo.production',
      '生产模式不创建演示账号 / no demo accounts in production',
      {
        messageEn: 'demo accounts are not created in production mode',
      },
    );
  }
  const unitIds = new Map<string, number>();
  for (const name of new Set(DEMO_ACCOUNTS.flatMap((a) => (a.unit ? [a.unit] : [])))) {
    unitIds.set(name, (await ensureUnit(db, ctx, name)).unit.id);
  }
  const hashes = await Promise.all(DEMO_ACCOUNTS.map(() => hashPassword(DEMO_PASSWORD)));
  const created = await db
    .insert(users)
    .values(
      DEMO_ACCOUNTS.map((a, i) => ({
        officeId: ctx.actor.officeId,
        username: a.username,
        displayName: a.displayName,
        role: a.role,
        unitId: a.unit ? unitIds.get(a.unit)! : null,
        passwordHash: hashes[i],
        passwordChangedAt: ctx.now,
        mustChangePassword: false,
        demo: true,
        updatedBy: ctx.actor.name,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })),
    )
    .onConflictDoNothing()
    .returning();
  if (created.length > 0) {
    await appendAudit(
      db,
      ctx,
      created.map((u) => ({
        action: 'user.create',
        objectType: 'user',
        objectId: u.id,
        after: { ...safeFields(u), demo: true },
      })),
    );
  }
  // The log-ins that still have the published password (a changed one is no longer listed).
  const still = await db
    .select({ username: users.username })
    .from(users)
    .where(and(eq(users.officeId, ctx.actor.officeId), eq(users.demo, true)));
  const demo = new Set(still.map((u) => u.username));
  return DEMO_ACCOUNTS.filter((a) => demo.has(a.username)).map((a) => ({
    username: a.username,
    role: a.role,
  }));
}

// ---------------------------------------------------------------- administration

/** The fields of an account the audit log and the admin pages show: never a secret. */
function safeFields(u: UserRow) {
  return {
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    unitId: u.unitId,
    disabled: u.disabledAt !== null,
  };
}

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
};

function adminView(u: UserRow, unitName: string | null, ctx: Ctx, full: boolean): AdminUserView {
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
  };
}

const userNotFound = (id: number | string) => notFound('user', '用户', id);

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
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({ user: users, unitName: units.name })
      .from(users)
      .leftJoin(units, eq(units.id, users.unitId))
      .where(and(...where))
      .orderBy(asc(users.username))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db
      .select({ total: count() })
      .from(users)
      .where(and(...where)),
  ]);
  return {
    items: rows.map((r) => adminView(r.user, r.unitName, ctx, false)),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

async function loadUser(
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
  return adminView(row.user, row.unitName, ctx, can(ctx.actor, 'user.manage'));
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
  const manage = can(ctx.actor, 'user.manage');
  const grant = can(ctx.actor, 'user.grant');
  if (!manage && !grant) assertCan(ctx.actor, 'user.manage', undefined, () => userNotFound(id));
  const input = userPatchInput.parse(raw);
  const { user: current } = await loadUser(db, ctx, id);
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

/** Sets a new temporary password (shown once), to be changed at next log-in; sessions end. */
export async function resetPassword(
  db: Db,
  ctx: Ctx,
  id: number,
): Promise<{ temporaryPassword: string }> {
  assertCan(ctx.actor, 'user.manage', undefined, () => userNotFound(id));
  const { user } = await loadUser(db, ctx, id);
  const password = temporaryPassword(randomBytes);
  const hash = await hashPassword(password);
  await setPassword(db, ctx, user, hash, { mustChange: true });
  const ended = await revokeSessions(db, ctx, id, 'password_reset');
  await appendAudit(db, ctx, [
    {
      action: 'user.reset_password',
      objectType: 'user',
      objectId: id,
      detail: `${ended} sessions ended`,
    },
  ]);
  return { temporaryPassword: password };
}

export async function unlockUser(db: Db, ctx: Ctx, id: number): Promise<AdminUserView> {
  assertCan(ctx.actor, 'user.grant', undefined, () => userNotFound(id));
  const { user } = await loadUser(db, ctx, id);
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
  assertCan(ctx.actor, 'user.manage', undefined, () => userNotFound(id));
  const { user } = await loadUser(db, ctx, id);
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
  assertCan(ctx.actor, 'user.grant', undefined, () => userNotFound(id));
  const { user } = await loadUser(db, ctx, id);
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
