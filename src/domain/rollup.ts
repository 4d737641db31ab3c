import { Decimal } from 'decimal.js';
import type { Wan } from './money.ts';
import { isReported, type ReportStatus } from './report-workflow.ts';

export type RollupPlan = {
  annualTarget: Wan;
  timingTargets: Wan[];
  initialAnnualTarget: Wan;
  initialTimingTargets: Wan[];
};

export type Rollup = {
  hasPlan: boolean;
  annualTarget: Wan;
  initialAnnualTarget: Wan;
  timingTargets: Wan[];
  initialTimingTargets: Wan[];
  /** approved investment accumulated through the end of each month */
  actualCumulative: Wan[];
  /** a report was handed in (submitted or approved) for each month */
  reportedMonths: boolean[];
};

const ZEROS: Wan[] = Array.from({ length: 12 }, () => '0.00');
const fix = (v: string) => new Decimal(v).toFixed(2);

/** Builds a project's year roll-up from its plan and its reports; only approved reports count. */
export function buildRollup(
  plan: RollupPlan | null,
  reports: { month: number; status: ReportStatus; investment: Wan }[],
): Rollup {
  const monthly = Array.from({ length: 12 }, () => new Decimal(0));
  const reported = Array.from({ length: 12 }, () => false);
  for (const r of reports) {
    if (r.status === 'approved') monthly[r.month - 1] = monthly[r.month - 1].plus(r.investment);
    if (isReported(r.status)) reported[r.month - 1] = true;
  }
  let running = new Decimal(0);
  const actualCumulative = monthly.map((m) => {
    running = running.plus(m);
    return running.toFixed(2);
  });
  return {
    hasPlan: plan !== null,
    annualTarget: fix(plan?.annualTarget ?? '0'),
    initialAnnualTarget: fix(plan?.initialAnnualTarget ?? '0'),
    timingTargets: (plan?.timingTargets ?? ZEROS).map(fix),
    initialTimingTargets: (plan?.initialTimingTargets ?? ZEROS).map(fix),
    actualCumulative,
    reportedMonths: reported,
  };
}

/** Names the first field where two roll-ups differ, or null when they agree. */
export function diffRollup(a: Rollup, b: Rollup): string | null {
  for (const key of Object.keys(a) as (keyof Rollup)[]) {
    const x = a[key];
    const y = b[key];
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < 12; i++) {
        const same =
          typeof x[i] === 'boolean'
            ? x[i] === y[i]
            : new Decimal(x[i] as string).equals(y[i] as string);
        if (!same) return `${key}[${i + 1}月]: ${x[i]} ≠ ${y[i]}`;
      }
    } else if (typeof x === 'boolean' ? x !== y : !new Decimal(x as string).equals(y as string)) {
      return `${key}: ${x} ≠ ${y}`;
    }
  }
  return null;
}
