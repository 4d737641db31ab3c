import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { systemActor } from '../offices/offices.service.ts';
import { seedForecastHistory } from './forecast.fixture.ts';
import { forecastBacktest, forecastYear } from './forecast.service.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;

let t: TestApp;
let ctx: Ctx;

async function call(url: string) {
  const res = await t.app.inject({ url });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as Json;
}

// The history and the year are seedForecastHistory's (forecast.fixture.ts): every figure below
// follows from its comment by hand.
beforeAll(async () => {
  t = await createTestApp({ now: new Date('2026-06-15T02:00:00Z') });
  ctx = { actor: systemActor(t.officeId), now: t.clock.now };
  await seedForecastHistory(t.database.db, ctx);
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/forecast', () => {
  it('forecasts each project and the total exactly from the finished years', async () => {
    const f = await call('/api/forecast?year=2026&through=2026-06');
    expect(f).toMatchObject({
      year: 2026,
      through: '2026-06',
      basis: 'history',
      historyYears: [2025],
      samples: 6,
      annualTarget: '3000.00',
      actual: '700.00',
      expected: '1900.00',
      // 1900 − √(½(116.13² + 133.33²) + ½(116.13 + 133.33)²), 1900 + the same of 189.47 and 200 (ρ = ½)
      low: '1683.79',
      high: '2237.33',
      gap: '1100.00',
    });
    expect(f.projects).toEqual([
      {
        code: 'C1',
        name: '项目C1',
        area: 'F甲片区',
        category: '道路',
        basis: 'category',
        method: 'share',
        annualTarget: '1000.00',
        actual: '300.00',
        expected: '600.00', // 300 ÷ 0.5
        low: '483.87', // 300 ÷ 0.62
        high: '789.47', // 300 ÷ 0.38
        gap: '400.00',
      },
      {
        code: 'C2',
        name: '项目C2',
        area: 'F乙片区',
        category: '医院',
        basis: 'office',
        method: 'share',
        annualTarget: '1500.00',
        actual: '400.00',
        expected: '800.00', // 400 ÷ 0.5
        low: '666.67', // 400 ÷ 0.6
        high: '1000.00', // 400 ÷ 0.4
        gap: '700.00',
      },
      {
        code: 'C3',
        name: '项目C3',
        area: 'F甲片区',
        category: '道路',
        basis: 'category',
        method: 'plan',
        annualTarget: '500.00',
        actual: '0.00',
        expected: '500.00', // 500 × 1.0
        low: '500.00',
        high: '500.00',
        gap: '0.00',
      },
    ]);
    // the continuation starts at the actual and ends at the forecast
    expect(f.series[0]).toEqual({ month: 6, expected: '700.00', low: '700.00', high: '700.00' });
    expect(f.series.at(-1)).toEqual({
      month: 12,
      expected: '1900.00',
      low: '1683.79',
      high: '2237.33',
    });
  });

  it('by area and tag, and under the dashboard’s filters', async () => {
    const f = await call('/api/forecast?through=2026-06');
    expect(f.byArea).toEqual([
      {
        area: 'F甲片区',
        projects: 2,
        annualTarget: '1500.00',
        actual: '300.00',
        expected: '1100.00',
        low: '983.87',
        high: '1289.47',
        gap: '400.00',
      },
      {
        area: 'F乙片区',
        projects: 1,
        annualTarget: '1500.00',
        actual: '400.00',
        expected: '800.00',
        low: '666.67',
        high: '1000.00',
        gap: '700.00',
      },
    ]);
    expect(f.byTag).toEqual([
      expect.objectContaining({ tag: '六重', projects: 2, expected: '1400.00' }),
    ]);
    const area = await call(`/api/forecast?through=2026-06&area=${encodeURIComponent('F甲片区')}`);
    expect(area).toMatchObject({ expected: '1100.00', low: '983.87', high: '1289.47' });
    expect(area.projects.map((p: Json) => p.code)).toEqual(['C1', 'C3']);
    const tag = await call(`/api/forecast?through=2026-06&tag=${encodeURIComponent('六重')}`);
    expect(tag.projects.map((p: Json) => p.code)).toEqual(['C1', 'C2']);
    // the filter narrows the projects, not the history: C2 keeps its office-wide shares
    expect(tag.projects[1]).toMatchObject({ code: 'C2', expected: '800.00' });
    const one = await call('/api/forecast?through=2026-06&project=C1');
    expect(one).toMatchObject({ expected: '600.00', low: '483.87', high: '789.47' });
  });

  it('says there is no history rather than invent one', async () => {
    // 2025 is the only finished year and cannot be its own history
    const f = await call('/api/forecast?through=2025-06');
    expect(f).toMatchObject({
      basis: 'none',
      historyYears: [],
      samples: 0,
      actual: '3000.00',
      expected: null,
      low: null,
      high: null,
      gap: null,
      series: [],
    });
    expect(f.projects.every((p: Json) => p.method === 'none' && p.expected === null)).toBe(true);
  });

  it('refuses a year that is not the month’s, and is described in the OpenAPI document', async () => {
    const bad = await t.app.inject({ url: '/api/forecast?year=2025&through=2026-06' });
    expect(bad.statusCode).toBe(400);
    const missing = await t.app.inject({ url: '/api/forecast' });
    expect(missing.statusCode).toBe(400);
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json() as Json;
    const op = doc.paths['/api/forecast'].get;
    const schema = op.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['expected', 'low', 'high', 'gap', 'projects', 'series']),
    );
    expect(op.parameters.map((p: Json) => p.name)).toEqual(
      expect.arrayContaining(['through', 'year', 'area', 'tag', 'project']),
    );
  });
});

describe('forecastBacktest', () => {
  it('forecasts each finished year from the others only; alone, a year has nothing to go on', async () => {
    const b = await forecastBacktest(t.database.db, ctx, [6]);
    expect(b.rows).toEqual([
      expect.objectContaining({
        year: 2025,
        month: 6,
        historyYears: [],
        expectedTotal: null,
        totalApe: null,
      }),
    ]);
    expect(b.summary).toEqual([
      { month: 6, totalMape: null, medianProjectMape: null, inBand: 0, years: 1 },
    ]);
    // given 2025 as history of itself the June forecast is exact for every road: APE 0
    const self = await forecastYear(t.database.db, ctx, {
      period: { year: 2025, month: 6 },
      historyYears: [2025],
    });
    expect(self.projects.find((p) => p.code === 'H3')).toMatchObject({
      expected: '1000.00',
      actual: '500.00',
    });
  });
});
