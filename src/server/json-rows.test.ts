import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testContext } from '../../test/test-db.ts';
import type { Database } from './db.ts';
import { queryRows } from './db.ts';
import { jsonRows } from './json-rows.ts';
import { investmentPlans } from './modules/plans/plans.table.ts';
import { projects } from './modules/projects/projects.table.ts';

let database: Database;
let officeId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  officeId = (await testContext(database)).actor.officeId;
});
afterAll(() => database.close());

// Text a workbook cell can hold, and what the database must keep of it.
const NAMES: [string, string][] = [
  ['引号"与\\反斜杠', '引号"与\\反斜杠'],
  ["单引号' 换行\n制表\t回车\r", "单引号' 换行\n制表\t回车\r"],
  ['字面的 \\ud800 与 \\u0041', '字面的 \\ud800 与 \\u0041'],
  ['表情 😀 与生僻字 𠀀', '表情 😀 与生僻字 𠀀'],
  // a lone surrogate half: written as U+FFFD, as a bound UTF-8 text parameter writes it
  ['孤立代理 \ud800 尾', '孤立代理 \ufffd 尾'],
  ['{"json":[1,2]}', '{"json":[1,2]}'],
  ['', ''],
];

describe('jsonRows: a bulk insert as one JSON parameter', () => {
  it('writes text, numbers, nulls, arrays, JSON and instants exactly as bound parameters would', async () => {
    const db = database.db;
    const now = new Date('2026-11-24T02:03:04.567Z');
    const rows = NAMES.map(([name], i) => ({
      officeId,
      code: `JR-${i}`,
      name,
      tags: i % 2 === 0 ? ['六重', 'a,"b"', '{c}'] : [],
      totalInvestment: i === 0 ? '123456789012.34' : i === 1 ? null : '0.01',
      plannedStart: i === 2 ? '2026-02-28' : null,
      remarks: i === 3 ? null : 'NULL',
      createdAt: now,
      updatedAt: now,
    }));
    const saved = await queryRows<{ id: number; code: string }>(
      db,
      sql`insert into ${projects} ${jsonRows(projects, rows)} returning id, code`,
    );
    expect(saved.map((s) => s.code)).toEqual(rows.map((r) => r.code));

    const back = await db.select().from(projects).where(eq(projects.officeId, officeId));
    const byCode = new Map(back.map((p) => [p.code, p]));
    NAMES.forEach(([, stored], i) => {
      const p = byCode.get(`JR-${i}`)!;
      expect(p.name).toBe(stored);
      expect(p.tags).toEqual(rows[i]!.tags);
      expect(p.totalInvestment).toBe(rows[i]!.totalInvestment);
      expect(p.plannedStart).toBe(rows[i]!.plannedStart);
      expect(p.remarks).toBe(rows[i]!.remarks);
      expect(p.createdAt.toISOString()).toBe(now.toISOString());
      // a column not given takes its default, as in an insert that names it not
      expect(p.version).toBe(1);
    });

    const targets = Array.from({ length: 12 }, (_, m) => `${m + 1}00.5${m}`);
    await db.execute(
      sql`insert into ${investmentPlans} ${jsonRows(investmentPlans, [
        {
          officeId,
          projectId: saved[0]!.id,
          year: 2026,
          annualTarget: '1200.50',
          timingTargets: targets,
          initialAnnualTarget: '1200.50',
          initialTimingTargets: targets,
          createdAt: now,
          updatedAt: now,
        },
      ])}`,
    );
    const [plan] = await db
      .select()
      .from(investmentPlans)
      .where(eq(investmentPlans.projectId, saved[0]!.id));
    expect(plan!.timingTargets).toEqual(targets);
    expect(plan!.annualTarget).toBe('1200.50');
  });

  it('takes a column any row gives, and writes null where another row leaves it out', async () => {
    const now = new Date('2026-11-24T02:03:04.567Z');
    const rows = [
      { officeId, code: 'JR-U0', name: '甲', createdAt: now, updatedAt: now },
      {
        officeId,
        code: 'JR-U1',
        name: '乙',
        remarks: '只有第二行有',
        createdAt: now,
        updatedAt: now,
      },
    ];
    await database.db.execute(sql`insert into ${projects} ${jsonRows(projects, rows)}`);
    const back = await database.db
      .select({ code: projects.code, remarks: projects.remarks })
      .from(projects)
      .where(eq(projects.officeId, officeId));
    expect(
      back.filter((p) => p.code.startsWith('JR-U')).sort((a, b) => a.code.localeCompare(b.code)),
    ).toEqual([
      { code: 'JR-U0', remarks: null },
      { code: 'JR-U1', remarks: '只有第二行有' },
    ]);
  });

  it('refuses an unknown key and an empty list before anything is sent', () => {
    expect(() => jsonRows(projects, [])).toThrow(/no rows/);
    expect(() => jsonRows(projects, [{ nope: 1 } as never])).toThrow(/nope is not a column/);
  });
});
