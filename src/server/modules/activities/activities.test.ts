import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUnit, ctxOf } from '../../../../test/factories.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let coord: TestLogin;
let leader: TestLogin;
let reporter: TestLogin;

beforeAll(async () => {
  t = await createTestApp({ auth: 'session' });
  coord = await t.loginAs('coordinator');
  leader = await t.loginAs('leader');
  const unit = await buildUnit(t.database.db, ctxOf(t.officeId, t.clock.now));
  reporter = await t.loginAs('reporter', { unitId: unit.id });
});
afterAll(() => t.close());

describe('activities', () => {
  it('the office records them; leaders read; reporters see none', async () => {
    const post = (as: TestLogin, payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/activities', headers: as.headers, payload });
    const created = await post(coord, {
      kind: 'delegation',
      title: '接待中国科学院深圳先进技术研究院调研团',
      heldOn: '2023-04-12',
      participants: '深圳先进院科研管理处一行12人',
      headcount: 12,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ kindZh: '接待调研考察团', headcount: 12 });
    expect(
      (await post(leader, { kind: 'study', title: '学习', heldOn: '2023-04-12' })).statusCode,
    ).toBe(403);
    const bad = await post(coord, { kind: 'party', title: '联欢', heldOn: '2023-04-12' });
    expect([bad.statusCode, bad.json().error.field]).toEqual([400, 'kind']);
    const id = created.json().id;
    const get = (as: TestLogin, url: string) => t.app.inject({ url, headers: as.headers });
    expect((await get(leader, `/api/activities/${id}`)).statusCode).toBe(200);
    expect((await get(reporter, `/api/activities/${id}`)).statusCode).toBe(404);
    expect((await get(reporter, '/api/activities')).json().total).toBe(0);
    const list = (
      await get(leader, '/api/activities?from=2023-04-01&to=2023-04-30&kind=delegation')
    ).json();
    expect(list.total).toBe(1);
  });
});
