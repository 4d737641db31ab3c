import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/test-app.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const res = await t.app.inject({ method, url, payload });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json, raw: res.body };
}

describe("a month's form reference (issue 15: a new month shows the last report and the plan)", () => {
  it('names the last handed-in report, even a year back, and the month plan from the server', async () => {
    const project = await call('POST', '/api/projects', { code: 'REF-1', name: '参考项目' });
    expect(project.status, project.raw).toBe(201);
    const projectId = project.body.id;
    const targets = [
      '100',
      '250',
      '400',
      '550',
      '700',
      '850',
      '1000',
      '1150',
      '1300',
      '1450',
      '1600',
      '1800',
    ];
    const plan = await call('PUT', '/api/projects/REF-1/plans/2026', {
      annualTarget: '1800',
      timingTargets: targets,
    });
    expect(plan.status, plan.raw).toBe(200);
    // 2025-12 handed in and approved; 2026-01 approved; 2026-02 only a draft (not a reference).
    for (const [year, month, investment, approve] of [
      [2025, 12, '80', true],
      [2026, 1, '90.5', true],
      [2026, 2, '120', false],
    ] as const) {
      const draft = await call('POST', '/api/reports', {
        projectId,
        year,
        month,
        investment,
        progressPercent: '12.5',
        version: 0,
      });
      expect(draft.status, draft.raw).toBe(200);
      if (!approve) continue;
      expect((await call('POST', `/api/reports/${draft.body.id}/submit`, {})).status).toBe(200);
      expect((await call('POST', `/api/reports/${draft.body.id}/approve`, {})).status).toBe(200);
    }
    const march = await call('GET', `/api/reports/reference?projectId=${projectId}&month=2026-03`);
    expect(march.status, march.raw).toBe(200);
    expect(march.body).toEqual({
      year: 2026,
      month: 3,
      lastReport: {
        year: 2026,
        month: 1,
        investment: '90.50',
        progressPercent: '12.50',
        status: 'approved',
      },
      plan: { annualTarget: '1800.00', monthTarget: '150.00', cumulativeTarget: '400.00' },
      actualBefore: '90.50',
    });
    // January's form: the last report is December of the year before; the plan is January's.
    const january = await call(
      'GET',
      `/api/reports/reference?projectId=${projectId}&month=2026-01`,
    );
    expect(january.body.lastReport).toMatchObject({ year: 2025, month: 12, investment: '80.00' });
    expect(january.body.plan).toMatchObject({ monthTarget: '100.00' });
    expect(january.body.actualBefore).toBe('0.00');
    // A year without a plan: no plan, said as null.
    const later = await call('GET', `/api/reports/reference?projectId=${projectId}&month=2027-05`);
    expect(later.body.plan).toBeNull();
    expect(
      (await call('GET', `/api/reports/reference?projectId=${projectId}&month=2026-13`)).status,
    ).toBe(400);
    expect(
      (await call('GET', '/api/reports/reference?projectId=999999&month=2026-03')).status,
    ).toBe(404);
  });
});
