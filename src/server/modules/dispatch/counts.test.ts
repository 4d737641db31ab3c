import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctxOf, reporterCtx } from '../../../../test/factories.ts';
import { createTestApp } from '../../../../test/test-app.ts';
import { ensureUnit } from '../units/units.service.ts';
import { dispatchCounts } from './counts.service.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;

let t: TestApp;
let unitA: number;
let unitB: number;
const ids: Record<string, number> = {};

async function ok(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) {
  const res = await t.app.inject({ method, url, payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as Json;
}
const targets = Array.from({ length: 12 }, (_, i) => String(100 * (i + 1)));

async function report(code: string, month: number, to: 'draft' | 'submitted' | 'approved') {
  const r = await ok('POST', '/api/reports', {
    projectId: ids[code],
    year: 2026,
    month,
    investment: '100',
    version: 0,
  });
  if (to === 'draft') return;
  await ok('POST', `/api/reports/${r.id}/submit`, {});
  if (to === 'approved') await ok('POST', `/api/reports/${r.id}/approve`, {});
}

beforeAll(async () => {
  t = await createTestApp();
  const ctx = ctxOf(t.officeId, t.clock.now);
  unitA = (await ensureUnit(t.database.db, ctx, '甲单位')).unit.id;
  unitB = (await ensureUnit(t.database.db, ctx, '乙单位')).unit.id;
  // C-1 approved Oct; C-2 submitted Oct (waiting); C-3 draft Oct (owes it); C-4 nothing (owes it,
  // overridden to green: still counted); C-5 finished (owes nothing); C-6 no plan; C-7 archived
  const rows: [string, number, string[], string?][] = [
    ['C-1', unitA, ['六重']],
    ['C-2', unitA, ['六重']],
    ['C-3', unitA, []],
    ['C-4', unitB, ['六重']],
    ['C-5', unitB, [], 'completed'],
    ['C-6', unitB, []],
    ['C-7', unitB, []],
  ];
  for (const [code, ownerUnitId, tags, phase] of rows) {
    const p = await ok('POST', '/api/projects', {
      code,
      name: `计数${code}`,
      ownerUnitId,
      tags,
      ...(phase ? { phase } : {}),
    });
    ids[code] = p.id;
    if (code !== 'C-6') {
      await ok('PUT', `/api/projects/${code}/plans/2026`, {
        annualTarget: '1200',
        timingTargets: targets,
      });
    }
  }
  await report('C-1', 10, 'approved');
  await report('C-2', 10, 'submitted');
  await report('C-3', 10, 'draft');
  await report('C-1', 9, 'approved');
  await report('C-4', 9, 'submitted');
  await ok('POST', '/api/warnings/override', {
    projectId: ids['C-4'],
    year: 2026,
    month: 10,
    level: 'green',
    reason: '已书面说明，下月补报',
  });
  const c7 = await ok('GET', '/api/projects/C-7');
  await ok('POST', '/api/projects/C-7/archive', { archived: true, version: c7.version });
});
afterAll(() => t.close());

describe('GET /api/dispatch/counts', () => {
  it('counts the reports waiting for review and the projects owing the month, in SQL', async () => {
    const c = await ok('GET', '/api/dispatch/counts?through=2026-10');
    expect(c.through).toBe('2026-10');
    expect(c.reportsAwaitingReview).toBe(2);
    expect(c.notReported).toBe(2);
    expect(c.notReportedProjects.map((p: Json) => p.code)).toEqual(['C-3', 'C-4']);
    expect(c.notReportedProjects[1]).toEqual({
      projectId: ids['C-4'],
      code: 'C-4',
      name: '计数C-4',
      ownerUnit: '乙单位',
    });
  });

  it('takes the dispatch filters and another month', async () => {
    const tagged = await ok(
      'GET',
      `/api/dispatch/counts?through=2026-10&tag=${encodeURIComponent('六重')}`,
    );
    expect(tagged.notReported).toBe(1);
    expect(tagged.reportsAwaitingReview).toBe(2);
    const byUnit = await ok('GET', `/api/dispatch/counts?through=2026-10&unitId=${unitB}`);
    expect(byUnit).toMatchObject({ reportsAwaitingReview: 1, notReported: 1 });
    const sept = await ok('GET', '/api/dispatch/counts?through=2026-09');
    expect(sept.notReportedProjects.map((p: Json) => p.code)).toEqual(['C-2', 'C-3']);
  });

  it("keeps to a reporter's own unit", async () => {
    const a = await dispatchCounts(t.database.db, reporterCtx(t.officeId, unitA, t.clock.now), {
      period: { year: 2026, month: 10 },
    });
    expect(a).toMatchObject({ reportsAwaitingReview: 1, notReported: 1 });
    expect(a.notReportedProjects.map((p) => p.code)).toEqual(['C-3']);
    const b = await dispatchCounts(t.database.db, reporterCtx(t.officeId, unitB, t.clock.now), {
      period: { year: 2026, month: 10 },
    });
    expect(b.notReportedProjects.map((p) => p.code)).toEqual(['C-4']);
  });
});
