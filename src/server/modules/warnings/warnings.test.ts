import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/test-app.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;

let t: TestApp;

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) {
  const res = await t.app.inject({ method, url, payload });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json, raw: res.body };
}

const TAG = encodeURIComponent('预警测试');
const ids: Record<string, number> = {};

async function createProject(code: string) {
  const res = await call('POST', '/api/projects', {
    code,
    name: `项目${code}`,
    tags: ['预警测试'],
  });
  expect(res.status, res.raw).toBe(201);
  ids[code] = res.body.id;
}

/** A 2026 plan whose cumulative timing target is 0 through August and 1000 from September. */
async function septemberPlan(code: string) {
  const res = await call('PUT', `/api/projects/${code}/plans/2026`, {
    annualTarget: '1000',
    timingTargets: [...Array(8).fill('0'), '1000', '1000', '1000', '1000'],
  });
  expect(res.status, res.raw).toBe(200);
}

async function report(
  code: string,
  month: number,
  investment: string,
  to: 'submitted' | 'approved',
) {
  const res = await call('POST', '/api/reports', {
    projectId: ids[code],
    year: 2026,
    month,
    investment,
    version: 0,
  });
  expect(res.status, res.raw).toBe(200);
  expect((await call('POST', `/api/reports/${res.body.id}/submit`, {})).status).toBe(200);
  if (to === 'approved') {
    expect((await call('POST', `/api/reports/${res.body.id}/approve`, {})).status).toBe(200);
  }
}

async function milestone(code: string, plannedDate: string, actualDate?: string) {
  const res = await call('POST', `/api/projects/${code}/milestones`, {
    kind: 'start',
    plannedDate,
    actualDate,
  });
  expect(res.status, res.raw).toBe(201);
}

async function warnings(month: string, extra = ''): Promise<Record<string, Json>> {
  const res = await call('GET', `/api/warnings?month=${month}&tag=${TAG}${extra}`);
  expect(res.status, res.raw).toBe(200);
  return Object.fromEntries(res.body.map((s: Json) => [s.code, s]));
}

async function history(code: string): Promise<Json[]> {
  const res = await call('GET', `/api/projects/${code}/warnings`);
  expect(res.status, res.raw).toBe(200);
  return res.body;
}

const DEFAULTS = {
  investmentGreenAtPercent: 100,
  investmentRedBelowPercent: 80,
  milestoneRedAfterDays: 30,
  missingReportLevel: 'yellow',
};
/** What GET answers: every threshold, the staleness ones (issue 14 item 4) too. */
const ALL_DEFAULTS = { ...DEFAULTS, staleReportAfterDays: 45, staleProgressMonths: 3 };

beforeAll(async () => {
  t = await createTestApp();
  for (const code of ['W-RED', 'W-MISS', 'W-SUB']) {
    await createProject(code);
    await septemberPlan(code);
  }
  await report('W-RED', 9, '760', 'approved');
  await report('W-MISS', 8, '1000', 'approved');
  await report('W-SUB', 8, '900', 'approved');
  await report('W-SUB', 9, '100', 'submitted');
  for (const code of ['W-MS31', 'W-MS30', 'W-DONE', 'W-GREEN', 'W-OVR', 'W-ARC']) {
    await createProject(code);
  }
  await milestone('W-MS31', '2026-08-30');
  await milestone('W-MS30', '2026-08-31');
  await milestone('W-DONE', '2026-08-01', '2026-09-15');
  await milestone('W-DONE', '2026-10-05');
  await milestone('W-OVR', '2026-07-01');
  await milestone('W-ARC', '2026-01-01');
  const arc = await call('POST', '/api/projects/W-ARC/archive', { archived: true, version: 1 });
  expect(arc.status, arc.raw).toBe(200);
});
afterAll(() => t.close());

describe('GET /api/warnings', () => {
  it('computes every non-archived project’s level with reasons for the month', async () => {
    const w = await warnings('2026-09');
    expect(Object.keys(w).sort()).toEqual(
      ['W-DONE', 'W-GREEN', 'W-MISS', 'W-MS30', 'W-MS31', 'W-OVR', 'W-RED', 'W-SUB'].sort(),
    );
    const levels = Object.fromEntries(Object.values(w).map((s: Json) => [s.code, s.level]));
    expect(levels).toEqual({
      'W-RED': 'red',
      'W-MISS': 'yellow',
      'W-SUB': 'yellow',
      'W-MS31': 'red',
      'W-MS30': 'yellow',
      'W-DONE': 'green',
      'W-GREEN': 'green',
      'W-OVR': 'red',
    });
    for (const s of Object.values(w)) {
      expect(s.computedLevel).toBe(s.level);
      expect(s.overrideLevel).toBeNull();
    }
  });

  it('says why: investment at 76% is red, with the numbers', async () => {
    const { 'W-RED': red } = await warnings('2026-09');
    expect(red.reasons).toHaveLength(1);
    expect(red.reasons[0]).toMatchObject({ rule: 'investment', level: 'red' });
    expect(red.reasons[0].zh).toContain('76.0%');
    expect(red.reasons[0].zh).toBe(
      '1–9月累计完成760.00万元，为时序目标1,000.00万元的76.0%，低于80%',
    );
    expect(red.reasons[0].en).toContain('76.0%');
  });

  it('makes a planned project that has not reported the month yellow (本月未报送)', async () => {
    const { 'W-MISS': miss } = await warnings('2026-09');
    expect(miss.reasons.map((r: Json) => [r.rule, r.level])).toEqual([
      ['investment', 'green'],
      ['reporting', 'yellow'],
    ]);
    expect(miss.reasons[1].zh).toBe('本月未报送');
    expect(miss.reasons[0].zh).toContain('100.0%');
  });

  it('counts a submitted report as reported but not its investment', async () => {
    const { 'W-SUB': sub } = await warnings('2026-09');
    expect(sub.reasons).toHaveLength(1);
    expect(sub.reasons[0]).toMatchObject({ rule: 'investment', level: 'yellow' });
    expect(sub.reasons[0].zh).toContain('900.00万元');
    expect(sub.reasons[0].zh).toContain('90.0%');
  });

  it('makes a milestone 31 days late red and one 30 days late yellow; done or not yet due counts nothing', async () => {
    const w = await warnings('2026-09');
    expect(w['W-MS31'].reasons).toEqual([
      {
        rule: 'milestone',
        level: 'red',
        zh: '节点“开工”计划2026-08-30完成，截至2026-09-30未完成，滞后31天',
        en: expect.stringContaining('31 days late'),
      },
    ]);
    expect(w['W-MS30'].reasons.map((r: Json) => [r.rule, r.level])).toEqual([
      ['milestone', 'yellow'],
    ]);
    expect(w['W-MS30'].reasons[0].zh).toContain('滞后30天');
    expect(w['W-DONE'].reasons).toEqual([]);
    expect(w['W-GREEN'].reasons).toEqual([]);
    // In August it is one day late; in July it is not due yet.
    const august = (await warnings('2026-08'))['W-MS31'];
    expect(august.level).toBe('yellow');
    expect(august.reasons[0].zh).toContain('截至2026-08-31未完成，滞后1天');
    expect((await warnings('2026-07'))['W-MS31'].reasons).toEqual([]);
  });

  it('filters by level and refuses a bad month', async () => {
    const res = await call('GET', `/api/warnings?month=2026-09&tag=${TAG}&level=red`);
    expect(res.status).toBe(200);
    expect(res.body.map((s: Json) => s.code).sort()).toEqual(['W-MS31', 'W-OVR', 'W-RED']);
    expect((await call('GET', '/api/warnings?month=2026-13')).status).toBe(400);
    expect((await call('GET', '/api/warnings?month=2026-9')).status).toBe(400);
    expect((await call('GET', '/api/warnings')).status).toBe(400);
  });
});

describe('thresholds', () => {
  afterAll(async () => {
    const { version } = (await call('GET', '/api/settings/warnings')).body;
    await call('PUT', '/api/settings/warnings', { ...DEFAULTS, version });
  });

  it('starts from the defaults', async () => {
    const res = await call('GET', '/api/settings/warnings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...ALL_DEFAULTS, version: 0 });
  });

  it('changes the outcome when a coordinator changes them', async () => {
    const put = await call('PUT', '/api/settings/warnings', {
      investmentGreenAtPercent: 100,
      investmentRedBelowPercent: 70,
      milestoneRedAfterDays: 31,
      missingReportLevel: 'red',
      version: 0,
    });
    expect(put.status, put.raw).toBe(200);
    expect(put.body).toMatchObject({ investmentRedBelowPercent: 70, version: 1 });
    const w = await warnings('2026-09');
    expect(w['W-RED'].level).toBe('yellow');
    expect(w['W-RED'].reasons[0].zh).toContain('76.0%，低于100%');
    expect(w['W-MS31'].level).toBe('yellow');
    expect(w['W-MISS'].level).toBe('red');
    expect(w['W-MISS'].reasons[1]).toMatchObject({
      rule: 'reporting',
      level: 'red',
      zh: '本月未报送',
    });

    const back = await call('PUT', '/api/settings/warnings', { ...DEFAULTS, version: 1 });
    expect(back.body.version).toBe(2);
    const again = await warnings('2026-09');
    expect([again['W-RED'].level, again['W-MS31'].level, again['W-MISS'].level]).toEqual([
      'red',
      'red',
      'yellow',
    ]);
  });

  it('refuses a red threshold above the green one, and leaves the settings as they were', async () => {
    const res = await call('PUT', '/api/settings/warnings', {
      ...DEFAULTS,
      investmentGreenAtPercent: 80,
      investmentRedBelowPercent: 90,
      version: 2,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('investmentRedBelowPercent');
    expect((await call('GET', '/api/settings/warnings')).body).toEqual({
      ...ALL_DEFAULTS,
      version: 2,
    });
  });

  it('requires the version the page loaded: a stale one is 409 naming who changed them and when', async () => {
    const unversioned = await call('PUT', '/api/settings/warnings', DEFAULTS);
    expect(unversioned.status).toBe(400);
    expect(unversioned.body.error.field).toBe('version');
    // two coordinators loaded version 2; the first saves, the second would overwrite it
    const first = await call('PUT', '/api/settings/warnings', {
      ...DEFAULTS,
      milestoneRedAfterDays: 45,
      version: 2,
    });
    expect(first.status, first.raw).toBe(200);
    for (const version of [2, 0]) {
      const stale = await call('PUT', '/api/settings/warnings', {
        ...DEFAULTS,
        milestoneRedAfterDays: 60,
        version,
      });
      expect(stale.status, stale.raw).toBe(409);
      expect(stale.body.error).toMatchObject({ code: 'settings.stale', version: 3 });
      expect(stale.body.error.updatedBy).toBeTruthy();
      expect(stale.body.error.message).toContain(stale.body.error.updatedBy);
      expect(stale.body.error.message).toMatch(/于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 修改/);
    }
    expect((await call('GET', '/api/settings/warnings')).body).toMatchObject({
      milestoneRedAfterDays: 45,
      version: 3,
    });
  });
});

describe('overrides', () => {
  const override = (body: object) =>
    call('POST', '/api/warnings/override', {
      projectId: ids['W-OVR'],
      year: 2026,
      month: 9,
      ...body,
    });

  it('needs a written reason of at least 4 characters', async () => {
    for (const reason of [undefined, '', '太慢', '进度慢', '    ']) {
      const res = await override({ level: 'green', reason });
      expect(res.status, res.raw).toBe(400);
      expect(res.body.error.field).toBe('reason');
    }
    expect((await warnings('2026-09'))['W-OVR']).toMatchObject({
      level: 'red',
      overrideLevel: null,
    });
    expect(await history('W-OVR')).toEqual([]);
  });

  it('sets the final level, keeps the computed one, and appends every override to the history', async () => {
    const first = await override({ level: 'yellow', reason: '已约谈建设单位' });
    expect(first.status, first.raw).toBe(200);
    expect(first.body).toMatchObject({
      code: 'W-OVR',
      level: 'yellow',
      computedLevel: 'red',
      overrideLevel: 'yellow',
      overrideReason: '已约谈建设单位',
    });
    expect((await warnings('2026-09'))['W-OVR']).toMatchObject({
      level: 'yellow',
      computedLevel: 'red',
      overrideReason: '已约谈建设单位',
    });
    const afterFirst = await history('W-OVR');
    expect(afterFirst).toHaveLength(1);

    const second = await override({ level: 'green', reason: '节点已完成，待补录实际日期' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ level: 'green', computedLevel: 'red' });
    expect((await warnings('2026-09', '&level=green'))['W-OVR']).toBeDefined();

    const events = await history('W-OVR');
    expect(
      events.map((e: Json) => [
        e.kind,
        e.computedLevel,
        e.overrideLevel,
        e.finalLevel,
        e.overrideReason,
      ]),
    ).toEqual([
      ['override', 'red', 'green', 'green', '节点已完成，待补录实际日期'],
      ['override', 'red', 'yellow', 'yellow', '已约谈建设单位'],
    ]);
    expect(events.every((e: Json) => e.actor === '统筹' && e.year === 2026 && e.month === 9)).toBe(
      true,
    );
    // The first event is exactly as it was: never rewritten.
    expect(events[1]).toEqual(afterFirst[0]);
    // Another month is untouched.
    expect((await warnings('2026-10'))['W-OVR'].level).toBe('red');
  });

  it('answers worst first, so the list re-sorts after an override (issue 15)', async () => {
    const order = async () => {
      const res = await call('GET', '/api/warnings?month=2026-09');
      expect(res.status, res.raw).toBe(200);
      return res.body.map((s: Json) => [s.code, s.level]);
    };
    const rank: Record<string, number> = { red: 0, yellow: 1, green: 2 };
    const sorted = (rows: [string, string][]) =>
      [...rows].sort((a, b) => rank[a[1]] - rank[b[1]] || a[0].localeCompare(b[0]));
    const before = await order();
    expect(before).toEqual(sorted(before));
    // W-OVR is green by override now: it moves below every red and yellow project
    const after = await order();
    expect(after).toEqual(sorted(after));
    expect(after.findIndex((r: Json) => r[0] === 'W-OVR')).toBeGreaterThan(
      after.findLastIndex((r: Json) => r[1] !== 'green'),
    );
  });

  it('keeps an override when the month is snapshotted again', async () => {
    const res = await call('POST', '/api/warnings/snapshot', { month: '2026-09' });
    expect(res.status, res.raw).toBe(200);
    // Eight projects; W-OVR already has a snapshot with the same computed level.
    expect(res.body).toEqual({ projects: 8, changed: 7 });
    expect((await warnings('2026-09'))['W-OVR']).toMatchObject({
      level: 'green',
      computedLevel: 'red',
    });
    expect(await history('W-OVR')).toHaveLength(2);
  });

  it('clears an override with a reason, and records that too', async () => {
    const res = await override({ level: null, reason: '恢复按规则计算' });
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({ level: 'red', computedLevel: 'red', overrideLevel: null });
    expect((await warnings('2026-09'))['W-OVR']).toMatchObject({
      level: 'red',
      overrideLevel: null,
    });
    const events = await history('W-OVR');
    expect(events.map((e: Json) => [e.kind, e.finalLevel])).toEqual([
      ['override_cleared', 'red'],
      ['override', 'green'],
      ['override', 'yellow'],
    ]);
  });

  it('refuses an archived or unknown project', async () => {
    const archived = await call('POST', '/api/warnings/override', {
      projectId: ids['W-ARC'],
      year: 2026,
      month: 9,
      level: 'green',
      reason: '已归档项目',
    });
    expect(archived.status).toBe(400);
    expect(await history('W-ARC')).toEqual([]);
    const unknown = await call('POST', '/api/warnings/override', {
      projectId: 999999,
      year: 2026,
      month: 9,
      level: 'green',
      reason: '不存在的项目',
    });
    expect(unknown.status).toBe(404);
  });
});

describe('snapshots', () => {
  it('records the month once; a second run with unchanged data adds no computed events', async () => {
    const first = await call('POST', '/api/warnings/snapshot', { month: '2026-10' });
    expect(first.status, first.raw).toBe(200);
    expect(first.body).toEqual({ projects: 8, changed: 8 });
    const redBefore = await history('W-RED');
    expect(redBefore[0]).toMatchObject({
      kind: 'computed',
      year: 2026,
      month: 10,
      computedLevel: 'red',
      finalLevel: 'red',
      overrideLevel: null,
    });
    expect(redBefore[0].reasons.map((r: Json) => r.rule)).toEqual(['investment', 'reporting']);

    const counts = async () =>
      Object.fromEntries(
        await Promise.all(
          Object.keys(ids).map(async (code) => [code, (await history(code)).length] as const),
        ),
      );
    const before = await counts();
    const second = await call('POST', '/api/warnings/snapshot', { month: '2026-10' });
    expect(second.body).toEqual({ projects: 8, changed: 0 });
    expect(await counts()).toEqual(before);

    // W-RED reports October and catches up: one new computed event, the old one kept.
    await report('W-RED', 10, '240', 'approved');
    const third = await call('POST', '/api/warnings/snapshot', { month: '2026-10' });
    expect(third.body).toEqual({ projects: 8, changed: 1 });
    const redAfter = await history('W-RED');
    expect(redAfter).toHaveLength(redBefore.length + 1);
    expect(redAfter.map((e: Json) => [e.year, e.month, e.kind, e.computedLevel])).toEqual([
      [2026, 10, 'computed', 'green'],
      [2026, 10, 'computed', 'red'],
      [2026, 9, 'computed', 'red'],
    ]);
    expect(redAfter[1]).toEqual(redBefore[0]);
  });

  it('refuses a bad month', async () => {
    expect((await call('POST', '/api/warnings/snapshot', { month: '2026-00' })).status).toBe(400);
    expect((await call('POST', '/api/warnings/snapshot', {})).status).toBe(400);
  });
});
