/**
 * Accessibility (GB/T 37668-2019, which follows WCAG 2.x AA): axe-core with the WCAG 2.1 A and
 * AA rules on every main page, as the person who uses it, in zh-CN and English. A serious or
 * critical violation fails the page's test and names the rule, the element and axe's summary.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { DESKTOP, type Lang, launch, PHONE, person, type Viewport } from './support/browser.ts';

const baseURL = inject('baseURL');
// Evaluated through the browser's debugging protocol, so the app's CSP (script-src 'self') stays on.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** The page has its data and its charts have drawn. */
async function settled(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(
    () =>
      !document.querySelector('.ant-spin-spinning') &&
      Array.from(document.querySelectorAll('[data-chart]')).every((el) =>
        el.hasAttribute('data-rendered'),
      ),
    undefined,
    { timeout: 15_000 },
  );
  // antd's tags, tooltips and tab ink settle after their motion.
  await page.waitForTimeout(400);
}

/** axe's serious and critical findings on the page as it is now, one line per element. */
async function axeFindings(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const results = (await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<unknown> } }).axe.run(
        document,
        { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] },
      ),
    TAGS,
  )) as AxeResults;
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map(
        (n) =>
          `${v.id} [${v.impact}] ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 220)}`,
      ),
    );
}

type A11yPage = {
  name: string;
  path: string | (() => Promise<string>);
  user: string;
  viewport?: Viewport;
  /** What a person does on the page before it is checked (open a row, a tab, a drawer). */
  open?: (page: Page) => Promise<void>;
};

async function firstFlaggedProject(): Promise<string> {
  const p = await person(browser, baseURL, { as: 'coord' });
  const d = (await (await p.context.request.get('/api/dispatch?through=2024-12')).json()) as {
    flagged: { code: string }[];
  };
  await p.context.close();
  return d.flagged[0].code;
}

async function reporterProject(): Promise<string> {
  const p = await person(browser, baseURL, { as: 'reporter-gws' });
  const list = (await (await p.context.request.get('/api/projects?pageSize=5')).json()) as {
    items: { code: string }[];
  };
  await p.context.close();
  return list.items[0].code;
}

const PAGES: A11yPage[] = [
  { name: 'log-in', path: '/login', user: '' },
  { name: 'dashboard', path: '/dashboard', user: 'coord' },
  {
    name: 'lineage drawer',
    path: '/dashboard',
    user: 'leader',
    open: async (page) => {
      await page.getByTestId('kpi-actual').click();
      await page.getByTestId('lineage-total').waitFor();
    },
  },
  { name: 'big screen', path: '/screen', user: 'leader', viewport: { width: 1920, height: 1080 } },
  { name: 'ledger', path: '/ledger', user: 'coord' },
  { name: 'project', path: async () => `/projects/${await firstFlaggedProject()}`, user: 'coord' },
  {
    name: 'project milestones',
    path: async () => `/projects/${await firstFlaggedProject()}?tab=milestones`,
    user: 'coord',
  },
  {
    name: 'project plan',
    path: async () => `/projects/${await firstFlaggedProject()}?tab=plan`,
    user: 'coord',
  },
  { name: 'warnings', path: '/warnings', user: 'coord' },
  { name: 'thresholds', path: '/warnings?tab=thresholds', user: 'coord' },
  {
    name: 'review',
    path: '/review',
    user: 'coord',
    open: async (page) => {
      // The expanded row is where a reviewer reads the report.
      const expand = page.locator('.ant-table-row-expand-icon').first();
      if (await expand.count()) await expand.click();
    },
  },
  { name: 'import', path: '/import', user: 'coord' },
  { name: 'account', path: '/account', user: 'coord' },
  { name: 'reporting on a phone', path: '/report', user: 'reporter-gws', viewport: PHONE },
  {
    name: 'report form on a phone',
    path: async () =>
      `/report/${await reporterProject()}/${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7)}`,
    user: 'reporter-gws',
    viewport: PHONE,
  },
  { name: 'users', path: '/admin/users', user: 'sysadmin' },
  {
    name: 'security policy',
    path: '/admin/users',
    user: 'secadmin',
    open: async (page) => {
      await page.getByRole('tab').nth(1).click();
    },
  },
  { name: 'units', path: '/admin/units', user: 'sysadmin' },
  { name: 'audit log', path: '/admin/audit', user: 'auditadmin' },
];

describe('accessibility: axe-core WCAG 2.1 A/AA, no serious or critical violation', () => {
  for (const lang of ['zh-CN', 'en'] as Lang[]) {
    for (const a of PAGES) {
      test(`a11y ${a.name} (${lang})`, async () => {
        const path = typeof a.path === 'string' ? a.path : await a.path();
        const p = await person(browser, baseURL, {
          lang,
          viewport: a.viewport ?? DESKTOP,
          as: a.user || undefined,
        });
        try {
          await p.page.goto(path);
          await settled(p.page);
          if (a.open) {
            await a.open(p.page);
            await settled(p.page);
          }
          expect(await axeFindings(p.page)).toEqual([]);
        } finally {
          await p.context.close();
        }
      });
    }
  }
});
