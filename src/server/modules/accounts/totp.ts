import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import type { Db } from '../../db.ts';
import { users } from './accounts.table.ts';

// TOTP (RFC 6238) as the log-in and the enrolment check it: 6 digits, 30 s, SHA-1, as every authenticator app.

export function totpOf(secret: string, username: string) {
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
export function checkTotp(
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

export const newTotpSecret = () => new Secret({ size: 20 }).base32;

/**
 * Records a matched time step as used, atomically: of two requests carrying the same code only
 * the one whose update moves the counter forward passes (a check-then-write would let both in).
 */
export async function claimTotpStep(db: Db, userId: number, counter: number): Promise<boolean> {
  const claimed = await db
    .update(users)
    .set({ totpLastCounter: counter })
    .where(
      and(
        eq(users.id, userId),
        or(isNull(users.totpLastCounter), lt(users.totpLastCounter, counter)),
      ),
    )
    .returning({ id: users.id });
  return claimed.length === 1;
}
