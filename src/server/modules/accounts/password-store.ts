import { desc, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import type { UserRow } from './account-views.ts';
import { passwordHistory, users } from './accounts.table.ts';
import { verifyPassword } from './crypto.ts';
import { checkPassword, type SecuritySettings } from './password-policy.ts';

// Storing a new password, shared by one's own change and the admins' create and reset.

export async function assertNewPassword(
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

export async function setPassword(
  db: Db,
  ctx: Ctx,
  user: Pick<UserRow, 'id' | 'officeId' | 'demo'>,
  hash: string,
  opts: { mustChange: boolean; resetBy?: string },
): Promise<void> {
  await db
    .update(users)
    .set({
      passwordHash: hash,
      passwordChangedAt: ctx.now,
      mustChangePassword: opts.mustChange,
      // Kept until the owner sets a password of their own, so the change page can say who reset it.
      passwordResetBy: opts.resetBy ?? null,
      passwordResetAt: opts.resetBy ? ctx.now : null,
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
