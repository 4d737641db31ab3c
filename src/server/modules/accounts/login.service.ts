import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { type AuditEntry, appendAudit } from '../audit/audit.service.ts';
import { units } from '../units/units.table.ts';
import { type AuthBody, actorOf, auditActor, sessionUser } from './account-views.ts';
import { sessions, users } from './accounts.table.ts';
import {
  csrfTokenOf,
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  openField,
  randomToken,
  sessionIdOf,
  verifyPassword,
} from './crypto.ts';
import { countFailedAttempt, invalidLogin } from './lockout.ts';
import { getSecuritySettings } from './security-settings.service.ts';
import { checkTotp, claimTotpStep } from './totp.ts';

// Log-in: password, then the second factor when enrolled; failures count toward the lockout.

export const loginInput = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  totp: z.string().trim().max(12).optional(),
});

const normalizeUsername = (u: string) => u.trim().toLowerCase();

export type LoginMeta = {
  ip: string;
  userAgent?: string;
  /** production mode: a demo account (published password) never logs in */
  production?: boolean;
};

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
  const failed = (h: Db, actor: AuditEntry['actor'], reason: string) =>
    appendAudit(h, ctx, [
      {
        action: 'auth.login',
        outcome: 'failure',
        detail: reason,
        objectType: 'user',
        objectId: username.slice(0, 64),
        actor,
      },
    ]);
  const demoRefused = meta.production === true && found?.user.demo === true;
  if (!found || found.user.disabledAt || demoRefused) {
    // Same work as a real check, so the answer's timing does not tell which accounts exist.
    await verifyPassword(input.password, await dummyPasswordHash());
    await failed(
      db,
      found ? auditActor(found.user) : attempted,
      !found ? 'unknown_user' : found.user.disabledAt ? 'disabled' : 'demo_account_in_production',
    );
    throw invalidLogin(settings);
  }
  const user = found.user;
  if (user.lockedUntil && user.lockedUntil > ctx.now) {
    // Answered like a wrong password, after the same work: a locked account must not be told
    // apart from an unknown user name (nor confirm that a guessed password was right).
    await verifyPassword(input.password, await dummyPasswordHash());
    await failed(db, auditActor(user), 'locked');
    throw invalidLogin(settings);
  }
  const passwordOk = await verifyPassword(input.password, user.passwordHash);
  let failure: string | null = passwordOk ? null : 'bad_password';
  if (passwordOk && user.totpEnabled && user.totpSecret) {
    if (!input.totp) {
      throw new AppError('auth.totp_required', '请输入动态验证码', {
        field: 'totp',
        messageEn: 'enter the code from your authenticator app',
      });
    }
    const counter = checkTotp(
      openField(user.totpSecret, `users.totp_secret:${user.id}`),
      input.totp,
      ctx.now,
      user.totpLastCounter,
    );
    // Claimed in the database, so two requests carrying one code cannot both pass.
    if (counter === null || !(await claimTotpStep(db, user.id, counter))) failure = 'bad_totp';
  }
  if (failure) {
    const lockedUntil = await countFailedAttempt(db, ctx, user, settings, {
      action: 'auth.login',
      outcome: 'failure',
      detail: failure,
      objectType: 'user',
      objectId: username.slice(0, 64),
      actor: auditActor(user),
    });
    if (failure === 'bad_totp' && !lockedUntil) {
      throw new AppError('auth.totp_invalid', '动态验证码错误或已使用', {
        field: 'totp',
        messageEn: 'the code is wrong or was already used',
      });
    }
    throw invalidLogin(settings);
  }
  // A hash made under an older, cheaper policy is replaced now that the password is at hand.
  const rehashed = needsRehash(user.passwordHash) ? await hashPassword(input.password) : null;
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
        ...(rehashed ? { passwordHash: rehashed } : {}),
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
      ...(rehashed
        ? [
            {
              action: 'auth.password_rehash',
              objectType: 'user',
              objectId: user.id,
              before: { hash: user.passwordHash.split('$').slice(0, 4).join('$') },
              after: { hash: rehashed.split('$').slice(0, 4).join('$') },
            },
          ]
        : []),
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
