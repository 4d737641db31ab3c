import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { UserRow } from './account-views.ts';
import { users } from './accounts.table.ts';
import { hashPassword, openField, sealField, verifyPassword } from './crypto.ts';
import { countFailedAttempt, lockedError } from './lockout.ts';
import { assertNewPassword, setPassword } from './password-store.ts';
import { revokeSessions, type SessionInfo } from './sessions.service.ts';
import { checkTotp, claimTotpStep, newTotpSecret, totpOf } from './totp.ts';

// Self-service: one's own password and second factor.

export const passwordChangeInput = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});

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
    // A guess of the current password counts toward the lockout like one on the log-in page,
    // so a borrowed session cannot try passwords without limit.
    await wrongPassword(db, ctx, user, session, 'auth.password_change', 'currentPassword');
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

/**
 * A wrong password from a logged-in user: counted toward the lockout and recorded; at the
 * threshold the account locks and all its sessions end (this one too).
 */
async function wrongPassword(
  db: Db,
  ctx: Ctx,
  user: UserRow,
  session: SessionInfo,
  action: string,
  field: string,
): Promise<never> {
  const lockedUntil = await countFailedAttempt(db, ctx, user, session.settings, {
    action,
    outcome: 'failure',
    objectType: 'user',
    objectId: user.id,
    detail: 'current_password_wrong',
  });
  if (lockedUntil) {
    await revokeSessions(db, ctx, user.id, 'locked');
    throw lockedError(lockedUntil);
  }
  throw new AppError('password.current_invalid', '当前密码错误', {
    field,
    messageEn: 'the current password is wrong',
  });
}

/** Replacing an enrolled second factor needs the password and a current code from it. */
export const totpEnrollInput = z
  .object({
    password: z.string().min(1).max(256).optional(),
    code: z.string().trim().min(6).max(12).optional(),
  })
  .nullish();

/**
 * Starts TOTP enrolment: a new secret, kept sealed until a code from it is confirmed. An account
 * that already has one proves it is its owner first (password and a current code), so a stolen
 * session cannot move the second factor to the thief's phone.
 */
export async function enrollTotp(
  db: Db,
  ctx: Ctx,
  session: SessionInfo,
  raw: z.input<typeof totpEnrollInput> = {},
): Promise<{ secret: string; otpauthUrl: string }> {
  const input = totpEnrollInput.parse(raw) ?? {};
  const [user] = await db.select().from(users).where(eq(users.id, session.user.id));
  if (user.totpEnabled && user.totpSecret) {
    if (!input.password || !input.code) {
      throw new AppError('totp.reauth_required', '更换动态验证码须输入当前密码和当前验证码', {
        field: input.password ? 'code' : 'password',
        messageEn: 'replacing the second factor needs your password and a current code',
      });
    }
    if (!(await verifyPassword(input.password, user.passwordHash))) {
      await wrongPassword(db, ctx, user, session, 'auth.totp_enroll', 'password');
    }
    const counter = checkTotp(
      openField(user.totpSecret, `users.totp_secret:${user.id}`),
      input.code,
      ctx.now,
      user.totpLastCounter,
    );
    if (counter === null || !(await claimTotpStep(db, user.id, counter))) {
      const lockedUntil = await countFailedAttempt(db, ctx, user, session.settings, {
        action: 'auth.totp_enroll',
        outcome: 'failure',
        objectType: 'user',
        objectId: user.id,
        detail: 'bad_totp',
      });
      if (lockedUntil) {
        await revokeSessions(db, ctx, user.id, 'locked');
        throw lockedError(lockedUntil);
      }
      throw new AppError('totp.invalid', '动态验证码错误或已使用', {
        field: 'code',
        messageEn: 'the code is wrong or was already used',
      });
    }
  }
  const secret = newTotpSecret();
  await db
    .update(users)
    .set({ totpPending: sealField(secret, `users.totp_pending:${session.user.id}`) })
    .where(eq(users.id, session.user.id));
  await appendAudit(db, ctx, [
    {
      action: 'auth.totp_enroll',
      objectType: 'user',
      objectId: session.user.id,
      detail: user.totpEnabled ? 'replace' : 'first',
    },
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
