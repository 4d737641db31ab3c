import { and, asc, count, desc, eq, gte, lt, lte, not, type SQL } from 'drizzle-orm';
import {
  type NoticeFromWarningInput,
  type NoticeInput,
  type NoticeListQuery,
  noticeAnswerInput,
  noticeCloseInput,
  noticeFromWarningInput,
  noticeInput,
  noticeListQuery,
  noticeSendBackInput,
} from '../../../contracts/supervision-notices.ts';
import {
  assertTransition,
  isEscalated,
  NOTICE_STATUS_ZH,
  type NoticeAction,
  type NoticeStatus,
} from '../../../domain/notice-workflow.ts';
import { addDays, formatYearMonth, isoDateOf, parseYearMonth } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import { parallelReads } from '../../parallel-reads.ts';
import { can } from '../../policy.ts';
import { workflowSteps } from '../../workflow-step.ts';
import { assertOwned } from '../meetings/references.ts';
import { getProjectByCode } from '../projects/projects.service.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';
import { evaluateMonth } from '../warnings/warnings.service.ts';
import { yellowRuns } from './notice-proposals.ts';
import { takeNoticeNumber } from './notice-settings.ts';
import {
  mayIssueNotices,
  maySeeNotice,
  noticeActionNeeds,
  noticeCapabilities,
  noticeScope,
} from './supervision-notices.policy.ts';
import {
  type NoticeReason,
  supervisionNoticeEvents,
  supervisionNotices,
} from './supervision-notices.table.ts';

export type NoticeRow = typeof supervisionNotices.$inferSelect;
export type NoticeView = NoticeRow & {
  statusZh: string;
  unitName: string;
  projectCode: string;
  projectName: string;
  /** the warning's month as YYYY-MM (source 'warning') */
  warningPeriod: string | null;
  /** unanswered past the deadline, at the request's clock: on the leaders' list */
  escalated: boolean;
  /** the workflow steps the caller may take now: the web shows buttons from this alone */
  can: NoticeAction[];
};
export type NoticeEvent = typeof supervisionNoticeEvents.$inferSelect;

export const noticeNotFound = (id: number | string) => notFound('notice', '督办单', id);

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

/** How long a unit has by default to answer a notice issued from a warning. */
const DEFAULT_DAYS_TO_ANSWER = 15;

/**
 * The escalation rule of `isEscalated` (domain/notice-workflow.ts) as SQL, for list filters and
 * counts: the unit owes an answer and the deadline is before today.
 */
export function escalatedWhere(today: string): SQL {
  return and(eq(supervisionNotices.status, 'issued'), lt(supervisionNotices.deadline, today))!;
}

function viewQuery(db: Db) {
  return db
    .select({
      notice: supervisionNotices,
      unitName: units.name,
      projectCode: projects.code,
      projectName: projects.name,
    })
    .from(supervisionNotices)
    .innerJoin(units, eq(units.id, supervisionNotices.unitId))
    .innerJoin(projects, eq(projects.id, supervisionNotices.projectId));
}
type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['where']>>[number];

function toView(ctx: Ctx, r: ViewRow): NoticeView {
  const { notice, ...names } = r;
  return {
    ...notice,
    ...names,
    statusZh: NOTICE_STATUS_ZH[notice.status],
    warningPeriod:
      notice.warningYear && notice.warningMonth
        ? formatYearMonth({ year: notice.warningYear, month: notice.warningMonth })
        : null,
    escalated: isEscalated(notice, ctx.now),
    can: noticeCapabilities(ctx.actor, notice),
  };
}

type Draft = {
  projectId: number;
  unitId: number;
  content: string;
  reasons: NoticeReason[];
  source: 'warning' | 'manual';
  warningYear: number | null;
  warningMonth: number | null;
  deadline: string;
};

/** Numbers and inserts one notice with its first history row, inside the caller's transaction. */
async function insertNotice(tx: Db, ctx: Ctx, draft: Draft): Promise<number> {
  const issuedOn = isoDateOf(ctx.now);
  if (draft.deadline < issuedOn) {
    throw new AppError('notice.deadline_invalid', '反馈期限不能早于签发日期', {
      field: 'deadline',
      messageEn: 'the deadline must not be before the day the notice is issued',
    });
  }
  const year = Number(issuedOn.slice(0, 4));
  const { seq, number } = await takeNoticeNumber(tx, ctx, year);
  const [created] = await tx
    .insert(supervisionNotices)
    .values({
      officeId: ctx.actor.officeId,
      year,
      seq,
      number,
      ...draft,
      issuedOn,
      updatedBy: ctx.actor.name,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning({ id: supervisionNotices.id });
  await tx.insert(supervisionNoticeEvents).values({
    officeId: ctx.actor.officeId,
    noticeId: created!.id,
    action: 'issue',
    fromStatus: null,
    toStatus: 'issued',
    note: draft.content,
    actor: ctx.actor.name,
    actorRole: ctx.actor.role,
    at: ctx.now,
  });
  return created!.id;
}

/** The addressed unit: the one given (of this office), else the project's owner unit. */
async function addressee(
  db: Db,
  ctx: Ctx,
  given: number | null | undefined,
  ownerUnitId: number | null,
): Promise<number> {
  if (given != null) {
    await assertOwned(db, ctx, units, [given], 'unitId', '督办单位');
    return given;
  }
  if (ownerUnitId === null) {
    throw new AppError('unitId.required', '项目未登记建设单位，请指定督办单位', {
      field: 'unitId',
      messageEn: 'the project has no owner unit: name the unit the notice is addressed to',
    });
  }
  return ownerUnitId;
}

/** A notice written by hand, numbered in the same transaction. */
export async function issueNotice(db: Db, ctx: Ctx, raw: NoticeInput): Promise<NoticeView> {
  if (!mayIssueNotices(ctx.actor)) throw forbidden();
  const input = noticeInput.parse(raw);
  const id = await db.transaction(async (tx) => {
    const [project] = await tx
      .select({ id: projects.id, ownerUnitId: projects.ownerUnitId })
      .from(projects)
      .where(and(eq(projects.id, input.projectId), eq(projects.officeId, ctx.actor.officeId)));
    if (!project) {
      throw new AppError('projectId.invalid', `项目（${input.projectId}）不存在`, {
        field: 'projectId',
        messageEn: `project ${input.projectId} does not exist`,
      });
    }
    return insertNotice(tx, ctx, {
      projectId: project.id,
      unitId: await addressee(tx, ctx, input.unitId, project.ownerUnitId),
      content: input.content,
      reasons: input.reasons.map((zh) => ({ zh, en: zh })),
      source: 'manual',
      warningYear: null,
      warningMonth: null,
      deadline: input.deadline,
    });
  });
  return getNotice(db, ctx, id);
}

/**
 * One click from a warning: the warnings service says the month's level and reasons (nothing is
 * recomputed here); a red warning may be supervised, and so may a yellow one that has lasted the
 * office's number of months (a proposal). One notice per warning.
 */
export async function issueNoticeFromWarning(
  db: Db,
  ctx: Ctx,
  raw: NoticeFromWarningInput,
): Promise<NoticeView> {
  if (!mayIssueNotices(ctx.actor)) throw forbidden();
  const input = noticeFromWarningInput.parse(raw);
  const period = parseYearMonth(input.month)!;
  const id = await db
    .transaction(async (tx) => {
      const project = await getProjectByCode(tx, ctx, input.projectCode);
      const [standing] = await evaluateMonth(tx, ctx, { period, projectIds: [project.id] });
      if (!standing) {
        throw new AppError('project.archived', '已归档项目不能发督办单', {
          field: 'projectCode',
          messageEn: 'an archived project cannot be supervised',
        });
      }
      const proposed =
        standing.level === 'yellow' &&
        (await yellowRuns(tx, ctx, period, [project.id])).has(project.id);
      if (standing.level !== 'red' && !proposed) {
        throw new AppError(
          'notice.warning_not_red',
          `${project.name}${period.year}年${period.month}月的预警不是督办等级，不能据此发督办单`,
          {
            field: 'month',
            level: standing.level,
            messageEn:
              'only a red warning (or a long yellow one proposed for supervision) can be supervised',
          },
        );
      }
      const [existing] = await tx
        .select({ number: supervisionNotices.number })
        .from(supervisionNotices)
        .where(
          and(
            eq(supervisionNotices.projectId, project.id),
            eq(supervisionNotices.warningYear, period.year),
            eq(supervisionNotices.warningMonth, period.month),
          ),
        );
      if (existing) {
        throw new AppError(
          'notice.duplicate',
          `该预警已发督办单（${existing.number}），不能重复签发`,
          {
            field: 'month',
            messageEn: `a notice (${existing.number}) was already issued for this warning`,
          },
        );
      }
      const unitId = await addressee(tx, ctx, input.unitId, project.ownerUnitId);
      const deadline = input.deadline ?? addDays(isoDateOf(ctx.now), DEFAULT_DAYS_TO_ANSWER);
      const reasons = standing.reasons
        .filter((r) => r.level !== 'green')
        .map((r): NoticeReason => ({ zh: r.zh, en: r.en, level: r.level, rule: r.rule }));
      // a level set by a coordinator carries its written reason
      if (standing.overrideLevel && standing.overrideReason) {
        reasons.push({
          zh: `预警等级调整理由：${standing.overrideReason}`,
          en: `Level set by the office: ${standing.overrideReason}`,
          level: standing.overrideLevel,
          rule: 'override',
        });
      }
      const [unit] = await tx.select({ name: units.name }).from(units).where(eq(units.id, unitId));
      const content =
        input.content ??
        `${project.name}${period.year}年${period.month}月预警等级为“${standing.level === 'red' ? '督办' : '连续提请关注'}”。` +
          `请${unit?.name ?? '责任单位'}于${deadline}前研究制定整改措施，明确责任人和完成时限，并书面反馈。`;
      return insertNotice(tx, ctx, {
        projectId: project.id,
        unitId,
        content,
        reasons,
        source: 'warning',
        warningYear: period.year,
        warningMonth: period.month,
        deadline,
      });
    })
    .catch((e: unknown) => {
      // two clicks at once on the same warning: the second meets the one-per-warning index
      const code =
        (e as { cause?: { code?: string } })?.cause?.code ?? (e as { code?: string }).code;
      if (String(code) !== '23505') throw e;
      throw new AppError('notice.duplicate', '该预警已发督办单，不能重复签发', {
        field: 'month',
        messageEn: 'a notice was already issued for this warning',
      });
    });
  return getNotice(db, ctx, id);
}

/** One workflow step: lock, scope (404), role, version (409), transition, update, history row. */
const step = workflowSteps<
  NoticeRow,
  NoticeStatus,
  NoticeAction,
  NoticeView & { events: NoticeEvent[] }
>({
  what: 'notice',
  nounEn: 'notice',
  lock: async (tx, ctx, id) => {
    const [row] = await tx
      .select()
      .from(supervisionNotices)
      .where(
        and(eq(supervisionNotices.id, id), eq(supervisionNotices.officeId, ctx.actor.officeId)),
      )
      .for('update');
    return row;
  },
  visible: (ctx, row) => maySeeNotice(ctx.actor, row),
  allowed: (ctx, row, action) => can(ctx.actor, noticeActionNeeds(action), row.unitId),
  notFound: noticeNotFound,
  transition: assertTransition,
  update: async (tx, id, values) => {
    const [row] = await tx
      .update(supervisionNotices)
      .set(values)
      .where(eq(supervisionNotices.id, id))
      .returning();
    return row!;
  },
  record: async (tx, ctx, noticeId, e) => {
    await tx.insert(supervisionNoticeEvents).values({
      officeId: ctx.actor.officeId,
      noticeId,
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      note: e.note,
      actor: ctx.actor.name,
      actorRole: ctx.actor.role,
      at: ctx.now,
    });
  },
  view: getNotice,
});

/** The unit answers with its measures (again, as often as it likes, until the office decides). */
export async function answerNotice(db: Db, ctx: Ctx, noticeId: number, raw: unknown) {
  const input = noticeAnswerInput.parse(raw);
  return step(db, ctx, noticeId, 'answer', {
    version: input.version,
    note: input.measures,
    set: () => ({ measures: input.measures, answeredOn: isoDateOf(ctx.now) }),
  });
}

/** 销号: the office has verified the measures and closes the notice. */
export async function closeNotice(db: Db, ctx: Ctx, noticeId: number, raw: unknown = {}) {
  const input = noticeCloseInput.parse(raw);
  return step(db, ctx, noticeId, 'close', {
    version: input.version,
    note: input.note,
    set: () => ({ closedOn: isoDateOf(ctx.now) }),
  });
}

/** The office does not accept the measures: back to the unit, with the reason. */
export async function sendBackNotice(db: Db, ctx: Ctx, noticeId: number, raw: unknown) {
  const input = noticeSendBackInput.parse(raw);
  return step(db, ctx, noticeId, 'send_back', { version: input.version, note: input.reason });
}

export async function getNotice(
  db: Db,
  ctx: Ctx,
  noticeId: number,
): Promise<NoticeView & { events: NoticeEvent[] }> {
  const [row] = await viewQuery(db).where(
    and(eq(supervisionNotices.id, noticeId), eq(supervisionNotices.officeId, ctx.actor.officeId)),
  );
  if (!row || !maySeeNotice(ctx.actor, row.notice)) throw noticeNotFound(noticeId);
  const events = await db
    .select()
    .from(supervisionNoticeEvents)
    .where(eq(supervisionNoticeEvents.noticeId, noticeId))
    .orderBy(asc(supervisionNoticeEvents.id));
  return { ...toView(ctx, row), events };
}

/** The notices the caller may see, newest first, with how many of the matching ones escalated. */
export async function listNotices(
  db: Db,
  ctx: Ctx,
  raw: NoticeListQuery = {},
): Promise<{
  items: NoticeView[];
  total: number;
  escalated: number;
  page: number;
  pageSize: number;
}> {
  const q = noticeListQuery.parse(raw);
  const today = isoDateOf(ctx.now);
  const where: SQL[] = [noticeScope(ctx.actor)];
  if (q.status) where.push(eq(supervisionNotices.status, q.status));
  if (q.source) where.push(eq(supervisionNotices.source, q.source));
  if (q.unitId) where.push(eq(supervisionNotices.unitId, q.unitId));
  if (q.projectId) where.push(eq(supervisionNotices.projectId, q.projectId));
  if (q.from) where.push(gte(supervisionNotices.issuedOn, q.from));
  if (q.to) where.push(lte(supervisionNotices.issuedOn, q.to));
  const base = and(...where)!;
  if (q.escalated === true) where.push(escalatedWhere(today));
  if (q.escalated === false) where.push(not(escalatedWhere(today)));
  const [rows, [{ total }], [{ escalated }]] = await parallelReads(
    db,
    () =>
      viewQuery(db)
        .where(and(...where))
        .orderBy(desc(supervisionNotices.issuedOn), desc(supervisionNotices.id))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
    () =>
      db
        .select({ total: count() })
        .from(supervisionNotices)
        .where(and(...where)),
    () =>
      db
        .select({ escalated: count() })
        .from(supervisionNotices)
        .where(and(base, escalatedWhere(today))),
  );
  return {
    items: rows.map((r) => toView(ctx, r)),
    total,
    escalated,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** A warning's notice as the warnings list shows it, and whether the caller may issue one. */
export type WarningNoticeLink = {
  notice: { id: number; number: string; status: NoticeStatus; statusZh: string } | null;
  canIssueNotice: boolean;
};

/**
 * The notices issued from a month's warnings (those the caller may see), joined onto the
 * warnings list by project, with the one-click permission: a red warning without a notice, for
 * those who issue notices.
 */
export async function withNoticeLinks<S extends { projectId: number; level: string }>(
  db: Db,
  ctx: Ctx,
  period: { year: number; month: number },
  standings: S[],
): Promise<(S & WarningNoticeLink)[]> {
  // The month's notices are few: read them all rather than send every listed project's id
  // (a city's list would pass PostgreSQL's limit of 65,535 parameters).
  const rows =
    standings.length === 0
      ? []
      : await db
          .select({
            id: supervisionNotices.id,
            projectId: supervisionNotices.projectId,
            number: supervisionNotices.number,
            status: supervisionNotices.status,
          })
          .from(supervisionNotices)
          .where(
            and(
              noticeScope(ctx.actor),
              eq(supervisionNotices.warningYear, period.year),
              eq(supervisionNotices.warningMonth, period.month),
            ),
          );
  const byProject = new Map(rows.map((r) => [r.projectId, r]));
  const issuer = mayIssueNotices(ctx.actor);
  return standings.map((s) => {
    const n = byProject.get(s.projectId);
    return {
      ...s,
      notice: n
        ? { id: n.id, number: n.number, status: n.status, statusZh: NOTICE_STATUS_ZH[n.status] }
        : null,
      canIssueNotice: issuer && s.level === 'red' && !n,
    };
  });
}
