/**
 * Every main page in zh-CN and English, at the sizes people use (1366×768 desks, 390×844
 * phones, the 1920×1080 meeting-room screen), saved to e2e/screenshots/ with no console error;
 * then the two quality bars: the first route's JavaScript (gzipped) and the dashboard's render
 * time after navigation.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import {
  DESKTOP,
  type Lang,
  launch,
  PHONE,
  person,
  SCREEN,
  SCREENSHOTS,
  shot,
  type Viewport,
} from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Waits until the page has its data and its charts have drawn. */
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
  await page.waitForTimeout(300);
}

type Shot = { name: string; path: string; user?: string; viewport: Viewport; full?: boolean };

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

describe('every main page, zh-CN and English', () => {
  for (const lang of ['zh-CN', 'en'] as Lang[]) {
    test(`pages in ${lang}`, async () => {
      const flagged = await firstFlaggedProject();
      const mine = await reporterProject();
      const now = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
      const shots: Shot[] = [
        { name: 'login', path: '/login', viewport: DESKTOP },
        { name: 'dashboard', path: '/dashboard', user: 'coord', viewport: DESKTOP, full: true },
        { name: 'dashboard-fold', path: '/dashboard', user: 'leader', viewport: DESKTOP },
        { name: 'big-screen', path: '/screen', user: 'leader', viewport: SCREEN },
        { name: 'ledger', path: '/ledger', user: 'coord', viewport: DESKTOP },
        {
          name: 'project',
          path: `/projects/${flagged}`,
          user: 'coord',
          viewport: DESKTOP,
          full: true,
        },
        {
          name: 'project-plan',
          path: `/projects/${flagged}?tab=plan`,
          user: 'coord',
          viewport: DESKTOP,
        },
        {
          name: 'project-milestones',
          path: `/projects/${flagged}?tab=milestones`,
          user: 'coord',
          viewport: DESKTOP,
        },
        {
          name: 'project-warnings',
          path: `/projects/${flagged}?tab=warnings`,
          user: 'coord',
          viewport: DESKTOP,
        },
        { name: 'review', path: '/review', user: 'coord', viewport: DESKTOP },
        { name: 'warnings', path: '/warnings', user: 'coord', viewport: DESKTOP },
        { name: 'thresholds', path: '/warnings?tab=thresholds', user: 'coord', viewport: DESKTOP },
        { name: 'import', path: '/import', user: 'coord', viewport: DESKTOP },
        { name: 'account', path: '/account', user: 'coord', viewport: DESKTOP },
        {
          name: 'report-phone',
          path: '/report',
          user: 'reporter-gws',
          viewport: PHONE,
          full: true,
        },
        {
          name: 'report-form-phone',
          path: `/report/${mine}/${now}`,
          user: 'reporter-gws',
          viewport: PHONE,
          full: true,
        },
        { name: 'ledger-phone', path: '/ledger', user: 'reporter-gws', viewport: PHONE },
        { name: 'users', path: '/admin/users', user: 'sysadmin', viewport: DESKTOP },
        { name: 'security-policy', path: '/admin/users', user: 'secadmin', viewport: DESKTOP },
        { name: 'audit', path: '/admin/audit', user: 'auditadmin', viewport: DESKTOP },
      ];
      const problems: string[] = [];
      for (const s of shots) {
        const p = await person(browser, baseURL, { lang, viewport: s.viewport, as: s.user });
        await p.page.goto(s.path);
        await settled(p.page).catch((e: Error) =>
          problems.push(`${s.name}: ${e.message.split('\n')[0]}`),
        );
        if (s.name === 'dashboard-fold') {
          // A figure's lineage: the projects and approved reports behind 累计完成.
          await shot(p.page, `${s.name}-${lang}`);
          await p.page.getByTestId('kpi-actual').click();
          await p.page.getByTestId('lineage-total').waitFor();
          await settled(p.page);
          s.name = 'lineage';
        }
        if (s.name === 'security-policy') {
          await p.page.getByRole('tab').nth(1).click();
          await settled(p.page);
        }
        await shot(p.page, `${s.name}-${lang}`, s.full);
        if (p.errors.length) problems.push(`${s.name}: ${p.errors.join(' | ')}`);
        await p.context.close();
      }
      expect(problems).toEqual([]);
    });
  }
});

describe('quality bars', () => {
  test('the first route loads at most 500 KB of gzipped JavaScript', () => {
    const dist = join(import.meta.dirname, '..', 'dist', 'web');
    type Entry = {
      file: string;
      isEntry?: boolean;
      imports?: string[];
      dynamicImports?: string[];
      src?: string;
    };
    const manifest = JSON.parse(
      readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'),
    ) as Record<string, Entry>;
    const gz = (file: string) => gzipSync(readFileSync(join(dist, file))).length;
    const closure = (keys: string[], seen = new Set<string>()) => {
      for (const k of keys) {
        if (seen.has(k)) continue;
        seen.add(k);
        closure(manifest[k].imports ?? [], seen);
      }
      return seen;
    };
    const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)!;
    const page = Object.keys(manifest).find((k) => k.endsWith('dashboard-page.tsx'))!;
    const charts = Object.keys(manifest).filter((k) => manifest[k].file.includes('echarts'));
    const shell = closure([entry]);
    const route = closure([page], new Set(shell));
    const size = (keys: Iterable<string>) =>
      [...keys].reduce((n, k) => n + gz(manifest[k].file), 0);
    const sizes = {
      shellKB: Math.round(size(shell) / 1024),
      dashboardRouteKB: Math.round(size(route) / 1024),
      chartsLazyKB: Math.round(size(charts) / 1024),
    };
    writeFileSync(join(SCREENSHOTS, 'bundle.json'), `${JSON.stringify(sizes, null, 2)}\n`);
    // The dashboard route: the shell plus its page; ECharts loads beside it, lazily.
    expect(sizes.dashboardRouteKB).toBeLessThanOrEqual(500);
  });

  test('the dashboard of the demo office renders within 1.5 s of navigation', async () => {
    const p = await person(browser, baseURL, { viewport: DESKTOP, as: 'coord' });
    const ready =
      '[data-testid="dashboard"][data-ready="true"] [data-testid="chart-groups"][data-rendered]';
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await p.context.newPage();
      const t0 = Date.now();
      await page.goto('/dashboard');
      await page.locator(ready).waitFor();
      await page.locator('[data-testid="chart-scurve"][data-rendered]').waitFor();
      cold.push(Date.now() - t0);
      await page.close();
    }
    // In the app: from the ledger to the dashboard through the menu.
    const inApp: number[] = [];
    for (let i = 0; i < 3; i++) {
      await p.page.goto('/ledger');
      await p.page.locator('[data-testid="ledger-table"] tbody tr.ant-table-row').first().waitFor();
      const t0 = Date.now();
      await p.page.getByRole('menuitem', { name: /调度看板/ }).click();
      await p.page.locator(ready).waitFor();
      await p.page.locator('[data-testid="chart-scurve"][data-rendered]').waitFor();
      inApp.push(Date.now() - t0);
    }
    const metrics = { coldLoadMs: cold, inAppNavigationMs: inApp };
    writeFileSync(join(SCREENSHOTS, 'render-times.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    expect(Math.min(...cold)).toBeLessThan(1500);
    expect(Math.min(...inApp)).toBeLessThan(1500);
    expect(p.errors).toEqual([]);
    await p.context.close();
  });
});
