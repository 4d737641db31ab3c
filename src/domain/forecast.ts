import { Decimal } from 'decimal.js';
import type { Wan } from './money.ts';

/**
 * Year-end forecast (全年预计完成). From the office's own past years: by month M, which share of
 * its year-end approved actual a project of a category had usually reached. A project's
 * expected year-end figure is its actual through M divided by that usual share; the band comes
 * from the spread of the past shares. Everything is exact Decimal; amounts come out as 万元
 * strings with two decimals.
 */

/** One project's past year, as the roll-up holds it. */
export type HistoryYear = {
  category: string | null;
  annualTarget: Wan;
  /** approved investment accumulated through the end of each month (12 elements) */
  actualCumulative: Wan[];
};

/** One project of the year being forecast. */
export type ForecastInput = {
  code: string;
  category: string | null;
  annualTarget: Wan;
  /** approved investment accumulated through the forecast month */
  actual: Wan;
};

/** Where a project's usual shares came from: its category's past years, the whole office's, or none. */
export type ForecastBasis = 'category' | 'office' | 'none';
/**
 * How its figure was made: `share` actual ÷ usual share by M; `plan` annual target × usual
 * year-end completion of the plan (nothing done yet, or the usual share by M too small to divide
 * by); `actual` the year is over (M = 12); `none` no history to go on.
 */
export type ForecastMethod = 'share' | 'plan' | 'actual' | 'none';

export type ProjectForecast = {
  code: string;
  basis: ForecastBasis;
  method: ForecastMethod;
  actual: Wan;
  annualTarget: Wan;
  expected: Wan | null;
  low: Wan | null;
  high: Wan | null;
  /** annual target − expected: positive means short of the target */
  gap: Wan | null;
};

/** Below this usual share by M, actual ÷ share multiplies noise (1% done → ×100): use the plan. */
export const MIN_SHARE = new Decimal('0.1');
/** A category with fewer past project-years than this borrows the office-wide shares. */
export const MIN_CATEGORY_SAMPLES = 5;
/** The band: the 20th and 80th percentiles of the past ratios. */
export const BAND = { low: new Decimal('0.2'), high: new Decimal('0.8') };

const ZERO = new Decimal(0);
const fix = (d: Decimal): Wan => {
  const text = d.toFixed(2, Decimal.ROUND_HALF_UP);
  return text === '-0.00' ? '0.00' : text;
};

/** The p-quantile of sorted values, linearly interpolated between neighbours (R's type 7). */
export function quantile(sorted: Decimal[], p: Decimal): Decimal {
  if (sorted.length === 0) throw new Error('quantile of nothing');
  const pos = p.times(sorted.length - 1);
  const lo = pos.floor().toNumber();
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo].plus(sorted[hi].minus(sorted[lo]).times(pos.minus(lo)));
}

export type Spread = { n: number; median: Decimal; low: Decimal; high: Decimal };

function spreadOf(values: Decimal[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  return {
    n: sorted.length,
    median: quantile(sorted, new Decimal('0.5')),
    low: quantile(sorted, BAND.low),
    high: quantile(sorted, BAND.high),
  };
}

/** The usual shares of a pool of past project-years: by month (index 0..11) and of the plan. */
export type SharePool = {
  /** cumulative actual by month M ÷ year-end actual, over project-years that ended above zero */
  byMonth: (Spread | null)[];
  /** year-end actual ÷ annual target, over project-years with a target above zero */
  completion: Spread | null;
};

function poolOf(years: HistoryYear[]): SharePool {
  const byMonth = Array.from({ length: 12 }, (_, m) => {
    const shares: Decimal[] = [];
    for (const y of years) {
      const final = new Decimal(y.actualCumulative[11] ?? 0);
      if (final.greaterThan(0)) shares.push(new Decimal(y.actualCumulative[m] ?? 0).div(final));
    }
    return spreadOf(shares);
  });
  const completion = spreadOf(
    years
      .filter((y) => new Decimal(y.annualTarget).greaterThan(0))
      .map((y) => new Decimal(y.actualCumulative[11] ?? 0).div(y.annualTarget)),
  );
  return { byMonth, completion };
}

export type ShareModel = {
  office: SharePool;
  categories: Map<string, SharePool>;
  /** past project-years the model was built from */
  samples: number;
};

/** The usual shares of the office and of each category with enough past project-years. */
export function buildShareModel(history: HistoryYear[]): ShareModel {
  const byCategory = new Map<string, HistoryYear[]>();
  for (const h of history) {
    if (h.category === null) continue;
    byCategory.set(h.category, [...(byCategory.get(h.category) ?? []), h]);
  }
  const categories = new Map<string, SharePool>();
  for (const [c, years] of byCategory) {
    if (years.length >= MIN_CATEGORY_SAMPLES) categories.set(c, poolOf(years));
  }
  return { office: poolOf(history), categories, samples: history.length };
}

function atLeast(d: Decimal, floor: Decimal): Decimal {
  return d.lessThan(floor) ? floor : d;
}

/** A project's expected year-end figure and its band, through month `through` (1..12). */
export function forecastProject(
  model: ShareModel,
  p: ForecastInput,
  through: number,
): ProjectForecast {
  const actual = new Decimal(p.actual);
  const target = new Decimal(p.annualTarget);
  const base = { code: p.code, actual: fix(actual), annualTarget: fix(target) };
  const done = (
    basis: ForecastBasis,
    method: ForecastMethod,
    e: Decimal,
    l: Decimal,
    h: Decimal,
  ) => {
    // What is approved stays done: no figure below the actual already reached.
    const [expected, low, high] = [e, l, h].map((x) => fix(atLeast(x, actual)));
    return {
      ...base,
      basis,
      method,
      expected,
      low,
      high,
      gap: fix(target.minus(expected)),
    };
  };
  const own = p.category === null ? undefined : model.categories.get(p.category);
  const pool = own ?? model.office;
  const basis: ForecastBasis = own ? 'category' : model.samples > 0 ? 'office' : 'none';
  // December's approved actual is the year's figure: nothing left to forecast.
  if (through >= 12) return done(basis, 'actual', actual, actual, actual);
  const share = pool.byMonth[through - 1];
  if (actual.greaterThan(0) && share?.median.greaterThanOrEqualTo(MIN_SHARE)) {
    // A larger usual share means less still to come: the 80th percentile gives the low end.
    return done(
      basis,
      'share',
      actual.div(share.median),
      actual.div(atLeast(share.high, MIN_SHARE)),
      actual.div(atLeast(share.low, MIN_SHARE)),
    );
  }
  const completion = pool.completion;
  if (completion) {
    return done(
      basis,
      'plan',
      target.times(completion.median),
      target.times(completion.low),
      target.times(completion.high),
    );
  }
  return {
    ...base,
    basis: 'none',
    method: 'none',
    expected: null,
    low: null,
    high: null,
    gap: null,
  };
}

export type ForecastTotals = {
  actual: Wan;
  annualTarget: Wan;
  expected: Wan | null;
  low: Wan | null;
  high: Wan | null;
  gap: Wan | null;
};

/**
 * How much the projects of one office and year err together (ρ between any two projects). Not
 * learnt: two years cannot teach it. Independence (ρ = 0, the root of the sum of squares) gave
 * a band that held the December total in 1 of the demo backtest's 6 forecasts, the years
 * erring for every project at once; lockstep (ρ = 1, the sum of the projects' lows and highs)
 * held it in 6 of 6 but ±40% wide at March. Half-way is what we chose; README says so.
 */
export const CORRELATION = new Decimal('0.5');

/**
 * The sums of a group of projects. Expected is the exact sum. Each side of the band is the
 * expected total ∓ √((1 − ρ)·Σdᵢ² + ρ·(Σdᵢ)²), dᵢ a project's distance from its expected to its
 * own end: the spread of a sum of equally correlated parts. Never below the actual.
 */
function spreadOfSum(distances: Decimal[]): Decimal {
  let squares = ZERO;
  let sum = ZERO;
  for (const d of distances) {
    squares = squares.plus(d.pow(2));
    sum = sum.plus(d);
  }
  return new Decimal(1)
    .minus(CORRELATION)
    .times(squares)
    .plus(CORRELATION.times(sum.pow(2)))
    .sqrt();
}

export function sumForecasts(list: ProjectForecast[]): ForecastTotals {
  let actual = ZERO;
  let target = ZERO;
  for (const p of list) {
    actual = actual.plus(p.actual);
    target = target.plus(p.annualTarget);
  }
  const base = { actual: fix(actual), annualTarget: fix(target) };
  if (list.some((p) => p.expected === null)) {
    return { ...base, expected: null, low: null, high: null, gap: null };
  }
  let expected = ZERO;
  const down: Decimal[] = [];
  const up: Decimal[] = [];
  for (const p of list) {
    const e = new Decimal(p.expected!);
    expected = expected.plus(e);
    down.push(e.minus(p.low!));
    up.push(new Decimal(p.high!).minus(e));
  }
  const e = new Decimal(fix(expected));
  return {
    ...base,
    expected: fix(e),
    low: fix(atLeast(e.minus(spreadOfSum(down)), actual)),
    high: fix(e.plus(spreadOfSum(up))),
    gap: fix(target.minus(e)),
  };
}

/**
 * The dashed continuation of the S-curve after month `through`: from the actual at M to the
 * expected (and low, high) at December, along the office's usual cumulative shape
 * w(k) = (s(k) − s(M)) ÷ (1 − s(M)); a straight line when the history gives no rising shape.
 */
export function continuation(
  model: ShareModel,
  totals: ForecastTotals,
  through: number,
): { month: number; expected: Wan; low: Wan; high: Wan }[] {
  if (totals.expected === null || through >= 12) return [];
  const usual: Decimal[] = [];
  for (let m = 0; m < 12; m++) {
    const s = model.office.byMonth[m]?.median ?? null;
    // The usual shape never falls back: a running maximum of the monthly medians.
    usual.push(s === null ? new Decimal(NaN) : Decimal.max(s, usual[m - 1] ?? ZERO));
  }
  const from = usual[through - 1];
  const rest = new Decimal(1).minus(from);
  const shaped = !from.isNaN() && rest.greaterThan(0) && usual.every((s) => !s.isNaN());
  const actual = new Decimal(totals.actual);
  const out = [];
  for (let k = through; k <= 12; k++) {
    let w =
      k === 12
        ? new Decimal(1)
        : shaped
          ? usual[k - 1].minus(from).div(rest)
          : new Decimal(k - through).div(12 - through);
    w = Decimal.min(Decimal.max(w, ZERO), 1);
    const at = (end: Wan | null) => fix(actual.plus(new Decimal(end!).minus(actual).times(w)));
    out.push({
      month: k,
      expected: at(totals.expected),
      low: at(totals.low),
      high: at(totals.high),
    });
  }
  return out;
}

/** Absolute percentage error |forecast − actual| ÷ actual, or null when the actual is zero. */
export function absolutePercentageError(forecast: Wan, actual: Wan): Decimal | null {
  const a = new Decimal(actual);
  if (a.isZero()) return null;
  return new Decimal(forecast).minus(a).abs().div(a.abs());
}

/** The median of a list of decimals, or null for an empty list. */
export function median(values: Decimal[]): Decimal | null {
  if (values.length === 0) return null;
  return quantile(
    [...values].sort((a, b) => a.comparedTo(b)),
    new Decimal('0.5'),
  );
}
