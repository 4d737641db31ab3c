/**
 * The import's part of `npm run bench`, each step in a process of its own (so each peak RSS is
 * that step's alone), started by bench/run.ts:
 *
 *   node --import tsx bench/import.ts build  FILE   a 5,000-project workbook (BENCH_IMPORT_PROJECTS)
 *   node --import tsx bench/import.ts read   FILE   exceljs loading the file alone
 *   node --import tsx bench/import.ts import FILE   importWorkbook() into a fresh PGlite
 *
 * The workbook: the ledger, the 2025 plans, 12 months of figures and 2 milestones per project,
 * written with the tests' workbook builder (test/fixtures/workbooks.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { createDb } from '../src/server/db.ts';
import { importWorkbook } from '../src/server/modules/imports/imports.service.ts';
import { ensureOffice, systemActor } from '../src/server/modules/offices/offices.service.ts';
import { officeWorkbook } from '../test/fixtures/workbooks.ts';
import { answer, peakRssMB } from './lib.ts';

const PROJECTS = Number(process.env.BENCH_IMPORT_PROJECTS ?? 5000);
const [mode, file] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/import.ts build|read|import FILE');

if (mode === 'build') {
  const book = await officeWorkbook({ projects: PROJECTS, year: 2025, months: 12 });
  writeFileSync(file, book);
  answer({ projects: PROJECTS, bytes: book.length, reports: PROJECTS * 12 });
} else if (mode === 'read') {
  const buf = readFileSync(file);
  const t = performance.now();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  let cells = 0;
  wb.eachSheet((ws) => ws.eachRow({ includeEmpty: false }, (row) => row.eachCell(() => cells++)));
  answer({ ms: performance.now() - t, cells, peakRssMB: peakRssMB() });
} else if (mode === 'import') {
  const buf = readFileSync(file);
  const database = await createDb({ dataDir: 'memory://' });
  await database.migrate();
  const office = await ensureOffice(database.db);
  const ctx = {
    actor: { ...systemActor(office.id), id: 'bench', name: '基准', role: 'coordinator' as const },
    now: new Date('2026-01-15T02:00:00Z'),
  };
  const before = peakRssMB();
  const t = performance.now();
  const result = await importWorkbook(database.db, ctx, buf);
  const ms = performance.now() - t;
  if (!result.ok) throw new Error(`import refused: ${JSON.stringify(result.errors.slice(0, 3))}`);
  answer({ ms, summary: result.summary, peakRssMB: peakRssMB(), peakRssBeforeMB: before });
  await database.close();
} else throw new Error(`unknown mode ${mode}`);
