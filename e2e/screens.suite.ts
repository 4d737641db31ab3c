/**
 * The large screen (大屏) at every size a meeting room has, 1366×768 laptops to 3840×2160 walls,
 * in both languages: nothing scrolls or is cut off, every area is named on its chart, no chart
 * text sits on another, and no figure, unit, level word or title breaks onto a second line.
 * Screenshots go to e2e/screenshots/big-screen-<size>-<lang>.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Lang, launch, person, shot, type Viewport } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const SIZES: Viewport[] = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];

/** Everything on the screen that must read as one line. */
const ONE_LINE = [
  '.screen-title',
  '.screen-sub',
  '.screen-clock',
  '.screen-panel h2',
  '.screen-kpi-label',
  '.screen-kpi-figure',
  '.screen-kpi-sub',
  '.screen-level-name',
  '.screen-levels .screen-kpi-value',
  '.screen-flag-level',
];

type Layout = {
  scroll: { width: number; height: number; innerWidth: number; innerHeight: number };
  fontPx: number;
  overflowing: string[];
  wrapped: string[];
  cut: string[];
  chartTexts: Record<string, { text: string; box: [number, number, number, number] }[]>;
};

/** Measures the screen as it is drawn. */
function measure(page: Page, oneLine: string[]): Promise<Layout> {
  return page.evaluate((selectors) => {
    const describe = (el: Element) =>
      `${el.className || el.tagName} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    // Lines a text occupies: its line boxes' distinct tops.
    const lines = (el: Element) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = new Set<number>();
      for (const r of Array.from(range.getClientRects())) {
        if (r.width > 0 && r.height > 0) tops.add(Math.round(r.top + r.height / 2));
      }
      // Text runs of different sizes on one line (a figure and its unit) share a band.
      const sorted = [...tops].sort((a, b) => a - b);
      const fontPx = Number.parseFloat(getComputedStyle(el).fontSize);
      let count = sorted.length ? 1 : 0;
      for (let i = 1; i < sorted.length; i++) if (sorted[i] - sorted[i - 1] > fontPx * 0.9) count++;
      return count;
    };
    const wrapped: string[] = [];
    const cut: string[] = [];
    for (const sel of selectors) {
      for (const el of Array.from(document.querySelectorAll(sel))) {
        if (el.closest('[aria-hidden="true"]')) continue;
        if (!(el.textContent ?? '').trim()) continue;
        if (lines(el) > 1) wrapped.push(describe(el));
        const h = el as HTMLElement;
        if (h.scrollWidth > h.clientWidth + 1 && getComputedStyle(h).display !== 'inline')
          cut.push(`${describe(el)} ${h.scrollWidth}>${h.clientWidth}`);
      }
    }
    const overflowing = Array.from(document.querySelectorAll('.screen-panel'))
      .filter((p) => (p as HTMLElement).scrollHeight > (p as HTMLElement).clientHeight + 1)
      .map(describe);
    const chartTexts: Layout['chartTexts'] = {};
    for (const chart of Array.from(document.querySelectorAll('[data-testid^="screen-"] svg'))) {
      const id = chart.closest('[data-testid]')!.getAttribute('data-testid')!;
      chartTexts[id] = Array.from(chart.querySelectorAll('text'))
        .filter((t) => (t.textContent ?? '').trim() && getComputedStyle(t).opacity !== '0')
        .map((t) => {
          const r = t.getBoundingClientRect();
          return {
            text: (t.textContent ?? '').trim(),
            box: [r.left, r.top, r.right, r.bottom] as [number, number, number, number],
          };
        });
    }
    return {
      scroll: {
        width: document.documentElement.scrollWidth,
        height: document.documentElement.scrollHeight,
        innerWidth: window.innerWidth,
        innerHeight: window.innerHeight,
      },
      fontPx: Number.parseFloat(getComputedStyle(document.querySelector('.screen')!).fontSize),
      overflowing,
      wrapped,
      cut,
      chartTexts,
    };
  }, oneLine);
}

/** Pairs of chart texts whose boxes overlap by more than a pixel either way. */
function overlaps(texts: Layout['chartTexts'][string]): string[] {
  const found: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const [a, b] = [texts[i].box, texts[j].box];
      const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
      const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
      if (w > 1 && h > 1) found.push(`"${texts[i].text}" × "${texts[j].text}"`);
    }
  }
  return found;
}

describe('the large screen at every size', () => {
  for (const size of SIZES) {
    for (const lang of ['zh-CN', 'en'] as Lang[]) {
      test(`big screen ${size.width}×${size.height} (${lang})`, async () => {
        const p = await person(browser, baseURL, { lang, viewport: size, as: 'leader' });
        try {
          // The figures the page itself asked for (its default month, whatever that is).
          const dispatch = p.page.waitForResponse((r) => /\/api\/dispatch\?/.test(r.url()));
          await p.page.goto('/screen');
          await p.page.locator('[data-testid="big-screen"][data-ready="true"]').waitFor();
          await p.page.waitForFunction(
            () =>
              document.querySelectorAll('[data-chart][data-rendered]').length === 3 &&
              document.fonts.status === 'loaded',
          );
          await p.page.waitForTimeout(300);
          await shot(p.page, `big-screen-${size.width}x${size.height}-${lang}`);
          const areas = (
            (await (await dispatch).json()) as { byArea: { area: string }[] }
          ).byArea.map((a) => a.area);
          const m = await measure(p.page, ONE_LINE);

          // Nothing scrolls, nothing spills out of its panel.
          expect(m.scroll.width).toBeLessThanOrEqual(m.scroll.innerWidth);
          expect(m.scroll.height).toBeLessThanOrEqual(m.scroll.innerHeight);
          expect(m.overflowing).toEqual([]);
          // Figures with their units, level words, titles: one line each, never cut.
          expect(m.wrapped).toEqual([]);
          expect(m.cut).toEqual([]);
          // Body text grows with the screen: 20 px at 1920×1080 (ui.md), in proportion elsewhere.
          const u = Math.min(size.width / 1920, size.height / 1080);
          expect(m.fontPx).toBeGreaterThanOrEqual(Math.floor(20 * u));
          // Every area is named on the area chart, whole.
          const areaTexts = (m.chartTexts['screen-areas'] ?? []).map((t) => t.text);
          expect(areas.length).toBeGreaterThan(0);
          expect(areas.filter((a) => !areaTexts.includes(a))).toEqual([]);
          // No chart text is drawn over another (axis labels, legends, names, values).
          for (const [chart, texts] of Object.entries(m.chartTexts)) {
            expect(overlaps(texts), chart).toEqual([]);
          }
          expect(Object.keys(m.chartTexts).sort()).toEqual([
            'screen-areas',
            'screen-donut',
            'screen-scurve',
          ]);
          expect(p.errors).toEqual([]);
        } finally {
          await p.context.close();
        }
      });
    }
  }
});
