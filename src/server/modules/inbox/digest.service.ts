import { hostname } from 'node:os';
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { composeDigest } from '../../../domain/inbox.ts';
import { isoDateOf } from '../../../domain/periods.ts';
import type { Db } from '../../db.ts';
import { actorOf } from '../accounts/account-views.ts';
import { users } from '../accounts/accounts.table.ts';
import { openField } from '../accounts/crypto.ts';
import { inboxOf } from './inbox.service.ts';
import { jobRuns } from './job-runs.table.ts';

/** What the digest needs of a mail transport: nodemailer's `sendMail`. */
export type MailTransport = {
  sendMail(message: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
};

export const DIGEST_JOB = 'inbox-digest';

/**
 * Claims a job for an office and a day: true for exactly one caller, whatever the number of
 * instances asking at once (the insert of the others meets the primary key and does nothing).
 */
export async function claimRun(
  db: Db,
  run: { job: string; officeId: number; runOn: string; now: Date },
): Promise<boolean> {
  const claimed = await db
    .insert(jobRuns)
    .values({
      job: run.job,
      officeId: run.officeId,
      runOn: run.runOn,
      instance: `${hostname()}:${process.pid}`,
      startedAt: run.now,
    })
    .onConflictDoNothing()
    .returning({ job: jobRuns.job });
  return claimed.length === 1;
}

export type DigestRun =
  | { claimed: false }
  | { claimed: true; sent: number; failed: number; skipped: number };

/**
 * Today's digest (每日待办提醒) for an office, once: every active account with an e-mail address
 * and something in its inbox gets one message. A failed message is counted, not retried (the
 * inbox in the app is the record; the e-mail only points at it).
 */
export async function sendDailyDigest(
  db: Db,
  opts: { officeId: number; now: Date; transport: MailTransport; from: string; publicUrl?: string },
): Promise<DigestRun> {
  const runOn = isoDateOf(opts.now);
  if (!(await claimRun(db, { job: DIGEST_JOB, officeId: opts.officeId, runOn, now: opts.now }))) {
    return { claimed: false };
  }
  const people = await db
    .select()
    .from(users)
    .where(
      and(eq(users.officeId, opts.officeId), isNull(users.disabledAt), isNotNull(users.email)),
    );
  let sent = 0;
  let failed = 0;
  let skipped = 0;
  const errors: string[] = [];
  for (const person of people) {
    const inbox = await inboxOf(db, { actor: actorOf(person), now: opts.now });
    if (inbox.count === 0 || !person.email) {
      skipped++;
      continue;
    }
    // contacts are stored sealed (crypto.ts), bound to their row
    const to = openField(person.email, `users.email:${person.id}`);
    const mail = composeDigest(inbox.items, {
      name: person.displayName,
      date: runOn,
      publicUrl: opts.publicUrl,
    });
    try {
      await opts.transport.sendMail({ from: opts.from, to, ...mail });
      sent++;
    } catch (e) {
      failed++;
      errors.push(`${person.username}: ${(e as Error).message}`);
    }
  }
  await db
    .update(jobRuns)
    .set({
      finishedAt: new Date(),
      outcome: failed === 0 ? 'success' : sent === 0 ? 'failure' : 'partial',
      detail: [`sent ${sent}, failed ${failed}, nothing to send ${skipped}`, ...errors]
        .join('\n')
        .slice(0, 4000),
    })
    .where(
      and(
        eq(jobRuns.job, DIGEST_JOB),
        eq(jobRuns.officeId, opts.officeId),
        eq(jobRuns.runOn, runOn),
      ),
    );
  return { claimed: true, sent, failed, skipped };
}

/**
 * The digest's schedule in a running server: every few minutes, once the office's day has
 * reached `hour` (China Standard Time), try to claim today's run; only the instance whose
 * claim succeeds sends. Nothing runs without a transport (no SMTP configured).
 */
export function startDigestJob(
  db: Db,
  opts: {
    officeId: number;
    transport: MailTransport | null;
    from: string;
    publicUrl?: string;
    hour: number;
    log: (line: string) => void;
    everyMs?: number;
    now?: () => Date;
  },
): { stop: () => Promise<void> } {
  const { transport } = opts;
  if (!transport) return { stop: async () => {} };
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    const now = opts.now?.() ?? new Date();
    const beijingHour = (now.getUTCHours() + 8) % 24;
    if (beijingHour < opts.hour) return;
    running = running
      .then(async () => {
        const run = await sendDailyDigest(db, { ...opts, transport, now });
        if (run.claimed) {
          opts.log(
            `每日待办提醒 / daily digest: sent ${run.sent}, failed ${run.failed}, nothing to send ${run.skipped}`,
          );
        }
      })
      .catch((e: Error) => opts.log(`每日待办提醒失败 / daily digest failed: ${e.message}`));
  };
  const timer = setInterval(tick, opts.everyMs ?? 5 * 60_000);
  timer.unref();
  tick();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
