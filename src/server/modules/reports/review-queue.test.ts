import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctxOf, reporterCtx } from '../../../../test/factories.ts';
import { createTestApp } from '../../../../test/test-app.ts';
import { ensureUnit } from '../units/units.service.ts';
import { reviewQueue } from './review-queue.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;

let t: TestApp;
let unitA: number;
const ids: Record<string, number> = {};

async function ok(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const res = await t.app.inject({ method, url, payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as Json;
}
async function report(
  code: string,
  year: number,
  month: number,
  investment: string,
  to: 'submitted' | 'approved',
  progressPercent?: number,
) {
  const r = await ok('POST', '/api/reports', {
    projectId: ids[code],
    year,
    month,
    investment,
    progressPercent,
    version: 0,
  });
  await ok('POST', `/api/reports/${r.id}/submit`, {});
  if (to === 'approved') await ok('POST', `/api/reports/${r.id}/approve`, {});
}

beforeAll(async () => {
  t = await createTestApp();
  unitA = (await ensureUnit(t.database.db, ctxOf(t.officeId, t.clock.now), '甲单位')).unit.id;
  for (const code of ['R-1', 'R-2', 'R-3']) {
    ids[code] = (
      await ok('POST', '/api/projects', {
        code,
        name: `审核${code}`,
        ownerUnitId: code === 'R-1' ? unitA : null,
      })
    ).id;
  }
  // a plan of 100 a month (1200 a year)
  await ok('PUT', '/api/projects/R-1/plans/2026', {
    annualTarget: '1200',
    timingTargets: Array.from({ length: 12 }, (_, i) => String(100 * (i + 1))),
  });
  await report('R-1', 2026, 9, '200', 'approved', 40);
  await report('R-1', 2026, 10, '250', 'submitted', 35); // 2.5× the month, progress backwards
  await report('R-2', 2025, 12, '80', 'approved');
  await report('R-2', 2026, 1, '0', 'submitted'); // no plan, zero, last month across the year
  await report('R-3', 2026, 10, '5000', 'submitted');
});
afterAll(() => t.close());

describe('GET /api/reports/review-queue', () => {
  it('gives each waiting report its last month, change, plan share and hints', async () => {
    const q = await ok('GET', '/api/reports/review-queue');
    expect(q.total).toBe(3);
    expect(q.items.map((r: Json) => r.projectCode)).toEqual(['R-1', 'R-3', 'R-2']);
    const [r1, r3, r2] = q.items;
    expect(r1).toMatchObject({
      investment: '250.00',
      last: { investment: '200.00', progressPercent: '40.00', status: 'approved' },
      changePercent: '+25.0',
      monthPlan: '100.00',
      hints: [
        { key: 'farAbove', ratio: '2.5', level: 'yellow' },
        { key: 'backwards', last: '40.00', level: 'red' },
      ],
    });
    expect(r1.submittedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(r3).toMatchObject({ last: null, changePercent: null, monthPlan: null });
    expect(r3.hints).toEqual([{ key: 'noPlan', level: 'yellow' }]);
    expect(r2).toMatchObject({ last: { investment: '80.00' }, changePercent: '-100.0' });
    expect(r2.hints.map((h: Json) => h.key)).toEqual(['noPlan', 'zero']);
  });

  it('pages on the server and keeps to the caller', async () => {
    const p2 = await ok('GET', '/api/reports/review-queue?page=2&pageSize=2');
    expect(p2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(p2.items.map((r: Json) => r.projectCode)).toEqual(['R-2']);
    const mine = await reviewQueue(t.database.db, reporterCtx(t.officeId, unitA, t.clock.now));
    expect(mine.total).toBe(1);
    expect(mine.items.map((r) => r.projectCode)).toEqual(['R-1']);
  });
});
