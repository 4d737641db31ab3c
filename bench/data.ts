/**
 * A city-scale office for the benchmark, written through the import's bulk path (writeImport,
 * the code behind `tiaodu import`), so every roll-up is kept by the real code in the same
 * transaction as the rows it sums. Projects are numbered; `generateOffice(db, ctx, 1000, 10000)`
 * adds projects 1,000–9,999 to an office that already holds the first 1,000.
 */
import { STANDARD_MILESTONES } from '../src/domain/milestones.ts';
import type { Ctx } from '../src/server/context.ts';
import type { Db } from '../src/server/db.ts';
import { writeImport } from '../src/server/modules/imports/import-writes.ts';
import type { ImportPlan } from '../src/server/modules/imports/imports.service.ts';

export const YEARS = [2021, 2022, 2023, 2024, 2025];
export const AREAS = Array.from({ length: 8 }, (_, a) => `片区${a + 1}`);
export const UNITS = Array.from({ length: 20 }, (_, u) => `建设单位${u + 1}`);
export const CATEGORIES = ['房建', '市政道路', '轨道交通', '水务', '产业园区'];
/** the month the figures are read through, and "today" for the lateness of milestones */
export const PERIOD = { year: 2025, month: 9 };
export const THROUGH = '2025-09';
export const NOW = new Date('2026-01-15T02:00:00Z');
/** one project in 11 has not reported the period's month */
const MISSES_PERIOD = (k: number) => k % 11 === 0;

const CHUNK = 500;

export const projectCode = (k: number) => `B${String(k).padStart(6, '0')}`;
const tagsOf = (k: number) =>
  k % 3 === 0 ? ['六重'] : k % 3 === 1 ? ['区投'] : ['六重', '市投市建'];
const addMonths = (iso: string, n: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
};
const addDays = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function planFor(from: number, to: number, first: boolean): ImportPlan {
  const plan: ImportPlan = {
    newNames: first
      ? { units: UNITS, areas: AREAS, categories: CATEGORIES }
      : { units: [], areas: [], categories: [] },
    projects: [],
    plans: [],
    reports: [],
    milestones: [],
    reportsApproved: true,
  };
  for (let k = from; k < to; k++) {
    const code = projectCode(k);
    const start = `${2019 + (k % 4)}-${String(1 + (k % 12)).padStart(2, '0')}-01`;
    plan.projects.push({
      code,
      id: null,
      fields: {
        name: `基准项目${k}`,
        area: AREAS[k % AREAS.length]!,
        category: CATEGORIES[k % CATEGORIES.length]!,
        ownerUnit: UNITS[k % UNITS.length]!,
        tags: tagsOf(k),
        phase: k % 17 === 0 ? 'completed' : 'construction',
        totalInvestment: String(60_000 + (k % 97) * 500),
        plannedStart: start,
        plannedFinish: addMonths(start, 60),
        remarks: null,
      },
    });
    for (const year of YEARS) {
      const annual = 1000 + (k % 97) * 10 + (year - 2021) * 50;
      plan.plans.push({
        projectCode: code,
        year,
        annualTarget: annual.toFixed(2),
        timingTargets: Array.from({ length: 12 }, (_, m) => ((annual * (m + 1)) / 12).toFixed(2)),
        existing: null,
      });
      // 60 % to 120 % of the plan's pace: green, yellow and red projects in every area.
      const monthly = (annual / 12) * (0.6 + (k % 7) * 0.1);
      for (let month = 1; month <= 12; month++) {
        if (year === PERIOD.year && month === PERIOD.month && MISSES_PERIOD(k)) continue;
        plan.reports.push({
          projectCode: code,
          year,
          month,
          investment: monthly.toFixed(2),
          progressPercent: null,
          progressText: '按计划推进',
          problems: null,
          nextPlan: null,
          existing: null,
        });
      }
    }
    // 8 standard milestones every 6 months from the start; done 10 days late, except every
    // fourth project's after 2024, which are still open (so late ones, yellow and red). The
    // projects starting in 2022 (k % 4 === 3) are the ones with milestones due in 2024–2025.
    STANDARD_MILESTONES.forEach((s, i) => {
      const planned = addMonths(start, i * 6);
      const open = k % 4 === 3 && planned >= '2024-01-01';
      plan.milestones.push({
        projectCode: code,
        name: s.zh,
        plannedDate: planned,
        actualDate: open || planned > '2025-12-31' ? null : addDays(planned, 10),
        existing: null,
      });
    });
  }
  return plan;
}

/** Adds projects `from`..`to`-1 with 5 years of plans, 60 months of reports and 8 milestones. */
export async function generateOffice(
  db: Db,
  ctx: Ctx,
  from: number,
  to: number,
  onChunk?: (done: number) => void,
): Promise<void> {
  for (let k = from; k < to; k += CHUNK) {
    const plan = planFor(k, Math.min(to, k + CHUNK), k === 0);
    await db.transaction((tx) => writeImport(tx as unknown as Db, ctx, plan, new Map(), () => {}));
    onChunk?.(Math.min(to, k + CHUNK));
  }
}
