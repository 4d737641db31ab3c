import { count } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildXlsx, type TestCell } from '../../../../test/fixtures/workbooks.ts';
import { createTestDatabase, testContext } from '../../../../test/test-db.ts';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db.ts';
import { verifyRollups } from '../dispatch/rollups.service.ts';
import { projectYearRollups } from '../dispatch/rollups.table.ts';
import { importWorkbook } from './imports.service.ts';

const PROJECTS = 5000;
const MONTHS = 3;

let database: Database;
let ctx: Ctx;
beforeAll(async () => {
  database = await createTestDatabase();
  ctx = await testContext(database);
});
afterAll(() => database?.close());

/** An office-sized workbook: 5,000 projects in 20 areas, their 2026 plans, 3 months, 2 milestones each. */
async function bigWorkbook(): Promise<Buffer> {
  const code = (i: number) => `P${String(i).padStart(5, '0')}`;
  const ledger: TestCell[][] = [
    ['2026年重大项目台账'],
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
      '2025-03-01',
      '2027/12/31',
      null,
    ]);
    plans.push([
      code(i),
      2026,
      annual,
      ...Array.from({ length: 12 }, (_, m) => (annual / 12) * (m + 1)),
    ]);
    for (let m = 1; m <= MONTHS; m++)
      reports.push([
        code(i),
        `2026-${String(m).padStart(2, '0')}`,
        annual / 12 + (i % 7),
        10 * m,
        '按计划推进',
      ]);
    milestones.push(
      [code(i), '开工', '2025-03-01', '2025-03-15'],
      [code(i), '主体封顶', '2026年9月30日', null],
    );
  }
  return buildXlsx([
    { name: '项目台账', rows: ledger },
    { name: '年度计划', rows: plans },
    { name: '月度完成', rows: reports },
    { name: '节点', rows: milestones },
  ]);
}

/**
 * Office scale, for correctness: 5,000 projects pass the bulk writers' batching (PostgreSQL's
 * 65,535 bind parameters per statement) and the roll-ups agree with the raw rows. How fast
 * the import runs belongs to the benchmark (`npm run bench`, issue 12), never to a test: a
 * busy machine must make this test slower, not red.
 */
it(`imports ${PROJECTS} projects with plans, ${MONTHS} months of figures and milestones in one run, and the same workbook again changes nothing`, {
  timeout: 600_000, // 82 s on PGlite with the machine busy; see vitest.config.ts
}, async () => {
  const book = await bigWorkbook();
  const result = await importWorkbook(database.db, ctx, book);
  expect(result.errors).toEqual([]);
  expect(result.summary.projects.created).toBe(PROJECTS);
  expect(result.summary.plans.created).toBe(PROJECTS);
  expect(result.summary.reports.created).toBe(PROJECTS * MONTHS);
  expect(result.summary.milestones.created).toBe(PROJECTS * 2);
  const [{ n }] = await database.db.select({ n: count() }).from(projectYearRollups);
  expect(n).toBe(PROJECTS);
  const second = await importWorkbook(database.db, ctx, book);
  expect(second.errors).toEqual([]);
  expect(second.summary.projects.unchanged).toBe(PROJECTS);
  expect(second.summary.reports.unchanged).toBe(PROJECTS * MONTHS);
  expect((await verifyRollups(database.db)).differences).toEqual([]);
});
