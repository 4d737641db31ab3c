/**
 * npm run bench:web (part of npm run bench, after bench/run.ts; never of npm test): how fast the demo office's
 * dashboard shows its first chart in headless Chromium, and how much JavaScript its route
 * loads. Figures, not tests: a busy machine moves them, so they are printed against their
 * goals (issue 12) and the run never fails on a missed goal.
 *
 * - cold: a new browser context (empty cache, no service worker) opens /dashboard; timed
 *   from the navigation to the S-curve and the groups chart both drawn. Median of 5.
 * - in-app: from the ledger to the dashboard through the menu. Median of 5.
 * - first-route JavaScript: the shell plus the dashboard page, gzipped, from the Vite
 *   manifest; ECharts loads lazily beside it and is shown apart.
 * The figures and their goals are merged into bench/results/latest.json and bench/README.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DESKTOP, launch, person } from '../e2e/support/browser.ts';
import { buildWebIfStale, distWeb, startDemoServer } from '../e2e/support/server.ts';
import { goal, isMain, machine, readResults, writeResults } from './lib.ts';

const RUNS = 5;
const GOALS = { coldMs: 1500, inAppMs: 300, firstRouteKB: 350 };
const READY =
  '[data-testid="dashboard"][data-ready="true"] [data-testid="chart-groups"][data-rendered]';
const SCURVE = '[data-testid="chart-scurve"][data-rendered]';

type Entry = { file: string; isEntry?: boolean; imports?: string[] };

function javascriptSizes() {
  const manifest = JSON.parse(
    readFileSync(join(distWeb, '.vite', 'manifest.json'), 'utf8'),
  ) as Record<string, Entry>;
  const gz = (file: string) => gzipSync(readFileSync(join(distWeb, file))).length;
  const closure = (keys: string[], seen = new Set<string>()) => {
    for (const k of keys) {
      if (seen.has(k)) continue;
      seen.add(k);
      closure(manifest[k].imports ?? [], seen);
    }
    return seen;
  };
  const kb = (keys: Iterable<string>) =>
    Math.round([...keys].reduce((n, k) => n + gz(manifest[k].file), 0) / 1024);
  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
  const page = Object.keys(manifest).find((k) => k.endsWith('dashboard-page.tsx'));
  if (!entry || !page) throw new Error('dist/web/.vite/manifest.json has no entry or dashboard');
  const shell = closure([entry]);
  const route = closure([page], new Set(shell));
  const charts = Object.keys(manifest).filter((k) => manifest[k].file.includes('echarts'));
  return { shellKB: kb(shell), firstRouteKB: kb(route), chartsLazyKB: kb(charts) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export type WebFigures = {
  coldMs: number;
  inAppMs: number;
  cold: number[];
  inApp: number[];
  firstRouteKB: number;
  shellKB: number;
  chartsLazyKB: number;
  errors: string[];
};

export async function measureWeb(): Promise<WebFigures> {
  await buildWebIfStale();
  const sizes = javascriptSizes();
  const server = await startDemoServer();
  const browser = await launch();
  const errors: string[] = [];
  const cold: number[] = [];
  const inApp: number[] = [];
  try {
    // One warm-up visit first: the server's first dashboard answer fills its caches.
    for (let i = 0; i <= RUNS; i++) {
      const p = await person(browser, server.baseURL, { viewport: DESKTOP, as: 'coord' });
      const t0 = performance.now();
      await p.page.goto('/dashboard');
      await p.page.locator(READY).waitFor();
      await p.page.locator(SCURVE).waitFor();
      if (i > 0) cold.push(performance.now() - t0);
      errors.push(...p.errors);
      await p.context.close();
    }
    const p = await person(browser, server.baseURL, { viewport: DESKTOP, as: 'coord' });
    for (let i = 0; i < RUNS; i++) {
      await p.page.goto('/ledger');
      await p.page.locator('[data-testid="ledger-table"] tbody tr.ant-table-row').first().waitFor();
      const t0 = performance.now();
      await p.page.getByRole('menuitem', { name: /调度看板/ }).click();
      await p.page.locator(READY).waitFor();
      await p.page.locator(SCURVE).waitFor();
      inApp.push(performance.now() - t0);
    }
    errors.push(...p.errors);
    await p.context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
  return { coldMs: median(cold), inAppMs: median(inApp), cold, inApp, ...sizes, errors };
}

/** Adds the web's figures and goals to bench/results/latest.json (and the README table). */
function record(w: WebFigures) {
  const goals = [
    goal('web_cold_first_chart', w.coldMs, GOALS.coldMs, { unit: 'ms', digits: 0 }),
    goal('web_in_app_first_chart', w.inAppMs, GOALS.inAppMs, { unit: 'ms', digits: 0 }),
    goal('web_first_route_js_gzipped', w.firstRouteKB, GOALS.firstRouteKB, {
      unit: 'KB',
      digits: 0,
    }),
  ];
  const previous = readResults();
  const rows = [
    ['figure', 'value'],
    [
      'dashboard first chart, cold navigation (median of 5)',
      `${Math.round(w.coldMs)} ms (runs ${w.cold.map(Math.round).join(', ')})`,
    ],
    [
      'dashboard first chart, in-app from the ledger (median of 5)',
      `${Math.round(w.inAppMs)} ms (runs ${w.inApp.map(Math.round).join(', ')})`,
    ],
    [
      'first-route JavaScript, gzipped',
      `${w.firstRouteKB} KB (shell ${w.shellKB} KB; ECharts ${w.chartsLazyKB} KB lazily beside it)`,
    ],
  ];
  const table = { title: 'Web (demo office, headless Chromium, 1366×768)', rows };
  writeResults({
    date: previous?.date ?? new Date().toISOString(),
    machine: previous?.machine ?? machine(),
    versions: previous?.versions ?? { node: process.version },
    ...(previous?.minutes ? { minutes: previous.minutes } : {}),
    figures: previous?.figures ?? {},
    tables: [...(previous?.tables ?? []).filter((t) => !t.title.startsWith('Web')), table],
    goals: [...(previous?.goals ?? []).filter((g) => !g.name.startsWith('web_')), ...goals],
    web: {
      date: new Date().toISOString(),
      machine: machine(),
      figures: { ...w, errors: w.errors.length },
    },
  });
}

if (isMain(import.meta.url)) {
  const w = await measureWeb();
  const row = (name: string, value: number, unit: string, limit: number, extra = '') =>
    console.log(
      `${name.padEnd(34)}${`${Math.round(value)} ${unit}`.padStart(9)}   ${`goal ≤ ${limit} ${unit}`.padEnd(16)} ${value <= limit ? 'ok' : 'MISSED'}${extra}`,
    );
  const runs = (xs: number[]) => `   runs ${xs.map((x) => Math.round(x)).join(', ')}`;
  console.log('web: the demo office in headless Chromium, 1366×768, zh-CN');
  row('dashboard first chart, cold', w.coldMs, 'ms', GOALS.coldMs, runs(w.cold));
  row('dashboard first chart, in-app', w.inAppMs, 'ms', GOALS.inAppMs, runs(w.inApp));
  row(
    'first-route JavaScript, gzipped',
    w.firstRouteKB,
    'KB',
    GOALS.firstRouteKB,
    `   shell ${w.shellKB} KB; ECharts ${w.chartsLazyKB} KB lazily beside it`,
  );
  if (w.errors.length) console.log(`console errors:\n  ${w.errors.join('\n  ')}`);
  record(w);
  console.log('merged into bench/results/latest.json and bench/README.md');
}
