import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject, ctxOf } from '../../test/factories.ts';
import { createTestApp } from '../../test/test-app.ts';
import { periodStats } from '../server/modules/stats/stats.service.ts';
import { ensureUnit } from '../server/modules/units/units.service.ts';
import { getWorkPlan, listWorkPlans } from '../server/modules/work-plans/work-plans.service.ts';
import { CLOUD, DEMO_PROJECTS, UNITS } from './catalog.ts';
import { DEMO_WORK_PLAN, loadWorkPlansDemo } from './work-plans.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;

beforeAll(async () => {
  t = await createTestApp({ now: new Date('2024-12-31T02:00:00Z') });
  const ctx = ctxOf(t.officeId, t.clock.now);
  const unitIds = new Map<string, number>();
  for (const u of Object.values(UNITS))
    unitIds.set(u, (await ensureUnit(t.database.db, ctx, u)).unit.id);
  for (const p of DEMO_PROJECTS.filter((d) => d.area === CLOUD))
    await buildProject(t.database.db, ctx, { code: p.code, name: p.name });
  await loadWorkPlansDemo(t.database.db, t.officeId, unitIds);
});
afterAll(() => t.close());

describe('the demo’s Cloud Valley work plan', () => {
  it('six themes, 74 items, over several units, done, under way and overdue', async () => {
    const ctx = ctxOf(t.officeId, t.clock.now);
    const { plans } = await listWorkPlans(t.database.db, ctx);
    expect(plans).toHaveLength(1);
    const plan = await getWorkPlan(t.database.db, ctx, plans[0]!.id);
    expect([plan.areaName, plan.themes, plan.items]).toEqual([CLOUD, 6, 74]);
    expect(plan.byTheme.reduce((s, r) => s + r.items, 0)).toBe(74);
    expect(plan.byUnit.length).toBeGreaterThanOrEqual(8);
    const shown = new Set(plan.itemList.map((i) => i.shownStatus));
    for (const s of ['done', 'in_progress', 'not_started', 'delayed'] as const)
      expect(shown).toContain(s);
    // overdue in the demo's latest months, too
    expect(plan.itemList.some((i) => i.overdue && i.deadline >= '2024-10')).toBe(true);
    // a clerk does not see one sentence repeated down the list
    expect(new Set(plan.itemList.map((i) => i.content)).size).toBe(74);
    expect(plan.itemList.some((i) => i.projects.length > 0)).toBe(true);
    const s = await periodStats(t.database.db, ctx, { from: '2023-01-01', to: '2023-06-30' });
    expect(s.workPlans).toEqual([
      {
        name: DEMO_WORK_PLAN.name,
        area: CLOUD,
        themes: 6,
        items: 74,
        done: expect.any(Number),
      },
    ]);
    expect(s.workPlans[0]!.done).toBeGreaterThan(0);
  });
});
