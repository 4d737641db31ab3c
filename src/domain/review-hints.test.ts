import { describe, expect, it } from 'vitest';
import { changePercent, monthPlanOf, reviewHints } from './review-hints.ts';

const plan = {
  annualTarget: '1200.00',
  timingTargets: Array.from({ length: 12 }, (_, i) => String(100 * (i + 1))),
};
const base = { month: 5, investment: '100', progressPercent: null, plan, last: null };

describe('reviewHints', () => {
  it('says nothing of a report in line with its plan', () => {
    expect(reviewHints(base)).toEqual([]);
  });

  it('flags over 2× the month’s plan yellow and over 5× red, at the edges', () => {
    expect(reviewHints({ ...base, investment: '200' })).toEqual([]);
    expect(reviewHints({ ...base, investment: '200.01' })).toEqual([
      { key: 'farAbove', ratio: '2.0', level: 'yellow' },
    ]);
    expect(reviewHints({ ...base, investment: '500' })[0]).toMatchObject({ level: 'yellow' });
    expect(reviewHints({ ...base, investment: '500.01' })[0]).toMatchObject({ level: 'red' });
  });

  it('flags no plan, more than the year, zero and progress going backwards', () => {
    expect(reviewHints({ ...base, plan: null }).map((h) => h.key)).toEqual(['noPlan']);
    expect(reviewHints({ ...base, investment: '1300' }).map((h) => h.key)).toEqual([
      'farAbove',
      'overAnnual',
    ]);
    expect(reviewHints({ ...base, investment: '0' }).map((h) => h.key)).toEqual(['zero']);
    expect(
      reviewHints({
        ...base,
        progressPercent: '35.00',
        last: { investment: '90', progressPercent: '40.00' },
      }),
    ).toEqual([{ key: 'backwards', last: '40.00', level: 'red' }]);
  });
});

describe('monthPlanOf and changePercent', () => {
  it('takes the timing target’s rise, January from zero', () => {
    expect(monthPlanOf(plan, 1)).toBe('100.00');
    expect(monthPlanOf({ timingTargets: ['50', '50'] }, 2)).toBe('0.00');
  });
  it('signs the change and has none without last month or against zero', () => {
    expect(changePercent('125', '100')).toBe('+25.0');
    expect(changePercent('75', '100')).toBe('-25.0');
    expect(changePercent('75', null)).toBeNull();
    expect(changePercent('75', '0')).toBeNull();
  });
});
