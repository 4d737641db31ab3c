import { eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { type AuditEntry, appendAudit } from '../audit/audit.service.ts';
import { auditActor, type UserRow } from './account-views.ts';
import { users } from './accounts.table.ts';
import type { SecuritySettings } from './password-policy.ts';

// Wrong passwords and codes count toward one lockout, wherever they are typed: the log-in page
// and the current password of a password change.

/**
 * The answer to every refused log-in, whatever the reason (unknown name, wrong password,
 * disabled, locked), so an attacker cannot tell which accounts exist or are locked. It states
 * the lockout rule instead of whether this account is locked.
 */
export const invalidLogin = (s: Pick<SecuritySettings, 'lockoutThreshold' | 'lockoutMinutes'>) =>
  new AppError(
    'auth.invalid',
    `用户名或密码错误（连续 ${s.lockoutThreshold} 次错误，账号将锁定 ${s.lockoutMinutes} 分钟）`,
    {
      messageEn: `wrong user name or password (${s.lockoutThreshold} failures in a row lock the account for ${s.lockoutMinutes} minutes)`,
    },
  );

/** For someone already logged in (a password change), who may know their account is locked. */
export const lockedError = (until: Date) =>
  new AppError(
    'auth.locked',
    `账号已锁定，请于 ${until.toISOString()} 后再试，或联系安全管理员解锁`,
    {
      messageEn: 'the account is locked; try again later or ask the security admin to unlock it',
      lockedUntil: until.toISOString(),
    },
  );

/**
 * Counts one failed attempt and records `failure` (in its own transaction, so it stays even
 * though the request fails); at the threshold locks the account and records that too. Answers
 * the lock's end when this attempt locked the account.
 */
export async function countFailedAttempt(
  db: Db,
  ctx: Ctx,
  user: UserRow,
  settings: SecuritySettings,
  failure: AuditEntry,
): Promise<Date | null> {
  return db.transaction(async (tx) => {
    const [counted] = await tx
      .update(users)
      .set({ failedAttempts: sql`${users.failedAttempts} + 1` })
      .where(eq(users.id, user.id))
      .returning({ n: users.failedAttempts });
    if (counted.n < settings.lockoutThreshold) {
      await appendAudit(tx, ctx, [failure]);
      return null;
    }
    const until = new Date(ctx.now.getTime() + settings.lockoutMinutes * 60_000);
    await tx
      .update(users)
      .set({ failedAttempts: 0, lockedUntil: until })
      .where(eq(users.id, user.id));
    await appendAudit(tx, ctx, [
      failure,
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
}
