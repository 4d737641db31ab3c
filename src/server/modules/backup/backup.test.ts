import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, testContext, testDbKind } from '../../../../test/test-db.ts';
import type { Ctx } from '../../context.ts';
import { createDb, type Database, DataDirInUseError, LOCK_FILE } from '../../db.ts';
import { users } from '../accounts/accounts.table.ts';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../accounts/demo-accounts.service.ts';
import { dispatchFigures } from '../dispatch/dispatch.service.ts';
import { setPlan } from '../plans/plans.service.ts';
import { createProject, ensureArea, listProjects } from '../projects/projects.service.ts';
import { approveReport, saveReport, submitReport } from '../reports/reports.service.ts';
import { backupDatabase, restoreDatabase } from './backup.service.ts';

let source: Database;
let target: Database;
let ctx: Ctx;
const dir = mkdtempSync(join(tmpdir(), 'tiaodu-backup-'));
const file = join(dir, 'office.bak');

beforeAll(async () => {
  source = await createTestDatabase();
  target = await createTestDatabase();
  ctx = await testContext(source);
  const area = (await ensureArea(source.db, ctx, '光明科学城核心片区')).row;
  for (const [code, amount] of [
    ['P1', '1234.56'],
    ['P2', '99999999999.99'],
  ] as const) {
    const p = await createProject(source.db, ctx, {
      code,
      name: `项目${code}`,
      areaId: area.id,
      tags: ['六重'],
    });
    await setPlan(source.db, ctx, {
      projectId: p.id,
      year: 2024,
      annualTarget: '120000000000.00',
      timingTargets: Array.from({ length: 12 }, (_, i) => `${(i + 1) * 10000000000}.00`),
    });
    const r = await saveReport(source.db, ctx, {
      projectId: p.id,
      year: 2024,
      month: 1,
      investment: amount,
      version: 0,
    });
    await submitReport(source.db, ctx, r.id);
    await approveReport(source.db, ctx, r.id);
  }
});
afterAll(async () => {
  await source?.close();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('restores a backup into an empty database with every figure exact', async () => {
  const backed = await backupDatabase(source.db, file);
  expect(backed.rows).toBeGreaterThan(10);
  const restored = await restoreDatabase(target.db, file);
  expect(restored.rows).toBe(backed.rows);
  const targetCtx = await testContext(target);
  const period = { year: 2024, month: 1 };
  const before = await dispatchFigures(source.db, ctx, { period });
  const after = await dispatchFigures(target.db, targetCtx, { period });
  expect(after).toEqual(before);
  // numeric amounts survive exactly, beyond what a double holds
  expect(after.actual).toBe('100000001234.55');
  // identities continue after the restored rows
  const p3 = await createProject(target.db, targetCtx, { code: 'P3', name: '新项目' });
  const list = await listProjects(target.db, targetCtx, {});
  expect(list.items.map((p) => p.code)).toEqual(['P1', 'P2', 'P3']);
  expect(p3.id).toBeGreaterThan(Math.max(...list.items.slice(0, 2).map((p) => p.id)));
});

it('refuses to restore into a database that already has data, writing nothing', async () => {
  await expect(restoreDatabase(source.db, file)).rejects.toThrow(/不是空的/);
});

it('refuses a file that is not a backup', async () => {
  const bad = join(dir, 'bad.bak');
  writeFileSync(bad, 'hello\n');
  await expect(restoreDatabase(target.db, bad)).rejects.toThrow();
});

it('into production, leaves the demo accounts disabled and says so', async () => {
  const demoSource = await createTestDatabase();
  const prodTarget = await createTestDatabase();
  try {
    const demoCtx = await testContext(demoSource);
    await ensureDemoAccounts(demoSource.db, demoCtx);
    const demoFile = join(dir, 'demo.bak');
    await backupDatabase(demoSource.db, demoFile);
    const r = await restoreDatabase(prodTarget.db, demoFile, { production: true });
    expect(r.demoDisabled.sort()).toEqual([
      'auditadmin',
      'coord',
      'leader',
      'reporter-gws',
      'reporter-jtj',
      'reporter-qgws',
      'secadmin',
      'sysadmin',
    ]);
    const restored = await prodTarget.db.select().from(users);
    expect(restored.filter((u) => u.demo && u.disabledAt === null)).toEqual([]);
    // a development restore keeps them as they were
    const devTarget = await createTestDatabase();
    try {
      const dev = await restoreDatabase(devTarget.db, demoFile);
      expect(dev.demoDisabled).toEqual([]);
      const kept = await devTarget.db.select().from(users);
      expect(kept.filter((u) => u.demo && u.disabledAt === null)).toHaveLength(
        DEMO_ACCOUNTS.length,
      );
    } finally {
      await devTarget.close();
    }
  } finally {
    await demoSource.close();
    await prodTarget.close();
  }
});

// PGlite's alone: once is enough, whichever engine the other tests run on
it.skipIf(testDbKind !== 'pglite')(
  'holds a PGlite data directory for one process: a live other one refused, a dead or reused pid taken over',
  async () => {
    const dataDir = join(dir, 'locked');
    const lock = join(dataDir, LOCK_FILE);
    mkdirSync(dataDir, { recursive: true });
    // the parent of this process runs: its lock stands, and the refusal says what to do
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname() }));
    const refused = await createDb({ dataDir }).catch((e) => e);
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect(refused.message).toContain(`in use by process ${process.ppid}`);
    expect(refused.message).toContain('stop `tiaodu serve` first');
    expect(refused.message).toContain('/api/admin/backup');
    // a process that has ended (a killed server): taken over without a word
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname() }));
    const first = await createDb({ dataDir });
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    // the same process may open it again (tests do, one after the other)
    const again = await createDb({ dataDir });
    await again.close();
    expect(existsSync(lock)).toBe(true);
    await first.close();
    expect(existsSync(lock)).toBe(false);
    if (existsSync(`/proc/${process.ppid}/stat`)) {
      // a live pid that started after the lock was written is another program (a pid reused
      // after a power cut): it must not keep the server from starting
      writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), start: '1' }));
      const reused = await createDb({ dataDir });
      await reused.close();
      expect(existsSync(lock)).toBe(false);
    }
  },
  120_000,
);
