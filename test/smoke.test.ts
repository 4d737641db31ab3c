import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../src/server/db.ts';
import { createTestApp } from './test-app.ts';
import { testDbKind } from './test-db.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

it('serves health and a project round trip', async () => {
  expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  const area = await t.app.inject({
    method: 'POST',
    url: '/api/areas',
    payload: { name: '光明科学城核心片区' },
  });
  expect(area.statusCode).toBe(201);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/projects',
    payload: {
      code: 'P1',
      name: '测试项目',
      areaId: area.json().id,
      tags: ['六重'],
      totalInvestment: '1,000.5',
    },
  });
  expect(res.json()).toMatchObject({
    code: 'P1',
    totalInvestment: '1000.50',
    areaName: '光明科学城核心片区',
  });
  const plan = await t.app.inject({
    method: 'PUT',
    url: '/api/projects/P1/plans/2026',
    payload: {
      annualTarget: '1200',
      timingTargets: [
        '100',
        '200',
        '300',
        '400',
        '500',
        '600',
        '700',
        '800',
        '900',
        '1000',
        '1100',
        '1200',
      ],
    },
  });
  expect(plan.statusCode, plan.body).toBe(200);
  const rep = await t.app.inject({
    method: 'POST',
    url: '/api/reports',
    payload: { projectId: res.json().id, year: 2026, month: 1, investment: '120', version: 0 },
  });
  expect(rep.statusCode, rep.body).toBe(200);
  const id = rep.json().id;
  expect(
    (await t.app.inject({ method: 'POST', url: `/api/reports/${id}/submit`, payload: {} }))
      .statusCode,
  ).toBe(200);
  expect(
    (await t.app.inject({ method: 'POST', url: `/api/reports/${id}/approve`, payload: {} }))
      .statusCode,
  ).toBe(200);
  const d = await t.app.inject({ url: '/api/dispatch?through=2026-01' });
  expect(d.statusCode, d.body).toBe(200);
  expect(d.json()).toMatchObject({
    actual: '120.00',
    timingTarget: '100.00',
    warnings: { green: 1 },
  });
  const docs = await t.app.inject({ url: '/api/docs/json' });
  expect(docs.statusCode, docs.body.slice(0, 500)).toBe(200);
});

it('is ready only while the database answers with every migration applied', async () => {
  const ready = await t.app.inject({ url: '/readyz' });
  expect(ready.statusCode).toBe(200);
  expect(ready.json()).toEqual({ ready: true, database: 'ok', migrations: 'current' });
  // the newest migration not applied: a new version started against an old database
  const db = t.database.db;
  await db.execute(
    sql`delete from public.__drizzle_migrations where created_at = (select max(created_at) from public.__drizzle_migrations)`,
  );
  const pending = await t.app.inject({ url: '/readyz' });
  expect(pending.statusCode).toBe(503);
  expect(pending.json()).toEqual({ ready: false, database: 'ok', migrations: 'pending' });
  // the process itself still answers
  expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
});

it.runIf(testDbKind === 'postgres')(
  'runs its PostgreSQL connections without JIT compilation (db.ts)',
  async () => {
    const rows = await queryRows<{ jit: string }>(t.database.db, sql`show jit`);
    expect(rows[0]?.jit).toBe('off');
  },
);
