import { and, eq, sql } from 'drizzle-orm';
import { noticeSettingsInput } from '../../../contracts/supervision-notices.ts';
import {
  DEFAULT_ATTENTION_MONTHS,
  DEFAULT_NOTICE_PATTERN,
  formatNoticeNumber,
  patternProblem,
} from '../../../domain/notice-workflow.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, staleVersion } from '../../errors.ts';
import { assertCan } from '../../policy.ts';
import { noticeCounters, noticeSettings } from './supervision-notices.table.ts';

export type NoticeSettings = { numberPattern: string; attentionMonths: number; version: number };

/** The office's numbering pattern and escalation months; the defaults until someone saves. */
export async function getNoticeSettings(db: Db, ctx: Ctx): Promise<NoticeSettings> {
  const [row] = await db
    .select()
    .from(noticeSettings)
    .where(eq(noticeSettings.officeId, ctx.actor.officeId));
  return row
    ? {
        numberPattern: row.numberPattern,
        attentionMonths: row.attentionMonths,
        version: row.version,
      }
    : {
        numberPattern: DEFAULT_NOTICE_PATTERN,
        attentionMonths: DEFAULT_ATTENTION_MONTHS,
        version: 0,
      };
}

/** A coordinator changes the settings; only the version the page loaded is replaced (else 409). */
export async function setNoticeSettings(db: Db, ctx: Ctx, raw: unknown): Promise<NoticeSettings> {
  assertCan(ctx.actor, 'settings.write', undefined, () => new AppError('settings.not_found', ''));
  const { version, numberPattern, attentionMonths } = noticeSettingsInput.parse(raw);
  const problem = patternProblem(numberPattern);
  if (problem) {
    throw new AppError('notice_settings.pattern_invalid', problem, {
      field: 'numberPattern',
      messageEn: 'the pattern must contain {year} and {n}, and nothing else in braces',
    });
  }
  const officeId = ctx.actor.officeId;
  const values = { numberPattern, attentionMonths, updatedBy: ctx.actor.name, updatedAt: ctx.now };
  const changed =
    version === 0
      ? await db
          .insert(noticeSettings)
          .values({ officeId, ...values })
          .onConflictDoNothing()
          .returning({ version: noticeSettings.version })
      : await db
          .update(noticeSettings)
          .set({ ...values, version: sql`${noticeSettings.version} + 1` })
          .where(and(eq(noticeSettings.officeId, officeId), eq(noticeSettings.version, version)))
          .returning({ version: noticeSettings.version });
  if (changed.length === 0) {
    const [current] = await db
      .select({
        version: noticeSettings.version,
        updatedBy: noticeSettings.updatedBy,
        updatedAt: noticeSettings.updatedAt,
      })
      .from(noticeSettings)
      .where(eq(noticeSettings.officeId, officeId));
    throw staleVersion('notice_settings', current ?? { version: 0 });
  }
  return getNoticeSettings(db, ctx);
}

/**
 * The next number of the office's year, inside the caller's transaction: the counter row's
 * update lock makes concurrent issuers wait for each other, and a rollback returns the number.
 */
export async function takeNoticeNumber(
  tx: Db,
  ctx: Ctx,
  year: number,
): Promise<{ seq: number; number: string }> {
  const [row] = await tx
    .insert(noticeCounters)
    .values({ officeId: ctx.actor.officeId, year, lastSeq: 1 })
    .onConflictDoUpdate({
      target: [noticeCounters.officeId, noticeCounters.year],
      set: { lastSeq: sql`${noticeCounters.lastSeq} + 1` },
    })
    .returning({ seq: noticeCounters.lastSeq });
  const { numberPattern } = await getNoticeSettings(tx, ctx);
  return { seq: row!.seq, number: formatNoticeNumber(numberPattern, year, row!.seq) };
}
