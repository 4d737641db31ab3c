import { Decimal } from 'decimal.js';
import { amountText as money, percent, type Wan } from './money.ts';
import {
  DEFAULT_THRESHOLDS,
  evaluateWarning,
  type Level,
  latenessAsOf,
  type WarningReason,
  type WarningThresholds,
  worstLevel,
} from './warning-rules.ts';

/**
 * What-if scenarios (假设分析): a coordinator's changes laid over the year-end forecast. Nothing
 * here reads or writes the real figures; a scenario is only a list of changes, and its result is
 * recomputed from the forecast each time it is shown. Exact Decimal throughout, 万元 strings out.
 *
 * The warning counts of a scenario are a year-end outlook, the same for the baseline and the
 * scenario so the two compare: each project's level is the worst of
 * - the investment rule (evaluateWarning) on its expected year-end figure against its annual
 *   target (December's timing target is the annual target);
 * - the milestone rule (milestoneLateness through evaluateWarning) with its milestones' planned
 *   dates as the scenario moves them, measured at the month's lateness day (latenessAsOf);
 * - its other reasons of the month (reporting, staleness) as the warnings service found them:
 *   a scenario changes neither.
 */

export type ScenarioProjectInput = {
  code: string;
  annualTarget: Wan;
  actual: Wan;
  /** the forecast's expected year-end figure; null when the office has no history */
  expected: Wan | null;
  /** approved investment accumulated through each month of the year so far (index 0 = January) */
  actualCumulative?: Wan[];
  milestones: { id: number; name: string; plannedDate: string | null; actualDate: string | null }[];
  /** the month's reasons other than investment and milestones (reporting, staleness) */
  otherReasons?: WarningReason[];
};

export type ProjectChange = {
  code: string;
  /** 万元 added to each month after the month through December */
  extraPerMonth?: Wan;
  /** 0–100: that share of (annual target − expected) added */
  shareOfRemainingPlan?: number;
  /** removed from the year: its target and figure leave the totals */
  dropped?: boolean;
};

export type MilestoneMove = { milestoneId: number; plannedDate: string };

export type ScenarioChanges = { projects: ProjectChange[]; milestones: MilestoneMove[] };

export type LevelCounts = Record<Level, number>;

export type ScenarioFigures = {
  annualTarget: Wan;
  expected: Wan | null;
  /** expected ÷ annual target, percent with one decimal */
  rate: string | null;
  /** annual target − expected: positive is short */
  gap: Wan | null;
  counts: LevelCounts;
};

export type ScenarioProjectResult = {
  code: string;
  dropped: boolean;
  baseExpected: Wan | null;
  expected: Wan | null;
  baseLevel: Level;
  level: Level;
};

export type ScenarioResult = {
  baseline: ScenarioFigures;
  scenario: ScenarioFigures;
  /** the projects the scenario changes (or whose milestones it moves) */
  changed: ScenarioProjectResult[];
};

const ZERO = new Decimal(0);
const fix = (d: Decimal): Wan => {
  const text = d.toFixed(2, Decimal.ROUND_HALF_UP);
  return text === '-0.00' ? '0.00' : text;
};

/** The months after `through` to December: what an extra 万元 a month is added over. */
export const remainingMonths = (through: number) => Math.max(0, 12 - through);

/** A project's expected year-end figure under a change (null stays null: nothing to add to). */
export function changedExpected(
  p: Pick<ScenarioProjectInput, 'annualTarget' | 'expected'>,
  change: ProjectChange | undefined,
  through: number,
): Wan | null {
  if (p.expected === null) return null;
  let e = new Decimal(p.expected);
  if (!change) return fix(e);
  if (change.extraPerMonth !== undefined) {
    e = e.plus(new Decimal(change.extraPerMonth).times(remainingMonths(through)));
  }
  if (change.shareOfRemainingPlan !== undefined) {
    const rest = Decimal.max(ZERO, new Decimal(p.annualTarget).minus(p.expected));
    e = e.plus(rest.times(change.shareOfRemainingPlan).div(100));
  }
  return fix(e);
}

/** The year-end outlook level of one project (see the module's comment). */
export function outlookLevel(
  p: ScenarioProjectInput,
  expected: Wan | null,
  moves: Map<number, string>,
  through: { year: number; month: number },
  today: string | undefined,
  t: WarningThresholds = DEFAULT_THRESHOLDS,
): Level {
  const asOf = latenessAsOf(through, today);
  const result = evaluateWarning(
    {
      period: { year: through.year, month: 12 },
      plan:
        expected === null ? null : { annualTarget: p.annualTarget, timingTarget: p.annualTarget },
      actual: expected ?? p.actual,
      reported: true,
      milestones: p.milestones.map((m) => ({
        name: m.name,
        plannedDate: moves.get(m.id) ?? m.plannedDate,
        actualDate: m.actualDate,
      })),
      // December's lateness day would be today or 12-31: the month's own day is passed instead.
      today: asOf,
    },
    t,
  );
  return worstLevel([result.level, ...(p.otherReasons ?? []).map((r) => r.level)]);
}

function figuresOf(
  rows: { annualTarget: Wan; expected: Wan | null; level: Level }[],
): ScenarioFigures {
  let target = ZERO;
  let expected: Decimal | null = ZERO;
  const counts: LevelCounts = { green: 0, yellow: 0, red: 0 };
  for (const r of rows) {
    target = target.plus(r.annualTarget);
    expected = expected === null || r.expected === null ? null : expected.plus(r.expected);
    counts[r.level] += 1;
  }
  const e = expected === null ? null : fix(expected);
  return {
    annualTarget: fix(target),
    expected: e,
    rate: e === null ? null : percent(e, fix(target)),
    gap: e === null ? null : fix(target.minus(e)),
    counts,
  };
}

/** The baseline and the scenario's figures side by side. */
export function evaluateScenario(
  projects: ScenarioProjectInput[],
  changes: ScenarioChanges,
  through: { year: number; month: number },
  opts: { today?: string; thresholds?: WarningThresholds } = {},
): ScenarioResult {
  const byCode = new Map(changes.projects.map((c) => [c.code, c]));
  const moves = new Map(changes.milestones.map((m) => [m.milestoneId, m.plannedDate]));
  const none = new Map<number, string>();
  const base: { annualTarget: Wan; expected: Wan | null; level: Level }[] = [];
  const scen: typeof base = [];
  const changed: ScenarioProjectResult[] = [];
  for (const p of projects) {
    const baseLevel = outlookLevel(p, p.expected, none, through, opts.today, opts.thresholds);
    base.push({ annualTarget: p.annualTarget, expected: p.expected, level: baseLevel });
    const change = byCode.get(p.code);
    const movesHere = p.milestones.some((m) => moves.has(m.id));
    if (!change && !movesHere) {
      scen.push({ annualTarget: p.annualTarget, expected: p.expected, level: baseLevel });
      continue;
    }
    const expected = changedExpected(p, change, through.month);
    const level = outlookLevel(p, expected, moves, through, opts.today, opts.thresholds);
    const dropped = change?.dropped === true;
    if (!dropped) scen.push({ annualTarget: p.annualTarget, expected, level });
    changed.push({
      code: p.code,
      dropped,
      baseExpected: p.expected,
      expected: dropped ? null : expected,
      baseLevel,
      level,
    });
  }
  return { baseline: figuresOf(base), scenario: figuresOf(scen), changed };
}

/** How much faster than its recent pace a suggested project is assumed able to go. */
export const SPEED_UP = new Decimal('0.5');
/** The months the recent pace is averaged over. */
export const PACE_MONTHS = 3;

export type Suggestion = {
  code: string;
  /** annual target − expected, at least zero */
  remainingPlan: Wan;
  /** the average monthly approved investment of the last PACE_MONTHS months */
  pace: Wan;
  /** min(remaining plan, pace × remaining months × SPEED_UP) */
  closable: Wan;
  zh: string;
  en: string;
};

/**
 * The projects that could close the gap, most first: each could add the smaller of its
 * remaining plan and its recent pace kept up over the remaining months and sped up by half
 * (SPEED_UP). Projects without a forecast, without a remaining plan or without a recent pace
 * are left out; ties go by code.
 */
export function suggestProjects(
  projects: ScenarioProjectInput[],
  through: number,
  limit = 10,
): Suggestion[] {
  const left = remainingMonths(through);
  const out: (Suggestion & { d: Decimal })[] = [];
  for (const p of projects) {
    if (p.expected === null || left === 0) continue;
    const remaining = new Decimal(p.annualTarget).minus(p.expected);
    if (remaining.lessThanOrEqualTo(0)) continue;
    const cum = p.actualCumulative ?? [];
    const span = Math.min(PACE_MONTHS, through);
    const now = new Decimal(cum[through - 1] ?? p.actual);
    const before = through - span >= 1 ? new Decimal(cum[through - span - 1] ?? 0) : ZERO;
    const pace = now.minus(before).div(span);
    if (pace.lessThanOrEqualTo(0)) continue;
    const closable = Decimal.min(remaining, pace.times(left).times(SPEED_UP));
    const [r, v, c] = [remaining, pace, closable].map((d) => money(fix(d)));
    out.push({
      code: p.code,
      remainingPlan: fix(remaining),
      pace: fix(pace),
      closable: fix(closable),
      zh: `剩余计划${r.zh}，近${span}个月月均完成${v.zh}，按此节奏加快一半可补${c.zh}`,
      en: `${r.en} of the plan remains; the last ${span} months averaged ${v.en} a month; half as fast again would add ${c.en}`,
      d: closable,
    });
  }
  return out
    .sort((a, b) => b.d.comparedTo(a.d) || a.code.localeCompare(b.code))
    .slice(0, limit)
    .map(({ d: _d, ...s }) => s);
}
