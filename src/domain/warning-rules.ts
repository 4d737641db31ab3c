import { Decimal } from 'decimal.js';
import type { ProjectPhase } from './milestones.ts';
import { amountText as money, percent, type Wan } from './money.ts';
import {
  compareYearMonth,
  daysBetween,
  formatYearMonthZh,
  monthEnd,
  type YearMonth,
} from './periods.ts';
import { isReportDue } from './reporting-duty.ts';

export const LEVELS = ['green', 'yellow', 'red'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_ZH: Record<Level, string> = {
  green: '按期推进',
  yellow: '提请关注',
  red: '督办',
};
export const LEVEL_EN: Record<Level, string> = {
  green: 'On schedule',
  yellow: 'Needs attention',
  red: 'Supervised',
};
const MONTHS_EN = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
const RANK: Record<Level, number> = { green: 0, yellow: 1, red: 2 };

/** The worst of several levels. */
export function worstLevel(levels: Iterable<Level>): Level {
  let worst: Level = 'green';
  for (const l of levels) if (RANK[l] > RANK[worst]) worst = l;
  return worst;
}

/** Thresholds a coordinator may change; percentages and days. */
export type WarningThresholds = {
  /** investment rate (%) at or above which a project is on schedule */
  investmentGreenAtPercent: number;
  /** investment rate (%) below which a project is supervised */
  investmentRedBelowPercent: number;
  /** days a milestone may slip before it turns red (more than this is red) */
  milestoneRedAfterDays: number;
  /** level given to a planned project that has not reported the month */
  missingReportLevel: Level;
  /** days the latest approved report may age before the data is stale (more than this is stale) */
  staleReportAfterDays: number;
  /** months approved physical progress may stand still, money still planned, before it is stale */
  staleProgressMonths: number;
};

export const DEFAULT_THRESHOLDS: WarningThresholds = {
  investmentGreenAtPercent: 100,
  investmentRedBelowPercent: 80,
  milestoneRedAfterDays: 30,
  missingReportLevel: 'yellow',
  staleReportAfterDays: 45,
  staleProgressMonths: 3,
};

/**
 * A project's approved history as the staleness rule reads it, looking back from the month
 * evaluated (reports of later months do not count: a past month is judged on what was known of it).
 */
export type ApprovedHistory = {
  /** the latest month, at or before the month evaluated, whose report is approved; null if none */
  latestApproved: YearMonth | null;
  /**
   * The run of equal approved progress figures that ends at the latest one (months at or before
   * the month evaluated; reports without a figure are skipped): `from` is the first month of
   * the run, `to` the last, `percent` the figure. Null when no approved report has a figure.
   */
  progress: { percent: string; from: YearMonth; to: YearMonth } | null;
};

export type WarningInput = {
  period: YearMonth;
  /** null when the project has no investment plan for the year */
  plan: { annualTarget: Wan; timingTarget: Wan } | null;
  /** year-to-date approved investment through the month */
  actual: Wan;
  /** a report for the month was handed in (submitted or approved) */
  reported: boolean;
  /**
   * the project's phase: a finished project (isReportDue) owes no report, so the warning must
   * not say 本月未报送 where the reporting list says nothing is due
   */
  phase?: ProjectPhase;
  milestones: { name: string; plannedDate: string | null; actualDate: string | null }[];
  /** today (ISO date, the injected clock): lateness of a month not yet over is measured today */
  today?: string;
  /**
   * the highest cumulative timing target of the months after the month ('0.00' in December or
   * without a plan): above the month's own target, investment is still scheduled later
   */
  laterTimingTarget?: Wan;
  /** what the staleness rule reads; without it the rule has nothing to judge */
  history?: ApprovedHistory;
};

export const WARNING_RULES = ['investment', 'milestone', 'reporting', 'staleness'] as const;
export type WarningRule = (typeof WARNING_RULES)[number];
export type WarningReason = { rule: WarningRule; level: Level; zh: string; en: string };
export type WarningResult = { level: Level; reasons: WarningReason[] };

/**
 * The day a milestone's lateness is measured at for a month: its last day, or today when the
 * month is not over yet (a future month never says "截至<a day to come>").
 */
export function latenessAsOf(period: YearMonth, today?: string): string {
  const end = monthEnd(period);
  return today !== undefined && today < end ? today : end;
}

export type MilestoneLateness = { daysLate: number; level: Level; asOf: string };

/**
 * How late a milestone is at a day, with its level under the office's threshold; null when it
 * is not due yet, was done by then, or has no planned date. The one definition of lateness:
 * the warnings, the dashboard and the project page all show this number.
 */
export function milestoneLateness(
  ms: { plannedDate: string | null; actualDate: string | null },
  asOf: string,
  t: Pick<WarningThresholds, 'milestoneRedAfterDays'> = DEFAULT_THRESHOLDS,
): MilestoneLateness | null {
  if (!ms.plannedDate || ms.plannedDate > asOf) return null;
  if (ms.actualDate && ms.actualDate <= asOf) return null;
  const daysLate = daysBetween(ms.plannedDate, asOf);
  if (daysLate < 1) return null;
  return { daysLate, level: daysLate > t.milestoneRedAfterDays ? 'red' : 'yellow', asOf };
}

/** Applies the investment, milestone and reporting rules to one project and month. */
export function evaluateWarning(
  input: WarningInput,
  t: WarningThresholds = DEFAULT_THRESHOLDS,
): WarningResult {
  const reasons: WarningReason[] = [];
  const m = input.period.month;
  const span = m === 1 ? '1月' : `1–${m}月`;
  const spanEn = m === 1 ? 'January' : `Jan–${MONTHS_EN[m - 1]}`;

  if (input.plan && new Decimal(input.plan.timingTarget).greaterThan(0)) {
    // The one rate rule (percent(): one decimal, half-up on the exact decimal), the same figure
    // the dashboard, ledger and project page print; the level is judged on that shown rate, so
    // a sentence never says 100.0% beside "below 100%" and no page shows 74.0% beside 74.1%.
    const rateText = percent(input.actual, input.plan.timingTarget)!;
    const rate = new Decimal(rateText);
    const actual = money(input.actual);
    const target = money(input.plan.timingTarget);
    let level: Level;
    let zhTail: string;
    let enTail: string;
    if (rate.greaterThanOrEqualTo(t.investmentGreenAtPercent)) {
      level = 'green';
      zhTail = `，达到时序目标`;
      enTail = ', on target';
    } else if (rate.greaterThanOrEqualTo(t.investmentRedBelowPercent)) {
      level = 'yellow';
      zhTail = `，低于${t.investmentGreenAtPercent}%`;
      enTail = `, below ${t.investmentGreenAtPercent}%`;
    } else {
      level = 'red';
      zhTail = `，低于${t.investmentRedBelowPercent}%`;
      enTail = `, below ${t.investmentRedBelowPercent}%`;
    }
    reasons.push({
      rule: 'investment',
      level,
      zh: `${span}累计完成${actual.zh}，为时序目标${target.zh}的${rateText}%${zhTail}`,
      en: `${spanEn} cumulative ${actual.en} is ${rateText}% of the timing target ${target.en}${enTail}`,
    });
  }

  const asOf = latenessAsOf(input.period, input.today);
  for (const ms of input.milestones) {
    const late = milestoneLateness(ms, asOf, t);
    if (!late) continue;
    reasons.push({
      rule: 'milestone',
      level: late.level,
      zh: `节点“${ms.name}”计划${ms.plannedDate}完成，截至${asOf}未完成，滞后${late.daysLate}天`,
      en: `milestone "${ms.name}" planned for ${ms.plannedDate} not done by ${asOf}, ${late.daysLate} days late`,
    });
  }

  if (
    !input.reported &&
    isReportDue({ phase: input.phase ?? 'construction', hasPlan: !!input.plan })
  ) {
    reasons.push({
      rule: 'reporting',
      level: t.missingReportLevel,
      zh: '本月未报送',
      en: 'no report submitted for the month',
    });
  }

  if (input.history) reasons.push(...staleness(input, input.history, asOf, t));

  return { level: worstLevel(reasons.map((r) => r.level)), reasons };
}

const monthIndex = (m: YearMonth) => m.year * 12 + m.month - 1;
const monthEn = (m: YearMonth) => `${MONTHS_EN[m.month - 1]} ${m.year}`;

/**
 * The staleness rule (数据陈旧): figures a dashboard cannot trust must not look on schedule. It
 * judges a project that owes reports (isReportDue: a plan for the year, not finished), as of
 * the month's lateness day (latenessAsOf: its last day, or today while it is not over, so a
 * 2023 month is judged at 2023's month end, never by today's clock), and is yellow when
 *
 * - the latest approved report is old: more than `staleReportAfterDays` days from the last day
 *   of the latest month (at or before the month evaluated, the month itself included) whose
 *   report is approved, to the lateness day. Only approved reports count, by the month they
 *   report on, not the day they were approved (an imported history is approved all at once).
 *   Without any approved report the days count from the start of the month's year;
 * - or physical progress stands still while money is still planned: the approved progress
 *   figure has been the same from month K through the latest approved report with a figure,
 *   at least two reports say so (the run is more than one month long), the figure is below
 *   100% (a finished structure cannot move), K lies `staleProgressMonths` or more months before
 *   the month evaluated (N+1 equal monthly figures when every month was reported), and the
 *   year still plans money after the month: the annual target exceeds the approved actual, or
 *   a later month's cumulative timing target exceeds the month's.
 *
 * Each gives its own reason quoting the figures; the level is yellow, so the project cannot be
 * green whatever its investment says, and a worse rule still wins.
 */
export function staleness(
  input: WarningInput,
  history: ApprovedHistory,
  asOf: string,
  t: Pick<WarningThresholds, 'staleReportAfterDays' | 'staleProgressMonths'> = DEFAULT_THRESHOLDS,
): WarningReason[] {
  const { plan, period } = input;
  if (!plan || !isReportDue({ phase: input.phase ?? 'construction', hasPlan: true })) return [];
  const reasons: WarningReason[] = [];

  const latest = history.latestApproved;
  const since = latest ? monthEnd(latest) : `${period.year - 1}-12-31`;
  const days = daysBetween(since, asOf);
  if (days > t.staleReportAfterDays) {
    const limit = t.staleReportAfterDays;
    reasons.push(
      latest
        ? {
            rule: 'staleness',
            level: 'yellow',
            zh: `数据陈旧：最近一次审核通过的月报为${formatYearMonthZh(latest)}，截至${asOf}已${days}天未更新（超过${limit}天）`,
            en: `stale data: the latest approved monthly report is for ${monthEn(latest)}, not updated for ${days} days as of ${asOf} (more than ${limit})`,
          }
        : {
            rule: 'staleness',
            level: 'yellow',
            zh: `数据陈旧：尚无审核通过的月报，自${period.year}年初至${asOf}已${days}天（超过${limit}天）`,
            en: `stale data: no approved monthly report yet, ${days} days from the start of ${period.year} to ${asOf} (more than ${limit})`,
          },
    );
  }

  const p = history.progress;
  if (p && compareYearMonth(p.to, p.from) > 0 && new Decimal(p.percent).lessThan(100)) {
    const months = monthIndex(period) - monthIndex(p.from);
    const actual = new Decimal(input.actual);
    const moneyPlanned =
      actual.lessThan(plan.annualTarget) ||
      new Decimal(input.laterTimingTarget ?? '0').greaterThan(plan.timingTarget);
    if (months >= t.staleProgressMonths && moneyPlanned) {
      const pct = new Decimal(p.percent).toString();
      reasons.push({
        rule: 'staleness',
        level: 'yellow',
        zh: `数据陈旧：形象进度自${formatYearMonthZh(p.from)}起停留在${pct}%，已${months}个月未变化，本年度仍有投资计划`,
        en: `stale data: physical progress has stayed at ${pct}% since ${monthEn(p.from)}, unchanged for ${months} months while investment is still planned for the year`,
      });
    }
  }
  return reasons;
}

/**
 * The order every warnings list is in: worst final level first, then by project code. The
 * server answers in this order, so a list re-sorts as soon as an override changes a level.
 */
export function worstFirst(a: { level: Level; code: string }, b: { level: Level; code: string }) {
  return RANK[b.level] - RANK[a.level] || a.code.localeCompare(b.code);
}

/** A coordinator's override wins over the computed level; without one the computed level stands. */
export function finalLevel(computed: Level, override: Level | null | undefined): Level {
  return override ?? computed;
}
