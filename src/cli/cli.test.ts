import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliTarget, createCliTarget } from '../../test/cli-harness.ts';

let target: CliTarget;
beforeAll(async () => {
  // An empty database, not the run's migrated one: the first command, a process of its own,
  // migrates it itself. The others run in-process; the exit codes are checked again on real
  // processes (`spawned`).
  target = await createCliTarget('tiaodu-cli', { fresh: true, inProcess: true });
});
afterAll(() => target?.cleanup());

const tiaodu = (...argv: string[]) => target.tiaodu(...argv);

// `tiaodu stats` shares this file's database and its one demo load (a load takes a busy
// machine half a minute), before and after the demo.
const json = async (...argv: string[]) => {
  const r = await tiaodu('stats', ...argv, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

const KINDS = { task_force: 0, coordination: 0, regular: 0, site_visit: 0 };

describe('tiaodu CLI', () => {
  it('works on an empty database without loading the demo', async () => {
    const r = await target.spawned('dashboard', '--year', '2023', '--through', '2023-06', '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({
      year: 2023,
      through: '2023-06',
      projects: 0,
      actual: '0.00',
      byArea: [],
    });
  });

  it('refuses a bad month with a clear error and a non-zero exit', async () => {
    const r = await target.spawned('dashboard', '--year', '2023', '--through', '2023-13');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/YYYY-MM/);
    const mismatch = await tiaodu('dashboard', '--year', '2024', '--through', '2023-06');
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stderr).toMatch(/不一致/);
  });

  it('stats on an empty office: every fixed key, every kind, zeros as integers', async () => {
    const s = await json('--from', '2023-01-01', '--to', '2023-06-30');
    expect(s).toEqual({
      from: '2023-01-01',
      to: '2023-06-30',
      unit: null,
      meetings: { total: 0, byKind: KINDS },
      problems: { raised: 0, resolved: 0, resolvedByMeetingKind: KINDS },
      actionItems: { created: 0, closed: 0, overdue: 0, createdByMeetingKind: KINDS },
      notices: { issued: 0, closed: 0 },
      rectifications: { total: 0, closed: 0 },
      workPlans: [],
      activities: {
        total: 0,
        byKind: { delegation: 0, study: 0, forum: 0, lecture: 0, consultation: 0 },
      },
    });
    // the modules not counted yet are not printed as zeros
  });

  it('stats refuses bad input naming the option, with a non-zero exit', async () => {
    const bad = await tiaodu('stats', '--from', '2023-02-30', '--to', '2023-06-30');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--from/);
    const reversed = await tiaodu('stats', '--from', '2023-07-01', '--to', '2023-06-30');
    expect(reversed.code).not.toBe(0);
    expect(reversed.stderr).toMatch(/--to/);
    const unit = await tiaodu(
      'stats',
      '--from',
      '2023-01-01',
      '--to',
      '2023-06-30',
      '--unit',
      '无此单位',
    );
    expect(unit.code).not.toBe(0);
    expect(unit.stderr).toMatch(/\[unit\].*无此单位/);
  });

  it('loads the demo and prints the seed figures in the documented JSON shape', async () => {
    const demo = await tiaodu('demo');
    expect(demo.code, demo.stderr).toBe(0);
    const core = JSON.parse(
      (
        await tiaodu(
          'dashboard',
          '--year',
          '2023',
          '--through',
          '2023-06',
          '--area',
          '光明科学城核心片区',
          '--json',
        )
      ).stdout,
    );
    expect(core).toMatchObject({
      year: 2023,
      through: '2023-06',
      projects: 59,
      annualTarget: '2088000.00',
      actual: '1049100.00',
    });
    expect(Object.keys(core)).toEqual(
      expect.arrayContaining([
        'year',
        'through',
        'projects',
        'annualTarget',
        'timingTarget',
        'actual',
        'byArea',
        'byTag',
        'warnings',
      ]),
    );
    for (const key of ['annualTarget', 'timingTarget', 'actual'])
      expect(core[key]).toMatch(/^\d+\.\d{2}$/);
    expect(core.byArea[0]).toMatchObject({
      area: '光明科学城核心片区',
      projects: 59,
      annualTarget: '2088000.00',
    });
    expect(Object.keys(core.warnings).sort()).toEqual(['green', 'red', 'yellow']);

    const six = JSON.parse(
      (
        await tiaodu(
          'dashboard',
          '--year',
          '2023',
          '--through',
          '2023-06',
          '--tag',
          '六重',
          '--json',
        )
      ).stdout,
    );
    expect(six.projects).toBe(37);
    expect(six.warnings).toEqual({ green: 31, yellow: 4, red: 2 });

    const city = JSON.parse(
      (
        await tiaodu(
          'dashboard',
          '--year',
          '2023',
          '--through',
          '2023-05',
          '--tag',
          '市投市建',
          '--json',
        )
      ).stdout,
    );
    expect(city).toMatchObject({ projects: 12, actual: '162000.00', aboveInitialPlan: '40.0' });
  });

  it('stats: the demo office: the half-year summary’s counts come out exactly', async () => {
    // the demo loaded by `tiaodu demo` above
    const s = await json('--from', '2023-01-01', '--to', '2023-06-30');
    // 组织召开专责小组会议6次，协调解决问题21个，形成交办事项47项
    expect(s.meetings.byKind.task_force).toBe(6);
    expect(s.problems.resolvedByMeetingKind.task_force).toBe(21);
    expect(s.actionItems.createdByMeetingKind.task_force).toBe(47);
    // 组织协调会议40余次，推动解决问题20余项
    expect(s.meetings.byKind.coordination).toBeGreaterThan(40);
    expect(s.problems.resolvedByMeetingKind.coordination).toBeGreaterThan(20);
    // 接待调研考察团155批次，专题学习34次
    expect(s.activities.byKind.delegation).toBe(155);
    expect(s.activities.byKind.study).toBe(34);
    expect(s).toMatchObject({
      meetings: {
        total: 62,
        byKind: { task_force: 6, coordination: 42, regular: 6, site_visit: 8 },
      },
      problems: { raised: 53, resolved: 44 },
      actionItems: { created: 83, closed: 67, overdue: 1 },
      // 督办滞后项目2个: both supervised and closed within the half-year
      notices: { issued: 2, closed: 2 },
    });
    // 光明云谷片区…围绕规划体系优化、创新资源集聚等六方面，细化项目74个
    expect(s.workPlans).toEqual([
      {
        name: '光明云谷片区开发建设工作方案（2023—2024年）',
        area: '光明云谷片区',
        themes: 6,
        items: 74,
        done: 3,
      },
    ]);
    for (const n of [s.meetings.total, s.problems.raised, s.actionItems.overdue])
      expect(Number.isInteger(n)).toBe(true);

    // the coordination meetings were with the city works bureau: all of them attended
    const gws = await json('--from', '2023-01-01', '--to', '2023-06-30', '--unit', '市建筑工务署');
    expect(gws.unit).toBe('市建筑工务署');
    expect(gws.meetings.byKind.coordination).toBe(42);
    expect(gws.problems.resolvedByMeetingKind.coordination).toBe(23);

    // the latest months leave the loop visibly open: items not yet closed, some overdue
    const q4 = await json('--from', '2024-10-01', '--to', '2024-12-31');
    expect(q4.actionItems.created).toBeGreaterThan(q4.actionItems.closed);
    expect(q4.actionItems.overdue).toBeGreaterThan(0);
    expect(q4.notices.issued).toBeGreaterThan(q4.notices.closed);

    const text = await tiaodu('stats', '--from', '2023-01-01', '--to', '2023-06-30');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('专责小组会议 6 次');
    expect(text.stdout).toContain('接待调研考察团 155 批次');
  });
  it('lists warnings with reasons, filtered by level, as a table and as JSON', async () => {
    const table = await tiaodu(
      'warnings',
      '--year',
      '2023',
      '--month',
      '2023-06',
      '--tag',
      '六重',
      '--level',
      'red',
    );
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('督办');
    expect(table.stdout).toContain('共 2 个项目');
    const json = JSON.parse(
      (await tiaodu('warnings', '--month', '2023-06', '--level', 'red', '--json')).stdout,
    );
    expect(json.projects.length).toBeGreaterThanOrEqual(2);
    for (const p of json.projects) {
      expect(p.level).toBe('red');
      expect(p.reasons.some((r: { level: string }) => r.level === 'red')).toBe(true);
    }
  });

  it('verifies the roll-ups against the raw rows', async () => {
    const r = await tiaodu('rollup', 'verify');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/差异 0 条/);
  });

  it('writes the demo office’s June 2023 bulletin as a .docx, and refuses a bad month', async () => {
    const out = join(target.dir, 'bulletin-2023-06.docx');
    const r = await tiaodu('bulletin', '--month', '2023-06', '-o', out);
    expect(r.code, r.stderr).toBe(0);
    const zip = await JSZip.loadAsync(await readFile(out));
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(text).toContain('2023年6月重大项目推进情况通报');
    // the core area's seed figures, in 万元 in the table
    expect(text).toContain('2,088,000.00');
    expect(text).toContain('1,049,100.00');
    const bad = await tiaodu('bulletin', '--month', '2023-6', '-o', out);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--month/);
  });

  it('refuses to load the demo twice', async () => {
    const r = await target.spawned('demo');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/已有项目/);
  });
});
