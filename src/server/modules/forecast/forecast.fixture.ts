import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { setPlan } from '../plans/plans.service.ts';
import { createProject, ensureArea, ensureCategory } from '../projects/projects.service.ts';
import { recordApprovedReports } from '../reports/reports.service.ts';

const flat = (total: number) =>
  Array.from({ length: 12 }, (_, i) => String((total * (i + 1)) / 12));

/**
 * A history anyone can check by hand, for the service and CLI tests (ctx.now in 2026, so 2025
 * is a finished year). 2025: five roads (道路) of 1000 each, done by June at 300, 400, 500, 600,
 * 700 and 1000 by December, so their usual June share is the median 0.5, the band's ends 0.38
 * (20th percentile) and 0.62 (80th), and a road plan usually ends at 1.0 of its target; one
 * hospital (医院), too few to stand alone, 500 of 1000 by June on a plan of 2000. The
 * office-wide June shares are then 0.3 0.4 0.5 0.5 0.6 0.7: median 0.5, 20th 0.4, 80th 0.6.
 * 2026 through June: C1 a road (F甲片区, 六重) with 300 done, C2 a hospital (F乙片区, 六重) with
 * 400 done, C3 a road (F甲片区) with a plan of 500 and nothing done; the 2025 projects have no
 * 2026 plan and are not forecast.
 */
export async function seedForecastHistory(db: Db, ctx: Ctx): Promise<void> {
  const road = (await ensureCategory(db, ctx, '道路')).row.id;
  const hospital = (await ensureCategory(db, ctx, '医院')).row.id;
  const a = (await ensureArea(db, ctx, 'F甲片区')).row.id;
  const b = (await ensureArea(db, ctx, 'F乙片区')).row.id;
  const ids: Record<string, number> = {};
  const project = async (
    code: string,
    categoryId: number,
    areaId: number,
    tags: string[],
    year: number,
    annual: number,
  ) => {
    ids[code] = (
      await createProject(db, ctx, { code, name: `项目${code}`, categoryId, areaId, tags })
    ).id;
    await setPlan(db, ctx, {
      projectId: ids[code],
      year,
      annualTarget: String(annual),
      timingTargets: flat(annual),
    });
  };
  const reports: Parameters<typeof recordApprovedReports>[2] = [];
  for (const [i, done] of [300, 400, 500, 600, 700].entries()) {
    const code = `H${i + 1}`;
    await project(code, road, a, [], 2025, 1000);
    reports.push(
      { projectId: ids[code], year: 2025, month: 6, investment: String(done) },
      { projectId: ids[code], year: 2025, month: 12, investment: String(1000 - done) },
    );
  }
  await project('H6', hospital, b, [], 2025, 2000);
  reports.push(
    { projectId: ids.H6, year: 2025, month: 6, investment: '500' },
    { projectId: ids.H6, year: 2025, month: 12, investment: '500' },
  );
  await project('C1', road, a, ['六重'], 2026, 1000);
  await project('C2', hospital, b, ['六重'], 2026, 1500);
  await project('C3', road, a, [], 2026, 500);
  reports.push(
    { projectId: ids.C1, year: 2026, month: 2, investment: '100' },
    { projectId: ids.C1, year: 2026, month: 6, investment: '200' },
    { projectId: ids.C2, year: 2026, month: 5, investment: '400' },
  );
  await db.transaction((tx) => recordApprovedReports(tx as unknown as Db, ctx, reports));
}
