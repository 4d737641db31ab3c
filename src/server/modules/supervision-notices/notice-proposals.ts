import { and, eq, inArray, ne } from 'drizzle-orm';
import { noticeProposalQuery } from '../../../contracts/supervision-notices.ts';
import { monthsEndingAt } from '../../../domain/notice-workflow.ts';
import { formatYearMonth, parseYearMonth, type YearMonth } from '../../../domain/periods.ts';
import type { WarningReason } from '../../../domain/warning-rules.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { defaultPeriod } from '../dispatch/lineage.service.ts';
import { evaluateMonth } from '../warnings/warnings.service.ts';
import { getNoticeSettings } from './notice-settings.ts';
import { mayIssueNotices, noticeScope } from './supervision-notices.policy.ts';
import { supervisionNotices } from './supervision-notices.table.ts';

/**
 * The projects yellow (提请关注) in every one of the office's number of months ending at `period`,
 * as the warnings service says (overrides included). `among` limits the projects looked at.
 */
export async function yellowRuns(
  db: Db,
  ctx: Ctx,
  period: YearMonth,
  among?: number[],
): Promise<Set<number>> {
  const { attentionMonths } = await getNoticeSettings(db, ctx);
  let ids = among;
  // latest month first: each earlier month only looks at the projects still in the run
  for (const m of monthsEndingAt(period, attentionMonths).reverse()) {
    if (ids && ids.length === 0) break;
    const standings = await evaluateMonth(db, ctx, { period: m, projectIds: ids });
    ids = standings.filter((s) => s.level === 'yellow').map((s) => s.projectId);
  }
  return new Set(ids ?? []);
}

export type NoticeProposal = {
  projectId: number;
  code: string;
  name: string;
  area: string | null;
  ownerUnit: string | null;
  /** the run of yellow months, oldest first (YYYY-MM) */
  months: string[];
  /** the last month's reasons, as the warnings service gave them */
  reasons: WarningReason[];
  /** may the caller supervise it now (one click from the last month's warning)? */
  canIssueNotice: boolean;
};

/**
 * Escalation as data: projects yellow for the office's number of consecutive months (default 2)
 * with no notice still open, proposed for supervision (督办).
 */
export async function listNoticeProposals(
  db: Db,
  ctx: Ctx,
  raw: unknown = {},
): Promise<{ month: string; attentionMonths: number; items: NoticeProposal[] }> {
  const q = noticeProposalQuery.parse(raw);
  const fallback = q.month ? null : await defaultPeriod(db, ctx);
  const period: YearMonth = q.month
    ? parseYearMonth(q.month)!
    : { year: fallback!.year, month: fallback!.month };
  const { attentionMonths } = await getNoticeSettings(db, ctx);
  const run = await yellowRuns(db, ctx, period);
  const ids = [...run];
  const open =
    ids.length === 0
      ? []
      : await db
          .select({ projectId: supervisionNotices.projectId })
          .from(supervisionNotices)
          .where(
            and(
              noticeScope(ctx.actor),
              ne(supervisionNotices.status, 'closed'),
              inArray(supervisionNotices.projectId, ids),
            ),
          );
  const supervised = new Set(open.map((o) => o.projectId));
  const candidates = ids.filter((id) => !supervised.has(id));
  const standings =
    candidates.length === 0 ? [] : await evaluateMonth(db, ctx, { period, projectIds: candidates });
  const months = monthsEndingAt(period, attentionMonths).map(formatYearMonth);
  const issuer = mayIssueNotices(ctx.actor);
  // a notice of this very month's warning, even closed, already answered it
  const done =
    candidates.length === 0
      ? []
      : await db
          .select({ projectId: supervisionNotices.projectId })
          .from(supervisionNotices)
          .where(
            and(
              eq(supervisionNotices.officeId, ctx.actor.officeId),
              eq(supervisionNotices.warningYear, period.year),
              eq(supervisionNotices.warningMonth, period.month),
              inArray(supervisionNotices.projectId, candidates),
            ),
          );
  const answered = new Set(done.map((d) => d.projectId));
  return {
    month: formatYearMonth(period),
    attentionMonths,
    items: standings
      .filter((s) => !answered.has(s.projectId))
      .map((s) => ({
        projectId: s.projectId,
        code: s.code,
        name: s.name,
        area: s.area,
        ownerUnit: s.ownerUnit,
        months,
        reasons: s.reasons,
        canIssueNotice: issuer,
      })),
  };
}
