import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  absolutePercentageError,
  buildShareModel,
  continuation,
  forecastProject,
  type HistoryYear,
  MIN_CATEGORY_SAMPLES,
  median,
  type ProjectForecast,
  quantile,
  sumForecasts,
} from './forecast.ts';

/** A past year whose cumulative actual reaches `shareAt[m]` × final at month m+1 (linear between). */
function past(
  category: string | null,
  final: number,
  shareAt: number,
  annual = final,
): HistoryYear {
  // month 6 at shareAt, month 12 at 1: a two-piece line, exact in hundredths for these inputs
  const cum = Array.from({ length: 12 }, (_, i) => {
    const m = i + 1;
    const s = m <= 6 ? (shareAt * m) / 6 : shareAt + ((1 - shareAt) * (m - 6)) / 6;
    return new Decimal(final).times(new Decimal(s).toDecimalPlaces(6)).toFixed(2);
  });
  cum[11] = new Decimal(final).toFixed(2);
  return { category, annualTarget: new Decimal(annual).toFixed(2), actualCumulative: cum };
}

describe('quantile', () => {
  it('interpolates between neighbours (type 7)', () => {
    const xs = ['0.3', '0.4', '0.5', '0.6', '0.7'].map((x) => new Decimal(x));
    expect(quantile(xs, new Decimal('0.5')).toString()).toBe('0.5');
    expect(quantile(xs, new Decimal('0.2')).toString()).toBe('0.38');
    expect(quantile(xs, new Decimal('0.8')).toString()).toBe('0.62');
    expect(quantile([new Decimal(2)], new Decimal('0.8')).toString()).toBe('2');
    expect(median([])).toBeNull();
  });
});

describe('forecastProject', () => {
  // Five roads done by June at 0.3, 0.4, 0.5, 0.6, 0.7 of their year: median 0.5, p20 0.38, p80 0.62.
  const roads = [0.3, 0.4, 0.5, 0.6, 0.7].map((s) => past('道路', 1000, s));
  const model = buildShareModel(roads);

  it('divides the actual by the usual share by M, the band from the 20th/80th percentiles', () => {
    const f = forecastProject(
      model,
      { code: 'R', category: '道路', annualTarget: '1000', actual: '300' },
      6,
    );
    expect(f).toEqual({
      code: 'R',
      basis: 'category',
      method: 'share',
      actual: '300.00',
      annualTarget: '1000.00',
      expected: '600.00', // 300 / 0.5
      low: '483.87', // 300 / 0.62
      high: '789.47', // 300 / 0.38
      gap: '400.00',
    });
  });

  it('borrows the office-wide shares when its category has too little history', () => {
    const f = forecastProject(
      model,
      { code: 'H', category: '医院', annualTarget: '500', actual: '100' },
      6,
    );
    expect(f.basis).toBe('office');
    expect(f.expected).toBe('200.00');
    expect(MIN_CATEGORY_SAMPLES).toBe(5);
    const thin = buildShareModel(roads.slice(0, 4));
    expect(thin.categories.size).toBe(0);
    expect(
      forecastProject(thin, { code: 'R', category: '道路', annualTarget: '0', actual: '1' }, 6)
        .basis,
    ).toBe('office');
  });

  it('with nothing done yet, uses the plan × the usual year-end completion of plans', () => {
    // completions 0.8, 0.9, 1.0, 1.1, 1.2 → median 1.0, p20 0.88, p80 1.12
    const plans = [0.8, 0.9, 1, 1.1, 1.2].map((c) => past('道路', 1000 * c, 0.5, 1000));
    const m = buildShareModel(plans);
    const f = forecastProject(
      m,
      { code: 'N', category: '道路', annualTarget: '250', actual: '0' },
      3,
    );
    expect(f).toMatchObject({
      method: 'plan',
      expected: '250.00',
      low: '220.00',
      high: '280.00',
      gap: '0.00',
    });
  });

  it('does not divide by a tiny usual share: January of a slow category goes by the plan', () => {
    // a year that is 1% done by January: actual / 0.01 would multiply noise a hundredfold
    const slow = Array.from({ length: 5 }, () => past('道路', 1000, 0.06));
    const m = buildShareModel(slow);
    const f = forecastProject(
      m,
      { code: 'S', category: '道路', annualTarget: '800', actual: '5' },
      1,
    );
    expect(f.method).toBe('plan');
    expect(f.expected).toBe('800.00');
  });

  it('never forecasts below what is already approved', () => {
    const plans = Array.from({ length: 5 }, () => past('道路', 500, 0.5, 1000));
    const m = buildShareModel(plans);
    // plan × 0.5 = 100, but 150 is already done (by month 1 the share is too small to divide by)
    const f = forecastProject(
      m,
      { code: 'X', category: '道路', annualTarget: '200', actual: '150' },
      1,
    );
    expect(f).toMatchObject({ method: 'plan', expected: '150.00', low: '150.00', high: '150.00' });
  });

  it('in December the actual is the year', () => {
    const f = forecastProject(
      model,
      { code: 'D', category: '道路', annualTarget: '900', actual: '812.5' },
      12,
    );
    expect(f).toMatchObject({
      method: 'actual',
      expected: '812.50',
      low: '812.50',
      high: '812.50',
      gap: '87.50',
    });
  });

  it('says so when there is no history at all, rather than invent a figure', () => {
    const none = buildShareModel([]);
    const f = forecastProject(
      none,
      { code: 'Z', category: '道路', annualTarget: '900', actual: '300' },
      6,
    );
    expect(f).toMatchObject({
      basis: 'none',
      method: 'none',
      expected: null,
      low: null,
      high: null,
      gap: null,
    });
    expect(sumForecasts([f])).toMatchObject({
      actual: '300.00',
      annualTarget: '900.00',
      expected: null,
    });
    expect(continuation(none, sumForecasts([f]), 6)).toEqual([]);
  });
});

describe('sumForecasts', () => {
  const p = (expected: string, low: string, high: string, actual = '0', annualTarget = '0') =>
    ({
      code: 'p',
      basis: 'office',
      method: 'share',
      actual,
      annualTarget,
      expected,
      low,
      high,
      gap: '0',
    }) as ProjectForecast;

  it('sums expected exactly; the band spreads as a sum of parts correlated at ρ = ½', () => {
    // down 30 and 40: √(½·(900 + 1600) + ½·70²) = √3700 = 60.83; up 60 and 80: √14800 = 121.66
    const t = sumForecasts([
      p('100.10', '70.10', '160.10', '50', '120'),
      p('200.20', '160.20', '280.20', '60', '200'),
    ]);
    expect(t).toEqual({
      actual: '110.00',
      annualTarget: '320.00',
      expected: '300.30',
      low: '239.47',
      high: '421.96',
      gap: '19.70',
    });
  });

  it('is one project’s own band for one project, and between independence and lockstep', () => {
    expect(sumForecasts([p('100', '80', '130')])).toMatchObject({ low: '80.00', high: '130.00' });
    const two = sumForecasts([p('100', '80', '130'), p('100', '80', '130')]);
    // independent: 200 ∓ 28.28 / 42.43; lockstep: 200 ∓ 40 / 60
    expect(two).toMatchObject({ low: '165.36', high: '251.96' });
  });

  it('keeps the total’s low at or above the actual', () => {
    const t = sumForecasts([p('100', '10', '100', '95')]);
    expect(t.low).toBe('95.00');
  });

  it('of no projects is zero', () => {
    expect(sumForecasts([])).toEqual({
      actual: '0.00',
      annualTarget: '0.00',
      expected: '0.00',
      low: '0.00',
      high: '0.00',
      gap: '0.00',
    });
  });
});

describe('continuation', () => {
  it('runs from the actual at M to the forecast at December along the usual shape', () => {
    const model = buildShareModel([0.3, 0.4, 0.5, 0.6, 0.7].map((s) => past('道路', 1000, s)));
    const totals = {
      actual: '300.00',
      annualTarget: '1000.00',
      expected: '600.00',
      low: '480.00',
      high: '800.00',
      gap: '400.00',
    };
    const c = continuation(model, totals, 6);
    expect(c[0]).toEqual({ month: 6, expected: '300.00', low: '300.00', high: '300.00' });
    expect(c.at(-1)).toEqual({ month: 12, expected: '600.00', low: '480.00', high: '800.00' });
    // the usual share rises by a sixth of the rest each month after June here: a straight line
    expect(c[3]).toEqual({ month: 9, expected: '450.00', low: '390.00', high: '550.00' });
    for (let i = 1; i < c.length; i++) {
      expect(new Decimal(c[i].expected).greaterThanOrEqualTo(c[i - 1].expected)).toBe(true);
    }
    expect(continuation(model, totals, 12)).toEqual([]);
  });
});

describe('absolutePercentageError', () => {
  it('is |f − a| ÷ a, undefined against zero', () => {
    expect(absolutePercentageError('110', '100')?.toString()).toBe('0.1');
    expect(absolutePercentageError('90', '100')?.toString()).toBe('0.1');
    expect(absolutePercentageError('1', '0')).toBeNull();
  });
});
