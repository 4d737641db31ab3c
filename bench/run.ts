/**
 * npm run bench: the dispatch figures at scale, as ratios against a baseline in the same run.
 * Baseline: one plain SQL aggregate of the same year's approved reports (what a dashboard
 * without roll-ups would have to scan). Goal: the full dispatch answer (totals, areas, tags,
 * series, warnings with reasons, overdue milestones) costs no more than a few such scans.
 * Then the goals (issue 11 on): figures against a limit, e.g. the demo office's monthly
 * bulletin (bench/bulletin.ts, also runnable alone), printed ok or MISSED; a miss never fails.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { createDb } from '../src/server/db.ts';
import { dispatchFigures } from '../src/server/modules/dispatch/dispatch.service.ts';
import { ensureOffice, systemActor } from '../src/server/modules/offices/offices.service.ts';
import { setPlan } from '../src/server/modules/plans/plans.service.ts';
import { createProject, ensureArea } from '../src/server/modules/projects/projects.service.ts';
import {
  type ApprovedReportInput,
  recordApprovedReports,
} from '../src/server/modules/reports/reports.service.ts';
import { measureBulletin } from './bulletin.ts';
import { measureSummary } from './summary.ts';

const N = Number(process.env.BENCH_PROJECTS ?? 2000);
const RUNS = 5;

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await time(fn));
  return xs.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const url = process.env.BENCH_DATABASE_URL;
const database = await createDb(url ? { url } : { dataDir: 'memory://' });
await database.migrate();
const office = await ensureOffice(database.db);
const ctx = { actor: systemActor(office.id), now: new Date('2025-01-15T02:00:00Z') };
const db = database.db;

const loadStart = performance.now();
const areaIds = [];
for (let a = 0; a < 8; a++) areaIds.push((await ensureArea(db, ctx, `片区${a + 1}`)).row.id);
const reports: ApprovedReportInput[] = [];
for (let i = 0; i < N; i++) {
  const p = await createProject(db, ctx, {
    code: `B${String(i).padStart(5, '0')}`,
    name: `基准项目${i}`,
    areaId: areaIds[i % 8],
    tags: i % 3 === 0 ? ['六重'] : ['区投'],
  });
  const annual = 1000 + (i % 97) * 10;
  await setPlan(db, ctx, {
    projectId: p.id,
    year: 2024,
    annualTarget: String(annual),
    timingTargets: Array.from({ length: 12 }, (_, m) => ((annual * (m + 1)) / 12).toFixed(2)),
  });
  for (let m = 1; m <= 12; m++) {
    reports.push({
      projectId: p.id,
      year: 2024,
      month: m,
      investment: ((annual / 12) * (0.7 + (i % 5) * 0.1)).toFixed(2),
    });
  }
}
for (let i = 0; i < reports.length; i += 5000) {
  await db.transaction((tx) => recordApprovedReports(tx, ctx, reports.slice(i, i + 5000)));
}
const loadMs = performance.now() - loadStart;

const period = { year: 2024, month: 9 };
const baseline = await median(() =>
  db.execute(sql`select p.area_id, sum(r.investment) from monthly_reports r join projects p on p.id = r.project_id
                 where r.year = 2024 and r.month <= 9 and r.status = 'approved' group by p.area_id`),
);
const dispatch = await median(() => dispatchFigures(db, ctx, { period }));
const filtered = await median(() => dispatchFigures(db, ctx, { period, filter: { tag: '六重' } }));
const rss = process.memoryUsage().rss / 1024 / 1024;

console.log(
  `database: ${database.kind}; ${N} projects, ${reports.length} approved reports (loaded in ${(loadMs / 1000).toFixed(1)} s)`,
);
console.log(`baseline  raw aggregate of reports       ${baseline.toFixed(1)} ms`);
console.log(
  `dispatch  full figures, all projects     ${dispatch.toFixed(1)} ms  ratio ${(dispatch / baseline).toFixed(2)}`,
);
console.log(
  `dispatch  full figures, tag 六重          ${filtered.toFixed(1)} ms  ratio ${(filtered / baseline).toFixed(2)}`,
);
console.log(`rss ${rss.toFixed(0)} MB`);
await database.close();

// Goals: figures printed against a limit; a missed goal is reported, never a failed run.
const GOALS: { name: string; limit: number }[] = [
  { name: 'bulletin_ms', limit: 3000 },
  { name: 'summary_ms', limit: 10000 },
];
const bulletin = await measureBulletin();
const summary = await measureSummary();
const measured: Record<string, number> = { bulletin_ms: bulletin.ms, summary_ms: summary.ms };
console.log(
  `bulletin  demo office 2023-06, build + .docx   ${bulletin.ms.toFixed(1)} ms  runs ${bulletin.runs.map((x) => Math.round(x)).join(', ')}`,
);
console.log(
  `summary   demo office 2023 H1, build + chart + .docx   ${summary.ms.toFixed(1)} ms (build ${summary.buildMs.toFixed(1)} ms)  runs ${summary.runs.map((x) => Math.round(x)).join(', ')}`,
);
for (const g of GOALS) {
  const v = measured[g.name]!;
  console.log(
    `goal ${g.name.padEnd(14)} ${v.toFixed(0).padStart(7)} ≤ ${g.limit}  ${v <= g.limit ? 'ok' : 'MISSED'}`,
  );
}

// The run's record (issue 12): machine, versions, date, every figure and each goal's verdict,
// so two runs (or two machines) can be compared without re-reading a console.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
};
const results = {
  date: new Date().toISOString(),
  machine: {
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
  },
  versions: {
    node: process.version,
    database: database.kind,
    pglite: pkg.dependencies['@electric-sql/pglite'],
    pg: pkg.dependencies.pg,
    drizzle: pkg.dependencies['drizzle-orm'],
  },
  figures: {
    projects: N,
    approvedReports: reports.length,
    loadMs: Math.round(loadMs),
    baselineMs: Number(baseline.toFixed(1)),
    dispatchMs: Number(dispatch.toFixed(1)),
    dispatchRatio: Number((dispatch / baseline).toFixed(2)),
    dispatchTagMs: Number(filtered.toFixed(1)),
    dispatchTagRatio: Number((filtered / baseline).toFixed(2)),
    rssMB: Math.round(rss),
    ...Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, Math.round(v)])),
  },
  goals: GOALS.map((g) => ({
    name: g.name,
    value: Math.round(measured[g.name]!),
    limit: g.limit,
    ok: measured[g.name]! <= g.limit,
  })),
};
const out = new URL('./results/latest.json', import.meta.url);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written: ${fileURLToPath(out)}`);
