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

const linear = (step: number) => Array.from({ length: 12 }, (_, i) => String(step * (i + 1)));

/** A project with a 2026 plan of 100 per month (cumulative 100 … 1200) and a tag of its own. */
async function plannedProject(code: string): Promise<number> {
  const res = await call('POST', '/api/projects', {
    code,
    name: `项目${code}`,
    tags: [`tag-${code}`],
  });
  expect(res.status, res.raw).toBe(201);
  const plan = await call('PUT', `/api/projects/${code}/plans/2026`, {
    annualTarget: '1200',
    timingTargets: linear(100),
  });
  expect(plan.status, plan.raw).toBe(200);
  return res.body.id;
}

async function save(projectId: number, month: number, fields: object = {}, year = 2026) {
  // version 0: a month without a report yet; a test editing one passes the version it read
  return call('POST', '/api/reports', {
    projectId,
    year,
    month,
    investment: '100',
    version: 0,
    ...fields,
  });
}

async function saved(projectId: number, month: number, fields: object = {}) {
  const res = await save(projectId, month, fields);
  expect(res.status, res.raw).toBe(200);
  return res.body;
}

const act = (id: number, action: 'submit' | 'approve' | 'return', body: object = {}) =>
  call('POST', `/api/reports/${id}/${action}`, body);

async function dispatch(code: string, through: string) {
  const res = await call('GET', `/api/dispatch?through=${through}&tag=tag-${code}`);
  expect(res.status, res.raw).toBe(200);
  return res.body;
}

describe('the workflow', () => {
  it('goes draft → submitted → approved, and only then counts in the dispatch figures', async () => {
    const projectId = await plannedProject('RP-1');
    const draft = await saved(projectId, 1, {
      investment: '1,20.5',
      progressPercent: 12.5,
      progressText: '桩基施工',
      problems: '管线迁改',
      nextPlan: '承台施工',
    });
    expect(draft).toMatchObject({
      projectId,
      projectCode: 'RP-1',
      year: 2026,
      month: 1,
      status: 'draft',
      investment: '120.50',
      progressPercent: '12.50',
      progressText: '桩基施工',
      problems: '管线迁改',
      nextPlan: '承台施工',
      version: 1,
      source: 'form',
      updatedBy: '统筹',
    });
    expect((await dispatch('RP-1', '2026-01')).actual).toBe('0.00');

    const submitted = await act(draft.id, 'submit', { version: 1 });
    expect(submitted.status, submitted.raw).toBe(200);
    expect(submitted.body).toMatchObject({
      id: draft.id,
      status: 'submitted',
      version: 2,
      submittedAt: '2026-11-24T02:00:00.000Z',
    });
    expect((await dispatch('RP-1', '2026-01')).actual).toBe('0.00');

    const approved = await act(draft.id, 'approve', { version: 2 });
    expect(approved.status, approved.raw).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      version: 3,
      reviewedAt: '2026-11-24T02:00:00.000Z',
    });
    const figures = await dispatch('RP-1', '2026-01');
    expect(figures).toMatchObject({
      actual: '120.50',
      timingTarget: '100.00',
      rateVsTiming: '120.5',
    });
    expect(figures.series[0]).toEqual({ month: 1, timingTarget: '100.00', actual: '120.50' });

    const got = await call('GET', `/api/reports/${draft.id}`);
    expect(got.status).toBe(200);
    expect(
      got.body.transitions.map((x: Json) => [x.action, x.fromStatus, x.toStatus, x.actor]),
    ).toEqual([
      ['create', null, 'draft', '统筹'],
      ['submit', 'draft', 'submitted', '统筹'],
      ['approve', 'submitted', 'approved', '统筹'],
    ]);
  });

  it('goes submitted → returned (a reason is required) → edited → resubmitted → approved', async () => {
    const projectId = await plannedProject('RP-2');
    const draft = await saved(projectId, 2, { investment: '80' });
    expect((await act(draft.id, 'submit')).status).toBe(200);

    for (const body of [{}, { reason: '' }, { reason: '   ' }]) {
      const noReason = await act(draft.id, 'return', body);
      expect(noReason.status, noReason.raw).toBe(400);
      expect(noReason.body.error.field).toBe('reason');
    }
    expect((await call('GET', `/api/reports/${draft.id}`)).body).toMatchObject({
      status: 'submitted',
      version: 2,
    });

    const returned = await act(draft.id, 'return', { reason: '投资额与支付凭证不符' });
    expect(returned.status, returned.raw).toBe(200);
    expect(returned.body).toMatchObject({
      status: 'returned',
      returnReason: '投资额与支付凭证不符',
      version: 3,
    });

    const edited = await save(projectId, 2, { investment: '90', version: 3 });
    expect(edited.status, edited.raw).toBe(200);
    expect(edited.body).toMatchObject({
      id: draft.id,
      status: 'returned',
      investment: '90.00',
      version: 4,
    });

    const resubmitted = await act(draft.id, 'submit', { version: 4 });
    expect(resubmitted.status, resubmitted.raw).toBe(200);
    expect(resubmitted.body).toMatchObject({ status: 'submitted', returnReason: null, version: 5 });
    expect((await dispatch('RP-2', '2026-02')).actual).toBe('0.00');

    const approved = await act(draft.id, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', investment: '90.00', version: 6 });
    expect((await dispatch('RP-2', '2026-02')).actual).toBe('90.00');

    const got = (await call('GET', `/api/reports/${draft.id}`)).body;
    expect(
      got.transitions.map((x: Json) => [x.action, x.fromStatus, x.toStatus, x.reason]),
    ).toEqual([
      ['create', null, 'draft', null],
      ['submit', 'draft', 'submitted', null],
      ['return', 'submitted', 'returned', '投资额与支付凭证不符'],
      ['submit', 'returned', 'submitted', null],
      ['approve', 'submitted', 'approved', null],
    ]);
    expect(got.transitions.every((x: Json) => x.actor === '统筹')).toBe(true);
    const ids = got.transitions.map((x: Json) => x.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
  });

  it('refuses illegal moves with 400 report.not_allowed and changes nothing', async () => {
    const projectId = await plannedProject('RP-3');
    const draft = await saved(projectId, 3, { investment: '300' });
    const snapshot = async () => (await call('GET', `/api/reports/${draft.id}`)).body;

    const expectRefused = async (
      res: { status: number; body: Json; raw: string },
      status: string,
    ) => {
      expect(res.status, res.raw).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'report.not_allowed', status });
    };

    let before = await snapshot();
    await expectRefused(await act(draft.id, 'approve'), 'draft');
    await expectRefused(await act(draft.id, 'return', { reason: '不该能退回草稿' }), 'draft');
    expect(await snapshot()).toEqual(before);

    expect((await act(draft.id, 'submit')).status).toBe(200);
    before = await snapshot();
    await expectRefused(await act(draft.id, 'submit'), 'submitted');
    await expectRefused(
      await save(projectId, 3, { investment: '999', version: before.version }),
      'submitted',
    );
    expect(await snapshot()).toEqual(before);

    expect((await act(draft.id, 'approve')).status).toBe(200);
    before = await snapshot();
    await expectRefused(await act(draft.id, 'submit'), 'approved');
    await expectRefused(await act(draft.id, 'approve'), 'approved');
    await expectRefused(await act(draft.id, 'return', { reason: '已审核后退回' }), 'approved');
    await expectRefused(
      await save(projectId, 3, { investment: '999', version: before.version }),
      'approved',
    );
    const after = await snapshot();
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: 'approved', investment: '300.00', version: 3 });
    expect(after.transitions).toHaveLength(3);
    expect((await dispatch('RP-3', '2026-03')).actual).toBe('300.00');
  });

  it('answers 409 to a stale version on submit, approve, return and edit, and changes nothing', async () => {
    const projectId = await plannedProject('RP-4');
    const draft = await saved(projectId, 4);
    const stale = await act(draft.id, 'submit', { version: 5 });
    expect(stale.status, stale.raw).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'report.stale', version: 1 });
    const staleEdit = await save(projectId, 4, { investment: '5', version: 2 });
    expect(staleEdit.status).toBe(409);
    // who changed it and when, in the message the form shows (the office's time, UTC+8)
    expect(staleEdit.body.error).toMatchObject({ code: 'report.stale', version: 1 });
    expect(staleEdit.body.error.updatedBy).toBeTruthy();
    expect(staleEdit.body.error.message).toContain(staleEdit.body.error.updatedBy);
    expect(staleEdit.body.error.message).toMatch(/于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 修改/);
    // a save that loaded nothing (version 0) does not overwrite the report saved meanwhile
    expect((await save(projectId, 4, { investment: '6' })).status).toBe(409);
    // and a save without a version is refused, naming the field
    const unversioned = await call('POST', '/api/reports', {
      projectId,
      year: 2026,
      month: 4,
      investment: '7',
    });
    expect(unversioned.status).toBe(400);
    expect(unversioned.body.error.field).toBe('version');
    expect((await call('GET', `/api/reports/${draft.id}`)).body).toMatchObject({
      status: 'draft',
      investment: '100.00',
      version: 1,
    });

    expect((await act(draft.id, 'submit', { version: 1 })).status).toBe(200);
    expect((await act(draft.id, 'approve', { version: 1 })).status).toBe(409);
    expect((await act(draft.id, 'return', { reason: '数据有误', version: 1 })).status).toBe(409);
    const after = (await call('GET', `/api/reports/${draft.id}`)).body;
    expect(after).toMatchObject({ status: 'submitted', version: 2 });
    expect(after.transitions).toHaveLength(2);
  });

  it('answers 404 for an unknown report', async () => {
    expect((await call('GET', '/api/reports/999999')).status).toBe(404);
    const res = await act(999999, 'submit');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('report.not_found');
  });
});

describe('saving a report', () => {
  let projectId: number;
  beforeAll(async () => {
    projectId = await plannedProject('RP-S');
  });

  it('keeps one report per project and month: a second save edits the same report', async () => {
    const first = await saved(projectId, 5, { investment: '10', progressText: '第一次' });
    const second = await saved(projectId, 5, {
      investment: '20',
      progressText: '第二次',
      version: first.version,
    });
    expect(second).toMatchObject({
      id: first.id,
      investment: '20.00',
      progressText: '第二次',
      version: 2,
      status: 'draft',
    });
    const listed = await call('GET', `/api/reports?projectId=${projectId}&year=2026&month=5`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((r: Json) => [r.id, r.investment])).toEqual([[first.id, '20.00']]);
    // Editing a draft is not a workflow step: only the creation is recorded.
    expect((await call('GET', `/api/reports/${first.id}`)).body.transitions).toHaveLength(1);
  });

  it('refuses a future month (the clock is 2026-11-24) and accepts the current one', async () => {
    for (const [year, month] of [
      [2026, 12],
      [2027, 1],
    ]) {
      const res = await save(projectId, month, {}, year);
      expect(res.status, res.raw).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'report.future_month', field: 'month' });
    }
    const listed = await call('GET', `/api/reports?projectId=${projectId}&month=12`);
    expect(listed.body).toEqual([]);
    expect((await save(projectId, 11)).status).toBe(200);
  });

  it('reads the month in China time: 2026-11-30T16:30Z is already December in Shenzhen', async () => {
    const before = t.clock.now;
    t.clock.now = new Date('2026-11-30T16:30:00Z');
    try {
      const res = await save(projectId, 12);
      expect(res.status, res.raw).toBe(200);
      expect(res.body.month).toBe(12);
    } finally {
      t.clock.now = before;
    }
  });

  const bad: [string, object, string][] = [
    ['a negative investment', { investment: '-1' }, 'investment'],
    ['an investment that is not an amount', { investment: '一百' }, 'investment'],
    ['a missing investment', { investment: undefined }, 'investment'],
    ['an investment too large for numeric(16,2)', { investment: '100000000000000' }, 'investment'],
    ['progress above 100%', { progressPercent: 101 }, 'progressPercent'],
    ['progress below 0%', { progressPercent: -1 }, 'progressPercent'],
    ['month 13', { month: 13 }, 'month'],
    ['month 0', { month: 0 }, 'month'],
  ];
  it.each(bad)(
    'answers 400 naming the field and writes nothing for %s',
    async (_, fields, field) => {
      const res = await save(projectId, 6, fields);
      expect(res.status, res.raw).toBe(400);
      expect(res.body.error.field).toBe(field);
      const listed = await call('GET', `/api/reports?projectId=${projectId}&year=2026`);
      expect(
        listed.body.map((r: Json) => r.month).sort((a: number, b: number) => a - b),
      ).not.toContain(6);
    },
  );

  it('answers 404 for an unknown project', async () => {
    const res = await save(999999, 1);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('project.not_found');
  });

  it('accepts progress of exactly 0 and 100', async () => {
    expect((await saved(projectId, 7, { progressPercent: 0 })).progressPercent).toBe('0.00');
    expect((await saved(projectId, 8, { progressPercent: 100 })).progressPercent).toBe('100.00');
  });
});

describe('concurrent requests', () => {
  it('lets only one of two simultaneous approvals through', async () => {
    const projectId = await plannedProject('RP-C1');
    const r = await saved(projectId, 9, { investment: '50' });
    expect((await act(r.id, 'submit')).status).toBe(200);
    const results = await Promise.all([act(r.id, 'approve'), act(r.id, 'approve')]);
    expect(results.map((x) => x.status).sort()).toEqual([200, 400]);
    const got = (await call('GET', `/api/reports/${r.id}`)).body;
    expect(got.transitions.map((x: Json) => x.action)).toEqual(['create', 'submit', 'approve']);
    expect((await dispatch('RP-C1', '2026-09')).actual).toBe('50.00');
  });

  it('keeps one report when the first two saves of a month arrive together', async () => {
    const projectId = await plannedProject('RP-C2');
    const results = await Promise.all([
      save(projectId, 9, { investment: '10' }),
      save(projectId, 9, { investment: '20' }),
    ]);
    for (const x of results) expect([200, 409], x.raw).toContain(x.status);
    const listed = await call('GET', `/api/reports?projectId=${projectId}&year=2026&month=9`);
    expect(listed.body).toHaveLength(1);
  });
});

describe('the dispatch figures count only approved reports', () => {
  it('sums approved months cumulatively and ignores drafts, submitted and returned reports', async () => {
    const projectId = await plannedProject('RP-SUM');
    const approve = async (month: number, investment: string) => {
      const r = await saved(projectId, month, { investment });
      expect((await act(r.id, 'submit')).status).toBe(200);
      expect((await act(r.id, 'approve')).status).toBe(200);
    };
    await approve(1, '100.10');
    await approve(3, '250.25');
    await saved(projectId, 4, { investment: '1000' }); // draft
    const submitted = await saved(projectId, 5, { investment: '2000' });
    await act(submitted.id, 'submit');
    const returned = await saved(projectId, 6, { investment: '3000' });
    await act(returned.id, 'submit');
    await act(returned.id, 'return', { reason: '请补充凭证' });

    const figures = await dispatch('RP-SUM', '2026-06');
    expect(figures.actual).toBe('350.35');
    expect(figures.series.slice(0, 7).map((s: Json) => s.actual)).toEqual([
      '100.10',
      '100.10',
      '350.35',
      '350.35',
      '350.35',
      '350.35',
      null,
    ]);
    const verify = await call('GET', '/api/dispatch/rollups/verify');
    expect(verify.body.differences).toEqual([]);
  });
});
