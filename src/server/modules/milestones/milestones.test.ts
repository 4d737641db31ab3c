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

async function createProject(code: string) {
  const res = await call('POST', '/api/projects', { code, name: `项目${code}` });
  expect(res.status, res.raw).toBe(201);
  return res.body;
}

async function add(code: string, body: object) {
  const res = await call('POST', `/api/projects/${code}/milestones`, body);
  expect(res.status, res.raw).toBe(201);
  return res.body;
}

async function listed(code: string): Promise<Json[]> {
  const res = await call('GET', `/api/projects/${code}/milestones`);
  expect(res.status, res.raw).toBe(200);
  return res.body;
}

describe('adding milestones', () => {
  it('gives each standard kind its Chinese name and lists them in the order they happen', async () => {
    await createProject('MS-STD');
    const expected: [string, string][] = [
      ['in_use', '投入使用'],
      ['approval', '立项'],
      ['budget', '概算批复'],
      ['feasibility', '可研批复'],
      ['start', '开工'],
      ['permit', '施工许可'],
      ['completion', '竣工验收'],
      ['topping_out', '主体封顶'],
    ];
    for (const [kind, name] of expected) {
      const m = await add('MS-STD', { kind, plannedDate: '2026-03-01' });
      expect(m).toMatchObject({
        kind,
        name,
        plannedDate: '2026-03-01',
        actualDate: null,
        version: 1,
      });
    }
    await add('MS-STD', { kind: 'custom', name: '桩基完成' });
    expect((await listed('MS-STD')).map((m) => m.name)).toEqual([
      '立项',
      '可研批复',
      '概算批复',
      '施工许可',
      '开工',
      '主体封顶',
      '竣工验收',
      '投入使用',
      '桩基完成',
    ]);
  });

  it('requires a name for a custom milestone: 400 naming name, nothing written', async () => {
    await createProject('MS-CUS');
    for (const body of [{ kind: 'custom' }, { kind: 'custom', name: '  ' }]) {
      const res = await call('POST', '/api/projects/MS-CUS/milestones', body);
      expect(res.status, res.raw).toBe(400);
      expect(res.body.error.field).toBe('name');
    }
    expect(await listed('MS-CUS')).toEqual([]);
    const m = await add('MS-CUS', {
      kind: 'custom',
      name: '地铁接驳口完成',
      plannedDate: '2026-08-31',
    });
    expect(m).toMatchObject({ kind: 'custom', name: '地铁接驳口完成', plannedDate: '2026-08-31' });
  });

  it('refuses an unknown kind, a date that does not exist, and an unknown project', async () => {
    await createProject('MS-BAD');
    const kind = await call('POST', '/api/projects/MS-BAD/milestones', { kind: 'demolition' });
    expect(kind.status).toBe(400);
    expect(kind.body.error.field).toBe('kind');
    const date = await call('POST', '/api/projects/MS-BAD/milestones', {
      kind: 'start',
      plannedDate: '2026-02-30',
    });
    expect(date.status).toBe(400);
    expect(date.body.error.field).toBe('plannedDate');
    expect(await listed('MS-BAD')).toEqual([]);
    expect((await call('POST', '/api/projects/NO-SUCH/milestones', { kind: 'start' })).status).toBe(
      404,
    );
  });
});

describe('changing a milestone', () => {
  it('needs a reason to move a planned date and keeps the old date in changes', async () => {
    await createProject('MS-MOV');
    const m = await add('MS-MOV', { kind: 'start', plannedDate: '2026-03-01' });

    const noReason = await call('PATCH', `/api/milestones/${m.id}`, {
      plannedDate: '2026-05-01',
      version: 1,
    });
    expect(noReason.status, noReason.raw).toBe(400);
    expect(noReason.body.error).toMatchObject({
      code: 'milestone.reason_required',
      field: 'reason',
    });
    const blank = await call('PATCH', `/api/milestones/${m.id}`, {
      plannedDate: '2026-05-01',
      reason: '   ',
      version: 1,
    });
    expect(blank.status).toBe(400);
    expect(blank.body.error.field).toBe('reason');
    let [row] = await listed('MS-MOV');
    expect(row).toMatchObject({ plannedDate: '2026-03-01', version: 1, changes: [] });

    const moved = await call('PATCH', `/api/milestones/${m.id}`, {
      plannedDate: '2026-05-01',
      reason: '施工许可延后',
      version: 1,
    });
    expect(moved.status, moved.raw).toBe(200);
    expect(moved.body).toMatchObject({ plannedDate: '2026-05-01', version: 2 });

    const again = await call('PATCH', `/api/milestones/${m.id}`, {
      plannedDate: '2026-06-15',
      reason: '暴雨停工',
      version: 2,
    });
    expect(again.status).toBe(200);

    [row] = await listed('MS-MOV');
    expect(row).toMatchObject({ plannedDate: '2026-06-15', version: 3 });
    expect(
      row.changes.map((c: Json) => [c.oldPlannedDate, c.newPlannedDate, c.reason, c.actor]),
    ).toEqual([
      ['2026-03-01', '2026-05-01', '施工许可延后', '统筹'],
      ['2026-05-01', '2026-06-15', '暴雨停工', '统筹'],
    ]);
  });

  it('needs a reason to clear a planned date too', async () => {
    await createProject('MS-CLR');
    const m = await add('MS-CLR', { kind: 'permit', plannedDate: '2026-04-01' });
    const res = await call('PATCH', `/api/milestones/${m.id}`, { plannedDate: null, version: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('reason');
    expect((await listed('MS-CLR'))[0]).toMatchObject({ plannedDate: '2026-04-01', changes: [] });
  });

  it('sets a null planned date for the first time without a reason, and records it', async () => {
    await createProject('MS-FST');
    const m = await add('MS-FST', { kind: 'topping_out' });
    expect(m.plannedDate).toBeNull();
    const res = await call('PATCH', `/api/milestones/${m.id}`, {
      plannedDate: '2026-10-31',
      version: 1,
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({ plannedDate: '2026-10-31', version: 2 });
    const [row] = await listed('MS-FST');
    expect(row.changes.map((c: Json) => [c.oldPlannedDate, c.newPlannedDate, c.reason])).toEqual([
      [null, '2026-10-31', '首次设定计划时间'],
    ]);
  });

  it('records an actual date, or an unchanged planned date, without a reason and without a change row', async () => {
    await createProject('MS-ACT');
    const m = await add('MS-ACT', { kind: 'approval', plannedDate: '2026-01-15' });
    const res = await call('PATCH', `/api/milestones/${m.id}`, {
      plannedDate: '2026-01-15',
      actualDate: '2026-01-20',
      version: 1,
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({
      plannedDate: '2026-01-15',
      actualDate: '2026-01-20',
      version: 2,
    });
    expect((await listed('MS-ACT'))[0].changes).toEqual([]);
  });

  it('renames a custom milestone but keeps a standard one its standard name', async () => {
    await createProject('MS-REN');
    const custom = await add('MS-REN', { kind: 'custom', name: '旧名' });
    const standard = await add('MS-REN', { kind: 'start' });
    expect(
      (await call('PATCH', `/api/milestones/${custom.id}`, { name: '新名', version: 1 })).body.name,
    ).toBe('新名');
    expect(
      (await call('PATCH', `/api/milestones/${standard.id}`, { name: '乱改', version: 1 })).body
        .name,
    ).toBe('开工');
  });

  it('answers 409 to a stale version and 404 to an unknown milestone', async () => {
    await createProject('MS-VER');
    const m = await add('MS-VER', { kind: 'budget', plannedDate: '2026-02-01' });
    expect(
      (await call('PATCH', `/api/milestones/${m.id}`, { actualDate: '2026-02-03', version: 1 }))
        .status,
    ).toBe(200);
    const stale = await call('PATCH', `/api/milestones/${m.id}`, {
      actualDate: '2026-02-05',
      version: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'milestone.stale', version: 2 });
    expect((await listed('MS-VER'))[0]).toMatchObject({ actualDate: '2026-02-03', version: 2 });
    const missing = await call('PATCH', '/api/milestones/999999', { actualDate: null, version: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('milestone.not_found');
  });
});
