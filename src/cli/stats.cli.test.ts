import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliTarget, createCliTarget } from '../../test/cli-harness.ts';
import { loadDemo } from '../demo/demo-office.ts';

let target: CliTarget;
beforeAll(async () => {
  target = await createCliTarget('tiaodu-stats');
});
afterAll(() => target?.cleanup());

const tiaodu = (...argv: string[]) => target.tiaodu(...argv);
const json = async (...argv: string[]) => {
  const r = await tiaodu('stats', ...argv, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

const KINDS = { task_force: 0, coordination: 0, regular: 0, site_visit: 0 };

describe('tiaodu stats', () => {
  it('on an empty office: every fixed key, every kind, zeros as integers', async () => {
    const s = await json('--from', '2023-01-01', '--to', '2023-06-30');
    expect(s).toEqual({
      from: '2023-01-01',
      to: '2023-06-30',
      unit: null,
      meetings: { total: 0, byKind: KINDS },
      problems: { raised: 0, resolved: 0, resolvedByMeetingKind: KINDS },
      actionItems: { created: 0, closed: 0, overdue: 0, createdByMeetingKind: KINDS },
      activities: {
        total: 0,
        byKind: { delegation: 0, study: 0, forum: 0, lecture: 0, consultation: 0 },
      },
    });
    // the modules of the next session are not counted yet, so they are not printed as zeros
    expect(Object.keys(s)).not.toContain('notices');
    expect(Object.keys(s)).not.toContain('workPlans');
  });

  it('refuses bad input naming the option, with a non-zero exit', async () => {
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

  it('the demo office: the half-year summary’s counts come out exactly', async () => {
    const database = await target.open();
    try {
      await database.migrate();
      await loadDemo(database.db);
    } finally {
      await database.close();
    }
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
    });
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

    const text = await tiaodu('stats', '--from', '2023-01-01', '--to', '2023-06-30');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('专责小组会议 6 次');
    expect(text.stdout).toContain('接待调研考察团 155 批次');
  }, 600_000);
});
