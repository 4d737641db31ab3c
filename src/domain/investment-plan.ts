import { Decimal } from 'decimal.js';
import { isStorableAmount, parseAmount, type Wan } from './money.ts';

export type PlanProblem = { field: string; code: string; message: string; messageEn: string };

/**
 * Checks an annual target and its 12 cumulative monthly timing targets: every amount a
 * non-negative number, never decreasing month to month, December equal to the annual target.
 * Returns the normalised amounts or every problem found.
 */
export function validatePlan(
  annualTarget: string,
  timingTargets: string[],
): { ok: true; annualTarget: Wan; timingTargets: Wan[] } | { ok: false; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const annual = parseAmount(annualTarget);
  if (annual === null || new Decimal(annual).isNegative() || !isStorableAmount(annual)) {
    problems.push({
      field: 'annualTarget',
      code: 'plan.annual_invalid',
      message: `年度计划投资“${annualTarget}”应为不小于0且不超过上限的金额`,
      messageEn: `annual target "${annualTarget}" must be a non-negative amount within range`,
    });
  }
  if (timingTargets.length !== 12) {
    problems.push({
      field: 'timingTargets',
      code: 'plan.timing_length',
      message: `时序目标应为12个月，收到${timingTargets.length}个`,
      messageEn: `timing targets must have 12 months, got ${timingTargets.length}`,
    });
    return { ok: false, problems };
  }
  const parsed: (Wan | null)[] = timingTargets.map((t, i) => {
    const v = parseAmount(t);
    if (v === null || new Decimal(v).isNegative() || !isStorableAmount(v)) {
      problems.push({
        field: `timingTargets.${i}`,
        code: 'plan.timing_invalid',
        message: `${i + 1}月时序目标“${t}”应为不小于0且不超过上限的金额`,
        messageEn: `timing target of month ${i + 1} "${t}" must be a non-negative amount within range`,
      });
      return null;
    }
    return v;
  });
  for (let i = 1; i < 12; i++) {
    const prev = parsed[i - 1];
    const cur = parsed[i];
    if (prev !== null && cur !== null && new Decimal(cur).lessThan(prev)) {
      problems.push({
        field: `timingTargets.${i}`,
        code: 'plan.timing_decreasing',
        message: `${i + 1}月累计时序目标${cur}万元小于${i}月的${prev}万元，累计目标不能减少`,
        messageEn: `cumulative target of month ${i + 1} (${cur}) is below month ${i} (${prev})`,
      });
    }
  }
  const december = parsed[11];
  if (annual !== null && december !== null && !new Decimal(december).equals(annual)) {
    problems.push({
      field: 'timingTargets.11',
      code: 'plan.december_mismatch',
      message: `12月累计时序目标${december}万元应等于年度计划投资${annual}万元`,
      messageEn: `December's cumulative target (${december}) must equal the annual target (${annual})`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, annualTarget: annual!, timingTargets: parsed as Wan[] };
}

/**
 * The effective date a plan or revision takes when none is given: today when today is in the
 * plan's year, else the nearest day of that year (a 2024 revision recorded in 2026 takes effect
 * 2024-12-31, a 2027 plan set in 2026 takes effect 2027-01-01). Never a date outside the year.
 */
export function defaultEffectiveDate(year: number, today: string): string {
  const thisYear = Number(today.slice(0, 4));
  if (thisYear === year) return today;
  return thisYear > year ? `${year}-12-31` : `${year}-01-01`;
}

/** The first month a revision effective on `effectiveDate` applies to, in the plan's year (13: none). */
export function firstMonthFrom(year: number, effectiveDate: string): number {
  const y = Number(effectiveDate.slice(0, 4));
  if (y < year) return 1;
  if (y > year) return 13;
  return Number(effectiveDate.slice(5, 7));
}

/**
 * 按月平均填充 for months `fromMonth`..12: what is left of the annual target after the month
 * before `fromMonth` is spread evenly over the months that remain, cumulatively, December equal
 * to the annual target. Months before `fromMonth` keep their targets: a revision does not
 * rewrite the past unless someone does so on purpose. Null when the annual target or a kept
 * month is not an amount, or the kept months already exceed the annual target.
 */
export function fillEvenly(annualTarget: string, current: string[], fromMonth = 1): Wan[] | null {
  const annual = parseAmount(annualTarget);
  if (annual === null || new Decimal(annual).isNegative()) return null;
  const from = Math.min(Math.max(fromMonth, 1), 12);
  const kept: Wan[] = [];
  for (let i = 0; i < from - 1; i++) {
    const v = parseAmount(current[i] ?? '');
    if (v === null) return null;
    kept.push(v);
  }
  const base = new Decimal(kept.at(-1) ?? '0');
  const remaining = new Decimal(annual).minus(base);
  if (remaining.isNegative()) return null;
  const n = 13 - from;
  const filled = Array.from({ length: n }, (_, j) =>
    j === n - 1
      ? new Decimal(annual).toFixed(2)
      : base.plus(remaining.times(j + 1).dividedBy(n)).toFixed(2, Decimal.ROUND_HALF_UP),
  );
  return [...kept, ...filled];
}

/** The months (1–12) whose cumulative targets differ between two plans, compared as amounts. */
export function changedMonths(before: string[], after: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < 12; i++) {
    const a = parseAmount(before[i] ?? '');
    const b = parseAmount(after[i] ?? '');
    if (a === null || b === null ? a !== b : !new Decimal(a).equals(b)) out.push(i + 1);
  }
  return out;
}
