import { describe, expect, it } from 'vitest';
import {
  cellText,
  columnLetter,
  headerUnit,
  normalizeHeader,
  parseAmountCell,
  parseDateCell,
  parseMonthCell,
  parsePercentCell,
  parsePhaseCell,
  parseYearCell,
  splitTags,
} from './workbook-cells.ts';
import { parseCsv } from './workbook-csv.ts';

const c = (value: string | number | Date | null, percent = false) => ({ value, percent });
const value = <T>(r: { ok: true; value: T } | { ok: false }) => (r.ok ? r.value : 'ERR');
const code = (r: { ok: true } | { ok: false; problem: { code: string } }) =>
  r.ok ? 'OK' : r.problem.code;

describe('amounts', () => {
  it('reads numbers, separators, full-width digits, a 万元 suffix and dashes as blank', () => {
    expect(value(parseAmountCell(c(12345.5)))).toBe('12345.50');
    expect(value(parseAmountCell(c(' 12,345.50 ')))).toBe('12345.50');
    expect(value(parseAmountCell(c('１２，３４５．５')))).toBe('12345.50');
    expect(value(parseAmountCell(c('1 234.5万元')))).toBe('1234.50');
    expect(value(parseAmountCell(c('-120.5')))).toBe('-120.50');
    expect(value(parseAmountCell(c('—')))).toBeNull();
    expect(value(parseAmountCell(c('/')))).toBeNull();
    expect(value(parseAmountCell(null))).toBeNull();
    expect(code(parseAmountCell(c('约100')))).toBe('amount.invalid');
    expect(code(parseAmountCell(c('#N/A')))).toBe('amount.invalid');
  });
});

describe('dates', () => {
  it('reads every spelling offices use', () => {
    for (const v of [
      new Date('2024-03-05T00:00:00Z'),
      '2024-03-05',
      '2024.03.05',
      '2024/3/5',
      '2024年3月5日',
      '２０２４年３月５日',
      ' 2024-3-5 ',
      '2024-03-05 00:00:00',
      20240305,
      45356,
    ]) {
      expect(value(parseDateCell(c(v))), String(v)).toBe('2024-03-05');
    }
  });

  it('tells an impossible date from one it cannot read', () => {
    expect(code(parseDateCell(c('2023-02-29')))).toBe('date.impossible');
    expect(code(parseDateCell(c('2024年13月1日')))).toBe('date.impossible');
    expect(code(parseDateCell(c('明年三月')))).toBe('date.invalid');
    expect(code(parseDateCell(c(3.5)))).toBe('date.invalid');
    expect(value(parseDateCell(c('')))).toBeNull();
  });

  it('rounds a time a hair before midnight to its own day', () => {
    expect(value(parseDateCell(c(new Date('2024-03-05T23:59:59.9996Z'))))).toBe('2024-03-06');
    expect(value(parseDateCell(c(new Date('2024-03-05T23:59:59.2Z'))))).toBe('2024-03-05');
  });
});

describe('months and years', () => {
  it('reads 2024-03, 2024年3月, a date and 202403', () => {
    for (const v of [
      '2024-03',
      '2024年3月',
      '2024年03月',
      '2024/3',
      '2024.3',
      202403,
      '2024-03-31',
      new Date('2024-03-01T00:00:00Z'),
    ]) {
      expect(value(parseMonthCell(c(v))), String(v)).toEqual({ year: 2024, month: 3 });
    }
    expect(code(parseMonthCell(c('2024-13')))).toBe('month.impossible');
    expect(code(parseMonthCell(c('三月')))).toBe('month.invalid');
  });

  it('reads years as numbers or text', () => {
    expect(value(parseYearCell(c(2024)))).toBe(2024);
    expect(value(parseYearCell(c('2024年')))).toBe(2024);
    expect(value(parseYearCell(c('2024年度')))).toBe(2024);
    expect(code(parseYearCell(c('24')))).toBe('year.invalid');
  });
});

describe('percent, phase, tags, headers', () => {
  it('reads progress as a number, text with %, or a percentage-formatted fraction', () => {
    expect(value(parsePercentCell(c(85)))).toBe('85.00');
    expect(value(parsePercentCell(c('85%')))).toBe('85.00');
    expect(value(parsePercentCell(c('８５．５％')))).toBe('85.50');
    expect(value(parsePercentCell(c(0.855, true)))).toBe('85.50');
    expect(code(parsePercentCell(c('大半')))).toBe('progress.invalid');
  });

  it('maps phases and their synonyms', () => {
    expect(value(parsePhaseCell(c('在建')))).toBe('construction');
    expect(value(parsePhaseCell(c('施工中')))).toBe('construction');
    expect(value(parsePhaseCell(c('已竣工')))).toBe('completed');
    expect(value(parsePhaseCell(c('投入使用')))).toBe('in_use');
    expect(value(parsePhaseCell(c('前期')))).toBe('preparation');
    expect(code(parsePhaseCell(c('暂停')))).toBe('phase.invalid');
  });

  it('splits tags on every separator and drops repeats', () => {
    expect(splitTags('六重、市投市建,区投，A;B；C D　E 六重')).toEqual([
      '六重',
      '市投市建',
      '区投',
      'A',
      'B',
      'C',
      'D',
      'E',
    ]);
    expect(splitTags(null)).toEqual([]);
  });

  it('matches headers with units in either bracket width', () => {
    expect(normalizeHeader('总投资（万元）')).toBe('总投资');
    expect(normalizeHeader('总投资(万元)')).toBe('总投资');
    expect(normalizeHeader(' 计划开工\n时间 ')).toBe('计划开工时间');
    expect(normalizeHeader('*项目编号')).toBe('项目编号');
    expect(normalizeHeader('形象进度（%）')).toBe('形象进度');
    expect(headerUnit('总投资（亿元）')).toBe('亿元');
    expect(headerUnit('总投资')).toBeNull();
  });

  it('strips the apostrophe exports put before formula-like text', () => {
    expect(cellText(c("'=SUM(A1)"))).toBe('=SUM(A1)');
    expect(cellText(c("'不是公式"))).toBe("'不是公式");
  });

  it('names columns like a spreadsheet', () => {
    expect([0, 2, 25, 26, 27, 701, 702].map(columnLetter)).toEqual([
      'A',
      'C',
      'Z',
      'AA',
      'AB',
      'ZZ',
      'AAA',
    ]);
  });
});

describe('CSV', () => {
  it('reads quoted fields, CRLF, a BOM and keeps line numbers', () => {
    const grid = parseCsv(
      '\uFEFF项目编号,月份,本月完成投资\r\nP1,2024-03,"1,234.5"\r\n\r\nP2,2024-03,"说""明"\n',
      '月度完成',
    );
    expect(grid.rows.map((r) => r.row)).toEqual([1, 2, 4]);
    expect(grid.rows[1].cells.map((x) => x?.value)).toEqual(['P1', '2024-03', '1,234.5']);
    expect(grid.rows[2].cells[2]?.value).toBe('说"明');
  });

  it('detects tab and semicolon separators', () => {
    expect(parseCsv('a\tb\tc\n1\t2\t3', 'x').rows[1].cells.length).toBe(3);
    expect(parseCsv('a;b;c\n1;2;3', 'x').rows[1].cells.length).toBe(3);
  });
});
