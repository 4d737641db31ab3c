/**
 * The monthly bulletin's cost (issue 11): the demo office's bulletin for June 2023, built from
 * the services and laid out as a .docx, median of 5 after one warm-up. Run by bench/run.ts
 * against its goal, or alone: `npx tsx bench/bulletin.ts`.
 */
import { fileURLToPath } from 'node:url';
import { loadDemo } from '../src/demo/demo-office.ts';
import { createDb } from '../src/server/db.ts';
import { buildBulletin } from '../src/server/modules/documents/bulletin.service.ts';
import { renderDocx } from '../src/server/modules/documents/gbt9704-docx.ts';
import { ensureOffice, systemActor } from '../src/server/modules/offices/offices.service.ts';

const RUNS = 5;

export async function measureBulletin(): Promise<{ ms: number; runs: number[]; bytes: number }> {
  const database = await createDb({ dataDir: 'memory://' });
  try {
    await database.migrate();
    await loadDemo(database.db);
    const office = await ensureOffice(database.db);
    const ctx = { actor: systemActor(office.id), now: new Date('2023-07-05T02:00:00Z') };
    const once = async () =>
      renderDocx(await buildBulletin(database.db, ctx, { month: '2023-06' }));
    const bytes = (await once()).length;
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await once();
      runs.push(performance.now() - t);
    }
    return { ms: [...runs].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!, runs, bytes };
  } finally {
    await database.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await measureBulletin();
  console.log(
    `bulletin_ms  demo office, 2023-06, build + .docx  ${r.ms.toFixed(1)} ms  goal ≤ 3000 ms  ${r.ms <= 3000 ? 'ok' : 'MISSED'}   runs ${r.runs.map((x) => Math.round(x)).join(', ')}; ${r.bytes} bytes`,
  );
}
