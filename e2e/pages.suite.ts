/**
 * Every main page in zh-CN and English, at the sizes people use (1366×768 desks, 390×844
 * phones, the 1920×1080 meeting-room screen), saved to e2e/screenshots/ with no console error
 * and no serious or critical axe-core WCAG 2.1 A/AA violation in each state screenshot.
 * One page in one language per test, so a slow machine makes the run slower, never red; how
 * fast the dashboard renders and how much JavaScript it loads are goals of `npm run bench`
 * (bench/web.ts), not tests.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { axeFindings } from './support/axe.ts';
import {
  DESKTOP,
  type Lang,
  launch,
  PHONE,
  person,
  SCREEN,
  settled,
  shot,
  type Viewport,
} from './support/browser.ts';

const baseURL = inject('baseURL');

/** The demo's own codes, looked up once: a flagged project and one of 市建筑工务署's. */
type Codes = { flagged: string; mine: string; month: string };

type Shot = {
  /** The screenshot's file name, before `-<lang>.png`. */
  name: string;
  path: (c: Codes) => string;
  user?: string;
  viewport: Viewport;
  full?: boolean;
  /** What the person does on the page before the screenshot. */
  act?: (page: Page) => Promise<void>;
  /** A second screenshot of the same visit, after a further step. */
  next?: { name: string; act: (page: Page) => Promise<void> };
};

const SHOTS: Shot[] = [
  { name: 'login', path: () => '/login', viewport: DESKTOP },
  { name: 'dashboard', path: () => '/dashboard', user: 'coord', viewport: DESKTOP, full: true },
  {
    name: 'dashboard-fold',
    path: () => '/dashboard',
    user: 'leader',
    viewport: DESKTOP,
    // A figure's lineage: the projects and approved reports behind 累计完成.
    next: {
      name: 'lineage',
      act: async (page) => {
        await page.getByTestId('kpi-actual').click();
        await page.getByTestId('lineage-total').waitFor();
      },
    },
  },
  { name: 'big-screen', path: () => '/screen', user: 'leader', viewport: SCREEN },
  { name: 'ledger', path: () => '/ledger', user: 'coord', viewport: DESKTOP },
  {
    name: 'project',
    path: (c) => `/projects/${c.flagged}`,
    user: 'coord',
    viewport: DESKTOP,
    full: true,
  },
  {
    name: 'project-plan',
    path: (c) => `/projects/${c.flagged}?tab=plan`,
    user: 'coord',
    viewport: DESKTOP,
  },
  {
    name: 'project-milestones',
    path: (c) => `/projects/${c.flagged}?tab=milestones`,
    user: 'coord',
    viewport: DESKTOP,
  },
  {
    name: 'project-warnings',
    path: (c) => `/projects/${c.flagged}?tab=warnings`,
    user: 'coord',
    viewport: DESKTOP,
  },
  {
    name: 'review',
    path: () => '/review',
    user: 'coord',
    viewport: DESKTOP,
    // The expanded row is where a reviewer reads the report.
    next: {
      name: 'review-expanded',
      act: async (page) => {
        const expand = page.locator('.ant-table-row-expand-icon').first();
        if (await expand.count()) await expand.click();
      },
    },
  },
  { name: 'warnings', path: () => '/warnings', user: 'coord', viewport: DESKTOP },
  {
    name: 'thresholds',
    path: () => '/warnings?tab=thresholds',
    user: 'coord',
    viewport: DESKTOP,
  },
  {
    name: 'supervision-notices',
    path: () => '/supervision-notices',
    user: 'coord',
    viewport: DESKTOP,
    // one notice open in its drawer: what is asked and why, the unit's answers, the steps
    next: {
      name: 'supervision-notice-drawer',
      act: async (page) => {
        await page.locator('.ant-table-row').first().click();
        await page.locator('.ant-drawer-body .ant-descriptions').waitFor();
      },
    },
  },
  { name: 'import', path: () => '/import', user: 'coord', viewport: DESKTOP },
  {
    name: 'work-plans',
    path: () => '/work-plans',
    user: 'coord',
    viewport: DESKTOP,
    // the Cloud Valley plan rolled up by theme: 6 themes, 74 items
    next: {
      name: 'work-plans-by-theme',
      act: async (page) => {
        await page.getByRole('tab', { name: /按方面汇总|By theme/ }).click();
      },
    },
  },
  { name: 'account', path: () => '/account', user: 'coord', viewport: DESKTOP },
  {
    name: 'rectifications',
    path: () => '/rectifications',
    user: 'coord',
    viewport: DESKTOP,
    // one task open in its drawer: the finding, the unit's answers and the office's steps
    next: {
      name: 'rectification-drawer',
      act: async (page) => {
        await page.locator('.ant-table-row').first().click();
        await page.locator('.ant-drawer-body .ant-descriptions').waitFor();
      },
    },
  },
  {
    name: 'report-phone',
    path: () => '/report',
    user: 'reporter-gws',
    viewport: PHONE,
    full: true,
  },
  {
    name: 'report-form-phone',
    path: (c) => `/report/${c.mine}/${c.month}`,
    user: 'reporter-gws',
    viewport: PHONE,
    full: true,
  },
  { name: 'ledger-phone', path: () => '/ledger', user: 'reporter-gws', viewport: PHONE },
  { name: 'activities', path: () => '/activities', user: 'coord', viewport: DESKTOP },
  { name: 'inbox', path: () => '/inbox', user: 'reporter-gws', viewport: DESKTOP },
  { name: 'inbox-phone', path: () => '/inbox', user: 'reporter-gws', viewport: PHONE },
  {
    name: 'stats',
    path: () => '/stats?from=2023-01-01&to=2023-06-30',
    user: 'leader',
    viewport: DESKTOP,
    full: true,
  },
  { name: 'users', path: () => '/admin/users', user: 'sysadmin', viewport: DESKTOP },
  {
    name: 'security-policy',
    path: () => '/admin/users',
    user: 'secadmin',
    viewport: DESKTOP,
    act: (page) => page.getByRole('tab').nth(1).click(),
  },
  { name: 'units', path: () => '/admin/units', user: 'sysadmin', viewport: DESKTOP },
  { name: 'feed-tokens', path: () => '/admin/feed-tokens', user: 'sysadmin', viewport: DESKTOP },
  { name: 'scenarios', path: () => '/scenarios?month=2024-10', user: 'coord', viewport: DESKTOP },
  { name: 'audit', path: () => '/admin/audit', user: 'auditadmin', viewport: DESKTOP },
];

describe('every main page', () => {
  let browser: Browser;
  let codes: Codes;
  beforeAll(async () => {
    browser = await launch();
    const coord = await person(browser, baseURL, { as: 'coord' });
    const d = (await (await coord.context.request.get('/api/dispatch?through=2024-12')).json()) as {
      flagged: { code: string }[];
    };
    await coord.context.close();
    const reporter = await person(browser, baseURL, { as: 'reporter-gws' });
    const list = (await (
      await reporter.context.request.get('/api/projects?pageSize=5')
    ).json()) as { items: { code: string }[] };
    await reporter.context.close();
    codes = {
      flagged: d.flagged[0].code,
      mine: list.items[0].code,
      // The month in Beijing, where the office is.
      month: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7),
    };
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const lang of ['zh-CN', 'en'] as Lang[]) {
    describe(`pages in ${lang}`, () => {
      for (const s of SHOTS) {
        test(s.next ? `${s.name}, then ${s.next.name}` : s.name, async () => {
          const p = await person(browser, baseURL, { lang, viewport: s.viewport, as: s.user });
          // A page that never settles is reported, after its screenshot is taken to show why.
          const problems: string[] = [];
          const settle = () =>
            settled(p.page).catch((e: Error) =>
              problems.push(`${s.name}: ${e.message.split('\n')[0]}`),
            );
          try {
            await p.page.goto(s.path(codes));
            await settle();
            if (s.act) {
              await s.act(p.page);
              await settle();
            }
            await shot(p.page, `${s.name}-${lang}`, s.full);
            for (const f of await axeFindings(p.page)) problems.push(`${s.name}: ${f}`);
            if (s.next) {
              await s.next.act(p.page);
              await settle();
              await shot(p.page, `${s.next.name}-${lang}`, s.full);
              for (const f of await axeFindings(p.page)) problems.push(`${s.next.name}: ${f}`);
            }
            for (const e of p.errors) problems.push(`${s.name}: ${e}`);
            expect(problems).toEqual([]);
          } finally {
            await p.context.close();
          }
        });
      }
    });
  }
});
