import { count } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { officeWorkbook } from '../../../../test/fixtures/workbooks.ts';
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

/**
 * Office scale, for correctness: 5,000 projects pass the bulk writers' batching (PostgreSQL's
 * 65,535 bind parameters per statement) and the roll-ups agree with the raw rows. How fast
 * the import runs belongs to the benchmark (`npm run bench`, issue 12), never to a test: a
 * busy machine must make this test slower, not red.
 */
it(`imports ${PROJECTS} projects with plans, ${MONTHS} months of figures and milestones in one run, and the same workbook again changes nothing`, {
  timeout: 600_000, // 82 s on PGlite with the machine busy; see vitest.config.ts
}, async () => {
  const book = await officeWorkbook({ projects: PROJECTS, year: 2026, months: MONTHS });
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
