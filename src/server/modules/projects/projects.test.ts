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

const qs = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

async function list(params: Record<string, string | number> = {}) {
  const res = await call('GET', `/api/projects?${qs(params)}`);
  expect(res.status, res.raw).toBe(200);
  return res.body as { items: Json[]; total: number; page: number; pageSize: number };
}

const codes = (items: Json[]) => items.map((p) => p.code);

async function named(url: string, name: string, extra: object = {}): Promise<number> {
  const res = await call('POST', url, { name, ...extra });
  expect(res.status, res.raw).toBe(201);
  return res.body.id;
}

async function createProject(input: object) {
  const res = await call('POST', '/api/projects', input);
  expect(res.status, res.raw).toBe(201);
  return res.body;
}

describe('create', () => {
  it('stores every field and answers with names resolved and amounts as 2-decimal strings', async () => {
    const areaId = await named('/api/areas', '光明科学城核心片区');
    const categoryId = await named('/api/categories', '大科学装置');
    const ownerUnitId = await named('/api/units', '深圳市建筑工务署', { kind: 'owner' });
    const res = await call('POST', '/api/projects', {
      code: 'FULL-1',
      name: '自由电子激光',
      areaId,
      categoryId,
      tags: ['六重', '市投市建', '六重'],
      ownerUnitId,
      phase: 'construction',
      totalInvestment: '１２，３４５．６',
      plannedStart: '2023-03-01',
      plannedFinish: '2027-12-31',
      location: '光明区新湖街道',
      remarks: '大科学装置',
    });
    expect(res.status, res.raw).toBe(201);
    expect(res.body).toMatchObject({
      code: 'FULL-1',
      name: '自由电子激光',
      areaId,
      areaName: '光明科学城核心片区',
      categoryId,
      categoryName: '大科学装置',
      tags: ['六重', '市投市建'],
      ownerUnitId,
      ownerUnitName: '深圳市建筑工务署',
      phase: 'construction',
      totalInvestment: '12345.60',
      plannedStart: '2023-03-01',
      plannedFinish: '2027-12-31',
      location: '光明区新湖街道',
      remarks: '大科学装置',
      archivedAt: null,
      version: 1,
    });
    expect(typeof res.body.id).toBe('number');

    const got = await call('GET', '/api/projects/FULL-1');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('defaults phase to preparation, tags to [] and optional fields to null', async () => {
    const p = await createProject({ code: 'MIN-1', name: '最简项目' });
    expect(p).toMatchObject({
      phase: 'preparation',
      tags: [],
      areaId: null,
      areaName: null,
      totalInvestment: null,
      plannedStart: null,
      version: 1,
    });
  });

  it('refuses a duplicate code with 409 naming the field code, and keeps the first project', async () => {
    await createProject({ code: 'DUP-1', name: '第一个' });
    const before = (await list({ archived: 'include' })).total;
    const res = await call('POST', '/api/projects', { code: 'DUP-1', name: '第二个' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'project.duplicate', field: 'code' });
    expect((await list({ archived: 'include' })).total).toBe(before);
    expect((await call('GET', '/api/projects/DUP-1')).body.name).toBe('第一个');
  });

  const bad: [string, object, string][] = [
    ['an empty name', { name: '  ' }, 'name'],
    ['an empty code', { code: '' }, 'code'],
    ['a negative total investment', { totalInvestment: '-5' }, 'totalInvestment'],
    ['a total investment that is not a number', { totalInvestment: '12万' }, 'totalInvestment'],
    ['a date that does not exist', { plannedStart: '2023-02-30' }, 'plannedStart'],
    [
      'a planned finish before the planned start',
      { plannedStart: '2024-06-01', plannedFinish: '2024-05-31' },
      'plannedFinish',
    ],
    ['an unknown area', { areaId: 999999 }, 'areaId'],
    ['an unknown category', { categoryId: 999999 }, 'categoryId'],
    ['an unknown owner unit', { ownerUnitId: 999999 }, 'ownerUnitId'],
    ['an unknown phase', { phase: 'demolished' }, 'phase'],
  ];
  it.each(bad)(
    'answers 400 naming the field and writes nothing for %s',
    async (_, patch, field) => {
      const before = (await list({ archived: 'include' })).total;
      const res = await call('POST', '/api/projects', { code: 'BAD-1', name: '坏数据', ...patch });
      expect(res.status, res.raw).toBe(400);
      expect(res.body.error.field).toBe(field);
      expect(typeof res.body.error.message).toBe('string');
      expect((await list({ archived: 'include' })).total).toBe(before);
      expect((await call('GET', '/api/projects/BAD-1')).status).toBe(404);
    },
  );

  it('refuses an amount beyond numeric(16,2) with 400 on totalInvestment, not a 500', async () => {
    const res = await call('POST', '/api/projects', {
      code: 'BIG-1',
      name: '金额溢出',
      totalInvestment: '100000000000000',
    });
    expect(res.status, res.raw).toBe(400);
    expect(res.body.error.field).toBe('totalInvestment');
  });
});

describe('list', () => {
  let a1: number;
  let a2: number;
  let u1: number;
  beforeAll(async () => {
    a1 = await named('/api/areas', 'L甲片区');
    a2 = await named('/api/areas', 'L乙片区');
    await named('/api/categories', 'L科研');
    await named('/api/categories', 'L道路');
    u1 = await named('/api/units', 'L单位一');
    const u2 = await named('/api/units', 'L单位二');
    const cat = async (name: string) =>
      ((await call('GET', '/api/categories')).body as Json[]).find((c) => c.name === name).id;
    const science = await cat('L科研');
    const road = await cat('L道路');
    await createProject({
      code: 'LST-003',
      name: '一号道路',
      areaId: a2,
      categoryId: road,
      ownerUnitId: u1,
      tags: ['L区投'],
      phase: 'construction',
      totalInvestment: '30000',
    });
    await createProject({
      code: 'LST-001',
      name: '深圳医学科学院',
      areaId: a1,
      categoryId: science,
      ownerUnitId: u1,
      tags: ['L六重', 'L市投'],
      phase: 'construction',
      totalInvestment: '500000',
    });
    await createProject({
      code: 'LST-004',
      name: '材料科学园',
      areaId: a2,
      categoryId: science,
      ownerUnitId: u2,
      phase: 'completed',
    });
    await createProject({
      code: 'LST-002',
      name: '自由电子激光装置',
      areaId: a1,
      ownerUnitId: u2,
      tags: ['L六重'],
      phase: 'preparation',
      totalInvestment: '1200000',
    });
  });

  it('filters by area name and by areaId', async () => {
    expect(codes((await list({ area: 'L甲片区' })).items)).toEqual(['LST-001', 'LST-002']);
    const byId = await list({ areaId: a2 });
    expect(codes(byId.items)).toEqual(['LST-003', 'LST-004']);
    expect(byId.total).toBe(2);
    expect((await list({ area: '没有这个片区' })).total).toBe(0);
  });

  it('filters by tag, unit, unitId, category and phase', async () => {
    expect(codes((await list({ tag: 'L六重' })).items)).toEqual(['LST-001', 'LST-002']);
    expect(codes((await list({ tag: 'L市投' })).items)).toEqual(['LST-001']);
    expect(codes((await list({ unit: 'L单位一' })).items)).toEqual(['LST-001', 'LST-003']);
    expect(codes((await list({ unitId: u1 })).items)).toEqual(['LST-001', 'LST-003']);
    expect(codes((await list({ category: 'L科研' })).items)).toEqual(['LST-001', 'LST-004']);
    expect(codes((await list({ area: 'L乙片区', phase: 'construction' })).items)).toEqual([
      'LST-003',
    ]);
    expect(codes((await list({ area: 'L乙片区', phase: 'completed' })).items)).toEqual(['LST-004']);
    expect(codes((await list({ tag: 'L六重', unit: 'L单位二' })).items)).toEqual(['LST-002']);
  });

  it('searches q in code (case-insensitive) and name, with % and _ taken literally', async () => {
    expect((await list({ q: 'lst-00' })).total).toBe(4);
    expect(codes((await list({ q: '材料科学' })).items)).toEqual(['LST-004']);
    expect(codes((await list({ q: '医学' })).items)).toEqual(['LST-001']);
    expect((await list({ q: 'LST%1' })).total).toBe(0);
    expect((await list({ q: 'LST_00' })).total).toBe(0);
  });

  it('sorts by code and by -totalInvestment (unknown amounts last)', async () => {
    expect(codes((await list({ q: 'LST', sort: 'code' })).items)).toEqual([
      'LST-001',
      'LST-002',
      'LST-003',
      'LST-004',
    ]);
    expect(codes((await list({ q: 'LST', sort: '-code' })).items)).toEqual([
      'LST-004',
      'LST-003',
      'LST-002',
      'LST-001',
    ]);
    const byMoney = await list({ q: 'LST', sort: '-totalInvestment' });
    expect(byMoney.items.map((p) => [p.code, p.totalInvestment])).toEqual([
      ['LST-002', '1200000.00'],
      ['LST-001', '500000.00'],
      ['LST-003', '30000.00'],
      ['LST-004', null],
    ]);
    expect(codes((await list({ q: 'LST', sort: 'totalInvestment' })).items)).toEqual([
      'LST-003',
      'LST-001',
      'LST-002',
      'LST-004',
    ]);
  });

  it('pages with page, pageSize and the total of all matches', async () => {
    const p1 = await list({ q: 'LST', pageSize: 3, page: 1 });
    expect(p1).toMatchObject({ total: 4, page: 1, pageSize: 3 });
    expect(codes(p1.items)).toEqual(['LST-001', 'LST-002', 'LST-003']);
    const p2 = await list({ q: 'LST', pageSize: 3, page: 2 });
    expect(p2).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(codes(p2.items)).toEqual(['LST-004']);
    const p3 = await list({ q: 'LST', pageSize: 3, page: 3 });
    expect(p3.items).toEqual([]);
    expect(p3.total).toBe(4);
  });

  it("with a month, carries each project's 年度计划, 累计完成 and 完成率 from the server (issue 15, item 8)", async () => {
    await createProject({ code: 'FIG-1', name: '有计划的项目' });
    await createProject({ code: 'FIG-2', name: '没有计划的项目' });
    const targets = [
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
    ];
    const plan = await call('PUT', '/api/projects/FIG-1/plans/2026', {
      annualTarget: '1200',
      timingTargets: targets,
    });
    expect(plan.status, plan.raw).toBe(200);
    const project = (await list({ q: 'FIG-1' })).items[0];
    for (const [month, investment] of [
      [1, '100'],
      [2, '133.33'],
    ] as const) {
      const draft = await call('POST', '/api/reports', {
        projectId: project.id,
        year: 2026,
        month,
        investment,
        version: 0,
      });
      expect(draft.status, draft.raw).toBe(200);
      expect((await call('POST', `/api/reports/${draft.body.id}/submit`, {})).status).toBe(200);
      expect((await call('POST', `/api/reports/${draft.body.id}/approve`, {})).status).toBe(200);
    }
    const page = await list({ q: 'FIG', month: '2026-02' });
    expect(page.items.map((p) => [p.code, p.figures])).toEqual([
      [
        'FIG-1',
        {
          year: 2026,
          month: 2,
          annualTarget: '1200.00',
          timingTarget: '200.00',
          actualCumulative: '233.33',
          rate: '116.7',
        },
      ],
      ['FIG-2', null],
    ]);
    // Without a month the list stays as it was: no figures.
    expect((await list({ q: 'FIG' })).items[0].figures).toBeUndefined();
    expect((await call('GET', '/api/projects?month=2026-13')).status).toBe(400);
  });

  it('with due, lists only the projects whose monthly report is owed that month (issue 15)', async () => {
    // FIG-1 (planned, being prepared) and FIG-2 (no plan) come from the test above.
    await createProject({ code: 'FIG-3', name: '已竣工的项目', phase: 'completed' });
    await createProject({ code: 'FIG-4', name: '已投用但本月已报的项目', phase: 'in_use' });
    const targets = ['0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '100'];
    for (const code of ['FIG-3', 'FIG-4']) {
      const plan = await call('PUT', `/api/projects/${code}/plans/2026`, {
        annualTarget: '100',
        timingTargets: targets,
      });
      expect(plan.status, plan.raw).toBe(200);
    }
    const fig4 = (await list({ q: 'FIG-4' })).items[0];
    const draft = await call('POST', '/api/reports', {
      projectId: fig4.id,
      year: 2026,
      month: 3,
      investment: '0',
      version: 0,
    });
    expect(draft.status, draft.raw).toBe(200);
    expect(codes((await list({ q: 'FIG', due: '2026-03' })).items)).toEqual(['FIG-1', 'FIG-4']);
    expect(codes((await list({ q: 'FIG', due: '2026-04' })).items)).toEqual(['FIG-1']);
    expect(codes((await list({ q: 'FIG', due: '2025-04' })).items)).toEqual([]);
  });

  it('refuses a bad query with 400', async () => {
    expect((await call('GET', '/api/projects?pageSize=0')).status).toBe(400);
    expect((await call('GET', '/api/projects?sort=area')).status).toBe(400);
    expect((await call('GET', '/api/projects?phase=finished')).status).toBe(400);
  });
});

describe('archive', () => {
  it('hides an archived project from the list, shows it with archived=only, and checks the version', async () => {
    const p = await createProject({ code: 'ARC-1', name: '待归档项目' });
    expect((await list({ q: 'ARC-1' })).total).toBe(1);

    const stale = await call('POST', '/api/projects/ARC-1/archive', { archived: true, version: 7 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'project.stale', version: 1 });
    expect((await list({ q: 'ARC-1' })).total).toBe(1);

    const done = await call('POST', '/api/projects/ARC-1/archive', {
      archived: true,
      version: p.version,
    });
    expect(done.status, done.raw).toBe(200);
    expect(done.body.version).toBe(2);
    expect(done.body.archivedAt).toBe('2026-11-24T02:00:00.000Z');

    expect((await list({ q: 'ARC-1' })).total).toBe(0);
    expect(codes((await list({ q: 'ARC-1', archived: 'only' })).items)).toEqual(['ARC-1']);
    expect(codes((await list({ q: 'ARC-1', archived: 'include' })).items)).toEqual(['ARC-1']);
    expect((await list({ archived: 'only' })).total).toBe(1);
    // Still readable by code: archived, not deleted.
    expect((await call('GET', '/api/projects/ARC-1')).status).toBe(200);

    const restored = await call('POST', '/api/projects/ARC-1/archive', {
      archived: false,
      version: 2,
    });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ archivedAt: null, version: 3 });
    expect((await list({ q: 'ARC-1' })).total).toBe(1);
  });
});

describe('update', () => {
  it('changes the given fields and bumps the version', async () => {
    const areaId = await named('/api/areas', 'U片区');
    const p = await createProject({ code: 'UPD-1', name: '原名', totalInvestment: 100 });
    const res = await call('PATCH', '/api/projects/UPD-1', {
      name: '新名',
      areaId,
      totalInvestment: '2,000',
      plannedStart: '2025-01-01',
      version: p.version,
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({
      code: 'UPD-1',
      name: '新名',
      areaId,
      areaName: 'U片区',
      totalInvestment: '2000.00',
      plannedStart: '2025-01-01',
      version: 2,
    });
    expect((await call('GET', '/api/projects/UPD-1')).body).toMatchObject({
      name: '新名',
      version: 2,
    });
  });

  it('leaves the fields a patch does not name as they were (phase and tags included)', async () => {
    const p = await createProject({
      code: 'UPD-2',
      name: '在建项目',
      phase: 'construction',
      tags: ['六重'],
    });
    const res = await call('PATCH', '/api/projects/UPD-2', {
      name: '在建项目（更名）',
      version: p.version,
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({
      name: '在建项目（更名）',
      phase: 'construction',
      tags: ['六重'],
    });
  });

  it('answers 409 to a stale version naming who changed it, and changes nothing', async () => {
    const p = await createProject({ code: 'UPD-3', name: '原名' });
    const first = await call('PATCH', '/api/projects/UPD-3', { name: '甲改', version: p.version });
    expect(first.status).toBe(200);
    const second = await call('PATCH', '/api/projects/UPD-3', { name: '乙改', version: p.version });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: 'project.stale',
      version: 2,
      updatedBy: '统筹',
    });
    expect(second.body.error.message).toMatch(/已被统筹于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 修改/);
    // the answer names who and when, and carries nothing else of the record
    expect(second.body.error.name).toBeUndefined();
    expect((await call('GET', '/api/projects/UPD-3')).body).toMatchObject({
      name: '甲改',
      version: 2,
    });
  });

  it('answers 409 naming code when renaming to a code in use, and 400 on dates out of order', async () => {
    await createProject({ code: 'UPD-4', name: '甲', plannedStart: '2025-03-01' });
    const p = (await call('GET', '/api/projects/UPD-4')).body;
    const dup = await call('PATCH', '/api/projects/UPD-4', { code: 'UPD-1', version: p.version });
    expect(dup.status, dup.raw).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'project.duplicate', field: 'code' });
    // plannedFinish is checked against the stored plannedStart.
    const dates = await call('PATCH', '/api/projects/UPD-4', {
      plannedFinish: '2025-02-28',
      version: p.version,
    });
    expect(dates.status).toBe(400);
    expect(dates.body.error.field).toBe('plannedFinish');
    expect((await call('GET', '/api/projects/UPD-4')).body).toMatchObject({
      code: 'UPD-4',
      plannedFinish: null,
      version: 1,
    });
  });

  it('requires a version', async () => {
    await createProject({ code: 'UPD-5', name: '甲' });
    const res = await call('PATCH', '/api/projects/UPD-5', { name: '乙' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('version');
  });

  it('answers 404 for an unknown code', async () => {
    const get = await call('GET', '/api/projects/NO-SUCH');
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('project.not_found');
    expect((await call('PATCH', '/api/projects/NO-SUCH', { name: 'x', version: 1 })).status).toBe(
      404,
    );
    expect(
      (await call('POST', '/api/projects/NO-SUCH/archive', { archived: true, version: 1 })).status,
    ).toBe(404);
  });
});

describe('errors', () => {
  it('answers 404 to an unknown route', async () => {
    expect((await call('GET', '/api/no-such-thing')).status).toBe(404);
    expect((await call('POST', '/api/projects/x/y/z', {})).status).toBe(404);
  });

  it('answers 400 to malformed JSON and writes nothing', async () => {
    const before = (await list({ archived: 'include' })).total;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { 'content-type': 'application/json' },
      payload: '{"code": "J-1", "name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(typeof res.json().error.code).toBe('string');
    expect((await list({ archived: 'include' })).total).toBe(before);
  });

  it('answers an unknown failure with a plain 500 that leaks no stack or driver message', async () => {
    // A second app whose database is gone: every query fails with an error nobody planned for.
    const broken = await createTestApp();
    await broken.database.close();
    try {
      const res = await broken.app.inject({ method: 'GET', url: '/api/projects' });
      expect(res.statusCode).toBe(500);
      const body = res.json();
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).toEqual({
        code: 'internal',
        message: '服务器内部错误',
        requestId: expect.any(String),
      });
      expect(res.body).not.toMatch(/stack|\.ts:|closed|pool/i);
    } finally {
      await broken.app.close();
    }
  });
});
