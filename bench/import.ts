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
import { buildXlsx, type TestCell } from '../test/fixtures/workbooks.ts';
import { answer, peakRssMB } from './lib.ts';

const PROJECTS = Number(process.env.BENCH_IMPORT_PROJECTS ?? 5000);
const [mode, file] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/import.ts build|read|import FILE');

async function build(): Promise<Buffer> {
  const code = (i: number) => `P${String(i).padStart(5, '0')}`;
  const ledger: TestCell[][] = [
    ['2025年重大项目台账'],
    ['单位：万元'],
    [
      '序号',
      '项目编号',
      '项目名称',
      '所属片区',
      '项目类别',
      '标签',
      '建设单位',
      '建设阶段',
      '总投资（万元）',
      '计划开工时间',
      '计划竣工时间',
      '备注',
    ],
  ];
  const plans: TestCell[][] = [
    [
      '项目编号',
      '年度',
      '年度计划投资（万元）',
      ...Array.from({ length: 12 }, (_, m) => `${m + 1}月`),
    ],
  ];
  const reports: TestCell[][] = [
    ['项目编号', '月份', '本月完成投资（万元）', '形象进度（%）', '进展情况'],
  ];
  const milestones: TestCell[][] = [['项目编号', '节点名称', '计划日期', '实际日期']];
  for (let i = 1; i <= PROJECTS; i++) {
    const annual = 1200 + (i % 37) * 12;
    ledger.push([
      i,
      code(i),
      `项目${i}号`,
      `片区${i % 20}`,
      `类别${i % 12}`,
      i % 3 ? '六重、市投市建' : '区投',
      `单位${i % 60}`,
      '在建',
      `${(annual * 5).toLocaleString('en-US')}.50`,
      '2024-03-01',
      '2027/12/31',
      null,
    ]);
    plans.push([
      code(i),
      2025,
      annual,
      ...Array.from({ length: 12 }, (_, m) => Math.round(((annual * (m + 1)) / 12) * 100) / 100),
    ]);
    for (let m = 1; m <= 12; m++)
      reports.push([
        code(i),
        `2025-${String(m).padStart(2, '0')}`,
        Math.round((annual / 12 + (i % 7)) * 100) / 100,
        Math.min(100, 8 * m),
        '按计划推进',
      ]);
    milestones.push(
      [code(i), '开工', '2024-03-01', '2024-03-15'],
      [code(i), '主体封顶', '2025年9月30日', null],
    );
  }
  return buildXlsx([
    { name: '项目台账', rows: ledger },
    { name: '年度计划', rows: plans },
    { name: '月度完成', rows: reports },
    { name: '节点', rows: milestones },
  ]);
}

if (mode === 'build') {
  const book = await build();
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
