import { describe, expect, it } from 'vitest';
import {
  parseDeadlineCell,
  parseWorkPlanSheet,
  splitCodes,
  WORK_PLAN_COLUMNS,
} from './work-plan-workbook.ts';
import {
  deadlineEnd,
  deadlineZh,
  doneRate,
  isItemOverdue,
  isValidDeadline,
  rollUp,
  shownStatus,
  totalOf,
} from './work-plans.ts';
import type { Grid } from './workbook-sheets.ts';

// 2023-10-01 08:00 in Shanghai is still 2023-10-01 there, 2023-09-30 in UTC
const now = new Date('2023-10-01T00:00:00Z');

describe('deadlines', () => {
  it('a day or a month; a month ends on its last day', () => {
    expect(isValidDeadline('2023-09-30')).toBe(true);
    expect(isValidDeadline('2023-09')).toBe(true);
    expect(isValidDeadline('2023-02-30')).toBe(false);
    expect(isValidDeadline('2023-13')).toBe(false);
    expect(deadlineEnd('2024-02')).toBe('2024-02-29');
    expect(deadlineEnd('2023-09-15')).toBe('2023-09-15');
    expect(deadlineZh('2023-09')).toBe('2023年9月底');
    expect(deadlineZh('2023-09-05')).toBe('2023年9月5日');
  });

  it('overdue the day after the deadline (China Standard Time), never when done', () => {
    expect(isItemOverdue({ status: 'in_progress', deadline: '2023-09-30' }, now)).toBe(true);
    expect(isItemOverdue({ status: 'in_progress', deadline: '2023-10-01' }, now)).toBe(false);
    expect(isItemOverdue({ status: 'not_started', deadline: '2023-09' }, now)).toBe(true);
    expect(isItemOverdue({ status: 'not_started', deadline: '2023-10' }, now)).toBe(false);
    expect(isItemOverdue({ status: 'done', deadline: '2023-01-01' }, now)).toBe(false);
    expect(shownStatus({ status: 'in_progress', deadline: '2023-09' }, now)).toBe('delayed');
    expect(shownStatus({ status: 'done', deadline: '2023-09' }, now)).toBe('done');
  });
});

describe('roll-ups', () => {
  it('done rate is rounded half-up once, to one decimal', () => {
    expect(doneRate(2, 3)).toBe('66.7');
    expect(doneRate(1, 8)).toBe('12.5');
    // 1/16 = 6.25 → 6.3 (half-up), not 6.2
    expect(doneRate(1, 16)).toBe('6.3');
    expect(doneRate(0, 0)).toBeNull();
    expect(doneRate(74, 74)).toBe('100.0');
  });

  it('counts items, done and overdue per key, keeping the keys named first', () => {
    const items = [
      { status: 'done' as const, deadline: '2023-06', t: 'B' },
      { status: 'in_progress' as const, deadline: '2023-09', t: 'A' },
      { status: 'not_started' as const, deadline: '2023-12', t: 'A' },
      { status: 'done' as const, deadline: '2023-12', t: 'C' },
    ];
    expect(rollUp(items, (i) => i.t, now, ['A', 'B', 'D'])).toEqual([
      { key: 'A', items: 2, done: 0, overdue: 1, doneRate: '0.0' },
      { key: 'B', items: 1, done: 1, overdue: 0, doneRate: '100.0' },
      { key: 'D', items: 0, done: 0, overdue: 0, doneRate: null },
      { key: 'C', items: 1, done: 1, overdue: 0, doneRate: '100.0' },
    ]);
    expect(totalOf(items, now)).toEqual({ items: 4, done: 2, overdue: 1, doneRate: '50.0' });
  });
});

const grid = (rows: (string | number | Date | null)[][]): Grid => ({
  name: '工作方案任务',
  rows: rows.map((cells, i) => ({
    row: i + 1,
    cells: cells.map((v) => (v === null ? null : { value: v })),
  })),
});
const HEADER = WORK_PLAN_COLUMNS.map((c) => c.header);

describe('the item sheet', () => {
  it('reads every column, in any order, with aliases, month and day deadlines', () => {
    const g = grid([
      ['光明云谷片区工作方案'],
      HEADER,
      [
        1,
        '道路建设',
        '完成一号路贯通',
        '区建筑工务署',
        '2023-09',
        '推进中',
        '路基完成',
        'A-1、A-2',
      ],
      [
        2,
        '道路建设',
        '完成二号路',
        '区建筑工务署',
        new Date('2023-12-31T00:00:00Z'),
        '已完成',
        null,
        null,
      ],
      [null, '配套', '建设公交首末站', '区交通局', '2024年3月底', null, null, 'A-3；A-3'],
    ]);
    const { rows, issues } = parseWorkPlanSheet(g);
    expect(issues).toEqual([]);
    expect(rows.map((r) => [r.row, r.seq, r.deadline, r.status, r.projectCodes])).toEqual([
      [3, 1, '2023-09', 'in_progress', ['A-1', 'A-2']],
      [4, 2, '2023-12-31', 'done', []],
      [5, null, '2024-03', 'not_started', ['A-3']],
    ]);
  });

  it('names the sheet, row and column of every bad cell at once', () => {
    const g = grid([
      HEADER,
      [1, '道路建设', '', '区建筑工务署', '2023-09', '推进中', null, null],
      [1, '道路建设', '任务', '区建筑工务署', '明年', '差不多', null, null],
    ]);
    const { rows, issues } = parseWorkPlanSheet(g);
    expect(rows).toEqual([]);
    expect(issues.map((i) => [i.sheet, i.row, i.column, i.code])).toEqual([
      ['工作方案任务', 2, 'C', 'content.required'],
      ['工作方案任务', 3, 'A', 'row.duplicate'],
      ['工作方案任务', 3, 'E', 'deadline.invalid'],
      ['工作方案任务', 3, 'F', 'status.invalid'],
    ]);
  });

  it('refuses a sheet without the required columns', () => {
    const { issues } = parseWorkPlanSheet(
      grid([
        ['序号', '方面', '备注'],
        [1, '道路', 'x'],
      ]),
    );
    expect(issues.map((i) => i.reason)).toEqual([
      '缺少必需的列“任务内容”',
      '缺少必需的列“责任单位”',
      '缺少必需的列“完成时限”',
    ]);
  });

  it('splits codes and reads deadlines as clerks write them', () => {
    expect(splitCodes('A-1, A-2；A-1')).toEqual(['A-1', 'A-2']);
    expect(parseDeadlineCell({ value: '2023.9' })).toEqual({ ok: true, value: '2023-09' });
    expect(parseDeadlineCell({ value: '2023年9月30日' })).toEqual({
      ok: true,
      value: '2023-09-30',
    });
    expect(parseDeadlineCell({ value: 202309 })).toEqual({ ok: true, value: '2023-09' });
    expect(parseDeadlineCell({ value: '2023-09-31' }).ok).toBe(false);
  });
});
