import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareWan,
  formatWan,
  parseAmount,
  percent,
  ratio,
  subtractWan,
  sumWan,
  toHalfWidth,
  wan,
  wanToYi,
} from './money.ts';

describe('toHalfWidth', () => {
  it('turns full-width digits and punctuation into ASCII', () => {
    expect(toHalfWidth('１２，３４５．５０')).toBe('12,345.50');
    expect(toHalfWidth('－７＋８')).toBe('-7+8');
  });

  it('leaves ASCII and other characters alone', () => {
    expect(toHalfWidth('12,345.50')).toBe('12,345.50');
    expect(toHalfWidth('万元')).toBe('万元');
  });
});

describe('parseAmount', () => {
  it('reads thousands separators', () => {
    expect(parseAmount('1,234.5')).toBe('1234.50');
    expect(parseAmount('1,234,567.89')).toBe('1234567.89');
  });

  it('reads full-width digits, comma and point', () => {
    expect(parseAmount('１２，３４５．５０')).toBe('12345.50');
    expect(parseAmount('１２３４．５')).toBe('1234.50');
    expect(parseAmount('－５')).toBe('-5.00');
  });

  it('trims and ignores inner whitespace, including the ideographic space', () => {
    expect(parseAmount('  42  ')).toBe('42.00');
    expect(parseAmount('12 345')).toBe('12345.00');
    expect(parseAmount('\u300012\u3000')).toBe('12.00');
  });

  it('accepts signs and bare decimal points', () => {
    expect(parseAmount('-1,234.5')).toBe('-1234.50');
    expect(parseAmount('+5')).toBe('5.00');
    expect(parseAmount('.5')).toBe('0.50');
    expect(parseAmount('5.')).toBe('5.00');
    expect(parseAmount('0')).toBe('0.00');
  });

  it('rounds half up to two places (away from zero for negatives)', () => {
    expect(parseAmount('1.005')).toBe('1.01');
    expect(parseAmount('1.004')).toBe('1.00');
    expect(parseAmount('-1.005')).toBe('-1.01');
    expect(parseAmount('0.125')).toBe('0.13');
  });

  it('reads numbers through their shortest decimal form', () => {
    expect(parseAmount(1234.5)).toBe('1234.50');
    expect(parseAmount(-7)).toBe('-7.00');
    expect(parseAmount(0)).toBe('0.00');
    // 1.005 is 1.00499999… in binary; the shortest form "1.005" rounds up.
    expect(parseAmount(1.005)).toBe('1.01');
    expect(parseAmount(0.1 + 0.2)).toBe('0.30');
    expect(parseAmount(1e21)).toBe('1000000000000000000000.00');
  });

  it('returns null for non-finite numbers', () => {
    expect(parseAmount(Number.NaN)).toBeNull();
    expect(parseAmount(Number.POSITIVE_INFINITY)).toBeNull();
    expect(parseAmount(Number.NEGATIVE_INFINITY)).toBeNull();
  });

  it('returns null for garbage', () => {
    for (const text of [
      '',
      '   ',
      ',',
      'abc',
      '12abc',
      '1.2.3',
      '1e3',
      'NaN',
      'Infinity',
      '¥100',
      '100万',
      '--5',
      '-',
      '.',
      '0x10',
    ]) {
      expect(parseAmount(text), text).toBeNull();
    }
  });

  it('round-trips any two-decimal amount it produced', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), (cents) => {
        const text = formatCents(cents);
        expect(parseAmount(text)).toBe(text);
        expect(parseAmount(formatWan(text))).toBe(text);
      }),
    );
  });
});

/** An integer number of cents (of 万元) as a two-decimal string, computed with BigInt only. */
function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

describe('sumWan', () => {
  it('adds decimals exactly where floats would drift', () => {
    expect(sumWan(['0.1', '0.2'])).toBe('0.30');
    expect(sumWan(Array.from({ length: 10 }, () => '0.1'))).toBe('1.00');
    expect(sumWan(Array.from({ length: 1000 }, () => '0.01'))).toBe('10.00');
    expect(sumWan(Array.from({ length: 100_000 }, () => '0.07'))).toBe('7000.00');
    // The float sum of the same values is not exact.
    expect(Array.from({ length: 10 }, () => 0.1).reduce((a, b) => a + b, 0)).not.toBe(1);
  });

  it('keeps large amounts exact', () => {
    expect(sumWan(['99999999999999.99', '0.01'])).toBe('100000000000000.00');
    expect(sumWan(['9007199254740993.00', '1.00'])).toBe('9007199254740994.00');
  });

  it('skips null and undefined and is 0.00 for nothing', () => {
    expect(sumWan([])).toBe('0.00');
    expect(sumWan([null, undefined])).toBe('0.00');
    expect(sumWan(['1.50', null, '2.25', undefined])).toBe('3.75');
  });

  it('handles negatives', () => {
    expect(sumWan(['100.00', '-30.55'])).toBe('69.45');
    expect(sumWan(['-1', '-2'])).toBe('-3.00');
  });

  it('accepts any iterable', () => {
    function* values() {
      yield '1.11';
      yield '2.22';
    }
    expect(sumWan(values())).toBe('3.33');
    expect(sumWan(new Set(['5', '6']))).toBe('11.00');
  });

  it('equals the integer sum of cents for any list of amounts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), { maxLength: 200 }),
        (cents) => {
          const expected = cents.reduce((a, b) => a + b, 0n);
          expect(sumWan(cents.map(formatCents))).toBe(formatCents(expected));
        },
      ),
    );
  });
});

describe('wan', () => {
  it('normalises database values to two decimals', () => {
    expect(wan(null)).toBe('0.00');
    expect(wan(undefined)).toBe('0.00');
    expect(wan('12')).toBe('12.00');
    expect(wan('12.345')).toBe('12.35');
    expect(wan(5)).toBe('5.00');
    expect(wan('1234.5600')).toBe('1234.56');
  });
});

describe('compareWan and subtractWan', () => {
  it('compares by value, not by text', () => {
    expect(compareWan('10', '9.99')).toBe(1);
    expect(compareWan('9.99', '10')).toBe(-1);
    expect(compareWan('1.0', '1.00')).toBe(0);
  });

  it('subtracts exactly', () => {
    expect(subtractWan('0.3', '0.1')).toBe('0.20');
    expect(subtractWan('100', '250.5')).toBe('-150.50');
    expect(subtractWan('1.00', '1.00')).toBe('0.00');
  });
});

describe('ratio and percent', () => {
  it('is null when the denominator is zero', () => {
    expect(ratio('5', '0')).toBeNull();
    expect(ratio('0', '0')).toBeNull();
    expect(ratio('5', '0.00')).toBeNull();
    expect(percent('5', '0')).toBeNull();
    expect(percent('0', '0.00')).toBeNull();
  });

  it('divides exactly', () => {
    expect(ratio('1', '4')?.toString()).toBe('0.25');
    expect(ratio('0', '7')?.toString()).toBe('0');
    expect(ratio('-3', '2')?.toString()).toBe('-1.5');
  });

  it('gives a one-decimal percentage by default, rounded half up', () => {
    expect(percent('1', '3')).toBe('33.3');
    expect(percent('2', '3')).toBe('66.7');
    expect(percent('93', '100')).toBe('93.0');
    expect(percent('3200', '4210')).toBe('76.0');
    expect(percent('1', '8')).toBe('12.5');
    expect(percent('1', '1600')).toBe('0.1'); // 0.0625 → 0.1
    expect(percent('150', '100')).toBe('150.0');
  });

  it('honours the number of places', () => {
    expect(percent('1', '3', 0)).toBe('33');
    expect(percent('2', '3', 2)).toBe('66.67');
    expect(percent('1', '8', 0)).toBe('13');
  });
});

describe('wanToYi', () => {
  it('converts 万元 to 亿元 with two decimals', () => {
    expect(wanToYi('1049100')).toBe('104.91');
    expect(wanToYi('1049100.00')).toBe('104.91');
    expect(wanToYi('10000')).toBe('1.00');
    expect(wanToYi('0')).toBe('0.00');
    expect(wanToYi('12345')).toBe('1.23');
    expect(wanToYi('12350')).toBe('1.24'); // half up
    expect(wanToYi('-12345')).toBe('-1.23');
  });

  it('honours the number of places', () => {
    expect(wanToYi('12345', 4)).toBe('1.2345');
    expect(wanToYi('12345', 1)).toBe('1.2');
  });
});

describe('formatWan', () => {
  it('groups thousands and keeps two decimals', () => {
    expect(formatWan('1234567.5')).toBe('1,234,567.50');
    expect(formatWan('1000')).toBe('1,000.00');
    expect(formatWan('999.99')).toBe('999.99');
    expect(formatWan('0')).toBe('0.00');
    expect(formatWan('12')).toBe('12.00');
    expect(formatWan('123456')).toBe('123,456.00');
    expect(formatWan('1234567890123.45')).toBe('1,234,567,890,123.45');
  });

  it('puts the sign before the digits of negatives', () => {
    expect(formatWan('-1234567.5')).toBe('-1,234,567.50');
    expect(formatWan('-999')).toBe('-999.00');
    expect(formatWan('-1000')).toBe('-1,000.00');
    expect(formatWan('-0.5')).toBe('-0.50');
  });

  it('does not group the decimals', () => {
    expect(formatWan('1234.5678')).toBe('1,234.57');
  });

  it('carries rounding into the thousands', () => {
    expect(formatWan('999.999')).toBe('1,000.00');
  });
});
