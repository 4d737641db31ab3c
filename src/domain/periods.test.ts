import { describe, expect, it } from 'vitest';
import {
  addDays,
  compareYearMonth,
  daysBetween,
  formatYearMonth,
  formatYearMonthZh,
  isoDateOf,
  isValidIsoDate,
  monthEnd,
  parseYearMonth,
  periodMonths,
  previousMonth,
  yearMonthOf,
} from './periods.ts';

describe('parseYearMonth', () => {
  it('reads YYYY-MM', () => {
    expect(parseYearMonth('2024-09')).toEqual({ year: 2024, month: 9 });
    expect(parseYearMonth('2023-01')).toEqual({ year: 2023, month: 1 });
    expect(parseYearMonth('2023-12')).toEqual({ year: 2023, month: 12 });
    expect(parseYearMonth('  2024-09 ')).toEqual({ year: 2024, month: 9 });
  });

  it('rejects month 13 and month 0', () => {
    expect(parseYearMonth('2024-13')).toBeNull();
    expect(parseYearMonth('2024-00')).toBeNull();
    expect(parseYearMonth('2024-99')).toBeNull();
  });

  it('rejects years outside 1900–2999', () => {
    expect(parseYearMonth('1899-12')).toBeNull();
    expect(parseYearMonth('3000-01')).toBeNull();
    expect(parseYearMonth('1900-01')).toEqual({ year: 1900, month: 1 });
    expect(parseYearMonth('2999-12')).toEqual({ year: 2999, month: 12 });
  });

  it('rejects bad text', () => {
    for (const text of [
      '',
      '2024',
      '2024-9',
      '2024/09',
      '202409',
      '24-09',
      '2024-09-01',
      'abcd-ef',
      'September 2024',
      '2024年9月',
    ]) {
      expect(parseYearMonth(text), text).toBeNull();
    }
  });
});

describe('formatYearMonth', () => {
  it('pads the month', () => {
    expect(formatYearMonth({ year: 2024, month: 9 })).toBe('2024-09');
    expect(formatYearMonth({ year: 2024, month: 12 })).toBe('2024-12');
  });

  it('round-trips with parseYearMonth', () => {
    for (let month = 1; month <= 12; month++) {
      const ym = { year: 2025, month };
      expect(parseYearMonth(formatYearMonth(ym))).toEqual(ym);
    }
  });

  it('writes the Chinese form without padding', () => {
    expect(formatYearMonthZh({ year: 2023, month: 6 })).toBe('2023年6月');
    expect(formatYearMonthZh({ year: 2023, month: 11 })).toBe('2023年11月');
  });
});

describe('monthEnd', () => {
  it('knows the length of every month of a common year', () => {
    const lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    lengths.forEach((days, i) => {
      const mm = String(i + 1).padStart(2, '0');
      expect(monthEnd({ year: 2023, month: i + 1 })).toBe(`2023-${mm}-${days}`);
    });
  });

  it('knows leap Februaries', () => {
    expect(monthEnd({ year: 2024, month: 2 })).toBe('2024-02-29');
    expect(monthEnd({ year: 2000, month: 2 })).toBe('2000-02-29');
    expect(monthEnd({ year: 1900, month: 2 })).toBe('1900-02-28');
    expect(monthEnd({ year: 2100, month: 2 })).toBe('2100-02-28');
  });

  it('ends December on the 31st of the same year', () => {
    expect(monthEnd({ year: 2024, month: 12 })).toBe('2024-12-31');
  });
});

describe('daysBetween', () => {
  it('counts whole days b − a', () => {
    expect(daysBetween('2024-06-01', '2024-06-30')).toBe(29);
    expect(daysBetween('2024-06-30', '2024-06-30')).toBe(0);
    expect(daysBetween('2024-06-30', '2024-06-01')).toBe(-29);
  });

  it('crosses month, leap day and year boundaries', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetween('2023-12-31', '2024-01-01')).toBe(1);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2023-01-01', '2024-01-01')).toBe(365);
  });

  it('is unaffected by daylight saving (all in UTC)', () => {
    // Spans that include European and American DST changes.
    expect(daysBetween('2024-03-01', '2024-04-01')).toBe(31);
    expect(daysBetween('2024-10-01', '2024-11-30')).toBe(60);
  });
});

describe('isValidIsoDate', () => {
  it('accepts real days', () => {
    expect(isValidIsoDate('2024-02-29')).toBe(true);
    expect(isValidIsoDate('2023-12-31')).toBe(true);
    expect(isValidIsoDate('2023-01-01')).toBe(true);
  });

  it('rejects days that do not exist', () => {
    expect(isValidIsoDate('2023-02-30')).toBe(false);
    expect(isValidIsoDate('2023-02-29')).toBe(false);
    expect(isValidIsoDate('2023-04-31')).toBe(false);
    expect(isValidIsoDate('2023-13-01')).toBe(false);
    expect(isValidIsoDate('2023-00-10')).toBe(false);
    expect(isValidIsoDate('2023-01-00')).toBe(false);
    expect(isValidIsoDate('2023-01-32')).toBe(false);
  });

  it('rejects other shapes', () => {
    for (const text of [
      '',
      '2023-1-01',
      '2023-01-1',
      '2023/01/01',
      '20230101',
      '2023-01-01T00:00:00Z',
      ' 2023-01-01',
      'yesterday',
    ]) {
      expect(isValidIsoDate(text), text).toBe(false);
    }
  });
});

describe('compareYearMonth', () => {
  it('orders months across years', () => {
    expect(compareYearMonth({ year: 2024, month: 1 }, { year: 2023, month: 12 })).toBe(1);
    expect(compareYearMonth({ year: 2023, month: 3 }, { year: 2023, month: 9 })).toBe(-6);
    expect(compareYearMonth({ year: 2023, month: 9 }, { year: 2023, month: 9 })).toBe(0);
    expect(compareYearMonth({ year: 2022, month: 5 }, { year: 2024, month: 5 })).toBe(-24);
  });
});

describe('yearMonthOf (China Standard Time)', () => {
  it('puts 2023-06-30T17:00Z in July (01:00 on 1 July in Beijing)', () => {
    expect(yearMonthOf(new Date('2023-06-30T17:00:00Z'))).toEqual({ year: 2023, month: 7 });
  });

  it('switches month exactly at 16:00Z', () => {
    expect(yearMonthOf(new Date('2023-06-30T15:59:59.999Z'))).toEqual({ year: 2023, month: 6 });
    expect(yearMonthOf(new Date('2023-06-30T16:00:00.000Z'))).toEqual({ year: 2023, month: 7 });
  });

  it('switches year on New Year’s Eve UTC afternoon', () => {
    expect(yearMonthOf(new Date('2023-12-31T16:00:00Z'))).toEqual({ year: 2024, month: 1 });
    expect(yearMonthOf(new Date('2023-12-31T15:00:00Z'))).toEqual({ year: 2023, month: 12 });
  });

  it('does not move early-morning UTC instants', () => {
    expect(yearMonthOf(new Date('2023-07-01T00:00:00Z'))).toEqual({ year: 2023, month: 7 });
  });
});

describe('isoDateOf (China Standard Time)', () => {
  it('gives the Beijing date', () => {
    expect(isoDateOf(new Date('2023-06-30T15:59:59Z'))).toBe('2023-06-30');
    expect(isoDateOf(new Date('2023-06-30T16:00:00Z'))).toBe('2023-07-01');
    expect(isoDateOf(new Date('2024-02-28T17:00:00Z'))).toBe('2024-02-29');
  });
});

describe('periodMonths', () => {
  it('covers one month', () => {
    expect(periodMonths('month', 5)).toEqual({ from: 5, to: 5 });
    expect(periodMonths('month')).toEqual({ from: 1, to: 1 });
  });

  it('covers quarters', () => {
    expect(periodMonths('quarter', 1)).toEqual({ from: 1, to: 3 });
    expect(periodMonths('quarter', 2)).toEqual({ from: 4, to: 6 });
    expect(periodMonths('quarter', 3)).toEqual({ from: 7, to: 9 });
    expect(periodMonths('quarter', 4)).toEqual({ from: 10, to: 12 });
  });

  it('covers halves', () => {
    expect(periodMonths('half', 1)).toEqual({ from: 1, to: 6 });
    expect(periodMonths('half', 2)).toEqual({ from: 7, to: 12 });
  });

  it('covers the whole year whatever the index', () => {
    expect(periodMonths('year')).toEqual({ from: 1, to: 12 });
    expect(periodMonths('year', 3)).toEqual({ from: 1, to: 12 });
  });
});

describe('addDays and previousMonth', () => {
  it('moves an ISO date by whole days across month, year and leap day', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-12-01', 0)).toBe('2024-12-01');
  });

  it('takes the month before, across the year boundary', () => {
    expect(previousMonth({ year: 2026, month: 11 })).toEqual({ year: 2026, month: 10 });
    expect(previousMonth({ year: 2027, month: 1 })).toEqual({ year: 2026, month: 12 });
  });
});
