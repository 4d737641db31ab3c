import { Decimal } from 'decimal.js';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/test-app.ts';
import { isoDateOf, parseYearMonth } from '../../../domain/periods.ts';
import { latenessAsOf, milestoneLateness, worstFirst } from '../../../domain/warning-rules.ts';
import { milestones } from '../milestones/milestones.table.ts';
import { systemActor } from '../offices/offices.service.ts';
import { evaluateMonth } from '../warnings/warnings.service.ts';
import { dispatchFigures } from './dispatch.service.ts';
import { projectMonthLevels } from './levels.table.ts';
import { verifyRollups } from './rollups.service.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked value by value
type Json = any;

let t: TestApp;

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) {
  const res = await t.app.inject({ method, url, payload });
  const body = (res.body ? res.json() : null) as Json;
  expect(res.statusCode, res.body).toBeLessThan(300);
  return body;
}

const ids: Record<string, number> = {};
const linear = (step: number) => Array.from({ length: 12 }, (_, i) => String(step * (i + 1)));

/**
 * The stored levels are a cache of the rule: after every kind of change the dashboard's counts
 * (read from project_month_levels) must equal the rule run afresh over every project
 * (GET /api/warnings), and its late-milestone count must equal milestoneLateness() over every
 * milestone.
 */
async function expectCountsFresh(month: string) {
  const d = await call('GET', `/api/dispatch?through=${month}`);
  // the rule run afresh over every project; the warnings list (stored levels too) must say the same
  const fresh = (
    await evaluateMonth(
      t.database.db,
      { actor: systemActor(t.officeId), now: t.clock.now },
      { period: parseYearMonth(month)! },
    )
  )
    .map(({ rollup: _, ...s }) => s)
    .sort(worstFirst);
  const listed: Json[] = await call('GET', `/api/warnings?month=${month}`);
  expect(listed.map(({ notice: _, canIssueNotice: __, ...s }: Json) => s)).toEqual(fresh);
  const counts = { green: 0, yellow: 0, red: 0 } as Record<string, number>;
  for (const s of fresh) counts[s.level]++;
  expect(d.warnings).toEqual(counts);
  expect(d.flaggedCount).toBe(counts.yellow + counts.red);
  expect(d.flagged.map((f: Json) => [f.code, f.level])).toEqual(
    fresh.filter((s) => s.level !== 'green').map((s) => [s.code, s.level]),
  );
  const thresholds = await call('GET', '/api/settings/warnings');
  const asOf = latenessAsOf(parseYearMonth(month)!, isoDateOf(t.clock.now));
  const archived = new Set(
    (await call('GET', '/api/projects?archived=only&pageSize=100')).items.map((p: Json) => p.id),
  );
  const late = (await t.database.db.select().from(milestones)).filter(
    (m) => !archived.has(m.projectId) && milestoneLateness(m, asOf, thresholds),
  );
  expect(d.overdueCount).toBe(late.length);
  expect(d.overdueMilestones.length).toBe(late.length);
  // the two figures the dashboard used to subtract itself
  const i = Number(month.slice(5)) - 1;
  const before = i > 0 ? d.series[i - 1].actual : '0';
  expect(d.monthActual).toBe(new Decimal(d.series[i].actual).minus(before).toFixed(2));
  expect(d.gapVsTiming).toBe(new Decimal(d.actual).minus(d.timingTarget).toFixed(2));
  return { d, counts };
}

beforeAll(async () => {
  t = await createTestApp({ now: new Date('2026-06-15T02:00:00Z') });
  for (const code of ['L1', 'L2', 'L3', 'L4']) {
    const p = await call('POST', '/api/projects', { code, name: `项目${code}`, tags: ['六重'] });
    ids[code] = p.id;
    if (code !== 'L4') {
      await call('PUT', `/api/projects/${code}/plans/2026`, {
        annualTarget: '1200',
        timingTargets: linear(100),
      });
    }
  }
  await call('PATCH', `/api/projects/L3`, {
    phase: 'construction',
    version: (await call('GET', '/api/projects/L3')).version,
  });
});
afterAll(async () => {
  await t?.app.close();
  await t?.database.close();
});

async function approve(code: string, month: number, investment: string) {
  const r = await call('POST', '/api/reports', {
    projectId: ids[code],
    year: 2026,
    month,
    investment,
    version: 0,
  });
  await call('POST', `/api/reports/${r.id}/submit`, {});
  await call('POST', `/api/reports/${r.id}/approve`, {});
}

describe('stored warning levels (issue 12: counts by GROUP BY, never stale)', () => {
  it('follow approvals, milestones, the clock, thresholds, phases, overrides and archiving', async () => {
    await approve('L1', 1, '100');
    await approve('L1', 2, '100');
    await approve('L2', 1, '50');
    await expectCountsFresh('2026-02');
    await expectCountsFresh('2026-06');

    // an approval moves the level of the month it changes
    const before = (await expectCountsFresh('2026-03')).counts;
    await approve('L1', 3, '100');
    const after = (await expectCountsFresh('2026-03')).counts;
    expect(after).not.toEqual(before);

    // a milestone 26 days late on 15 June: yellow; on 30 June, 41 days: red (as_of moves)
    const ms = await call('POST', '/api/projects/L4/milestones', {
      kind: 'custom',
      name: '主体结构封顶',
      plannedDate: '2026-05-20',
    });
    const june = await expectCountsFresh('2026-06');
    expect(june.d.flagged.find((f: Json) => f.code === 'L4')?.level).toBe('yellow');
    t.clock.now = new Date('2026-06-30T02:00:00Z');
    const late = await expectCountsFresh('2026-06');
    expect(late.d.flagged.find((f: Json) => f.code === 'L4')?.level).toBe('red');

    // the threshold to 60 days: yellow again
    const th = await call('GET', '/api/settings/warnings');
    await call('PUT', '/api/settings/warnings', {
      investmentGreenAtPercent: th.investmentGreenAtPercent,
      investmentRedBelowPercent: th.investmentRedBelowPercent,
      missingReportLevel: th.missingReportLevel,
      milestoneRedAfterDays: 60,
      version: th.version,
    });
    const relaxed = await expectCountsFresh('2026-06');
    expect(relaxed.d.flagged.find((f: Json) => f.code === 'L4')?.level).toBe('yellow');

    // done on 1 June: no longer late in June, still late at May's end? no: planned 20 May, done
    // 1 June, so 11 days late on 31 May
    await call('PATCH', `/api/milestones/${ms.id}`, {
      actualDate: '2026-06-01',
      version: ms.version,
    });
    const done = await expectCountsFresh('2026-06');
    expect(done.d.flagged.find((f: Json) => f.code === 'L4')).toBeUndefined();
    const may = await expectCountsFresh('2026-05');
    expect(may.d.overdueCount).toBe(1);

    // a finished project owes no report
    const l3 = await call('GET', '/api/projects/L3');
    const owes = (d: Json) =>
      d.flagged
        .find((f: Json) => f.code === 'L3')
        ?.reasons.some((r: Json) => r.rule === 'reporting');
    expect(owes((await expectCountsFresh('2026-04')).d)).toBe(true);
    await call('PATCH', '/api/projects/L3', { phase: 'completed', version: l3.version });
    expect(owes((await expectCountsFresh('2026-04')).d)).toBeFalsy();

    // an override wins; clearing it lets the computed level stand again
    await call('POST', '/api/warnings/override', {
      projectId: ids.L1,
      year: 2026,
      month: 4,
      level: 'red',
      reason: '现场停工待复工',
    });
    expect((await expectCountsFresh('2026-04')).counts.red).toBeGreaterThan(0);
    await call('POST', '/api/warnings/override', {
      projectId: ids.L1,
      year: 2026,
      month: 4,
      level: null,
      reason: '已复工，恢复计算等级',
    });
    await expectCountsFresh('2026-04');

    // archiving takes a project out of every count
    const l2 = await call('GET', '/api/projects/L2');
    await call('POST', '/api/projects/L2/archive', { archived: true, version: l2.version });
    const { d } = await expectCountsFresh('2026-04');
    expect(d.projects).toBe(3);
  });

  it('a stored level computed before a change never counts after it', async () => {
    // Forge a row as a request that read the facts before an approval would have left it.
    const month = '2026-07';
    await expectCountsFresh(month);
    const rows = await t.database.db
      .select()
      .from(projectMonthLevels)
      .where(eq(projectMonthLevels.projectId, ids.L1));
    const july = rows.find((r) => r.year === 2026 && r.month === 7)!;
    await approve('L1', 4, '900');
    await t.database.db
      .update(projectMonthLevels)
      .set({ computedLevel: july.computedLevel, standingVersion: july.standingVersion })
      .where(eq(projectMonthLevels.projectId, ids.L1));
    await expectCountsFresh(month);
  });

  it('tiaodu rollup verify checks every stored level that counts against the rule run now', async () => {
    await expectCountsFresh('2026-05');
    expect((await verifyRollups(t.database.db, t.officeId, t.clock.now)).differences).toEqual([]);
    const [row] = await t.database.db
      .select()
      .from(projectMonthLevels)
      .where(and(eq(projectMonthLevels.projectId, ids.L1), eq(projectMonthLevels.month, 5)));
    const wrong = row.computedLevel === 'red' ? 'green' : 'red';
    await t.database.db
      .update(projectMonthLevels)
      .set({ computedLevel: wrong })
      .where(and(eq(projectMonthLevels.projectId, ids.L1), eq(projectMonthLevels.month, 5)));
    expect((await verifyRollups(t.database.db, t.officeId, t.clock.now)).differences).toEqual([
      `L1 2026-05: 预警等级 ${wrong} ≠ ${row.computedLevel} / stored level differs`,
    ]);
  });

  it('lists the worst `limit` and counts them all', async () => {
    const ctx = { actor: systemActor(t.officeId), now: t.clock.now };
    const all = await dispatchFigures(t.database.db, ctx, { period: { year: 2026, month: 5 } });
    expect(all.flagged.length).toBe(all.flaggedCount);
    expect(all.flaggedCount).toBeGreaterThan(1);
    const one = await dispatchFigures(t.database.db, ctx, {
      period: { year: 2026, month: 5 },
      limit: 1,
    });
    expect(one.flaggedCount).toBe(all.flaggedCount);
    expect(one.flagged).toEqual(all.flagged.slice(0, 1));
    expect(one.overdueCount).toBe(all.overdueCount);
    expect(one.overdueMilestones).toEqual(all.overdueMilestones.slice(0, 1));
  });

  it('cuts the flagged list at every limit as the whole list would, overrides either way', async () => {
    // 12 more projects: red (far behind), yellow (not reported) and green, codes interleaved,
    // then overrides that move a green up, a red down and a yellow and a red out of the list.
    const kinds = ['red', 'yellow', 'green'] as const;
    for (let k = 0; k < 12; k++) {
      const code = `F${String(k).padStart(2, '0')}`;
      const p = await call('POST', '/api/projects', { code, name: `项目${code}` });
      ids[code] = p.id;
      await call('PUT', `/api/projects/${code}/plans/2026`, {
        annualTarget: '1200',
        timingTargets: linear(100),
      });
      const kind = kinds[k % 3]!;
      if (kind !== 'yellow') await approve(code, 3, kind === 'red' ? '10' : '300');
    }
    // late milestones at March's end: open ones, and one done only in April (lateAtSql's arms)
    for (const [code, plannedDate, actualDate] of [
      ['F01', '2026-02-10', null],
      ['F05', '2026-01-05', null],
      ['F07', '2026-03-01', null],
      ['F08', '2026-02-01', '2026-04-10'],
    ] as const) {
      await call('POST', `/api/projects/${code}/milestones`, {
        kind: 'custom',
        name: `${code}节点`,
        plannedDate,
        ...(actualDate ? { actualDate } : {}),
      });
    }
    const override = (code: string, level: string) =>
      call('POST', '/api/warnings/override', {
        projectId: ids[code],
        year: 2026,
        month: 3,
        level,
        reason: '调度会议定',
      });
    await override('F02', 'red'); // green → red
    await override('F03', 'yellow'); // red → yellow
    await override('F04', 'green'); // yellow → green
    await override('F06', 'green'); // red → green
    const { d: all } = await expectCountsFresh('2026-03');
    expect(all.flagged.map((f: Json) => f.code)).toContain('F02');
    expect(all.flagged.map((f: Json) => f.code)).not.toContain('F04');
    const ctx = { actor: systemActor(t.officeId), now: t.clock.now };
    // every plan (a small office scans; above FLAGGED_ARMS_ABOVE projects, arms, and the late
    // milestones from their projects when few), every cut
    for (const listPlan of ['scan', 'projects', 'arms'] as const) {
      for (let limit = 1; limit <= all.flagged.length + 1; limit++) {
        const cut = await dispatchFigures(t.database.db, ctx, {
          period: { year: 2026, month: 3 },
          limit,
          listPlan,
        });
        expect(cut.flagged, `${listPlan}, limit ${limit}`).toEqual(all.flagged.slice(0, limit));
        expect(cut.flaggedCount).toBe(all.flaggedCount);
        expect(cut.overdueMilestones).toEqual(all.overdueMilestones.slice(0, limit));
        expect(cut.overdueCount).toBe(all.overdueCount);
      }
    }
    expect(all.overdueCount).toBeGreaterThan(3);
  });
});
