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

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) {
  const res = await t.app.inject({ method, url, payload });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json, raw: res.body };
}

async function createProject(code: string, tags: string[] = []) {
  const res = await call('POST', '/api/projects', { code, name: `项目${code}`, tags });
  expect(res.status, res.raw).toBe(201);
  return res.body;
}

/** Cumulative timing targets step, 2·step … 12·step as plain strings. */
const linear = (step: number) => Array.from({ length: 12 }, (_, i) => String(step * (i + 1)));
const fixed2 = (values: string[]) => values.map((v) => `${v}.00`);

describe('setting a year plan', () => {
  it('creates revision 1 with the initial plan equal to the current one', async () => {
    await createProject('PL-1');
    const res = await call('PUT', '/api/projects/PL-1/plans/2026', {
      annualTarget: '1200',
      timingTargets: linear(100),
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({
      year: 2026,
      annualTarget: '1200.00',
      timingTargets: fixed2(linear(100)),
      initialAnnualTarget: '1200.00',
      initialTimingTargets: fixed2(linear(100)),
      revision: 1,
      version: 1,
    });
    expect(res.body.revisions).toHaveLength(1);
    expect(res.body.revisions[0]).toMatchObject({
      revision: 1,
      annualTarget: '1200.00',
      timingTargets: fixed2(linear(100)),
      effectiveDate: '2026-11-24',
      reason: '年初计划',
      actor: '统筹',
    });
    const got = await call('GET', '/api/projects/PL-1/plans/2026');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    expect((await call('GET', '/api/projects/PL-1/plans')).body).toEqual([2026]);
  });

  it('accepts amounts typed with separators, full-width digits or as numbers and answers "1234.50"', async () => {
    await createProject('PL-AMT');
    const timing = [
      '0',
      '0',
      '100.5',
      '１００．５',
      200,
      '300',
      '400',
      '500',
      '600',
      '700',
      '1,000',
      '1,234.5',
    ];
    const res = await call('PUT', '/api/projects/PL-AMT/plans/2026', {
      annualTarget: '1,234.5',
      timingTargets: timing,
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body.annualTarget).toBe('1234.50');
    expect(res.body.timingTargets).toEqual([
      '0.00',
      '0.00',
      '100.50',
      '100.50',
      '200.00',
      '300.00',
      '400.00',
      '500.00',
      '600.00',
      '700.00',
      '1000.00',
      '1234.50',
    ]);
    expect(res.body.initialAnnualTarget).toBe('1234.50');
  });

  it('keeps plans of different years apart', async () => {
    await createProject('PL-YRS');
    for (const year of [2025, 2026]) {
      const res = await call('PUT', `/api/projects/PL-YRS/plans/${year}`, {
        annualTarget: String(year),
        timingTargets: [...Array(11).fill('0'), String(year)],
      });
      expect(res.status, res.raw).toBe(200);
      expect(res.body.revision).toBe(1);
    }
    expect((await call('GET', '/api/projects/PL-YRS/plans')).body).toEqual([2025, 2026]);
    expect((await call('GET', '/api/projects/PL-YRS/plans/2025')).body.annualTarget).toBe(
      '2025.00',
    );
  });

  const bad: [string, object, string, string | null][] = [
    [
      'timing targets that decrease (June below May)',
      {
        annualTarget: '1200',
        timingTargets: [
          '100',
          '200',
          '300',
          '400',
          '500',
          '450',
          '700',
          '800',
          '900',
          '1000',
          '1100',
          '1200',
        ],
      },
      'timingTargets.5',
      'plan.timing_decreasing',
    ],
    [
      'a December target different from the annual target',
      { annualTarget: '1300', timingTargets: linear(100) },
      'timingTargets.11',
      'plan.december_mismatch',
    ],
    [
      'eleven timing targets',
      { annualTarget: '1100', timingTargets: linear(100).slice(0, 11) },
      'timingTargets',
      'plan.timing_length',
    ],
    [
      'a timing target that is not an amount',
      { annualTarget: '1200', timingTargets: ['100', '200', '三百', ...linear(100).slice(3)] },
      'timingTargets.2',
      'plan.timing_invalid',
    ],
    [
      'a negative annual target',
      { annualTarget: '-1200', timingTargets: linear(100) },
      'annualTarget',
      'plan.annual_invalid',
    ],
    ['no timing targets at all', { annualTarget: '1200' }, 'timingTargets', null],
    [
      'an annual target too large for numeric(16,2)',
      { annualTarget: '100000000000000', timingTargets: Array(12).fill('100000000000000') },
      'annualTarget',
      null,
    ],
  ];
  let badCount = 0;
  it.each(bad)(
    'answers 400 naming the field and writes nothing for %s',
    async (_, body, field, code) => {
      const project = `PL-BAD-${++badCount}`;
      await createProject(project);
      const res = await call('PUT', `/api/projects/${project}/plans/2026`, body);
      expect(res.status, res.raw).toBe(400);
      expect(res.body.error.field).toBe(field);
      if (code) expect(res.body.error.code).toBe(code);
      expect((await call('GET', `/api/projects/${project}/plans/2026`)).status).toBe(404);
      expect((await call('GET', `/api/projects/${project}/plans`)).body).toEqual([]);
    },
  );

  it('answers 404 for an unknown project and an unknown year, 400 for a year out of range', async () => {
    const put = await call('PUT', '/api/projects/NO-SUCH/plans/2026', {
      annualTarget: '1200',
      timingTargets: linear(100),
    });
    expect(put.status).toBe(404);
    expect((await call('GET', '/api/projects/PL-1/plans/2024')).status).toBe(404);
    expect((await call('GET', '/api/projects/PL-1/plans/1999')).status).toBe(400);
  });
});

describe('revising a year plan', () => {
  beforeAll(async () => {
    await createProject('PL-REV', ['调整测试']);
    const res = await call('PUT', '/api/projects/PL-REV/plans/2026', {
      annualTarget: '1200',
      timingTargets: linear(100),
    });
    expect(res.status, res.raw).toBe(200);
  });

  const revised = { annualTarget: '2400', timingTargets: linear(200) };

  it('needs a reason: 400 naming reason, plan unchanged', async () => {
    for (const reason of [undefined, '', '   ']) {
      const res = await call('PUT', '/api/projects/PL-REV/plans/2026', {
        ...revised,
        version: 1,
        reason,
      });
      expect(res.status, res.raw).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'plan.reason_required', field: 'reason' });
    }
    const plan = (await call('GET', '/api/projects/PL-REV/plans/2026')).body;
    expect(plan).toMatchObject({ annualTarget: '1200.00', revision: 1, version: 1 });
    expect(plan.revisions).toHaveLength(1);
  });

  it('needs the current version: a stale or missing one answers 409, plan unchanged', async () => {
    for (const version of [2, undefined]) {
      const res = await call('PUT', '/api/projects/PL-REV/plans/2026', {
        ...revised,
        reason: '调增计划',
        version,
      });
      expect(res.status, res.raw).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'plan.stale', version: 1 });
    }
    const plan = (await call('GET', '/api/projects/PL-REV/plans/2026')).body;
    expect(plan).toMatchObject({ annualTarget: '1200.00', revision: 1, version: 1 });
    expect(plan.revisions).toHaveLength(1);
  });

  it('keeps the initial targets and appends the revision with its reason and effective date', async () => {
    const res = await call('PUT', '/api/projects/PL-REV/plans/2026', {
      ...revised,
      reason: '征拆完成，调增年度计划',
      effectiveDate: '2026-07-01',
      version: 1,
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({
      annualTarget: '2400.00',
      timingTargets: fixed2(linear(200)),
      initialAnnualTarget: '1200.00',
      initialTimingTargets: fixed2(linear(100)),
      revision: 2,
      version: 2,
    });
    expect(
      res.body.revisions.map((r: Json) => [r.revision, r.annualTarget, r.reason, r.effectiveDate]),
    ).toEqual([
      [1, '1200.00', '年初计划', '2026-11-24'],
      [2, '2400.00', '征拆完成，调增年度计划', '2026-07-01'],
    ]);
    expect(res.body.revisions[1]).toMatchObject({
      actor: '统筹',
      timingTargets: fixed2(linear(200)),
    });

    // A third revision without an effective date takes today's date (China time) and the new version.
    const third = await call('PUT', '/api/projects/PL-REV/plans/2026', {
      annualTarget: '1800',
      timingTargets: linear(150),
      reason: '资金计划调整',
      version: 2,
    });
    expect(third.status, third.raw).toBe(200);
    expect(third.body).toMatchObject({
      annualTarget: '1800.00',
      initialAnnualTarget: '1200.00',
      revision: 3,
      version: 3,
    });
    expect(third.body.revisions.map((r: Json) => r.effectiveDate)).toEqual([
      '2026-11-24',
      '2026-07-01',
      '2026-11-24',
    ]);
    // The revision before is not rewritten.
    expect(third.body.revisions[1]).toEqual(res.body.revisions[1]);
  });

  it('validates a revision like a new plan', async () => {
    const before = (await call('GET', '/api/projects/PL-REV/plans/2026')).body;
    const res = await call('PUT', '/api/projects/PL-REV/plans/2026', {
      annualTarget: '1000',
      timingTargets: linear(100),
      reason: '调整',
      version: before.version,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('timingTargets.11');
    expect((await call('GET', '/api/projects/PL-REV/plans/2026')).body).toEqual(before);
  });

  it('shows the revised and the initial targets in the dispatch figures', async () => {
    const res = await call(
      'GET',
      `/api/dispatch?through=2026-06&tag=${encodeURIComponent('调整测试')}`,
    );
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({
      projects: 1,
      plannedProjects: 1,
      annualTarget: '1800.00',
      initialAnnualTarget: '1200.00',
      timingTarget: '900.00',
      initialTimingTarget: '600.00',
      actual: '0.00',
    });
  });
});

describe('the effective date lives in the plan year (issue 15, item 7)', () => {
  it('defaults a past year plan and its revision inside that year, and refuses a date outside it', async () => {
    await createProject('PL-2024');
    const first = await call('PUT', '/api/projects/PL-2024/plans/2024', {
      annualTarget: '1200',
      timingTargets: linear(100),
    });
    expect(first.status, first.raw).toBe(200);
    // Today (2026-11-24 in the test clock) is outside 2024: the plan takes the year's last day.
    expect(first.body.revisions[0].effectiveDate).toBe('2024-12-31');
    const outside = await call('PUT', '/api/projects/PL-2024/plans/2024', {
      annualTarget: '1800',
      timingTargets: linear(150),
      reason: '补录调整',
      effectiveDate: '2026-11-24',
      version: 1,
    });
    expect(outside.status, outside.raw).toBe(400);
    expect(outside.body.error).toMatchObject({
      code: 'plan.effective_date_year',
      field: 'effectiveDate',
    });
    const revised = await call('PUT', '/api/projects/PL-2024/plans/2024', {
      annualTarget: '1800',
      timingTargets: linear(150),
      reason: '补录调整',
      version: 1,
    });
    expect(revised.status, revised.raw).toBe(200);
    expect(revised.body.revisions.map((r: Json) => r.effectiveDate)).toEqual([
      '2024-12-31',
      '2024-12-31',
    ]);
  });
});
