import { Decimal } from 'decimal.js';
import type { ProjectPhase } from './milestones.ts';
import { formatWan, percent, type Wan, wanToYi } from './money.ts';
import { daysBetween, monthEnd, type YearMonth } from './periods.ts';
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
};

export const DEFAULT_THRESHOLDS: WarningThresholds = {
  investmentGreenAtPercent: 100,
  investmentRedBelowPercent: 80,
  milestoneRedAfterDays: 30,
  missingReportLevel: 'yellow',
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
};

export type WarningRule = 'investment' | 'milestone' | 'reporting';
export type WarningReason = { rule: WarningRule; level: Level; zh: string; en: string };
export type WarningResult = { level: Level; reasons: WarningReason[] };

function money(value: Wan): { zh: string; en: string } {
  // English units as in the web's glossary (src/web/i18n/en.ts): 100M yuan, 10k yuan.
  // Large sums read better in 亿元, small ones would round to 0.00亿.
  if (new Decimal(value).abs().greaterThanOrEqualTo(10000)) {
    const yi = wanToYi(value);
    return { zh: `${yi}亿元`, en: `${yi} 100M yuan` };
  }
  const w = formatWan(value);
  return { zh: `${w}万元`, en: `${w} 10k yuan` };
}

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

  return { level: worstLevel(reasons.map((r) => r.level)), reasons };
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
