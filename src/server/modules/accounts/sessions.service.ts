import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Actor, Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { units } from '../units/units.table.ts';
import {
  type AuthBody,
  actorOf,
  passwordExpired,
  sessionUser,
  totpRequired,
  type UserRow,
} from './account-views.ts';
import { securitySettings, sessions, users } from './accounts.table.ts';
import { csrfTokenOf, sessionIdOf } from './crypto.ts';
import { DEFAULT_SECURITY_SETTINGS, type SecuritySettings } from './password-policy.ts';

// Sessions: kept in the database so several app instances share them; checked on every request.

export const SESSION_COOKIE = 'tiaodu_session';

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

export async function revokeSessions(
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
