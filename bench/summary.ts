/**
 * The work summary's cost (issue 11): the demo office's 2023 half-year summary, built from the
 * services (dispatch figures, period stats, key projects, problems, plan), the S-curve rendered
 * and the whole laid out as a .docx; median of 5 after one warm-up. Run by bench/run.ts against
 * its goal, or alone: `npx tsx bench/summary.ts`.
 */
import { fileURLToPath } from 'node:url';
import { loadDemo } from '../src/demo/demo-office.ts';
import { createDb } from '../src/server/db.ts';
import { buildSummary } from '../src/server/modules/documents/summary.service.ts';
import { renderSummaryFile } from '../src/server/modules/documents/summary-render.ts';
import { ensureOffice, systemActor } from '../src/server/modules/offices/offices.service.ts';

const RUNS = 5;

export async function measureSummary(): Promise<{
  ms: number;
  buildMs: number;
  runs: number[];
  bytes: number;
}> {
  const database = await createDb({ dataDir: 'memory://' });
  try {
    await database.migrate();
    await loadDemo(database.db);
    const office = await ensureOffice(database.db);
    const ctx = { actor: systemActor(office.id), now: new Date('2023-07-05T02:00:00Z') };
    const period = { from: '2023-01-01', to: '2023-06-30' };
    let buildMs = 0;
    const once = async () => {
      const t = performance.now();
      const model = await buildSummary(database.db, ctx, period);
      buildMs = performance.now() - t;
      return (await renderSummaryFile(model, { format: 'docx', now: ctx.now })).body;
    };
    const bytes = (await once()).length;
    const runs: number[] = [];
    const builds: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await once();
      runs.push(performance.now() - t);
      builds.push(buildMs);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
    return { ms: median(runs), buildMs: median(builds), runs, bytes };
  } finally {
    await database.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await measureSummary();
  console.log(
    `summary_ms  demo office, 2023 H1, build + chart + .docx  ${r.ms.toFixed(1)} ms (build ${r.buildMs.toFixed(1)} ms)  goal ≤ 10000 ms  ${r.ms <= 10000 ? 'ok' : 'MISSED'}   runs ${r.runs.map((x) => Math.round(x)).join(', ')}; ${r.bytes} bytes`,
  );
}
