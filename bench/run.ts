/**
 * npm run bench (issue 12): the dispatch figures at city scale against the floor — the best
 * plain SQL for the same figures on the same connection — over HTTP with a logged-in session
 * and through the service; the warnings; the import against exceljs alone; the dashboard under
 * load against a bare route; growth and RSS; the office's documents (issue 11). Prints tables
 * and the goals (ok or MISSED; a miss never fails the run) and writes bench/results/latest.json
 * and bench/README.md. bench/web.ts (run after this by `npm run bench`) adds the web's figures.
 *
 * BENCH_SIZES (PGlite, default 1000,10000), BENCH_DATABASE_URL with BENCH_PG_SIZES (default
 * 10000,100000), BENCH_RUNS, BENCH_LOAD_SECONDS, BENCH_IMPORT_PROJECTS, BENCH_SKIP.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { measureBulletin } from './bulletin.ts';
import type { EngineResult } from './dispatch.ts';
import {
  type Goal,
  goal,
  machine,
  printGoals,
  printTable,
  RESULTS,
  type Results,
  readResults,
  round,
  runPart,
  writeResults,
} from './lib.ts';
import { measureSummary } from './summary.ts';

const started = performance.now();
const sizes = (v: string | undefined, d: string) =>
  (v ?? d)
    .split(',')
    .map((x) => Number(x.trim()))
    .filter((x) => x > 0)
    .sort((a, b) => a - b);
const PGLITE_SIZES = sizes(process.env.BENCH_SIZES, '1000,10000');
const PG_SIZES = sizes(process.env.BENCH_PG_SIZES, '10000,100000');
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const k = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
const loadAtStart = os.loadavg().map((x) => round(x, 2));
/** a part that fails (the tree mid-edit, a server gone) is recorded and the others still run */
const failures: string[] = [];
async function part<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    failures.push(`${name}: ${(e as Error).message}`);
    console.log(`FAILED ${name}: ${(e as Error).message}`);
    return null;
  }
}

// ── dispatch, warnings, load, growth, RSS: one process per engine ──────────────────────────
const engines: EngineResult[] = [];
if (!SKIP.has('dispatch')) {
  console.log(`PGlite: ${PGLITE_SIZES.join(', ')} projects × 60 months, 8 milestones each`);
  const lite = await part('dispatch pglite', () =>
    runPart<EngineResult>('dispatch.ts', ['pglite', PGLITE_SIZES.join(',')]),
  );
  if (lite) engines.push(lite);
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    // A fresh database of its own on that server, dropped afterwards; never the one named test.
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const name = `tiaodu_bench_${Date.now().toString(36)}`;
    const run = async (statement: string) => {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      try {
        await c.query(statement);
      } finally {
        await c.end();
      }
    };
    await run(`create database ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    try {
      console.log(`PostgreSQL (${name}): ${PG_SIZES.join(', ')} projects`);
      const server = await part('dispatch postgres', () =>
        runPart<EngineResult>('dispatch.ts', ['postgres', PG_SIZES.join(',')], {
          BENCH_PG_URL: target.toString(),
        }),
      );
      if (server) engines.push(server);
    } finally {
      await run(`drop database if exists ${name} with (force)`);
    }
  }
}

// ── import: the workbook, exceljs alone, the import; each in a process of its own ─────────
type ImportFigures = {
  projects: number;
  bytes: number;
  readMs: number;
  readPeakRssMB: number;
  importMs: number;
  importPeakRssMB: number;
};
let imp: ImportFigures | null = null;
if (!SKIP.has('import')) {
  const file = join(os.tmpdir(), `tiaodu-bench-import-${process.pid}.xlsx`);
  imp = await part('import', async () => {
    const built = await runPart<{ projects: number; bytes: number }>('import.ts', ['build', file]);
    console.log(
      `import: ${built.projects} projects, ${(built.bytes / 1024 / 1024).toFixed(1)} MB workbook`,
    );
    const reads = [
      await runPart<{ ms: number; peakRssMB: number }>('import.ts', ['read', file]),
      await runPart<{ ms: number; peakRssMB: number }>('import.ts', ['read', file]),
    ].sort((a, b) => a.ms - b.ms);
    const done = await runPart<{ ms: number; peakRssMB: number }>('import.ts', ['import', file]);
    return {
      projects: built.projects,
      bytes: built.bytes,
      readMs: round(reads[0]!.ms),
      readPeakRssMB: reads[0]!.peakRssMB,
      importMs: round(done.ms),
      importPeakRssMB: done.peakRssMB,
    };
  });
  rmSync(file, { force: true });
}

// ── the office's documents (issue 11) ──────────────────────────────────────────────────────
const docs = SKIP.has('documents')
  ? null
  : { bulletin: await measureBulletin(), summary: await measureSummary() };

// ── tables and goals ───────────────────────────────────────────────────────────────────────
const ms = (s: { p50: number; p95: number; runs: number }) =>
  `${s.p50} / ${s.p95}${s.runs < 30 ? ` (${s.runs} runs)` : ''}`;
const dispatchRows: string[][] = [
  [
    'engine',
    'projects',
    'figure',
    'HTTP p50 / p95 ms',
    'service p50 / p95 ms',
    'floor p50 / p95 ms',
    'HTTP ÷ floor',
    'service ÷ floor',
    'RSS MB',
  ],
];
const goals: Goal[] = [];
const figures: Record<string, unknown> = { engines, failures };
for (const e of engines) {
  for (const s of e.sizes) {
    for (const [name, d] of Object.entries(s.dispatch)) {
      dispatchRows.push([
        e.engine,
        String(s.projects),
        `dashboard ${name === 'all' ? 'no filter' : name === 'area' ? 'area 片区1' : 'tag 六重'}`,
        ms(d.http),
        ms(d.service),
        ms(d.floor),
        `${d.httpRatio}×`,
        `${d.serviceRatio}×`,
        String(s.rssMB),
      ]);
      goals.push(
        goal(`${e.engine}_${k(s.projects)}_${name}_http_vs_floor_p95`, d.httpRatio, 1.5, {
          unit: '×',
        }),
      );
      goals.push(
        goal(`${e.engine}_${k(s.projects)}_${name}_service_vs_floor_p95`, d.serviceRatio, 1.2, {
          unit: '×',
        }),
      );
    }
    const w = s.warnings;
    dispatchRows.push([
      e.engine,
      String(s.projects),
      `warnings, ${w.projects} projects`,
      ms(w.http),
      ms(w.service),
      ms(w.floor),
      `${w.httpRatio}×`,
      `${w.serviceRatio}×`,
      String(s.rssMB),
    ]);
    if (s.projects >= 10000)
      goals.push(
        goal(`${e.engine}_${k(s.projects)}_warnings_vs_floor_p95`, w.serviceRatio, 2, {
          unit: '×',
        }),
      );
    const limit = e.engine === 'pglite' ? { 10000: 50 } : { 10000: 25, 100000: 150 };
    const l = (limit as Record<number, number>)[s.projects];
    if (l)
      goals.push(
        goal(`${e.engine}_${k(s.projects)}_dashboard_http_p95`, s.dispatch.all!.http.p95, l, {
          unit: 'ms',
          digits: 1,
        }),
      );
  }
  if (e.sizes.length > 1) {
    const a = e.sizes[0]!;
    for (const b of e.sizes.slice(1)) {
      goals.push(
        goal(
          `${e.engine}_growth_${k(a.projects)}_to_${k(b.projects)}_dashboard_p95`,
          b.dispatch.all!.http.p95 / a.dispatch.all!.http.p95,
          b.projects / a.projects,
          { unit: '×', note: 'linear = the size ratio' },
        ),
      );
    }
  }
  if (e.load)
    goals.push(
      goal(`${e.engine}_${k(e.load.projects)}_dashboard_rps_vs_bare_route`, e.load.ratio, 0.5, {
        cmp: '≥',
        unit: '×',
      }),
    );
}
const other: string[][] = [['figure', 'value']];
for (const e of engines) {
  for (const s of e.sizes)
    other.push([
      `${e.engine} ${s.projects} projects: generated through writeImport; RSS after measuring`,
      `${s.generateSeconds} s; ${s.rssMB} MB`,
    ]);
  other.push([`${e.engine} process peak RSS`, `${e.peakRssMB} MB`]);
  other.push([`${e.engine} floor: each project's level from`, e.floor]);
  if (e.load)
    other.push([
      `${e.engine} autocannon at ${e.load.projects} projects, 20 connections, ${e.load.seconds} s`,
      `dashboard ${e.load.dashboardRps} req/s (p50 ${e.load.dashboardLatencyP50} ms, ${e.load.dashboardErrors} errors); bare floor route ${e.load.bareRps} req/s (p50 ${e.load.bareLatencyP50} ms)`,
    ]);
}
if (imp) {
  figures.import = imp;
  other.push([
    `import ${imp.projects} projects × 12 months (${(imp.bytes / 1024 / 1024).toFixed(1)} MB)`,
    `${imp.importMs} ms, peak RSS ${imp.importPeakRssMB} MB`,
  ]);
  other.push([
    'exceljs loading the same file alone',
    `${imp.readMs} ms, peak RSS ${imp.readPeakRssMB} MB`,
  ]);
  goals.push(goal('import_vs_exceljs_read', imp.importMs / imp.readMs, 2.5, { unit: '×' }));
  goals.push(goal('import_peak_rss', imp.importPeakRssMB, 1024, { unit: 'MB', digits: 0 }));
}
if (docs) {
  figures.bulletinMs = round(docs.bulletin.ms);
  figures.summaryMs = round(docs.summary.ms);
  other.push([
    'bulletin, demo office 2023-06, build + .docx (median of 5)',
    `${round(docs.bulletin.ms)} ms`,
  ]);
  other.push([
    'summary, demo office 2023 H1, build + chart + .docx (median of 5)',
    `${round(docs.summary.ms)} ms`,
  ]);
  goals.push(goal('bulletin_ms', docs.bulletin.ms, 3000, { unit: 'ms', digits: 0 }));
  goals.push(goal('summary_ms', docs.summary.ms, 10000, { unit: 'ms', digits: 0 }));
}

// The web's figures come from bench/web.ts, which runs next and merges its own; a record from
// an earlier web run is kept (with its own date) until then.
const previous = readResults();
const webGoals = previous?.web ? previous.goals.filter((g) => g.name.startsWith('web_')) : [];
const pkg = (await import('../package.json', { with: { type: 'json' } })).default as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const results: Results = {
  date: new Date().toISOString(),
  machine: { ...machine(), loadAverageAtStart: loadAtStart } as Results['machine'],
  versions: {
    node: process.version,
    pglite: pkg.dependencies['@electric-sql/pglite'],
    pg: pkg.dependencies.pg,
    drizzle: pkg.dependencies['drizzle-orm'],
    fastify: pkg.dependencies.fastify,
    autocannon: pkg.devDependencies.autocannon,
  },
  minutes: round((performance.now() - started) / 60_000, 1),
  figures,
  tables: [
    { title: 'Dispatch and warnings (through 2025-09)', rows: dispatchRows },
    { title: 'Other figures', rows: other },
    ...(previous?.web ? previous.tables.filter((t) => t.title.startsWith('Web')) : []),
  ],
  goals: [...goals, ...webGoals],
  ...(previous?.web ? { web: previous.web } : {}),
};
console.log('');
printTable(dispatchRows);
console.log('');
printTable(other);
console.log('');
printGoals(results.goals);
for (const f of failures) console.log(`FAILED ${f}`);
writeResults(results);
console.log(
  `\n${results.goals.filter((g) => !g.ok).length} of ${results.goals.length} goals missed; ${results.minutes} min; written: ${RESULTS} and bench/README.md`,
);
