/**
 * What the benchmark's parts share: timing and percentiles, goals with their verdicts, the run's
 * record (bench/results/latest.json) and the README table written from it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
export const RESULTS = join(BENCH_DIR, 'results', 'latest.json');
export const README = join(BENCH_DIR, 'README.md');

/** A goal: `value` against `limit`, at most (≤) unless `cmp` is ≥. */
export type Goal = {
  name: string;
  value: number;
  limit: number;
  ok: boolean;
  cmp?: '≤' | '≥';
  unit?: string;
  note?: string;
};

export function goal(
  name: string,
  value: number,
  limit: number,
  o: { cmp?: '≤' | '≥'; unit?: string; note?: string; digits?: number } = {},
): Goal {
  const cmp = o.cmp ?? '≤';
  const v = round(value, o.digits ?? 2);
  return {
    name,
    value: v,
    limit,
    ok: cmp === '≤' ? v <= limit : v >= limit,
    cmp,
    ...(o.unit ? { unit: o.unit } : {}),
    ...(o.note ? { note: o.note } : {}),
  };
}

export const round = (x: number, digits = 1) => Number(x.toFixed(digits));

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export type Stat = { p50: number; p95: number; runs: number };
export const stat = (xs: number[]): Stat => ({
  p50: round(percentile(xs, 50), 2),
  p95: round(percentile(xs, 95), 2),
  runs: xs.length,
});

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * Runs several measured functions interleaved, round by round (so a burst of load on the busy
 * machine hits all of them alike), after `warmup` untimed rounds, within `budgetSeconds`.
 */
export async function interleaved<K extends string>(
  fns: Record<K, () => Promise<unknown>>,
  runs: number,
  o: { warmup?: number; budgetSeconds?: number } = {},
): Promise<Record<K, number[]>> {
  const warmup = o.warmup ?? 2;
  const keys = Object.keys(fns) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  const start = performance.now();
  for (let r = 0; r < warmup + runs; r++) {
    // A figure so slow that its runs would blow the run's 15 minutes stops early (the number
    // of runs is recorded beside it); one that meets its goals always gets all its runs.
    if (o.budgetSeconds && r > warmup + 4 && performance.now() - start > o.budgetSeconds * 1000)
      break;
    for (const k of keys) {
      const ms = await timed(fns[k]);
      if (r >= warmup) out[k].push(ms);
    }
  }
  return out;
}

export const rssMB = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
/** the process's peak resident set so far (the kernel's ru_maxrss), in MB */
export const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * Runs one part of the benchmark in a process of its own (so its memory is its own) and returns
 * the JSON it wrote to BENCH_OUT.
 */
export async function runPart<T>(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<T> {
  const out = join(os.tmpdir(), `tiaodu-bench-${process.pid}-${Date.now()}.json`);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, script), ...args], {
      stdio: 'inherit',
      env: { ...process.env, ...env, BENCH_OUT: out },
    });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0 || !existsSync(out))
    throw new Error(`bench/${script} ${args.join(' ')}: exit ${code}`);
  return JSON.parse(readFileSync(out, 'utf8')) as T;
}

/** A part's answer to runPart. */
export function answer(value: unknown) {
  const out = process.env.BENCH_OUT;
  if (out) writeFileSync(out, JSON.stringify(value));
  else console.log(JSON.stringify(value, null, 2));
}

export const isMain = (url: string) => !!process.argv[1] && fileURLToPath(url) === process.argv[1];

export function machine() {
  return {
    platform: `${os.platform()} ${os.release()}`,
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map((x) => round(x, 2)),
    node: process.version,
  };
}

export type Results = {
  date: string;
  machine: ReturnType<typeof machine>;
  versions: Record<string, string | undefined>;
  /** how long the whole run took, minutes */
  minutes?: number;
  figures: Record<string, unknown>;
  /** the printed tables, each as rows of cells (the first row the header) */
  tables: { title: string; rows: string[][] }[];
  goals: Goal[];
  web?: { date: string; machine: ReturnType<typeof machine>; figures: Record<string, unknown> };
};

export function readResults(): Results | null {
  return existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Results) : null;
}

export function writeResults(r: Results) {
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(r, null, 2)}\n`);
  writeReadme(r);
  // In the repository's own format, so committing a run keeps `npm run check` green (it
  // failed on the JSON's number arrays and the README's tables as written).
  execFileSync(
    join(BENCH_DIR, '..', 'node_modules', '.bin', 'biome'),
    ['format', '--write', RESULTS, README],
    {
      stdio: 'ignore',
    },
  );
}

const fmtGoal = (g: Goal) =>
  `${g.value}${g.unit ? ` ${g.unit}` : ''} ${g.cmp ?? '≤'} ${g.limit}${g.unit ? ` ${g.unit}` : ''}`;

export function printGoals(goals: Goal[]) {
  const w = Math.max(...goals.map((g) => g.name.length));
  for (const g of goals)
    console.log(
      `goal ${g.name.padEnd(w)}  ${fmtGoal(g).padEnd(26)} ${g.ok ? 'ok' : 'MISSED'}${g.note ? `  (${g.note})` : ''}`,
    );
}

export function printTable(rows: string[][]) {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  for (const r of rows)
    console.log(
      r.map((cell, c) => cell.padEnd(widths[c]! + (cell.length - [...cell].length))).join('  '),
    );
}

type LiteSize = {
  projects: number;
  rssMB: number;
  dispatch: { all?: { http: { p95: number } } };
};

/** Where PGlite stops being the right default, from this run's PGlite figures. */
function pgliteNote(r: Results): string {
  const engines = (r.figures.engines ?? []) as { engine: string; sizes: LiteSize[] }[];
  const lite = engines.find((e) => e.engine === 'pglite');
  if (!lite || lite.sizes.length === 0) return '';
  const rows = lite.sizes
    .map(
      (s) =>
        `${s.projects} projects: RSS ${s.rssMB} MB, dashboard p95 ${s.dispatch.all?.http.p95} ms`,
    )
    .join('; ');
  return `### PGlite or PostgreSQL

PGlite in this run: ${rows}. PGlite is one connection in one process (every request waits for
the one before), its WASM memory never shrinks, and it runs no autovacuum (Tiaodu refreshes
the planner's statistics at start and after a bulk import instead). It is the right default for trying
Tiaodu and for one office of a few hundred projects; past about 1,000 projects, or for more
than a handful of people at once, move to PostgreSQL in one line:
\`npx tiaodu backup -o office.bak && DATABASE_URL=postgres://…/tiaodu npx tiaodu restore office.bak\`.
`;
}

function writeReadme(r: Results) {
  const md = (rows: string[][]) =>
    [
      `| ${rows[0]!.join(' | ')} |`,
      `|${rows[0]!.map(() => '---').join('|')}|`,
      ...rows.slice(1).map((x) => `| ${x.join(' | ')} |`),
    ].join('\n');
  const m = r.machine;
  const text = `# npm run bench

Measures the dispatch figures at city scale against the best hand-written SQL for the same
figures (the floor), the warnings, the import, the dashboard under load, the web, and the
office's documents; writes \`results/latest.json\` (machine, versions, every figure, and
\`goals\`) and this file. A missed goal is printed \`MISSED\`; it never fails the run. Speed is
never part of \`npm test\`.

\`\`\`sh
npm run bench                       # everything, default sizes (PGlite 1,000 and 10,000 projects)
BENCH_SIZES=1000 npm run bench      # a quick run
BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench
                                    # also PostgreSQL at 10,000 and 100,000 (BENCH_PG_SIZES),
                                    # in a fresh database tiaodu_bench_* dropped afterwards
npm run bench:web                   # the web part alone (merged into latest.json)
\`\`\`

Other settings: \`BENCH_RUNS\` (runs per figure, default 30), \`BENCH_LOAD_SECONDS\` (autocannon,
default 10), \`BENCH_FIGURE_SECONDS\` (at most this long per figure, default 30; a slower figure gets fewer runs, shown beside it), \`BENCH_IMPORT_PROJECTS\` (default 5,000), \`BENCH_SKIP\` (comma list of
\`dispatch,import,documents\`).

## How the figures are made
- **Data**: each office is generated through the import's bulk path (\`writeImport\`, the code
  behind \`tiaodu import\`, 500 projects per transaction): projects in 8 areas with tags 六重 /
  区投 / 市投市建, a plan for each of 5 years (2021–2025), an approved report for each of the
  60 months (one project in 11 misses 2025-09), and 8 standard milestones; a quarter of the
  projects have milestones due in 2024–2025 still open, so late (8,333 at 10,000 projects).
  Roll-ups are kept by the real code in the same transactions. No data is inserted with SQL
  of the benchmark's own; per-row services (\`createProject\`, \`setPlan\`, approving one report at
  a time) would take hours at 10,000 × 60 months.
- **Dispatch** through 2025-09, no filter / area 片区1 / tag 六重, ≥ 30 runs each, interleaved
  round by round after 2 warm-up rounds: (a) \`GET /api/dispatch\` over a real loopback socket
  with a logged-in coordinator's session cookie, (b) \`dispatchFigures()\`, (c) the floor: one
  SQL statement on the same connection giving the totals, by area and by tag (annual target,
  timing target and cumulative actual for the month, the start-of-year plan, project counts),
  the warning counts, and the 12-month S-curve sums, from the best source the schema has: the
  money from the group sums (\`group_month_sums\`) and each project's stored level where those
  tables exist, else from every project's roll-up with its level computed in SQL from the
  roll-up, the milestones, the month's overrides and the thresholds. With the stored levels
  and group sums the floor answers the whole of the route's answer in its one statement: also
  the projects with stale data, the worst 100 flagged projects with their names and stored
  reasons, and the late milestones (their count and the 100 oldest), each list written as the
  best SQL we know (arms that stop at 100 through an index). Before timing, each size and
  filter checks that the floor and the service give the same totals, counts and lists; the
  run stops if they differ.
- **Warnings**: what \`GET /api/warnings\` runs (\`storedStandings()\`: every project's stored
  level and reasons, the rule run for rows gone stale) against one floor statement returning
  each project's final level with the facts it rests on.
- **Import**: a 5,000-project workbook (ledger, 2025 plans, 12 months of figures, 2
  milestones each) through \`importWorkbook()\` into a fresh PGlite, against exceljs loading
  the same file alone; each in a process of its own, whose peak RSS is reported.
- **Load**: autocannon, 20 connections, 10 s, on \`GET /api/dispatch\` (logged in) and on a bare
  Fastify route in the same process answering the floor SQL, at the largest PGlite size.
- **RSS**: the process after generating and measuring each size (PGlite's WASM memory never
  shrinks, so it is the high-water mark of that size).

## Latest run

${r.date} · ${m.nproc} CPUs (${m.cpuModel ?? '?'}), ${m.memoryGB} GB · ${m.platform} · Node ${m.node} · load average at the end ${m.loadAverage.join(' / ')}${r.minutes ? ` · ${r.minutes} minutes` : ''}

${r.tables.map((t) => `**${t.title}**\n\n${md(t.rows)}`).join('\n\n')}

${pgliteNote(r)}
### Goals

${md([['goal', 'value', 'limit', 'verdict'], ...r.goals.map((g) => [g.name, `${g.value}${g.unit ? ` ${g.unit}` : ''}`, `${g.cmp ?? '≤'} ${g.limit}${g.unit ? ` ${g.unit}` : ''}`, g.ok ? 'ok' : `**MISSED**${g.note ? ` (${g.note})` : ''}`])])}
${
  ((r.figures.failures as string[] | undefined) ?? []).length
    ? `\nParts that failed in this run: ${(r.figures.failures as string[]).join('; ')}\n`
    : ''
}${
  r.web
    ? `\nWeb figures measured ${r.web.date}, load average ${r.web.machine.loadAverage.join(' / ')}.\n`
    : '\nWeb: not measured in this record (`npm run bench:web`).\n'
}`;
  writeFileSync(README, text);
}
