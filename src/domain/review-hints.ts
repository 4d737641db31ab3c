import { Decimal } from 'decimal.js';
import { percent, subtractWan, type Wan } from './money.ts';

/** What a reviewer should look at before approving a report, by the hint's key. */
export const REVIEW_HINT_KEYS = ['noPlan', 'farAbove', 'overAnnual', 'zero', 'backwards'] as const;
export type ReviewHintKey = (typeof REVIEW_HINT_KEYS)[number];

export type ReviewHint = {
  key: ReviewHintKey;
  level: 'yellow' | 'red';
  /** farAbove: the month's investment ÷ the month's planned share, one decimal ("2.5") */
  ratio?: string;
  /** backwards: last month's progress percent */
  last?: string;
};

export type ReviewInput = {
  month: number;
  investment: Wan;
  progressPercent: string | null;
  /** the year's plan (cumulative timing targets), null without one */
  plan: { annualTarget: Wan; timingTargets: Wan[] } | null;
  /** the report of the month before, if any */
  last: { investment: Wan; progressPercent: string | null } | null;
};

/** The month's planned share: the cumulative timing target's rise over the month before. */
export function monthPlanOf(plan: { timingTargets: Wan[] }, month: number): Wan {
  const now = plan.timingTargets[month - 1] ?? '0';
  const before = month > 1 ? (plan.timingTargets[month - 2] ?? '0') : '0';
  return subtractWan(now, before);
}

/**
 * Plausibility hints on a submitted report: no plan, far above the month's plan (over 2×, red
 * over 5×), more than the whole year's plan, zero, or progress going backwards.
 */
export function reviewHints(r: ReviewInput): ReviewHint[] {
  const hints: ReviewHint[] = [];
  const inv = new Decimal(r.investment);
  if (r.plan === null) hints.push({ key: 'noPlan', level: 'yellow' });
  if (r.plan) {
    const monthPlan = new Decimal(monthPlanOf(r.plan, r.month));
    if (monthPlan.greaterThan(0)) {
      const ratio = inv.dividedBy(monthPlan);
      if (ratio.greaterThan(2)) {
        hints.push({
          key: 'farAbove',
          ratio: ratio.toFixed(1),
          level: ratio.greaterThan(5) ? 'red' : 'yellow',
        });
      }
    }
    if (inv.greaterThan(r.plan.annualTarget)) hints.push({ key: 'overAnnual', level: 'red' });
  }
  if (inv.isZero()) hints.push({ key: 'zero', level: 'yellow' });
  const last = r.last?.progressPercent;
  if (last != null && r.progressPercent != null && new Decimal(r.progressPercent).lessThan(last)) {
    hints.push({ key: 'backwards', last, level: 'red' });
  }
  return hints;
}

/** Month-over-month change of the investment as a signed percentage ("+12.5"), or null. */
export function changePercent(investment: Wan, last: Wan | null | undefined): string | null {
  if (last == null) return null;
  const p = percent(subtractWan(investment, last), last);
  return p === null ? null : p.startsWith('-') ? p : `+${p}`;
}
