import { and, count, eq, inArray, isNull, lte, notExists, sql } from 'drizzle-orm';
import { isOverdue } from '../../../domain/action-item-workflow.ts';
import { type InboxItem, remindThrough, sortInbox } from '../../../domain/inbox.ts';
import { isEscalated } from '../../../domain/notice-workflow.ts';
import { formatYearMonth, isoDateOf, yearMonthOf } from '../../../domain/periods.ts';
import { isOverdue as rectificationOverdue } from '../../../domain/rectification-workflow.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { can, projectScope } from '../../policy.ts';
import { actionItemScope } from '../action-items/action-items.policy.ts';
import { overdueWhere } from '../action-items/action-items.service.ts';
import { actionItems } from '../action-items/action-items.table.ts';
import { reportDueSql } from '../projects/projects.service.ts';
import { projects } from '../projects/projects.table.ts';
import { rectificationScope } from '../rectifications/rectifications.policy.ts';
import { rectifications } from '../rectifications/rectifications.table.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { noticeScope } from '../supervision-notices/supervision-notices.policy.ts';
import { supervisionNotices } from '../supervision-notices/supervision-notices.table.ts';

export type Inbox = { count: number; items: InboxItem[] };

/** One source of inbox items: the records of one module that need this person now. */
export type InboxSource = (db: Db, ctx: Ctx) => Promise<InboxItem[]>;

const clip = (text: string, n = 40) => (text.length > n ? `${text.slice(0, n)}…` : text);

/** A reporter: this month's reports not yet handed in, and reports sent back. */
const reportsToWrite: InboxSource = async (db, ctx) => {
  if (!can(ctx.actor, 'report.write') || ctx.actor.role !== 'reporter') return [];
  const month = yearMonthOf(ctx.now);
  const ym = formatYearMonth(month);
  const handedIn = db
    .select({ one: sql`1` })
    .from(monthlyReports)
    .where(
      and(
        eq(monthlyReports.projectId, projects.id),
        eq(monthlyReports.year, month.year),
        eq(monthlyReports.month, month.month),
        inArray(monthlyReports.status, ['submitted', 'approved']),
      ),
    );
  const [[due], returned] = await parallelReads(
    db,
    () =>
      db
        .select({ n: count() })
        .from(projects)
        .where(
          and(
            projectScope(ctx.actor),
            isNull(projects.archivedAt),
            reportDueSql(month),
            notExists(handedIn),
          ),
        ),
    () =>
      db
        .select({
          id: monthlyReports.id,
          year: monthlyReports.year,
          month: monthlyReports.month,
          code: projects.code,
          name: projects.name,
        })
        .from(monthlyReports)
        .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
        .where(and(projectScope(ctx.actor), eq(monthlyReports.status, 'returned'))),
  );
  const items: InboxItem[] = returned.map((r) => {
    const rym = formatYearMonth(r);
    return {
      kind: 'report_returned',
      key: `report_returned:${r.id}`,
      title: `月报被退回，请修改后重新报送：${r.name}（${r.year}年${r.month}月）`,
      titleEn: `Report returned, revise and resubmit: ${r.name} (${rym})`,
      due: null,
      overdue: false,
      href: `/report/${encodeURIComponent(r.code)}/${rym}`,
    };
  });
  if (due.n > 0) {
    items.push({
      kind: 'report_due',
      key: `report_due:${ym}`,
      title: `${month.year}年${month.month}月月报：还有 ${due.n} 个项目待报送`,
      titleEn: `${ym} reports: ${due.n} ${due.n === 1 ? 'project' : 'projects'} still to report`,
      due: null,
      overdue: false,
      href: '/report',
    });
  }
  return items;
};

/** The office: reports handed in and waiting for review. */
const reportsToReview: InboxSource = async (db, ctx) => {
  if (!can(ctx.actor, 'report.review')) return [];
  const [{ n }] = await db
    .select({ n: count() })
    .from(monthlyReports)
    .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
    .where(and(projectScope(ctx.actor), eq(monthlyReports.status, 'submitted')));
  if (n === 0) return [];
  return [
    {
      kind: 'report_to_review',
      key: 'report_to_review',
      title: `待审核月报 ${n} 份`,
      titleEn: `${n} ${n === 1 ? 'report' : 'reports'} to review`,
      due: null,
      overdue: false,
      href: '/review',
    },
  ];
};

/**
 * The responsible unit: its action items due within the reminder window or past their deadline
 * (到期提醒 and 逾期), until it reports them done.
 */
const actionItemsToAnswer: InboxSource = async (db, ctx) => {
  if (!can(ctx.actor, 'action_item.answer') || ctx.actor.role !== 'reporter') return [];
  const rows = await db
    .select({
      id: actionItems.id,
      content: actionItems.content,
      deadline: actionItems.deadline,
      status: actionItems.status,
    })
    .from(actionItems)
    .where(
      and(
        actionItemScope(ctx.actor),
        inArray(actionItems.status, ['open', 'answered']),
        lte(actionItems.deadline, remindThrough(ctx.now)),
      ),
    );
  return rows.map((r) => {
    const overdue = isOverdue(r, ctx.now);
    return {
      kind: overdue ? 'action_item_overdue' : 'action_item_due',
      key: `action_item:${r.id}`,
      title: `${overdue ? '交办事项已逾期' : '交办事项即将到期'}（${r.deadline}）：${clip(r.content)}`,
      titleEn: `${overdue ? 'Action item overdue' : 'Action item due soon'} (${r.deadline}): ${clip(r.content)}`,
      due: r.deadline,
      overdue,
      href: `/action-items?id=${r.id}`,
    };
  });
};

/** The office: items reported done or asking for more time, which it must verify or decide. */
const actionItemsToVerify: InboxSource = async (db, ctx) => {
  if (!can(ctx.actor, 'coordination.write')) return [];
  const rows = await db
    .select({
      id: actionItems.id,
      content: actionItems.content,
      deadline: actionItems.deadline,
      status: actionItems.status,
    })
    .from(actionItems)
    .where(
      and(
        actionItemScope(ctx.actor),
        inArray(actionItems.status, ['reported_done', 'extension_requested']),
      ),
    );
  return rows.map((r) => {
    const done = r.status === 'reported_done';
    return {
      kind: 'action_item_to_verify',
      key: `action_item:${r.id}`,
      title: `${done ? '交办事项待核销' : '交办事项申请延期待审批'}：${clip(r.content)}`,
      titleEn: `${done ? 'Action item to verify' : 'Extension request to decide'}: ${clip(r.content)}`,
      due: r.deadline,
      overdue: isOverdue(r, ctx.now),
      href: `/action-items?id=${r.id}`,
    };
  });
};

/** The office and its leaders: how many action items are overdue, one line for the list. */
const overdueActionItems: InboxSource = async (db, ctx) => {
  if (ctx.actor.role !== 'coordinator' && ctx.actor.role !== 'leader') return [];
  const [{ n }] = await db
    .select({ n: count() })
    .from(actionItems)
    .where(and(actionItemScope(ctx.actor), overdueWhere(isoDateOf(ctx.now))));
  if (n === 0) return [];
  return [
    {
      kind: 'action_items_overdue',
      key: 'action_items_overdue',
      title: `逾期未销号的交办事项 ${n} 项`,
      titleEn: `${n} overdue action ${n === 1 ? 'item' : 'items'} not closed`,
      due: null,
      overdue: true,
      href: '/action-items?overdue=true',
    },
  ];
};

/** Rectification tasks (整改): the unit's due or overdue ones, and the office's to verify. */
const rectificationsToHandle: InboxSource = async (db, ctx) => {
  const unit = ctx.actor.role === 'reporter' && can(ctx.actor, 'rectification.answer');
  const office = can(ctx.actor, 'coordination.write');
  if (!unit && !office) return [];
  const rows = await db
    .select({
      id: rectifications.id,
      finding: rectifications.finding,
      deadline: rectifications.deadline,
      status: rectifications.status,
    })
    .from(rectifications)
    .where(
      and(
        rectificationScope(ctx.actor),
        unit
          ? and(
              inArray(rectifications.status, ['open', 'answered']),
              lte(rectifications.deadline, remindThrough(ctx.now)),
            )
          : eq(rectifications.status, 'reported_done'),
      ),
    );
  return rows.map((r) => {
    const overdue = rectificationOverdue(r, ctx.now);
    const [zh, en] = !unit
      ? ['整改任务待核销', 'Rectification to verify']
      : overdue
        ? ['整改任务已逾期', 'Rectification overdue']
        : ['整改任务即将到期', 'Rectification due soon'];
    return {
      kind: unit ? 'rectification_to_answer' : 'rectification_to_verify',
      key: `rectification:${r.id}`,
      title: `${zh}（${r.deadline}）：${clip(r.finding)}`,
      titleEn: `${en} (${r.deadline}): ${clip(r.finding)}`,
      due: r.deadline,
      overdue,
      href: `/rectifications?id=${r.id}`,
    };
  });
};

/**
 * Supervision notices (督办单): the unit's to answer, the office's answered ones to verify, and
 * for the office and its leaders one line for the notices escalated past their deadline.
 */
const noticesToHandle: InboxSource = async (db, ctx) => {
  const unit = ctx.actor.role === 'reporter' && can(ctx.actor, 'notice.answer');
  const office = can(ctx.actor, 'coordination.write');
  const leader = ctx.actor.role === 'leader';
  if (!unit && !office && !leader) return [];
  const rows = await db
    .select({
      id: supervisionNotices.id,
      number: supervisionNotices.number,
      content: supervisionNotices.content,
      deadline: supervisionNotices.deadline,
      status: supervisionNotices.status,
    })
    .from(supervisionNotices)
    .where(
      and(
        noticeScope(ctx.actor),
        inArray(supervisionNotices.status, unit ? ['issued'] : ['issued', 'answered']),
      ),
    );
  const items: InboxItem[] = [];
  for (const r of rows) {
    const escalated = isEscalated(r, ctx.now);
    if (unit || (office && r.status === 'answered')) {
      const [zh, en] = unit
        ? ['督办单待答复', 'Supervision notice to answer']
        : ['督办单待核实', 'Supervision notice to verify'];
      items.push({
        kind: unit ? 'notice_to_answer' : 'notice_to_verify',
        key: `notice:${r.id}`,
        title: `${zh}（时限 ${r.deadline}）：${r.number} ${clip(r.content, 30)}`,
        titleEn: `${en} (due ${r.deadline}): ${r.number} ${clip(r.content, 30)}`,
        due: r.deadline,
        overdue: escalated,
        href: `/supervision-notices?id=${r.id}`,
      });
    }
  }
  const late = rows.filter((r) => isEscalated(r, ctx.now)).length;
  if (!unit && late > 0) {
    items.push({
      kind: 'notices_escalated',
      key: 'notices_escalated',
      title: `逾期未答复的督办单 ${late} 份（已提请领导关注）`,
      titleEn: `${late} supervision ${late === 1 ? 'notice' : 'notices'} unanswered past the deadline (escalated)`,
      due: null,
      overdue: true,
      href: '/supervision-notices?escalated=true',
    });
  }
  return items;
};

/** Every module's source; a module with things to answer or verify adds its own here. */
export const INBOX_SOURCES: InboxSource[] = [
  reportsToWrite,
  reportsToReview,
  actionItemsToAnswer,
  actionItemsToVerify,
  overdueActionItems,
  rectificationsToHandle,
  noticesToHandle,
];

/** What needs the caller now, most urgent first. Admin duties have no business inbox. */
export async function inboxOf(db: Db, ctx: Ctx): Promise<Inbox> {
  if (!can(ctx.actor, 'read')) return { count: 0, items: [] };
  const parts = await parallelReads(db, ...INBOX_SOURCES.map((source) => () => source(db, ctx)));
  const items = sortInbox(parts.flat());
  return { count: items.length, items };
}
