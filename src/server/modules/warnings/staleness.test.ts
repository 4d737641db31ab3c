import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctxOf } from '../../../../test/factories.ts';
import { createTestApp } from '../../../../test/test-app.ts';
import { verifyRollups } from '../dispatch/rollups.service.ts';
import { type ApprovedReportInput, recordApprovedReports } from '../reports/reports.service.ts';

// Issue 14 item 4: stale data cannot look green. Every project below is on target and has
// handed in the month's report, so only the staleness rule can make it yellow.

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;

let t: TestApp;
const ids: Record<string, number> = {};
const TAG = encodeURIComponent('陈旧测试');

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const res = await t.app.inject({ method, url, payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return (res.body ? res.json() : null) as Json;
}

/** Cumulative targets: `step` a month through `until`, flat after it. */
const targets = (step: number, until: number) =>
  Array.from({ length: 12 }, (_, i) => String(step * Math.min(i + 1, until)));

/** A report handed in (submitted), not approved: the month is reported, the data not checked. */
async function submitted(code: string, year: number, month: number, investment: string) {
  const r = await call('POST', '/api/reports', {
    projectId: ids[code],
    year,
    month,
    investment,
    version: 0,
  });
  await call('POST', `/api/reports/${r.id}/submit`, {});
  return r.id as number;
}

async function warnings(month: string): Promise<Record<string, Json>> {
  const list: Json[] = await call('GET', `/api/warnings?month=${month}&tag=${TAG}`);
  return Object.fromEntries(list.map((s) => [s.code, s]));
}
const staleReasons = (s: Json) => s.reasons.filter((r: Json) => r.rule === 'staleness');

/** The dashboard (stored levels) for the test's projects. */
const dispatch = (month: string) => call('GET', `/api/dispatch?through=${month}&tag=${TAG}`);

async function setThresholds(over: object) {
  const current = await call('GET', '/api/settings/warnings');
  return call('PUT', '/api/settings/warnings', { ...current, ...over });
}

beforeAll(async () => {
  t = await createTestApp({ now: new Date('2026-11-24T02:00:00Z') });
  // S-OLD: approved Jan–Sep, November handed in but not approved: on target (900 of 900).
  // S-FROZEN: approved Jan–Nov on target, progress 80% since August, 100 of the 1,200 left.
  // S-SPENT: the same progress, but the year's money is spent and nothing scheduled later.
  // S-2023: approved Jan–Jun 2023, July and August handed in only; viewed from 2026.
  const plans: [string, number, string, string[]][] = [
    ['S-OLD', 2026, '900', targets(100, 9)],
    ['S-FROZEN', 2026, '1200', targets(100, 12)],
    ['S-SPENT', 2026, '1100', targets(100, 11)],
    ['S-2023', 2023, '600', targets(100, 6)],
  ];
  for (const [code, year, annualTarget, timingTargets] of plans) {
    const p = await call('POST', '/api/projects', {
      code,
      name: `项目${code}`,
      tags: ['陈旧测试'],
    });
    ids[code] = p.id;
    await call('PUT', `/api/projects/${code}/plans/${year}`, { annualTarget, timingTargets });
  }
  const history: ApprovedReportInput[] = [];
  const add = (code: string, year: number, months: number, progress: (m: number) => number) => {
    for (let month = 1; month <= months; month++) {
      const progressPercent = String(progress(month));
      history.push({ projectId: ids[code], year, month, investment: '100', progressPercent });
    }
  };
  add('S-OLD', 2026, 9, (m) => m * 10);
  add('S-FROZEN', 2026, 11, (m) => Math.min(m, 8) * 10);
  add('S-SPENT', 2026, 11, (m) => Math.min(m, 8) * 10);
  add('S-2023', 2023, 6, (m) => m * 10);
  await t.database.db.transaction((tx) =>
    recordApprovedReports(tx, ctxOf(t.officeId, t.clock.now), history),
  );
  await submitted('S-OLD', 2026, 11, '0');
  await submitted('S-2023', 2023, 7, '0');
  await submitted('S-2023', 2023, 8, '0');
});
afterAll(() => t.close());

describe('staleness rule in the warnings and the dashboard (issue 14 item 4)', () => {
  it('makes a project whose latest approved report is 55 days old yellow with 数据陈旧, and counts it', async () => {
    const w = await warnings('2026-11');
    expect(w['S-OLD'].level).toBe('yellow');
    expect(staleReasons(w['S-OLD'])).toEqual([
      {
        rule: 'staleness',
        level: 'yellow',
        zh: '数据陈旧：最近一次审核通过的月报为2026年9月，截至2026-11-24已55天未更新（超过45天）',
        en: 'stale data: the latest approved monthly report is for Sep 2026, not updated for 55 days as of 2026-11-24 (more than 45)',
      },
    ]);
    // nothing else is wrong with it: on target and reported
    expect(w['S-OLD'].reasons.filter((r: Json) => r.level !== 'green')).toHaveLength(1);

    const d = await dispatch('2026-11');
    expect(d.staleCount).toBe(2);
    const flagged = d.flagged.find((f: Json) => f.code === 'S-OLD');
    expect(flagged.level).toBe('yellow');
    expect(flagged.reasons.map((r: Json) => r.rule)).toEqual(['staleness']);
  });

  it('makes a project whose progress stood still for 3 months with money planned yellow, and counts it', async () => {
    const w = await warnings('2026-11');
    expect(w['S-FROZEN'].level).toBe('yellow');
    expect(staleReasons(w['S-FROZEN']).map((r: Json) => r.zh)).toEqual([
      '数据陈旧：形象进度自2026年8月起停留在80%，已3个月未变化，本年度仍有投资计划',
    ]);
    // the same figures with the year's money spent and nothing scheduled later: green
    expect(w['S-SPENT'].level).toBe('green');
    // two months still: not yet
    expect((await warnings('2026-10'))['S-FROZEN'].level).toBe('green');
    expect((await dispatch('2026-10')).staleCount).toBe(0);
    // S-2023 has no plan for 2026: not judged
    expect((await dispatch('2026-11')).warnings).toEqual({ green: 2, yellow: 2, red: 0 });
  });

  it('judges a 2023 month viewed today at its month end', async () => {
    // July 2023: the June report was approved 31 days before July's end, not 3 years before today
    const july = await warnings('2023-07');
    expect(july['S-2023'].level).toBe('green');
    expect((await dispatch('2023-07')).staleCount).toBe(0);
    const august = await warnings('2023-08');
    expect(august['S-2023'].level).toBe('yellow');
    expect(staleReasons(august['S-2023']).map((r: Json) => r.zh)).toEqual([
      '数据陈旧：最近一次审核通过的月报为2023年6月，截至2023-08-31已62天未更新（超过45天）',
    ]);
    const d = await dispatch('2023-08');
    expect(d.staleCount).toBe(1);
    expect(d.warnings).toEqual({ green: 3, yellow: 1, red: 0 });
  });

  it('follows the thresholds: changing them changes the outcome and the stored levels', async () => {
    const saved = await setThresholds({ staleReportAfterDays: 60, staleProgressMonths: 4 });
    expect(saved).toMatchObject({ staleReportAfterDays: 60, staleProgressMonths: 4 });
    const w = await warnings('2026-11');
    expect([w['S-OLD'].level, w['S-FROZEN'].level]).toEqual(['green', 'green']);
    const relaxed = await dispatch('2026-11');
    expect(relaxed.staleCount).toBe(0);
    expect(relaxed.warnings).toEqual({ green: 4, yellow: 0, red: 0 });
    expect((await dispatch('2023-08')).staleCount).toBe(1);

    // a client that does not know the two fields keeps them as they are
    const {
      staleReportAfterDays: _d,
      staleProgressMonths: _m,
      ...older
    } = await call('GET', '/api/settings/warnings');
    const kept = await call('PUT', '/api/settings/warnings', older);
    expect(kept).toMatchObject({ staleReportAfterDays: 60, staleProgressMonths: 4 });

    const strict = await setThresholds({ staleReportAfterDays: 30, staleProgressMonths: 2 });
    expect(strict).toMatchObject({ staleReportAfterDays: 30, staleProgressMonths: 2 });
    // October: S-OLD's September report is 31 days old, S-FROZEN and S-SPENT (100 of 1,100
    // still planned in October) have stood at 80% for 2 months
    expect((await dispatch('2026-10')).staleCount).toBe(3);
    expect((await dispatch('2023-07')).staleCount).toBe(1);
    await setThresholds({ staleReportAfterDays: 45, staleProgressMonths: 3 });
    expect((await dispatch('2026-11')).staleCount).toBe(2);
  });

  it('refuses thresholds out of range', async () => {
    const current = await call('GET', '/api/settings/warnings');
    for (const bad of [
      { staleReportAfterDays: 0 },
      { staleReportAfterDays: 2.5 },
      { staleProgressMonths: 0 },
      { staleProgressMonths: 121 },
    ]) {
      const res = await t.app.inject({
        method: 'PUT',
        url: '/api/settings/warnings',
        payload: { ...current, ...bad },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field).toBe(Object.keys(bad)[0]);
    }
  });

  it('an approval freshens the data: the stored level follows it, and verify finds no difference', async () => {
    expect((await dispatch('2026-11')).staleCount).toBe(2);
    const [november] = await call(
      'GET',
      `/api/reports?projectId=${ids['S-OLD']}&year=2026&month=11`,
    );
    await call('POST', `/api/reports/${november.id}/approve`, {});
    const d = await dispatch('2026-11');
    expect(d.staleCount).toBe(1);
    expect(d.flagged.map((f: Json) => f.code)).toEqual(['S-FROZEN']);
    expect((await warnings('2026-11'))['S-OLD'].level).toBe('green');
    const verify = await verifyRollups(t.database.db, t.officeId, t.clock.now);
    expect(verify.differences).toEqual([]);
  });
});
