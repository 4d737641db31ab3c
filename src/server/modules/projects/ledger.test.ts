import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctxOf, reporterCtx } from '../../../../test/factories.ts';
import { createTestApp } from '../../../../test/test-app.ts';
import { ensureUnit } from '../units/units.service.ts';
import { listLedger, listProjectTags, projectStanding } from './ledger.service.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;

let t: TestApp;
let unitA: number;
let unitB: number;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const res = await t.app.inject({ method, url, payload });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json, raw: res.body };
}
const ok = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
  const res = await call(method, url, payload);
  expect(res.status, res.raw).toBeLessThan(300);
  return res.body;
};
const targets = Array.from({ length: 12 }, (_, i) => String(100 * (i + 1)));

beforeAll(async () => {
  t = await createTestApp();
  const ctx = ctxOf(t.officeId, t.clock.now);
  unitA = (await ensureUnit(t.database.db, ctx, '甲单位')).unit.id;
  unitB = (await ensureUnit(t.database.db, ctx, '乙单位')).unit.id;
  // L-1: planned, reported below target (red); L-2: planned, not reported (yellow);
  // L-3: no plan (green); L-4: archived
  for (const [code, ownerUnitId, tags] of [
    ['L-1', unitA, ['六重', '民生']],
    ['L-2', unitA, ['六重']],
    ['L-3', unitB, ['基础设施']],
    ['L-4', unitB, ['已归档标签']],
  ] as const) {
    await ok('POST', '/api/projects', { code, name: `台账${code}`, ownerUnitId, tags });
  }
  for (const code of ['L-1', 'L-2']) {
    await ok('PUT', `/api/projects/${code}/plans/2026`, {
      annualTarget: '1200',
      timingTargets: targets,
    });
  }
  const l1 = (await ok('GET', '/api/projects/L-1')).id;
  const r = await ok('POST', '/api/reports', {
    projectId: l1,
    year: 2026,
    month: 10,
    investment: '500',
    version: 0,
  });
  await ok('POST', `/api/reports/${r.id}/submit`, {});
  await ok('POST', `/api/reports/${r.id}/approve`, {});
  const l4 = await ok('GET', '/api/projects/L-4');
  await ok('POST', '/api/projects/L-4/archive', { archived: true, version: l4.version });
});
afterAll(() => t.close());

describe('GET /api/projects/:code/standing', () => {
  it('says the level the warnings list says, for this project alone', async () => {
    const warnings: Json[] = await ok('GET', '/api/warnings?month=2026-10');
    for (const code of ['L-1', 'L-2', 'L-3']) {
      const s = await ok('GET', `/api/projects/${code}/standing?month=2026-10`);
      const w = warnings.find((x) => x.code === code);
      expect(s.month).toBe('2026-10');
      expect(s.standing.level).toBe(w.level);
      expect(s.standing.computedLevel).toBe(w.computedLevel);
      expect(s.standing.reasons).toEqual(w.reasons);
      expect(s.standing.override).toBeNull();
    }
    expect((await ok('GET', '/api/projects/L-1/standing?month=2026-10')).standing.level).toBe(
      'red',
    );
  });

  it('carries a coordinator override with its reason', async () => {
    const l2 = (await ok('GET', '/api/projects/L-2')).id;
    await ok('POST', '/api/warnings/override', {
      projectId: l2,
      year: 2026,
      month: 9,
      level: 'green',
      reason: '已电话确认，补报中',
    });
    const s = await ok('GET', '/api/projects/L-2/standing?month=2026-09');
    expect(s.standing.level).toBe('green');
    expect(s.standing.computedLevel).toBe('red');
    expect(s.standing.override).toEqual({ level: 'green', reason: '已电话确认，补报中' });
  });

  it('answers null for an archived project, the default month without one, 404 elsewhere', async () => {
    expect((await ok('GET', '/api/projects/L-4/standing?month=2026-10')).standing).toBeNull();
    const s = await ok('GET', '/api/projects/L-1/standing');
    expect(s.month).toBe('2026-10');
    expect((await call('GET', '/api/projects/NOPE/standing')).status).toBe(404);
    const reporterA = reporterCtx(t.officeId, unitA, t.clock.now);
    await expect(projectStanding(t.database.db, reporterA, 'L-3', '2026-10')).rejects.toMatchObject(
      { code: 'project.not_found' },
    );
    expect(
      (await projectStanding(t.database.db, reporterA, 'L-1', '2026-10')).standing?.level,
    ).toBe('red');
  });
});

describe('GET /api/projects with a month', () => {
  it('gives each listed row its standing and figures, ISO timestamps, archived rows null', async () => {
    const page = await ok('GET', '/api/projects?month=2026-10&archived=include');
    const byCode = new Map<string, Json>(page.items.map((p: Json) => [p.code, p]));
    expect(byCode.get('L-1').standing).toMatchObject({ level: 'red', computedLevel: 'red' });
    expect(byCode.get('L-1').figures).toMatchObject({ actualCumulative: '500.00', rate: '50.0' });
    expect(byCode.get('L-2').standing.level).toBe('red');
    expect(byCode.get('L-2').standing.reasons.map((r: Json) => r.rule)).toContain('reporting');
    expect(byCode.get('L-3').standing.level).toBe('green');
    expect(byCode.get('L-4').standing).toBeNull();
    expect(byCode.get('L-1').createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byCode.get('L-4').archivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byCode.get('L-1').areaName).toBeNull();
    expect(byCode.get('L-1').ownerUnitName).toBe('甲单位');
  });

  it('evaluates only the page it lists, and nothing without a month', async () => {
    const page = await ok('GET', '/api/projects?month=2026-10&pageSize=1&page=2');
    expect(page.total).toBe(3);
    expect(page.items.map((p: Json) => p.code)).toEqual(['L-2']);
    expect(page.items[0].standing.level).toBe('red');
    const bare = await ok('GET', '/api/projects');
    expect(bare.items[0].standing).toBeUndefined();
    const reporterB = reporterCtx(t.officeId, unitB, t.clock.now);
    const theirs = await listLedger(t.database.db, reporterB, { month: '2026-10' });
    expect(theirs.items.map((p) => [p.code, p.standing?.level])).toEqual([['L-3', 'green']]);
  });
});

describe('GET /api/projects/tags', () => {
  it("lists each tag of the caller's non-archived projects once, sorted", async () => {
    const tags: string[] = await ok('GET', '/api/projects/tags');
    expect(tags).toEqual([...new Set(['六重', '民生', '基础设施'])].sort());
    expect(tags).not.toContain('已归档标签');
    const reporterB = reporterCtx(t.officeId, unitB, t.clock.now);
    expect(await listProjectTags(t.database.db, reporterB)).toEqual(['基础设施']);
  });
});
