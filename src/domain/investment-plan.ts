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
