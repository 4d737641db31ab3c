import { Decimal } from 'decimal.js';
import { count, eq } from 'drizzle-orm';
import { STANDARD_MILESTONES } from '../domain/milestones.ts';
import {
  addDays,
  compareYearMonth,
  isValidIsoDate,
  monthEnd,
  previousMonth,
  type YearMonth,
  yearMonthOf,
} from '../domain/periods.ts';
import type { Ctx } from '../server/context.ts';
import type { Db } from '../server/db.ts';
import { AppError } from '../server/errors.ts';
import {
  assertDemoAllowed,
  ensureDemoAccounts,
} from '../server/modules/accounts/demo-accounts.service.ts';
import { addMilestone, updateMilestone } from '../server/modules/milestones/milestones.service.ts';
import {
  ensureOffice,
  renameOffice,
  systemActor,
} from '../server/modules/offices/offices.service.ts';
import { setPlan } from '../server/modules/plans/plans.service.ts';
import {
  createProject,
  ensureArea,
  ensureCategory,
  updateProject,
} from '../server/modules/projects/projects.service.ts';
import { projects } from '../server/modules/projects/projects.table.ts';
import {
  type ApprovedReportInput,
  approveReport,
  recordApprovedReports,
  returnReport,
  saveReport,
  submitReport,
} from '../server/modules/reports/reports.service.ts';
import { ensureUnit } from '../server/modules/units/units.service.ts';
import { overrideWarning, snapshotWarnings } from '../server/modules/warnings/warnings.service.ts';
import {
  AREAS,
  CORE,
  DEMO_PROJECTS,
  type DemoProject,
  OFFICE_NAME,
  SEED,
  UNITS,
} from './catalog.ts';
import { loadCoordinationDemo } from './coordination.ts';
import { demoShift } from './demo-shift.ts';

/** Deterministic pseudo-random numbers, so every demo office is the same office. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const D = (v: Decimal.Value) => new Decimal(v);
const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const s2 = (d: Decimal) => r2(d).toFixed(2);

/** Cumulative share of the year's target due by each month end. */
const CURVE_BUILD = [0.05, 0.11, 0.19, 0.28, 0.38, 0.48, 0.57, 0.66, 0.75, 0.84, 0.92, 1];
const CURVE_PREP = [0.02, 0.05, 0.09, 0.14, 0.2, 0.27, 0.36, 0.46, 0.58, 0.7, 0.84, 1];

/** Splits a total over weights in whole 100万 steps; the largest takes the remainder exactly. */
function allocate(total: string, weights: number[]): Decimal[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const out = weights.map((w) =>
    D(total).times(w).dividedBy(sum).dividedBy(100).floor().times(100),
  );
  const rest = D(total).minus(out.reduce((a, b) => a.plus(b), D(0)));
  const biggest = weights.indexOf(Math.max(...weights));
  out[biggest] = out[biggest].plus(rest);
  return out;
}

type Plan = { annual: Decimal; timing: Decimal[] };
type Year = {
  plan: Plan | null;
  /** the revision of the plan during the year, if any */
  revised?: { plan: Plan; date: string; reason: string };
  /** cumulative actual at each month end */
  actual: Decimal[];
  /** months (1–12) with no report at all */
  unreported?: number[];
};

function curvePlan(annual: Decimal, curve: number[]): Plan {
  const timing = curve.map((f, i) => (i === 11 ? annual : r2(annual.times(f))));
  return { annual, timing };
}

function cumulate(
  plan: Plan,
  ratio: (month: number) => number,
  from = 1,
  start: Decimal[] = [],
): Decimal[] {
  const out = [...start];
  for (let m = from; m <= 12; m++) {
    const v = r2(plan.timing[m - 1].times(ratio(m)));
    out[m - 1] = m > 1 && out[m - 2]?.greaterThan(v) ? out[m - 2] : v;
  }
  return out;
}

export type DemoSummary = {
  office: string;
  projects: number;
  reports: number;
  areas: string[];
  /** the demo log-ins, all with the published demo password */
  accounts: { username: string; role: string }[];
};

/** The demo office's own calendar: each month's reports arrive early the next month. */
const at = (iso: string) => new Date(`${iso}T09:00:00+08:00`);
const nextMonthDay = (year: number, month: number, day: number) =>
  at(
    `${month === 12 ? year + 1 : year}-${String((month % 12) + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
  );

/** The seed's years end here; the demo never stops before it. */
const SEED_END: YearMonth = { year: 2024, month: 12 };

/**
 * The last month the demo office has reports for: the month before `today` in China time (its
 * reports are being filed and reviewed now), never before the seed's 2024-12.
 */
export function demoEnd(today: Date): YearMonth {
  const prev = previousMonth(yearMonthOf(today));
  return compareYearMonth(prev, SEED_END) < 0 ? SEED_END : prev;
}

/** The day the demo is loaded as of: TIAODU_DEMO_TODAY (YYYY-MM-DD, tests pin it) or the clock. */
export function demoToday(env: NodeJS.ProcessEnv = process.env): Date {
  const pinned = env.TIAODU_DEMO_TODAY;
  if (!pinned) return new Date();
  if (!isValidIsoDate(pinned)) {
    throw new Error(`TIAODU_DEMO_TODAY=${pinned}: expected a date YYYY-MM-DD`);
  }
  return new Date(`${pinned}T12:00:00+08:00`);
}

/**
 * Builds the Guangming-like demo office through the services — the same calls the API and the
 * import make — with 2023 and 2024 data that reproduce the seed's figures exactly, continued
 * month by month up to the month before `today` (default: demoToday()), whose reports are in
 * progress. The same date gives the same office. Refuses an office that already has projects.
 */
export async function loadDemo(
  db: Db,
  opts: { onProgress?: (step: string) => void; today?: Date } = {},
): Promise<DemoSummary> {
  const progress = opts.onProgress ?? (() => {});
  const today = opts.today ?? demoToday();
  const end = demoEnd(today);
  const endDate = monthEnd(end);
  // The in-progress month's steps happen early the next month; none may lie after today.
  const when = (d: Date) => (d > today ? today : d);
  // Before anything is written: production never gets the demo office or its accounts.
  assertDemoAllowed();
  const office = await ensureOffice(db);
  const [{ n }] = await db
    .select({ n: count() })
    .from(projects)
    .where(eq(projects.officeId, office.id));
  if (n > 0) {
    throw new AppError('demo.not_empty', '数据库中已有项目，演示数据只能载入空的办公室', {
      messageEn: 'the office already has projects; the demo loads only into an empty office',
    });
  }
  await renameOffice(db, office.id, OFFICE_NAME);
  const ctxAt = (now: Date): Ctx => ({
    actor: { ...systemActor(office.id), name: '演示数据' },
    now,
  });
  const coordinator = (now: Date): Ctx => ({
    actor: {
      id: 'demo-coord',
      name: '统筹科 李明',
      role: 'coordinator',
      officeId: office.id,
      unitId: null,
    },
    now,
  });
  const setup = ctxAt(at('2023-01-03'));
  const rand = mulberry32(20230630);

  progress('片区、单位、项目 / areas, units, projects');
  const areaIds = new Map<string, number>();
  for (const a of AREAS) areaIds.set(a, (await ensureArea(db, setup, a)).row.id);
  const unitIds = new Map<string, number>();
  for (const u of Object.values(UNITS)) {
    unitIds.set(
      u,
      (await ensureUnit(db, setup, u, u === UNITS.office ? 'office' : 'owner')).unit.id,
    );
  }
  progress('演示账号 / demo accounts');
  const accounts = await ensureDemoAccounts(db, setup);
  const categoryIds = new Map<string, number>();
  for (const c of new Set(DEMO_PROJECTS.map((p) => p.category))) {
    categoryIds.set(c, (await ensureCategory(db, setup, c)).row.id);
  }

  // 2023 annual targets: area totals from the seed, split by weight.
  const annual2023 = new Map<string, Decimal>();
  for (const area of AREAS) {
    const list = DEMO_PROJECTS.filter((p) => p.area === area);
    const total = area === CORE ? SEED.coreAnnualTarget : SEED.otherAreaAnnual[area];
    allocate(
      total,
      list.map((p) => p.weight),
    ).forEach((a, i) => {
      annual2023.set(list[i].code, a);
    });
  }

  const ids = new Map<string, number>();
  for (const p of DEMO_PROJECTS) {
    const a = annual2023.get(p.code)!;
    const created = await createProject(db, setup, {
      code: p.code,
      name: p.name,
      areaId: areaIds.get(p.area),
      categoryId: categoryIds.get(p.category),
      tags: p.tags,
      ownerUnitId: unitIds.get(p.unit),
      phase: p.phase,
      totalInvestment: s2(a.times(3 + Math.floor(rand() * 4))),
      plannedStart: p.start,
      plannedFinish: p.finish,
      location: p.location,
      remarks: p.role === 'overridden' ? '已通过国家发改委窗口指导' : null,
    });
    ids.set(p.code, created.id);
  }

  const y2023 = plan2023(annual2023, rand);
  const y2024 = plan2024(rand);
  const years = new Map<number, Map<string, Year>>([
    [2023, y2023],
    [2024, y2024],
  ]);
  for (let year = 2025; year <= end.year; year++) years.set(year, planLater(year));
  const lastMonthOf = (year: number) => (year === end.year ? end.month : 12);

  progress('年度计划 / investment plans');
  for (const [year, plans] of years) {
    for (const p of DEMO_PROJECTS) {
      const y = plans.get(p.code);
      if (!y?.plan) continue;
      const projectId = ids.get(p.code)!;
      const created = await setPlan(db, ctxAt(at(`${year}-01-10`)), {
        projectId,
        year,
        annualTarget: s2(y.plan.annual),
        timingTargets: y.plan.timing.map(s2),
        effectiveDate: `${year}-01-10`,
      });
      if (y.revised) {
        await setPlan(db, coordinator(at(y.revised.date)), {
          projectId,
          year,
          annualTarget: s2(y.revised.plan.annual),
          timingTargets: y.revised.plan.timing.map(s2),
          reason: y.revised.reason,
          effectiveDate: y.revised.date,
          version: created.version,
        });
      }
    }
  }

  progress('节点 / milestones');
  await loadMilestones(db, ctxAt(at('2023-01-05')), coordinator, ids, rand, endDate);
  if (end.year > SEED_END.year) {
    await loadYearNodes(db, ctxAt(at(`${end.year}-01-12`)), ids, years.get(end.year)!, endDate);
  }

  progress('月报 / monthly reports');
  let reports = 0;
  // Reviewed one by one through the workflow: the key month of the seed for the six-key
  // projects, and the last two months; every other month arrives as approved history.
  const beforeEnd = previousMonth(end);
  const isMonth = (ym: YearMonth, year: number, month: number) =>
    ym.year === year && ym.month === month;
  const workflowMonth = (p: DemoProject, year: number, month: number) =>
    (year === 2023 && month === 6 && p.tags.includes('六重')) ||
    isMonth(beforeEnd, year, month) ||
    isMonth(end, year, month);
  for (const [year, plans] of years) {
    const bulk: ApprovedReportInput[] = [];
    for (const p of DEMO_PROJECTS) {
      const y = plans.get(p.code);
      if (!y) continue;
      for (let m = 1; m <= lastMonthOf(year); m++) {
        if (y.unreported?.includes(m) || workflowMonth(p, year, m)) continue;
        bulk.push({ projectId: ids.get(p.code)!, year, month: m, ...reportText(p, y, year, m) });
      }
    }
    const recorded = when(nextMonthDay(year, lastMonthOf(year), 8));
    await db.transaction((tx) => recordApprovedReports(tx, ctxAt(recorded), bulk));
    reports += bulk.length;
  }
  reports += await workflowReports(db, {
    ids,
    unitIds,
    months: [
      [2023, 6, y2023],
      [beforeEnd.year, beforeEnd.month, years.get(beforeEnd.year)!],
      [end.year, end.month, years.get(end.year)!],
    ],
    end,
    inWorkflow: workflowMonth,
    officeId: office.id,
    when,
  });

  progress('预警研判 / warning snapshots');
  for (const year of years.keys()) {
    for (let month = 1; month <= lastMonthOf(year); month++) {
      await snapshotWarnings(db, coordinator(when(nextMonthDay(year, month, 10))), {
        period: { year, month },
      });
      if (year === 2023 && month === 6) {
        const fel = DEMO_PROJECTS.find((p) => p.role === 'overridden')!;
        await overrideWarning(db, coordinator(at('2023-07-12')), {
          projectId: ids.get(fel.code)!,
          year,
          month,
          level: 'yellow',
          reason: '项目已通过国家发改委窗口指导，开工节点滞后系国家审批流程所致，按提请关注管理',
        });
      }
    }
  }

  progress('项目阶段 / phases');
  await settlePhases(db, ctxAt(when(nextMonthDay(end.year, end.month, 6))), ids, endDate);
  progress('会议、问题、交办事项、活动 / meetings, problems, action items, activities');
  const endPlans = years.get(end.year)!;
  const shift = demoShift(end);
  await loadCoordinationDemo(db, office.id, ids, unitIds, {
    shift,
    // the written 2024 block keeps its own projects; moved, it follows the live ones
    alive: shift.days === 0 ? () => true : (p) => endPlans.has(p.code),
  });
  return { office: OFFICE_NAME, projects: DEMO_PROJECTS.length, reports, areas: AREAS, accounts };
}

/** 2023: the seed's year. Ratios by role; the core area's H1 and the city projects' Jan–May exact. */
function plan2023(annual: Map<string, Decimal>, rand: () => number): Map<string, Year> {
  const out = new Map<string, Year>();
  const city = DEMO_PROJECTS.filter((p) => p.tags.includes('市投市建'));
  const cityCodes = new Set(city.map((p) => p.code));

  // City-invested projects: a slow start-of-year plan, overtaken by 40%, then re-timed in June.
  const initial = new Map<string, Plan>();
  const base = city.map((p) => annual.get(p.code)!.times(CURVE_BUILD[4]));
  const k = D(SEED.cityInitialTimingMay).dividedBy(base.reduce((a, b) => a.plus(b), D(0)));
  for (const p of city) {
    const a = annual.get(p.code)!;
    const timing: Decimal[] = [];
    for (let m = 1; m <= 5; m++) timing.push(r2(a.times(CURVE_BUILD[m - 1]).times(k)));
    for (let m = 6; m <= 12; m++)
      timing.push(m === 12 ? a : r2(timing[4].plus(a.minus(timing[4]).times((m - 5) / 7))));
    initial.set(p.code, { annual: a, timing });
  }
  const biggestCity = city.reduce((best, p) =>
    annual.get(p.code)!.greaterThan(annual.get(best.code)!) ? p : best,
  );
  const mayInitial = city.reduce((s, p) => s.plus(initial.get(p.code)!.timing[4]), D(0));
  initial.get(biggestCity.code)!.timing[4] = initial
    .get(biggestCity.code)!
    .timing[4].plus(D(SEED.cityInitialTimingMay).minus(mayInitial));

  for (const p of city) {
    const plan = initial.get(p.code)!;
    const actual: Decimal[] = [];
    for (let m = 1; m <= 5; m++) actual.push(r2(plan.timing[m - 1].times(1.4)));
    out.set(p.code, { plan, actual });
  }
  const mayActual = city.reduce((s, p) => s.plus(out.get(p.code)!.actual[4]), D(0));
  out.get(biggestCity.code)!.actual[4] = out
    .get(biggestCity.code)!
    .actual[4].plus(D(SEED.cityActualJanMay).minus(mayActual));
  for (const p of city) {
    const y = out.get(p.code)!;
    const a = annual.get(p.code)!;
    y.actual[5] = r2(y.actual[4].plus(a.times(0.1)));
    // The June revision re-times the plan to the pace reached, a little below it.
    const timing = y.actual.slice(0, 6).map((v) => r2(v.dividedBy(1.02)));
    for (let m = 7; m <= 12; m++)
      timing.push(m === 12 ? a : r2(timing[5].plus(a.minus(timing[5]).times((m - 6) / 6))));
    y.revised = {
      plan: { annual: a, timing },
      date: '2023-06-10',
      reason: '市建筑工务署-光明区联动机制提速，按实际进度调整时序目标',
    };
    for (let m = 7; m <= 12; m++) {
      const v = r2(timing[m - 1].times(1.03 + rand() * 0.02));
      y.actual[m - 1] = v.greaterThan(y.actual[m - 2]) ? v : y.actual[m - 2];
    }
  }

  // Everyone else: a curve by phase and a pace by role.
  const pace: Record<DemoProject['role'], () => number> = {
    green: () => 1.03 + rand() * 0.07,
    lagging: () => 0.86 + rand() * 0.08,
    behind: () => 0.62 + rand() * 0.1,
    slipping: () => 1.02 + rand() * 0.03,
    stalled: () => 1.01 + rand() * 0.03,
    overridden: () => 1.02 + rand() * 0.03,
  };
  for (const p of DEMO_PROJECTS) {
    if (cityCodes.has(p.code)) continue;
    const plan = curvePlan(
      annual.get(p.code)!,
      p.phase === 'preparation' ? CURVE_PREP : CURVE_BUILD,
    );
    const r = pace[p.role]();
    out.set(p.code, { plan, actual: cumulate(plan, () => r) });
  }

  // The core area's H1 total is the seed's 104.91亿: the on-schedule projects that are neither
  // city-invested nor otherwise constrained share the difference in proportion to their June pace.
  const core = DEMO_PROJECTS.filter((p) => p.area === CORE);
  const h1 = core.reduce((s, p) => s.plus(out.get(p.code)!.actual[5]), D(0));
  const movers = core.filter((p) => p.role === 'green' && !cityCodes.has(p.code));
  const moverH1 = movers.reduce((s, p) => s.plus(out.get(p.code)!.actual[5]), D(0));
  const delta = D(SEED.coreActualH1).minus(h1);
  let given = D(0);
  movers.forEach((p, i) => {
    const y = out.get(p.code)!;
    const share =
      i === movers.length - 1
        ? delta.minus(given)
        : r2(delta.times(y.actual[5]).dividedBy(moverH1));
    given = given.plus(share);
    const june = y.actual[5].plus(share);
    if (june.lessThan(y.plan!.timing[5]) || june.lessThan(y.actual[4])) {
      throw new Error(`demo: ${p.code} would fall behind its timing target; adjust the demo paces`);
    }
    y.actual[5] = june;
    for (let m = 7; m <= 12; m++)
      if (y.actual[m - 1].lessThan(y.actual[m - 2])) y.actual[m - 1] = y.actual[m - 2];
  });

  // One Cloud Valley road forgot to report in June: 本月未报送.
  const road = DEMO_PROJECTS.find((p) => p.area !== CORE && p.name.includes('规划三路'));
  if (road) out.get(road.code)!.unreported = [6];
  return out;
}

/** 2024: every project still being built gets a new plan; a few fall behind, most keep pace. */
function plan2024(rand: () => number): Map<string, Year> {
  const out = new Map<string, Year>();
  const live = DEMO_PROJECTS.filter((p) => p.finish > '2023-12-31');
  const annual = allocate(
    '2460000.00',
    live.map((p) => p.weight + (p.phase === 'preparation' ? 1 : 0)),
  );
  live.forEach((p, i) => {
    const plan = curvePlan(annual[i], p.phase === 'preparation' ? CURVE_PREP : CURVE_BUILD);
    const roll = rand();
    const r =
      roll < 0.06 ? 0.7 + rand() * 0.08 : roll < 0.16 ? 0.85 + rand() * 0.1 : 1.01 + rand() * 0.08;
    const y: Year = { plan, actual: cumulate(plan, () => r) };
    if (p.role === 'behind') {
      // Catching up after the 2023 supervision: a lower, re-timed plan agreed in April.
      const lower = curvePlan(r2(annual[i].times(0.8)), CURVE_PREP);
      y.revised = {
        plan: lower,
        date: '2024-04-15',
        reason: '督办后重新铺排年度任务，调减年度计划',
      };
      y.actual = cumulate(lower, () => 1.02);
    }
    out.set(p.code, y);
  });
  return out;
}

/**
 * A year after the seed's: every project still being built gets a plan at 2024's rate per
 * weight, paced like 2024. Its own generator per year, so adding a year never changes another.
 */
function planLater(year: number): Map<string, Year> {
  const rand = mulberry32(20230630 + year);
  const share = (p: DemoProject, y: number) => p.weight + (p.start > `${y}-06-30` ? 1 : 0);
  const live2024 = DEMO_PROJECTS.filter((p) => p.finish > '2023-12-31');
  const perWeight = D('2460000').dividedBy(live2024.reduce((a, p) => a + share(p, 2024), 0));
  const out = new Map<string, Year>();
  for (const p of DEMO_PROJECTS.filter((q) => q.finish > `${year - 1}-12-31`)) {
    const annual = perWeight.times(share(p, year)).dividedBy(100).floor().times(100);
    const plan = curvePlan(annual, p.start > `${year}-06-30` ? CURVE_PREP : CURVE_BUILD);
    const roll = rand();
    const r =
      roll < 0.08 ? 0.7 + rand() * 0.08 : roll < 0.2 ? 0.85 + rand() * 0.1 : 1.01 + rand() * 0.08;
    out.set(p.code, { plan, actual: cumulate(plan, () => r) });
  }
  return out;
}

const PROGRESS_TEXT: Record<string, string> = {
  国家超级计算深圳中心二期:
    '土建工程正全速开展基坑工程施工，科研楼支护工程完成约80%，机房楼地下桩基工程已完工',
  综合粒子设施研究院综合楼: '正按7月完成整体竣工验收全力推进',
  鹏城云脑Ⅲ土建工程:
    '林木采伐、场平工程（一期）已完成，正在开展土方基坑施工许可证申报、临时用电施工等工作',
  材料科学园土建工程: '项目建议书已申报，同步加快选址等前期工作',
  材料基因组大科学装置平台过渡场地: '已具备设备进场安装调试条件',
  新永丰工业园过渡场地: '加快开展结构加固和新建结构工程施工',
  深圳理工大学: '加快开展Ⅰ标段主体工程和Ⅱ、Ⅲ标段桩基工程施工',
  中山大学附属第七医院二期: '全面进入地上主体结构施工阶段',
  '深圳科技馆（新馆）': '主体结构已封顶',
  中国计量科学研究院深圳创新研究院: '已取得概算批复，正在开展施工招标等进场准备',
  深圳市药品检验研究院光明分院: '正加快概算评审及用地报批工作',
  科学城智慧公园: '园路、景观绿化及配套建筑施工，施工进度93%',
  深圳中能高重复频率X射线自由电子激光: '已通过国家发改委窗口指导，加快开工前准备',
};

function reportText(p: DemoProject, y: Year, year: number, month: number) {
  const prev = month === 1 ? D(0) : y.actual[month - 2];
  const investment = s2(y.actual[month - 1].minus(prev));
  const elapsed = (year - 2023) * 12 + month;
  const progress =
    p.name === '科学城智慧公园' && year === 2023
      ? Math.min(100, 60 + Math.round((33 * month) / 6))
      : year > SEED_END.year
        ? // After the seed's years: the share of the building time gone by, so it keeps moving.
          Math.max(1, Math.min(99, timeShare(p, monthEnd({ year, month }))))
        : Math.min(
            100,
            Math.round(((p.phase === 'preparation' ? 2 : 25) + elapsed * 3.1) * 100) / 100,
          );
  const lagging = y.plan && y.actual[month - 1].lessThan(y.plan.timing[month - 1].times(0.95));
  return {
    investment,
    progressPercent: String(Math.min(100, progress)),
    progressText:
      (year === 2023 && month === 6 && PROGRESS_TEXT[p.name]) ||
      `${p.name}${p.phase === 'preparation' ? '前期工作' : '施工'}按计划推进，本月完成投资${investment}万元`,
    problems: lagging ? '受征地拆迁及管线迁改影响，施工面移交滞后' : null,
    nextPlan: `${month === 12 ? '来年1' : month + 1}月继续推进${p.phase === 'preparation' ? '前期审批' : '主体施工'}`,
  };
}

/** Percent of a project's building time (start to finish) gone by on an ISO date, 2 places. */
function timeShare(p: DemoProject, date: string): number {
  const span = Date.parse(p.finish) - Date.parse(p.start);
  return Math.round(((Date.parse(date) - Date.parse(p.start)) / span) * 10_000) / 100;
}

/**
 * The in-progress month's fates by position when fewer than 12 projects report: the same
 * slots as the 12-cycle below (1 draft, 3 and 8 waiting for review, 5 missing, 10 returned).
 */
const FEW_SLOTS = [0, 1, 3, 5, 10, 8, 2, 4, 6];

/** The reports the owner units file and the office reviews one by one, some returned first. */
async function workflowReports(
  db: Db,
  o: {
    ids: Map<string, number>;
    unitIds: Map<string, number>;
    months: [number, number, Map<string, Year>][];
    /** the month in progress */
    end: YearMonth;
    inWorkflow: (p: DemoProject, year: number, month: number) => boolean;
    officeId: number;
    when: (d: Date) => Date;
  },
): Promise<number> {
  const { ids, unitIds, inWorkflow, officeId, when } = o;
  let n = 0;
  let index = 0;
  const returnedOnce = new Set(['KXC-003', 'KXC-016', 'KXC-041', 'YG-004']);
  for (const [year, month, plans] of o.months) {
    const filed = when(nextMonthDay(year, month, 5));
    const reviewed = when(nextMonthDay(year, month, 8));
    const resubmitted = when(nextMonthDay(year, month, 9));
    const approved = when(nextMonthDay(year, month, 10));
    const last = year === o.end.year && month === o.end.month;
    const reporting = DEMO_PROJECTS.filter(
      (p) =>
        plans.get(p.code) &&
        inWorkflow(p, year, month) &&
        !plans.get(p.code)!.unreported?.includes(month),
    ).length;
    for (const p of DEMO_PROJECTS) {
      const y = plans.get(p.code);
      if (!y || !inWorkflow(p, year, month) || y.unreported?.includes(month)) continue;
      // The owner unit's reporter files, within the same scope rules a real reporter has.
      const unitId = unitIds.get(p.unit)!;
      const reporter = (now: Date): Ctx => ({
        actor: {
          id: `demo-${unitId}`,
          name: `${p.unit}填报员`,
          role: 'reporter',
          officeId,
          unitId,
        },
        now,
      });
      const coord = (now: Date): Ctx => ({
        actor: {
          id: 'demo-coord',
          name: '统筹科 李明',
          role: 'coordinator',
          officeId,
          unitId: null,
        },
        now,
      });
      // The last month is in progress: a few missing, some drafts, some waiting for review,
      // some returned; chosen by position so every demo office is the same.
      const slot = !last
        ? -1
        : reporting >= 12
          ? index++ % 12
          : FEW_SLOTS[index++ % FEW_SLOTS.length];
      if (slot === 5) continue;
      const text = reportText(p, y, year, month);
      const saved = await saveReport(db, reporter(filed), {
        projectId: ids.get(p.code)!,
        year,
        month,
        ...text,
        version: 0,
      });
      n++;
      if (slot === 1) continue;
      await submitReport(db, reporter(filed), saved.id);
      if (slot === 3 || slot === 8) continue;
      if (returnedOnce.has(p.code) || slot === 10) {
        const returned = await returnReport(db, coord(reviewed), saved.id, {
          reason: '本月完成投资与财务支付凭证不一致，请核实后重新报送',
        });
        if (slot === 10) continue;
        await saveReport(db, reporter(resubmitted), {
          projectId: ids.get(p.code)!,
          year,
          month,
          ...text,
          progressText: `${text.progressText}（已按财务凭证核实）`,
          version: returned.version,
        });
        await submitReport(db, reporter(resubmitted), saved.id);
      }
      await approveReport(db, coord(approved), saved.id);
    }
  }
  return n;
}

const addMonths = (iso: string, months: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};

/** Milestones whose actual date is not on time: the slips behind the seed's warnings. */
const SLIPS: Record<DemoProject['role'], { kind: string; actual: string | null } | undefined> = {
  slipping: { kind: 'completion', actual: '2023-07-20' },
  stalled: { kind: 'feasibility', actual: '2023-09-20' },
  overridden: { kind: 'start', actual: '2023-09-28' },
  green: undefined,
  lagging: undefined,
  behind: undefined,
};

async function loadMilestones(
  db: Db,
  ctx: Ctx,
  coordinator: (now: Date) => Ctx,
  ids: Map<string, number>,
  rand: () => number,
  endDate: string,
) {
  // Milestones reached after the seed's years draw from their own generator, so the seed's
  // dates are the same whatever day the demo is loaded.
  const laterRand = mulberry32(20250101);
  const seedEnd = monthEnd(SEED_END);
  for (const p of DEMO_PROJECTS) {
    const projectId = ids.get(p.code)!;
    const planned: Record<string, string> = {
      approval: addMonths(p.start, -24),
      feasibility: p.role === 'stalled' ? '2023-03-31' : addMonths(p.start, -18),
      budget: addMonths(p.start, -9),
      permit: addMonths(p.start, -1),
      start: p.start,
      completion: p.finish,
      in_use: addMonths(p.finish, 3),
    };
    const months = (Date.parse(p.finish) - Date.parse(p.start)) / (30 * 86_400_000);
    if (
      months > 12 &&
      !['市政道路', '市政管网', '电力设施', '公园绿地', '土地整备'].includes(p.category)
    ) {
      planned.topping_out = addDays(p.start, Math.round(months * 0.6 * 30));
    }
    for (const { kind } of STANDARD_MILESTONES) {
      const plannedDate = planned[kind];
      if (!plannedDate) continue;
      const slip = SLIPS[p.role];
      let actualDate: string | null = null;
      if (slip?.kind === kind) actualDate = slip.actual;
      else if (plannedDate <= seedEnd) actualDate = addDays(plannedDate, -Math.floor(rand() * 10));
      else if (plannedDate <= endDate) {
        actualDate = addDays(plannedDate, -Math.floor(laterRand() * 10));
      }
      const m = await addMilestone(db, ctx, { projectId, kind, plannedDate, actualDate });
      // A planned date moved with its reason: the slip of 科学家谷 in 2024.
      if (p.name === '科学家谷启动区' && kind === 'in_use') {
        await updateMilestone(db, coordinator(at('2024-05-20')), m.id, {
          plannedDate: addMonths(plannedDate, 6),
          reason: '国际招标定标后方案深化，投入使用时间顺延半年',
          version: m.version,
        });
      }
    }
  }
}

const QUARTER_NODES = [
  ['03-31', '一'],
  ['06-30', '二'],
  ['09-30', '三'],
  ['12-20', '四'],
] as const;

/**
 * The current year's quarterly progress nodes (季度形象进度节点) of every project with a plan:
 * reached when due by the last reported month, except one project in five whose latest due
 * node is still open (a late milestone now); the nodes after it are coming due.
 */
async function loadYearNodes(
  db: Db,
  ctx: Ctx,
  ids: Map<string, number>,
  plans: Map<string, Year>,
  endDate: string,
) {
  const year = ctx.now.getUTCFullYear();
  const rand = mulberry32(year);
  const live = DEMO_PROJECTS.filter((p) => plans.get(p.code));
  for (const [i, p] of live.entries()) {
    const due = QUARTER_NODES.map(([day]) => `${year}-${day}`).filter((d) => d <= endDate);
    for (const [day, q] of QUARTER_NODES) {
      const plannedDate = `${year}-${day}`;
      if (plannedDate > p.finish) break;
      const open = plannedDate > endDate || (i % 5 === 2 && plannedDate === due.at(-1));
      await addMilestone(db, ctx, {
        projectId: ids.get(p.code)!,
        kind: 'custom',
        name: `${year}年${q}季度形象进度节点`,
        plannedDate,
        actualDate: open ? null : addDays(plannedDate, -Math.floor(rand() * 10)),
      });
    }
  }
}

/** Brings each project's phase to where its milestones leave it at the demo's last month. */
async function settlePhases(db: Db, ctx: Ctx, ids: Map<string, number>, endDate: string) {
  for (const p of DEMO_PROJECTS) {
    const phase =
      addMonths(p.finish, 3) <= endDate
        ? 'in_use'
        : p.finish <= endDate
          ? 'completed'
          : p.start <= endDate && p.role !== 'stalled'
            ? 'construction'
            : 'preparation';
    if (phase === p.phase) continue;
    await updateProject(db, ctx, ids.get(p.code)!, { phase, version: 1 });
  }
}
