/**
 * One engine's part of `npm run bench` (a process of its own, started by bench/run.ts):
 * generates the office size by size, and at each size measures the dashboard's figures over
 * HTTP with a logged-in session, through the service, and as the floor SQL; the warnings
 * against their floor; the process's RSS; and, at the largest size, autocannon on the
 * dashboard against a bare Fastify route answering the floor SQL.
 *
 *   node --import tsx bench/dispatch.ts pglite 1000,10000
 *   node --import tsx bench/dispatch.ts postgres 10000,100000   (BENCH_PG_URL: a fresh database)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Decimal } from 'decimal.js';
import { eq } from 'drizzle-orm';
import Fastify from 'fastify';
import { DISPATCH_LIST_LIMIT } from '../src/contracts/dispatch.ts';
import { isoDateOf } from '../src/domain/periods.ts';
import { buildApp } from '../src/server/app.ts';
import { createDb, refreshPlannerStats } from '../src/server/db.ts';
import { users } from '../src/server/modules/accounts/accounts.table.ts';
import { createUser } from '../src/server/modules/accounts/user-admin.service.ts';
import { dispatchFigures } from '../src/server/modules/dispatch/dispatch.service.ts';
import { storedStandings } from '../src/server/modules/dispatch/levels.service.ts';
import { ensureOffice, systemActor } from '../src/server/modules/offices/offices.service.ts';
import { generateOffice, NOW, PERIOD, THROUGH } from './data.ts';
import { type FloorFilter, floorDispatch, floorWarnings, prepareFloor } from './floor.ts';
import { answer, BENCH_DIR, interleaved, peakRssMB, rssMB, type Stat, stat } from './lib.ts';

const [engine = 'pglite', sizesArg = '1000,10000'] = process.argv.slice(2);
const SIZES = sizesArg.split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
/** at most this long per figure (all three ways), so a slow service cannot blow the 15 minutes */
const BUDGET = { budgetSeconds: Number(process.env.BENCH_FIGURE_SECONDS ?? 30) };
const PASSWORD = 'Bench!Tiaodu-2026-load';
const FILTERS: { name: string; filter: FloorFilter; query: string }[] = [
  { name: 'all', filter: {}, query: '' },
  { name: 'area', filter: { area: '片区1' }, query: `&area=${encodeURIComponent('片区1')}` },
  { name: 'tag', filter: { tag: '六重' }, query: `&tag=${encodeURIComponent('六重')}` },
];

export type SizeResult = {
  projects: number;
  generateSeconds: number;
  rssMB: number;
  dispatch: Record<
    string,
    { http: Stat; service: Stat; floor: Stat; httpRatio: number; serviceRatio: number }
  >;
  warnings: {
    http: Stat;
    service: Stat;
    floor: Stat;
    serviceRatio: number;
    httpRatio: number;
    projects: number;
  };
};
export type EngineResult = {
  engine: string;
  /** how the floor gets each project's level: the level table, or the rule in SQL */
  floor: string;
  sizes: SizeResult[];
  load?: {
    projects: number;
    seconds: number;
    connections: number;
    dashboardRps: number;
    bareRps: number;
    ratio: number;
    dashboardErrors: number;
    dashboardLatencyP50: number;
    bareLatencyP50: number;
  };
  peakRssMB: number;
};

const url = process.env.BENCH_PG_URL;
const database = await createDb(engine === 'postgres' ? { url } : { dataDir: 'memory://' });
await database.migrate();
const db = database.db;
const floorKind = await prepareFloor(db);
const office = await ensureOffice(db);
const today = isoDateOf(NOW);
const ctx = {
  actor: { ...systemActor(office.id), id: 'bench', name: '基准', role: 'coordinator' as const },
  now: NOW,
};
const sysCtx = { actor: systemActor(office.id), now: NOW };

// The app as it serves, on a loopback socket, and a coordinator logged in through it.
const app = await buildApp({
  db,
  clock: () => NOW,
  secretKey: 'tiaodu-bench-secret-key-0123456789abcdef0123456789abcdef',
  loginRateLimit: { max: 1_000_000, timeWindowMs: 60_000 },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const { user } = await createUser(db, sysCtx, {
  username: 'bench-coord',
  displayName: '基准统筹',
  role: 'coordinator',
  unitId: null,
  password: PASSWORD,
});
await db.update(users).set({ mustChangePassword: false }).where(eq(users.id, user.id));
const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'bench-coord', password: PASSWORD }),
});
const session = login.headers.getSetCookie().find((c) => c.startsWith('tiaodu_session='));
if (login.status !== 200 || !session)
  throw new Error(`log-in: ${login.status} ${await login.text()}`);
const cookie = session.split(';')[0]!;

async function get(path: string, retry = true): Promise<ArrayBuffer> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { headers: { cookie } });
  } catch (e) {
    // A kept-alive socket the server closed while the next size was generated: once more.
    if (retry) return get(path, false);
    throw e;
  }
  const body = await res.arrayBuffer();
  if (res.status !== 200)
    throw new Error(`GET ${path}: ${res.status} ${Buffer.from(body).toString()}`);
  return body;
}

// The bare route: Fastify, no plugins, the floor SQL on the same connection.
const bare = Fastify();
bare.get('/floor', () => floorDispatch(db, office.id, PERIOD, today));
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareBase = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;

const log = (s: string) => process.stderr.write(`[${engine}] ${s}\n`);
const ratio = (a: Stat, b: Stat) => Number((a.p95 / b.p95).toFixed(2));
const result: EngineResult = { engine, floor: floorKind, sizes: [], peakRssMB: 0 };
let have = 0;
const t0 = performance.now();
for (const size of SIZES) {
  await generateOffice(db, ctx, have, size, (n) => {
    if (n % 2000 === 0 || n === size)
      log(`generated ${n}/${size} projects (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  });
  have = size;
  // The app refreshes the planner's statistics when the server starts and after a bulk import
  // (refreshPlannerStats: PGlite runs no autovacuum); the office here was written by the
  // import's bulk path directly, so do what the next start would. BENCH_ANALYZE=0 measures
  // the tables as the planner saw them empty.
  if (process.env.BENCH_ANALYZE !== '0') await refreshPlannerStats(db);
  /** since the start: the office of this size was generated in this long */
  const generateSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  const sr: SizeResult = {
    projects: size,
    generateSeconds,
    rssMB: 0,
    dispatch: {},
    warnings: undefined as never,
  };
  for (const f of FILTERS) {
    await sameAnswer(f.name, f.filter);
    const xs = await interleaved(
      {
        http: () => get(`/api/dispatch?through=${THROUGH}${f.query}`),
        // as the route calls it: the lists cut at what the page shows, the counts whole
        service: () =>
          dispatchFigures(db, ctx, {
            period: PERIOD,
            filter: f.filter,
            limit: DISPATCH_LIST_LIMIT,
          }),
        floor: () => floorDispatch(db, office.id, PERIOD, today, f.filter),
      },
      RUNS,
      BUDGET,
    );
    const s = { http: stat(xs.http), service: stat(xs.service), floor: stat(xs.floor) };
    sr.dispatch[f.name] = {
      ...s,
      httpRatio: ratio(s.http, s.floor),
      serviceRatio: ratio(s.service, s.floor),
    };
    log(
      `${size} dispatch ${f.name}: http p95 ${s.http.p95} ms, service ${s.service.p95} ms, floor ${s.floor.p95} ms`,
    );
  }
  const w = await interleaved(
    {
      http: () => get(`/api/warnings?month=${THROUGH}`),
      service: () => storedStandings(db, ctx, { period: PERIOD }),
      floor: () => floorWarnings(db, office.id, PERIOD, today),
    },
    RUNS,
    BUDGET,
  );
  const projects = (await floorWarnings(db, office.id, PERIOD, today)).length;
  const ws = { http: stat(w.http), service: stat(w.service), floor: stat(w.floor) };
  sr.warnings = {
    ...ws,
    serviceRatio: ratio(ws.service, ws.floor),
    httpRatio: ratio(ws.http, ws.floor),
    projects,
  };
  log(
    `${size} warnings: http p95 ${ws.http.p95} ms, service ${ws.service.p95} ms, floor ${ws.floor.p95} ms`,
  );
  sr.rssMB = rssMB();
  result.sizes.push(sr);
  if (size === SIZES[SIZES.length - 1] && engine === 'pglite') await explain(size);
}

/**
 * The floor is only a floor if it answers what the route answers: the totals, the level
 * counts, the stale-data count, the flagged projects and the late milestones must agree with
 * the service before either is timed. A floor of a schema without stored levels answers the
 * sums and counts only, and only those are compared.
 */
async function sameAnswer(name: string, filter: FloorFilter) {
  const service = await dispatchFigures(db, ctx, {
    period: PERIOD,
    filter,
    limit: DISPATCH_LIST_LIMIT,
  });
  const floor = await floorDispatch(db, office.id, PERIOD, today, filter);
  const total = floor.find((r) => r.kind === 'total')!;
  const n = (v: unknown) => Number(v ?? 0);
  const got: Record<string, unknown> = {
    projects: n(total.projects),
    actual: new Decimal(String(total.actual ?? 0)).toFixed(2),
    timing: new Decimal(String(total.timing ?? 0)).toFixed(2),
    green: n(total.green),
    yellow: n(total.yellow),
    red: n(total.red),
  };
  const want: Record<string, unknown> = {
    projects: service.projects,
    actual: service.actual,
    timing: service.timingTarget,
    ...service.warnings,
  };
  if (total.flagged !== undefined) {
    type Listed = { id: number; code: string; planned_date: string; milestone: string };
    const flagged = (total.flagged ?? []) as Listed[];
    const late = (total.overdue ?? []) as Listed[];
    Object.assign(got, {
      staleCount: n(total.stale_data),
      flagged: flagged.map((x) => x.id).sort((a, b) => a - b),
      overdueCount: n(total.overdue_count),
      overdue: late.map((x) => `${x.code} ${x.milestone} ${x.planned_date}`),
    });
    Object.assign(want, {
      staleCount: service.staleCount,
      flagged: service.flagged.map((x) => x.projectId).sort((a, b) => a - b),
      overdueCount: service.overdueCount,
      overdue: service.overdueMilestones.map((x) => `${x.code} ${x.milestone} ${x.plannedDate}`),
    });
  }
  if (JSON.stringify(got) !== JSON.stringify(want))
    throw new Error(
      `the floor and the service disagree (${name}): floor ${JSON.stringify(got).slice(0, 600)} service ${JSON.stringify(want).slice(0, 600)}`,
    );
}

/**
 * At the largest size, EXPLAIN ANALYZE of the floor and of the service's slowest statement
 * (caught on PGlite's client), written to bench/results/explain-<engine>-<size>.txt.
 */
async function explain(size: number) {
  type Client = {
    query: (q: string, p?: unknown[], o?: unknown) => Promise<{ rows: Record<string, unknown>[] }>;
  };
  const client = (db as unknown as { $client: Client }).$client;
  const query = client.query.bind(client);
  const seen: { q: string; p: unknown[] | undefined; ms: number }[] = [];
  client.query = async (q, p, o) => {
    const t = performance.now();
    try {
      return await query(q, p, o);
    } finally {
      seen.push({ q, p, ms: performance.now() - t });
    }
  };
  await dispatchFigures(db, ctx, { period: PERIOD });
  const serviceQueries = seen.splice(0);
  await floorDispatch(db, office.id, PERIOD, today);
  const floorQuery = seen.splice(0)[0]!;
  client.query = query;
  const plan = async (x: { q: string; p: unknown[] | undefined }) =>
    (await query(`explain (analyze, buffers) ${x.q}`, x.p)).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
  const slowest = [...serviceQueries].sort((a, b) => b.ms - a.ms)[0]!;
  const text = [
    `${engine}, ${size} projects, through ${THROUGH}, no filter; ${new Date().toISOString()}`,
    `service: ${serviceQueries.length} statements, ${serviceQueries.map((x) => x.ms.toFixed(1)).join(' + ')} ms`,
    '',
    `== the floor (${floorQuery.ms.toFixed(1)} ms)`,
    floorQuery.q,
    await plan(floorQuery),
    '',
    `== the service's slowest statement (${slowest.ms.toFixed(1)} ms)`,
    slowest.q,
    await plan(slowest),
  ].join('\n');
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  writeFileSync(join(BENCH_DIR, 'results', `explain-${engine}-${size}.txt`), `${text}\n`);
}

if (LOAD_SECONDS > 0) {
  const cannon = (target: string, headers: Record<string, string> = {}) =>
    autocannon({ url: target, connections: 20, duration: LOAD_SECONDS, timeout: 120, headers });
  const dash = await cannon(`${base}/api/dispatch?through=${THROUGH}`, { cookie });
  const bareRun = await cannon(`${bareBase}/floor`);
  result.load = {
    projects: have,
    seconds: LOAD_SECONDS,
    connections: 20,
    dashboardRps: dash.requests.average,
    bareRps: bareRun.requests.average,
    ratio: Number((dash.requests.average / bareRun.requests.average).toFixed(2)),
    dashboardErrors: dash.errors + dash.timeouts + dash.non2xx,
    dashboardLatencyP50: dash.latency.p50,
    bareLatencyP50: bareRun.latency.p50,
  };
  log(
    `load at ${have}: dashboard ${dash.requests.average} req/s, bare floor route ${bareRun.requests.average} req/s`,
  );
}
result.peakRssMB = peakRssMB();
await bare.close();
await app.close();
await database.close();
answer(result);
