import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { queryRows } from '../../db.ts';
import { seedForecastHistory } from '../forecast/forecast.fixture.ts';
import { addMilestone } from '../milestones/milestones.service.ts';
import { systemActor } from '../offices/offices.service.ts';
import { createScenario, listScenarios, scenarioResult } from './scenarios.service.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;

let t: TestApp;
let ctx: Ctx;
let milestoneId: number;

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const res = await t.app.inject({ method, url, payload: payload as Json });
  return { status: res.statusCode, body: res.json() as Json };
}

/** Every real figure a scenario could be mistaken to write: plans, reports, milestones, roll-ups. */
async function realFigures() {
  const db = t.database.db;
  const rows = async (table: string) => queryRows(db, sql.raw(`select * from ${table} order by 1`));
  return {
    plans: await rows('investment_plans'),
    reports: await rows('monthly_reports'),
    milestones: await rows('milestones'),
    rollups: await rows('project_year_rollups'),
  };
}

// seedForecastHistory (forecast.fixture.ts), at 2026-06-15 through June: C1 a road, 1000 planned,
// 300 done (100 in February, 200 in June), expected 600; C2 a hospital, 1500 planned, 400 done
// in May, expected 800; C3 a road, 500 planned, nothing done, expected 500 (the plan). Total
// 3000 planned, 1900 expected, gap 1100.
beforeAll(async () => {
  t = await createTestApp({ now: new Date('2026-06-15T02:00:00Z') });
  ctx = { actor: systemActor(t.officeId), now: t.clock.now };
  await seedForecastHistory(t.database.db, ctx);
  const [c1] = await queryRows<{ id: number }>(
    t.database.db,
    sql`select id from projects where code = 'C1'`,
  );
  // 106 days late at 2026-06-15: red
  milestoneId = (
    await addMilestone(t.database.db, ctx, {
      projectId: c1.id,
      kind: 'custom',
      name: '路基完成',
      plannedDate: '2026-03-01',
    })
  ).id;
});
afterAll(async () => {
  await t?.close();
});

describe('what-if scenarios', () => {
  it('previews the baseline and a scenario’s year-end figures exactly', async () => {
    const { status, body } = await call('POST', '/api/scenarios/preview', {
      through: '2026-06',
      changes: { projects: [{ code: 'C1', extraPerMonth: '50' }] },
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.baseline).toMatchObject({
      annualTarget: '3000.00',
      expected: '1900.00',
      rate: '63.3',
      gap: '1100.00',
    });
    // C1: 600 + 50 × 6 months (July–December) = 900
    expect(body.scenario).toMatchObject({
      annualTarget: '3000.00',
      expected: '2200.00',
      rate: '73.3',
      gap: '800.00',
    });
    // C1 at 90% of its plan is still yellow at best; it stays red only through its late milestone
    expect(body.changed).toEqual([
      {
        code: 'C1',
        name: '项目C1',
        dropped: false,
        baseExpected: '600.00',
        expected: '900.00',
        baseLevel: 'red',
        level: 'red',
      },
    ]);
  });

  it('closing the plan and moving the milestone turns the project green', async () => {
    const { body } = await call('POST', '/api/scenarios/preview', {
      through: '2026-06',
      changes: {
        projects: [{ code: 'C1', shareOfRemainingPlan: 100 }],
        milestones: [{ milestoneId, plannedDate: '2026-07-01' }],
      },
    });
    expect(body.scenario.expected).toBe('2300.00');
    expect(body.changed[0]).toMatchObject({ code: 'C1', expected: '1000.00', level: 'green' });
    const b = body.baseline.counts;
    const s = body.scenario.counts;
    expect(s).toEqual({ green: b.green + 1, yellow: b.yellow, red: b.red - 1 });
  });

  it('a dropped project leaves the totals', async () => {
    const { body } = await call('POST', '/api/scenarios/preview', {
      through: '2026-06',
      changes: { projects: [{ code: 'C2', dropped: true }] },
    });
    expect(body.scenario).toMatchObject({
      annualTarget: '1500.00',
      expected: '1100.00',
      rate: '73.3',
      gap: '400.00',
    });
    const n = (c: Json) => c.green + c.yellow + c.red;
    expect(n(body.scenario.counts)).toBe(n(body.baseline.counts) - 1);
  });

  it('refuses a project or milestone the year does not plan', async () => {
    const unknown = await call('POST', '/api/scenarios/preview', {
      through: '2026-06',
      changes: { projects: [{ code: 'H1', extraPerMonth: '1' }] },
    });
    expect(unknown.status).toBe(400);
    const ms = await call('POST', '/api/scenarios/preview', {
      through: '2026-06',
      changes: { milestones: [{ milestoneId: 999999, plannedDate: '2026-07-01' }] },
    });
    expect(ms.status).toBe(400);
  });

  it('suggests the projects whose pace could close the gap, with the reason', async () => {
    const { status, body } = await call('GET', '/api/scenarios/suggestions?through=2026-06');
    expect(status).toBe(200);
    // C2: (400 − 0) ÷ 3 a month × 6 × ½ = 400 of 700 remaining; C1: (300 − 100) ÷ 3 × 6 × ½ = 200
    // of 400; C3 has done nothing lately
    expect(body.gap).toBe('1100.00');
    expect(body.suggestions.map((s: Json) => [s.code, s.closable])).toEqual([
      ['C2', '400.00'],
      ['C1', '200.00'],
    ]);
    expect(body.suggestions[0].zh).toBe(
      '剩余计划700.00万元，近3个月月均完成133.33万元，按此节奏加快一半可补400.00万元',
    );
  });

  it('saves, updates with a version, compares and deletes, never touching the real figures', async () => {
    const before = await realFigures();
    const created = await call('POST', '/api/scenarios', {
      name: '加快C1',
      through: '2026-06',
      changes: {
        projects: [
          { code: 'C1', extraPerMonth: '50' },
          { code: 'C3', dropped: true },
        ],
        milestones: [{ milestoneId, plannedDate: '2026-12-31' }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({ year: 2026, through: '2026-06', version: 1 });

    const result = await call('GET', `/api/scenarios/${id}/result`);
    expect(result.body).toMatchObject({
      scenarioId: id,
      name: '加快C1',
      baseline: { expected: '1900.00' },
      // C1 900 + C2 800, C3 out
      scenario: { annualTarget: '2500.00', expected: '1700.00', gap: '800.00', rate: '68.0' },
    });

    const renamed = await call('PATCH', `/api/scenarios/${id}`, {
      name: '加快C1（二）',
      version: 1,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.version).toBe(2);
    const stale = await call('PATCH', `/api/scenarios/${id}`, { name: '旧', version: 1 });
    expect(stale.status).toBe(409);

    await createScenario(t.database.db, ctx, {
      name: '放弃C2',
      through: '2026-06',
      changes: { projects: [{ code: 'C2', dropped: true }], milestones: [] },
    });
    const list = await listScenarios(t.database.db, ctx, 2026);
    expect(list.map((s) => s.name).sort()).toEqual(['加快C1（二）', '放弃C2']);
    for (const s of list) await scenarioResult(t.database.db, ctx, s.id);
    const preview = await call('POST', '/api/scenarios/preview', {
      through: '2026-06',
      changes: { projects: [{ code: 'C2', shareOfRemainingPlan: 50 }] },
    });
    expect(preview.status).toBe(200);

    expect(await realFigures()).toEqual(before);
    // and the forecast reads as before
    const forecast = await t.app.inject({ url: '/api/forecast?through=2026-06' });
    expect(forecast.json().expected).toBe('1900.00');

    expect((await call('DELETE', `/api/scenarios/${id}`)).status).toBe(200);
    expect((await call('GET', `/api/scenarios/${id}/result`)).status).toBe(404);
    expect(await realFigures()).toEqual(before);
  });
});
