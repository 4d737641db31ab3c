import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReportStatus } from './report-workflow.ts';
import { buildRollup, diffRollup, type Rollup, type RollupPlan } from './rollup.ts';

const ZEROS = Array(12).fill('0.00');

const PLAN: RollupPlan = {
  annualTarget: '1200',
  timingTargets: [
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
  ],
  initialAnnualTarget: '1000.5',
  initialTimingTargets: [
    '50',
    '100',
    '150',
    '200',
    '300',
    '400',
    '500',
    '600',
    '700',
    '800',
    '900',
    '1000.5',
  ],
};

type Report = { month: number; status: ReportStatus; investment: string };

describe('buildRollup', () => {
  it('without a plan gives zeros and hasPlan false', () => {
    expect(buildRollup(null, [])).toEqual({
      hasPlan: false,
      annualTarget: '0.00',
      initialAnnualTarget: '0.00',
      timingTargets: ZEROS,
      initialTimingTargets: ZEROS,
      actualCumulative: ZEROS,
      reportedMonths: Array(12).fill(false),
    });
  });

  it('without a plan still counts approved reports', () => {
    const rollup = buildRollup(null, [{ month: 3, status: 'approved', investment: '12.5' }]);
    expect(rollup.hasPlan).toBe(false);
    expect(rollup.timingTargets).toEqual(ZEROS);
    expect(rollup.actualCumulative).toEqual([
      '0.00',
      '0.00',
      '12.50',
      '12.50',
      '12.50',
      '12.50',
      '12.50',
      '12.50',
      '12.50',
      '12.50',
      '12.50',
      '12.50',
    ]);
    expect(rollup.reportedMonths[2]).toBe(true);
  });

  it('copies the plan, current and initial, to two decimals', () => {
    const rollup = buildRollup(PLAN, []);
    expect(rollup.hasPlan).toBe(true);
    expect(rollup.annualTarget).toBe('1200.00');
    expect(rollup.initialAnnualTarget).toBe('1000.50');
    expect(rollup.timingTargets).toEqual([
      '100.00',
      '200.00',
      '300.00',
      '400.00',
      '500.00',
      '600.00',
      '700.00',
      '800.00',
      '900.00',
      '1000.00',
      '1100.00',
      '1200.00',
    ]);
    expect(rollup.initialTimingTargets).toEqual([
      '50.00',
      '100.00',
      '150.00',
      '200.00',
      '300.00',
      '400.00',
      '500.00',
      '600.00',
      '700.00',
      '800.00',
      '900.00',
      '1000.50',
    ]);
    expect(rollup.actualCumulative).toEqual(ZEROS);
    expect(rollup.reportedMonths).toEqual(Array(12).fill(false));
  });

  it('counts only approved reports in actualCumulative, as a running sum', () => {
    const rollup = buildRollup(PLAN, [
      { month: 1, status: 'approved', investment: '100.10' },
      { month: 2, status: 'submitted', investment: '999.00' },
      { month: 3, status: 'approved', investment: '0.20' },
      { month: 4, status: 'draft', investment: '888.00' },
      { month: 5, status: 'returned', investment: '777.00' },
      { month: 6, status: 'approved', investment: '50' },
      { month: 12, status: 'approved', investment: '0.01' },
    ]);
    expect(rollup.actualCumulative).toEqual([
      '100.10',
      '100.10',
      '100.30',
      '100.30',
      '100.30',
      '150.30',
      '150.30',
      '150.30',
      '150.30',
      '150.30',
      '150.30',
      '150.31',
    ]);
  });

  it('marks submitted and approved months as reported, not draft or returned', () => {
    const rollup = buildRollup(PLAN, [
      { month: 1, status: 'approved', investment: '1' },
      { month: 2, status: 'submitted', investment: '1' },
      { month: 4, status: 'draft', investment: '1' },
      { month: 5, status: 'returned', investment: '1' },
    ]);
    expect(rollup.reportedMonths).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('adds several approved reports of one month exactly', () => {
    const rollup = buildRollup(PLAN, [
      { month: 7, status: 'approved', investment: '0.1' },
      { month: 7, status: 'approved', investment: '0.2' },
      { month: 7, status: 'returned', investment: '5' },
    ]);
    expect(rollup.actualCumulative[5]).toBe('0.00');
    expect(rollup.actualCumulative[6]).toBe('0.30');
    expect(rollup.actualCumulative[11]).toBe('0.30');
    expect(rollup.reportedMonths[6]).toBe(true);
  });

  it('takes reports in any order', () => {
    const reports: Report[] = [
      { month: 9, status: 'approved', investment: '30' },
      { month: 2, status: 'approved', investment: '20' },
      { month: 5, status: 'approved', investment: '10' },
    ];
    expect(buildRollup(PLAN, reports)).toEqual(buildRollup(PLAN, [...reports].reverse()));
    expect(buildRollup(PLAN, reports).actualCumulative).toEqual([
      '0.00',
      '20.00',
      '20.00',
      '20.00',
      '30.00',
      '30.00',
      '30.00',
      '30.00',
      '60.00',
      '60.00',
      '60.00',
      '60.00',
    ]);
  });

  it('carries negative corrections', () => {
    const rollup = buildRollup(PLAN, [
      { month: 1, status: 'approved', investment: '100' },
      { month: 2, status: 'approved', investment: '-30.5' },
    ]);
    expect(rollup.actualCumulative.slice(0, 3)).toEqual(['100.00', '69.50', '69.50']);
  });

  it('does not share arrays between roll-ups', () => {
    const a = buildRollup(null, []);
    a.timingTargets[0] = '5.00';
    a.actualCumulative[0] = '5.00';
    const b = buildRollup(null, []);
    expect(b.timingTargets[0]).toBe('0.00');
    expect(b.actualCumulative[0]).toBe('0.00');
  });

  it('actualCumulative is the running sum of approved cents (property)', () => {
    const report = fc.record({
      month: fc.integer({ min: 1, max: 12 }),
      status: fc.constantFrom<ReportStatus>('draft', 'submitted', 'approved', 'returned'),
      cents: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    });
    fc.assert(
      fc.property(fc.array(report, { maxLength: 40 }), (rows) => {
        const rollup = buildRollup(
          PLAN,
          rows.map((r) => ({ ...r, investment: formatCents(r.cents) })),
        );
        let running = 0n;
        for (let m = 1; m <= 12; m++) {
          for (const r of rows) if (r.month === m && r.status === 'approved') running += r.cents;
          expect(rollup.actualCumulative[m - 1]).toBe(formatCents(running));
          expect(rollup.reportedMonths[m - 1]).toBe(
            rows.some(
              (r) => r.month === m && (r.status === 'submitted' || r.status === 'approved'),
            ),
          );
        }
      }),
    );
  });
});

function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

describe('diffRollup', () => {
  const base = (): Rollup =>
    buildRollup(PLAN, [
      { month: 1, status: 'approved', investment: '100' },
      { month: 2, status: 'submitted', investment: '50' },
    ]);

  it('is null for equal roll-ups', () => {
    expect(diffRollup(base(), base())).toBeNull();
    expect(diffRollup(buildRollup(null, []), buildRollup(null, []))).toBeNull();
  });

  it('compares amounts by value, not text', () => {
    const b = base();
    b.annualTarget = '1200';
    b.timingTargets[3] = '400.0';
    b.actualCumulative[0] = '100.000';
    expect(diffRollup(base(), b)).toBeNull();
  });

  it('names hasPlan', () => {
    const b = base();
    b.hasPlan = false;
    expect(diffRollup(base(), b)).toBe('hasPlan: true ≠ false');
  });

  it('names a scalar amount', () => {
    const b = base();
    b.annualTarget = '1200.01';
    expect(diffRollup(base(), b)).toBe('annualTarget: 1200.00 ≠ 1200.01');
    const c = base();
    c.initialAnnualTarget = '0.00';
    expect(diffRollup(base(), c)).toBe('initialAnnualTarget: 1000.50 ≠ 0.00');
  });

  it('names the field and the month of an array difference', () => {
    const b = base();
    b.actualCumulative[4] = '100.01';
    expect(diffRollup(base(), b)).toBe('actualCumulative[5月]: 100.00 ≠ 100.01');

    const c = base();
    c.timingTargets[11] = '1199.99';
    expect(diffRollup(base(), c)).toBe('timingTargets[12月]: 1200.00 ≠ 1199.99');

    const d = base();
    d.initialTimingTargets[0] = '51.00';
    expect(diffRollup(base(), d)).toBe('initialTimingTargets[1月]: 50.00 ≠ 51.00');
  });

  it('names a reported-month difference', () => {
    const b = base();
    b.reportedMonths[1] = false;
    expect(diffRollup(base(), b)).toBe('reportedMonths[2月]: true ≠ false');
    const c = base();
    c.reportedMonths[11] = true;
    expect(diffRollup(base(), c)).toBe('reportedMonths[12月]: false ≠ true');
  });

  it('names only the first difference: field order, then month order', () => {
    const b = base();
    b.actualCumulative[2] = '1.00';
    b.actualCumulative[1] = '2.00';
    b.reportedMonths[0] = false;
    expect(diffRollup(base(), b)).toBe('actualCumulative[2月]: 100.00 ≠ 2.00');
    b.timingTargets[8] = '0';
    expect(diffRollup(base(), b)).toBe('timingTargets[9月]: 900.00 ≠ 0');
    b.annualTarget = '1';
    expect(diffRollup(base(), b)).toBe('annualTarget: 1200.00 ≠ 1');
    b.hasPlan = false;
    expect(diffRollup(base(), b)).toBe('hasPlan: true ≠ false');
  });

  it('finds a stored roll-up that missed an approval', () => {
    const reports: Report[] = [
      { month: 3, status: 'approved', investment: '40' },
      { month: 6, status: 'approved', investment: '60' },
    ];
    const stored = buildRollup(PLAN, reports.slice(0, 1));
    const fresh = buildRollup(PLAN, reports);
    expect(diffRollup(stored, fresh)).toBe('actualCumulative[6月]: 40.00 ≠ 100.00');
  });
});
