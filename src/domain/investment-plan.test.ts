import { describe, expect, it } from 'vitest';
import {
  changedMonths,
  defaultEffectiveDate,
  fillEvenly,
  firstMonthFrom,
  validatePlan,
} from './investment-plan.ts';

/** 12 cumulative targets rising by 100 a month up to 1200. */
const RISING = [
  '100',
  '200',
  '300',
  '400',
  '500',
  '600',
  '700',
  '800',
  '900',
  '1000',
  '1100',
  '1200',
];

function months(overrides: Record<number, string>, base = RISING): string[] {
  return base.map((v, i) => overrides[i] ?? v);
}

function problemsOf(annual: string, timing: string[]) {
  const result = validatePlan(annual, timing);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('validatePlan: valid plans', () => {
  it('normalises amounts to two decimals, including "1,000" → "1000.00"', () => {
    const result = validatePlan('1,000', [
      '0',
      '50',
      '50',
      '120.5',
      '200',
      '２５０',
      '300',
      '400',
      '500',
      '600',
      '800',
      '1,000',
    ]);
    expect(result).toEqual({
      ok: true,
      annualTarget: '1000.00',
      timingTargets: [
        '0.00',
        '50.00',
        '50.00',
        '120.50',
        '200.00',
        '250.00',
        '300.00',
        '400.00',
        '500.00',
        '600.00',
        '800.00',
        '1000.00',
      ],
    });
  });

  it('reads full-width input', () => {
    const result = validatePlan('１，２００', months({ 11: '１２００．００' }));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.annualTarget).toBe('1200.00');
      expect(result.timingTargets[11]).toBe('1200.00');
      expect(result.timingTargets[0]).toBe('100.00');
    }
  });

  it('accepts an all-zero plan and a flat plan', () => {
    expect(validatePlan('0', Array(12).fill('0'))).toEqual({
      ok: true,
      annualTarget: '0.00',
      timingTargets: Array(12).fill('0.00'),
    });
    expect(validatePlan('500', Array(12).fill('500')).ok).toBe(true);
  });

  it('compares December with the annual target by value, not by text', () => {
    expect(validatePlan('1200.00', RISING).ok).toBe(true);
    expect(validatePlan('1200', months({ 11: '1,200.0' })).ok).toBe(true);
  });
});

describe('validatePlan: problems', () => {
  it('names the month that decreases as timingTargets.N (0-based index)', () => {
    const problems = problemsOf('1200', months({ 4: '350' }));
    expect(problems).toEqual([
      {
        field: 'timingTargets.4',
        code: 'plan.timing_decreasing',
        message: '5月累计时序目标350.00万元小于4月的400.00万元，累计目标不能减少',
        messageEn: 'cumulative target of month 5 (350.00) is below month 4 (400.00)',
      },
    ]);
  });

  it('flags a drop in February as timingTargets.1', () => {
    const problems = problemsOf('1200', months({ 1: '99.99' }));
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['timingTargets.1', 'plan.timing_decreasing'],
    ]);
  });

  it('flags a December below November as both decreasing and, if so, mismatched', () => {
    const problems = problemsOf('1200', months({ 11: '1050' }));
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['timingTargets.11', 'plan.timing_decreasing'],
      ['timingTargets.11', 'plan.december_mismatch'],
    ]);
  });

  it('requires December to equal the annual target', () => {
    const problems = problemsOf('1300', RISING);
    expect(problems).toEqual([
      {
        field: 'timingTargets.11',
        code: 'plan.december_mismatch',
        message: '12月累计时序目标1200.00万元应等于年度计划投资1300.00万元',
        messageEn: "December's cumulative target (1200.00) must equal the annual target (1300.00)",
      },
    ]);
    expect(problemsOf('1200.01', RISING).map((p) => p.code)).toEqual(['plan.december_mismatch']);
  });

  it('requires exactly 12 months', () => {
    expect(problemsOf('1100', RISING.slice(0, 11))).toEqual([
      {
        field: 'timingTargets',
        code: 'plan.timing_length',
        message: '时序目标应为12个月，收到11个',
        messageEn: 'timing targets must have 12 months, got 11',
      },
    ]);
    expect(problemsOf('1200', [...RISING, '1200']).map((p) => p.message)).toEqual([
      '时序目标应为12个月，收到13个',
    ]);
    expect(problemsOf('0', []).map((p) => p.code)).toEqual(['plan.timing_length']);
  });

  it('reports a bad annual target together with a wrong length', () => {
    expect(problemsOf('abc', RISING.slice(0, 11)).map((p) => [p.field, p.code])).toEqual([
      ['annualTarget', 'plan.annual_invalid'],
      ['timingTargets', 'plan.timing_length'],
    ]);
  });

  it('rejects a negative annual target', () => {
    const problems = problemsOf('-1200', months({ 11: '-1200' }, Array(12).fill('0')));
    expect(problems[0]).toEqual({
      field: 'annualTarget',
      code: 'plan.annual_invalid',
      message: '年度计划投资“-1200”应为不小于0且不超过上限的金额',
      messageEn: 'annual target "-1200" must be a non-negative amount within range',
    });
  });

  it('rejects a negative month', () => {
    const problems = problemsOf('1200', months({ 0: '-5' }));
    expect(problems).toEqual([
      {
        field: 'timingTargets.0',
        code: 'plan.timing_invalid',
        message: '1月时序目标“-5”应为不小于0且不超过上限的金额',
        messageEn: 'timing target of month 1 "-5" must be a non-negative amount within range',
      },
    ]);
  });

  it('rejects text that is not an amount, including an empty month', () => {
    expect(problemsOf('1200', months({ 6: '七百' })).map((p) => [p.field, p.code])).toEqual([
      ['timingTargets.6', 'plan.timing_invalid'],
    ]);
    expect(problemsOf('1200', months({ 2: '' })).map((p) => [p.field, p.code])).toEqual([
      ['timingTargets.2', 'plan.timing_invalid'],
    ]);
    expect(problemsOf('', RISING).map((p) => [p.field, p.code])).toEqual([
      ['annualTarget', 'plan.annual_invalid'],
    ]);
  });

  it('reports ALL problems at once', () => {
    const problems = problemsOf('abc', [
      '100',
      '-1',
      '300',
      '250',
      'x',
      '500',
      '600',
      '550',
      '900',
      '1000',
      '1100',
      '1150',
    ]);
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['annualTarget', 'plan.annual_invalid'],
      ['timingTargets.1', 'plan.timing_invalid'],
      ['timingTargets.4', 'plan.timing_invalid'],
      ['timingTargets.3', 'plan.timing_decreasing'],
      ['timingTargets.7', 'plan.timing_decreasing'],
    ]);
  });

  it('reports invalid, decreasing and December problems together', () => {
    const problems = problemsOf('2000', months({ 0: '-3', 5: '450', 9: 'n/a' }));
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['timingTargets.0', 'plan.timing_invalid'],
      ['timingTargets.9', 'plan.timing_invalid'],
      ['timingTargets.5', 'plan.timing_decreasing'],
      ['timingTargets.11', 'plan.december_mismatch'],
    ]);
    for (const p of problems) {
      expect(p.message.length).toBeGreaterThan(0);
      expect(p.messageEn.length).toBeGreaterThan(0);
    }
  });
});

describe('按月平均填充 and the effective date (issue 15, item 7)', () => {
  it('fills every month of a new plan evenly, December exactly the annual target', () => {
    expect(fillEvenly('1000', [], 1)).toEqual([
      '83.33',
      '166.67',
      '250.00',
      '333.33',
      '416.67',
      '500.00',
      '583.33',
      '666.67',
      '750.00',
      '833.33',
      '916.67',
      '1000.00',
    ]);
  });

  it('keeps the months before the revision takes effect and spreads only what is left', () => {
    // effective in July: January–June stay as they were; 1800 − 600 over July–December
    const filled = fillEvenly('1800', RISING, 7)!;
    expect(filled.slice(0, 6)).toEqual(RISING.slice(0, 6).map((v) => `${v}.00`));
    expect(filled.slice(6)).toEqual([
      '800.00',
      '1000.00',
      '1200.00',
      '1400.00',
      '1600.00',
      '1800.00',
    ]);
    expect(validatePlan('1800', filled).ok).toBe(true);
    expect(changedMonths(RISING, filled)).toEqual([7, 8, 9, 10, 11, 12]);
  });

  it('refuses to fill when the kept months already pass the annual target or are not amounts', () => {
    expect(fillEvenly('500', RISING, 7)).toBeNull();
    expect(fillEvenly('1200', ['100', ''], 3)).toBeNull();
    expect(fillEvenly('abc', RISING, 1)).toBeNull();
  });

  it('defaults the effective date inside the plan year', () => {
    expect(defaultEffectiveDate(2026, '2026-11-28')).toBe('2026-11-28');
    expect(defaultEffectiveDate(2024, '2026-11-28')).toBe('2024-12-31');
    expect(defaultEffectiveDate(2027, '2026-11-28')).toBe('2027-01-01');
    expect(firstMonthFrom(2024, '2024-12-31')).toBe(12);
    expect(firstMonthFrom(2026, '2025-06-01')).toBe(1);
    expect(firstMonthFrom(2024, '2026-11-28')).toBe(13);
  });

  it('compares months as amounts: "1,000" equals "1000.00"', () => {
    expect(
      changedMonths(
        RISING,
        RISING.map((v) => `${v}.00`),
      ),
    ).toEqual([]);
    expect(changedMonths(['1,000', ...RISING.slice(1)], ['1000', ...RISING.slice(1)])).toEqual([]);
  });
});
