import { Decimal } from 'decimal.js';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { percent } from '../../../domain/money.ts';
import { formatYearMonth, isoDateOf, type YearMonth } from '../../../domain/periods.ts';
import {
  type Level,
  latenessAsOf,
  milestoneLateness,
  type WarningReason,
  worstFirst,
} from '../../../domain/warning-rules.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { projectScope } from '../../policy.ts';
import { milestones } from '../milestones/milestones.table.ts';
import { type ProjectFilter, projectFilterSql } from '../projects/projects.service.ts';
import { areas, categories, projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';
import {
  evaluateMonth,
  getThresholds,
  type ProjectStanding,
} from '../warnings/warnings.service.ts';

export type Figures = {
  projects: number;
  /** projects with an investment plan for the year; the sums below cover only these */
  plannedProjects: number;
  annualTarget: string;
  timingTarget: string;
  actual: string;
  /** the start-of-year plan (年初计划) for comparison */
  initialAnnualTarget: string;
  initialTimingTarget: string;
  /** percentages with one decimal, null when the target is zero */
  rateVsTiming: string | null;
  rateVsAnnual: string | null;
  /** actual against the start-of-year timing target, minus 100 (提升 / 下降) */
  aboveInitialPlan: string | null;
  warnings: Record<Level, number>;
};

export type DispatchResult = Figures & {
  year: number;
  through: string;
  byArea: (Figures & { area: string })[];
  byTag: (Figures & { tag: string })[];
  series: { month: number; timingTarget: string; actual: string | null }[];
  flagged: {
    projectId: number;
    code: string;
    name: string;
    area: string | null;
    ownerUnit: string | null;
    level: Level;
    computedLevel: Level;
    overrideReason: string | null;
    reasons: WarningReason[];
  }[];
  overdueMilestones: {
    projectId: number;
    code: string;
    name: string;
    milestone: string;
    plannedDate: string;
    /** measured by milestoneLateness() at `asOf`: the month's end, or today when it is not over */
    daysLate: number;
    level: Level;
    asOf: string;
  }[];
};

export class Acc {
  projects = 0;
  plannedProjects = 0;
  annual = new Decimal(0);
  timing = new Decimal(0);
  actual = new Decimal(0);
  initialAnnual = new Decimal(0);
  initialTiming = new Decimal(0);
  warnings: Record<Level, number> = { green: 0, yellow: 0, red: 0 };

  add(s: ProjectStanding, i: number) {
    this.projects++;
    this.warnings[s.level]++;
    const r = s.rollup;
    if (!r?.hasPlan) return;
    this.plannedProjects++;
    this.annual = this.annual.plus(r.annualTarget);
    this.timing = this.timing.plus(r.timingTargets[i]);
    this.actual = this.actual.plus(r.actualCumulative[i]);
    this.initialAnnual = this.initialAnnual.plus(r.initialAnnualTarget);
    this.initialTiming = this.initialTiming.plus(r.initialTimingTargets[i]);
  }

  figures(): Figures {
    const f = (d: Decimal) => d.toFixed(2);
    const vsInitial = percent(f(this.actual), f(this.initialTiming));
    return {
      projects: this.projects,
      plannedProjects: this.plannedProjects,
      annualTarget: f(this.annual),
      timingTarget: f(this.timing),
      actual: f(this.actual),
      initialAnnualTarget: f(this.initialAnnual),
      initialTimingTarget: f(this.initialTiming),
      rateVsTiming: percent(f(this.actual), f(this.timing)),
      rateVsAnnual: percent(f(this.actual), f(this.annual)),
      aboveInitialPlan: vsInitial === null ? null : new Decimal(vsInitial).minus(100).toFixed(1),
      warnings: { ...this.warnings },
    };
  }
}

const NO_AREA = '未分片区';

/**
 * The dispatch figures (调度数据) for a year through a month: totals, by area, by tag, the
 * S-curve series, warning counts, the flagged projects with reasons and overdue milestones.
 * Every figure comes from the same standings, so totals, groups and warnings always agree.
 */
export async function dispatchFigures(
  db: Db,
  ctx: Ctx,
  opts: { period: YearMonth; filter?: ProjectFilter },
): Promise<DispatchResult> {
  const { period } = opts;
  const i = period.month - 1;
  const standings = await evaluateMonth(db, ctx, opts);
  const total = new Acc();
  const byArea = new Map<string, Acc>();
  const byTag = new Map<string, Acc>();
  const series = Array.from({ length: 12 }, () => ({
    timing: new Decimal(0),
    actual: new Decimal(0),
  }));
  for (const s of standings) {
    total.add(s, i);
    const area = s.area ?? NO_AREA;
    if (!byArea.has(area)) byArea.set(area, new Acc());
    byArea.get(area)!.add(s, i);
    for (const tag of s.tags) {
      if (!byTag.has(tag)) byTag.set(tag, new Acc());
      byTag.get(tag)!.add(s, i);
    }
    if (s.rollup?.hasPlan) {
      for (let m = 0; m < 12; m++) {
        series[m].timing = series[m].timing.plus(s.rollup.timingTargets[m]);
        series[m].actual = series[m].actual.plus(s.rollup.actualCumulative[m]);
      }
    }
  }
  const flagged = standings
    .filter((s) => s.level !== 'green')
    .sort(worstFirst)
    .map((s) => ({
      projectId: s.projectId,
      code: s.code,
      name: s.name,
      area: s.area,
      ownerUnit: s.ownerUnit,
      level: s.level,
      computedLevel: s.computedLevel,
      overrideReason: s.overrideReason,
      reasons: s.reasons.filter((r) => r.level !== 'green'),
    }));

  // Candidates only (planned by the month's end); whether and how late each one is, is decided
  // by milestoneLateness(), the same definition the warnings and the project page use.
  const asOf = latenessAsOf(period, isoDateOf(ctx.now));
  const [candidates, thresholds] = await Promise.all([
    db
      .select({
        projectId: projects.id,
        code: projects.code,
        name: projects.name,
        milestone: milestones.name,
        plannedDate: milestones.plannedDate,
        actualDate: milestones.actualDate,
      })
      .from(milestones)
      .innerJoin(projects, eq(projects.id, milestones.projectId))
      .leftJoin(areas, eq(areas.id, projects.areaId))
      .leftJoin(categories, eq(categories.id, projects.categoryId))
      .leftJoin(units, eq(units.id, projects.ownerUnitId))
      .where(
        and(
          projectScope(ctx.actor),
          isNull(projects.archivedAt),
          ...projectFilterSql(opts.filter ?? {}),
          sql`${milestones.plannedDate} <= ${asOf}`,
        ),
      )
      .orderBy(asc(milestones.plannedDate), asc(projects.code)),
    getThresholds(db, ctx),
  ]);
  const overdue = candidates.flatMap(({ actualDate, ...o }) => {
    const late = milestoneLateness({ plannedDate: o.plannedDate, actualDate }, asOf, thresholds);
    return late ? [{ ...o, plannedDate: o.plannedDate!, ...late }] : [];
  });

  const groups = <K extends string>(map: Map<string, Acc>, key: K) =>
    [...map.entries()].map(
      ([name, acc]) => ({ [key]: name, ...acc.figures() }) as Figures & Record<K, string>,
    );

  return {
    year: period.year,
    through: formatYearMonth(period),
    ...total.figures(),
    byArea: groups(byArea, 'area'),
    byTag: groups(byTag, 'tag').sort(
      (a, b) => b.projects - a.projects || a.tag.localeCompare(b.tag),
    ),
    series: series.map((s, m) => ({
      month: m + 1,
      timingTarget: s.timing.toFixed(2),
      actual: m <= i ? s.actual.toFixed(2) : null,
    })),
    flagged,
    overdueMilestones: overdue,
  };
}
