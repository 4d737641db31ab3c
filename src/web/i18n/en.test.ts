import i18next from 'i18next';
import { describe, expect, test } from 'vitest';
import { addMonthFormatters, monthLabel, monthName } from '../format.ts';
import { en, GLOSSARY } from './en.ts';
import { zhCN } from './zh-CN.ts';

/** Every message of a language as [key path, text]. */
function messages(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string'
      ? [[`${prefix}${k}`, v] as [string, string]]
      : messages(v, `${prefix}${k}.`),
  );
}

describe('the English glossary', () => {
  const all = messages(en);

  test('no message uses a variant the glossary avoids', () => {
    const found = all.flatMap(([key, text]) =>
      GLOSSARY.flatMap((g) =>
        g.avoid
          .filter((re) => re.test(text))
          .map((re) => `${key}: "${text}" (${g.zh} is "${g.en}", not ${re})`),
      ),
    );
    expect(found).toEqual([]);
  });

  test('亿元 and 万元 are written one way each', () => {
    const units = all.filter(([, text]) => /100M|10k/.test(text));
    expect(units.length).toBeGreaterThan(5);
    for (const [key, text] of units) {
      expect(text, key).not.toMatch(/[×x]\s*(100M|10k)/);
      expect(text, key).not.toMatch(/100M(?! yuan)|10k(?! yuan)/);
    }
  });

  test('months are English month names, never "month 12"', () => {
    const t = i18next.createInstance();
    void t.init({
      lng: 'en',
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      interpolation: { escapeValue: false },
      initAsync: false,
    });
    addMonthFormatters(t);
    expect(t.t('dashboard.subtitle', { year: 2024, month: 12 })).toBe('January–December 2024');
    expect(t.t('dashboard.subtitleJan', { year: 2024 })).toBe('January 2024');
    expect(t.t('dashboard.monthShort', { month: 9 })).toBe('Sep');
    expect(t.t('project.monthTarget', { month: 6 })).toBe('June');
    expect(t.t('dashboard.monthShort', { month: 9, lng: 'zh-CN' })).toBe('9月');
    expect(t.t('dashboard.subtitle', { year: 2024, month: 6, lng: 'zh-CN' })).toBe('2024年1–6月');
    expect(monthLabel({ year: 2024, month: 6 }, 'en')).toBe('June 2024');
    expect(monthLabel({ year: 2024, month: 6 }, 'zh-CN')).toBe('2024年6月');
    expect(monthName(12, 'en', true)).toBe('Dec');
  });
});
