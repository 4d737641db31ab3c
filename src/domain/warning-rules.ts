import { Decimal } from 'decimal.js';
import { formatWan, type Wan, wanToYi } from './money.ts';
import { daysBetween, monthEnd, type YearMonth } from './periods.ts';

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
  milestones: { name: string; plannedDate: string | null; actualDate: string | null }[];
};

export type WarningRule = 'investment' | 'milestone' | 'reporting';
export type WarningReason = { rule: WarningRule; level: Level; zh: string; en: string };
export type WarningResult = { level: Level; reasons: WarningReason[] };

function money(value: Wan): { zh: string; en: string } {
  // Large sums read better in 亿元, small ones would round to 0.00亿.
  if (new Decimal(value).abs().greaterThanOrEqualTo(10000)) {
    const yi = wanToYi(value);
    return { zh: `${yi}亿元`, en: `${yi} hundred-million yuan` };
  }
  const w = formatWan(value);
  return { zh: `${w}万元`, en: `${w} ten-thousand yuan` };
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
    const rate = new Decimal(input.actual).dividedBy(input.plan.timingTarget).times(100);
    // Rounded down so the sentence never shows 100.0% beside a level that says below 100%.
    const rateText = rate.toFixed(1, Decimal.ROUND_DOWN);
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

  const end = monthEnd(input.period);
  for (const ms of input.milestones) {
    if (!ms.plannedDate || ms.plannedDate > end) continue;
    if (ms.actualDate && ms.actualDate <= end) continue;
    const late = daysBetween(ms.plannedDate, end);
    if (late < 1) continue;
    const level: Level = late > t.milestoneRedAfterDays ? 'red' : 'yellow';
    reasons.push({
      rule: 'milestone',
      level,
      zh: `节点“${ms.name}”计划${ms.plannedDate}完成，截至${end}未完成，滞后${late}天`,
      en: `milestone "${ms.name}" planned for ${ms.plannedDate} not done by ${end}, ${late} days late`,
    });
  }

  if (input.plan && !input.reported) {
    reasons.push({
      rule: 'reporting',
      level: t.missingReportLevel,
      zh: '本月未报送',
      en: 'no report submitted for the month',
    });
  }

  return { level: worstLevel(reasons.map((r) => r.level)), reasons };
}

/** A coordinator's override wins over the computed level; without one the computed level stands. */
export function finalLevel(computed: Level, override: Level | null | undefined): Level {
  return override ?? computed;
}
