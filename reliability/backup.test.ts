/**
 * Backup and restore (issue 13 item 5): `tiaodu backup -o FILE` and `tiaodu restore FILE` through
 * the CLI, on both engines and across them (PGlite → PostgreSQL is the office that outgrows the
 * embedded default). The restored database must give the same dashboard, warnings and audit
 * log, with the chain whole, and pass every invariant. A backup taken while a server takes
 * writes (the CLI against PostgreSQL, the online route against PGlite, whose data directory the
 * server holds alone) must be one consistent snapshot: a torn one breaks the audit chain or the
 * roll-ups. The CLI against a PGlite directory a live server holds is refused, saying what to do.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../e2e/support/server.ts';
import type { Ctx } from '../src/server/context.ts';
import { type Database, type Db, queryRows } from '../src/server/db.ts';
import { users } from '../src/server/modules/accounts/accounts.table.ts';
import { createUser } from '../src/server/modules/accounts/user-admin.service.ts';
import { verifyAuditChain, withAudit } from '../src/server/modules/audit/audit.service.ts';
import { restoreDatabase, tablesInOrder } from '../src/server/modules/backup/backup.service.ts';
import { dispatchFigures } from '../src/server/modules/dispatch/dispatch.service.ts';
import { addMilestone } from '../src/server/modules/milestones/milestones.service.ts';
import { systemActor } from '../src/server/modules/offices/offices.service.ts';
import {
  approveReport,
  returnReport,
  saveReport,
  submitReport,
} from '../src/server/modules/reports/reports.service.ts';
import { evaluateMonth, overrideWarning } from '../src/server/modules/warnings/warnings.service.ts';
import { Client, Tally } from './support/client.ts';
import { reportFigures } from './support/figures.ts';
import { currentMonth, PASSWORD, type SeededOffice, seedOffice } from './support/office.ts';
import { startServer } from './support/server.ts';
import { ENGINES, type Engine, freshStore, SECRET_KEY, type Store } from './support/stores.ts';
import { problemsIn } from './support/verify.ts';

const run = promisify(execFile);
const cliPath = join(root, 'src', 'cli', 'tiaodu.ts');
const work = mkdtempSync(join(tmpdir(), 'tiaodu-rel-backup-'));
const { year, month } = currentMonth();
/** one moment for every figure compared, so lateness is judged alike on both sides */
const NOW = new Date();

/** `tiaodu <args>` against a store, as an operator runs it: exit code and what it printed. */
async function tiaodu(store: Store, ...args: string[]) {
  const { DATABASE_URL: _db, TEST_DATABASE_URL: _test, ...rest } = process.env;
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', cliPath, ...args, ...store.cliArgs],
      {
        cwd: root,
        env: {
          ...rest,
          NODE_ENV: 'test',
          TIAODU_SECRET_KEY: SECRET_KEY,
          LOG_LEVEL: 'warn',
          ...store.env,
        },
        timeout: 240_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}

async function cliOk(store: Store, ...args: string[]): Promise<string> {
  const r = await tiaodu(store, ...args);
  if (r.code !== 0) throw new Error(`tiaodu ${args.join(' ')} → ${r.code}\n${r.stderr}`);
  return r.stdout;
}

const stores: Store[] = [];
async function store(engine: Engine): Promise<Store> {
  const s = await freshStore(engine);
  stores.push(s);
  return s;
}

/** Opens a store in this process for as long as `body` runs (PGlite: only while no server has it). */
async function withOpen<T>(s: Store, body: (db: Db) => Promise<T>): Promise<T> {
  const database: Database = await s.open();
  try {
    return await body(database.db);
  } finally {
    await database.close();
  }
}

const sys = (officeId: number): Ctx => ({ actor: systemActor(officeId), now: NOW });

/**
 * An office with reports in every state (approved, submitted, returned, draft) over the year's
 * first months, milestones (one overdue: a warning), a coordinator's warning override, and a
 * system admin for the online backup. Every write goes through the audited path a request takes,
 * so the audit log's last word on each report is the report.
 */
async function seed(db: Db): Promise<SeededOffice> {
  const office = await seedOffice(db, { units: 3, projectsPerUnit: 2, coordinators: 1 });
  const ctx = sys(office.officeId);
  const audited = <T>(fn: (tx: Db) => Promise<T>) => withAudit(db, ctx, fn);
  let p = 0;
  for (const unit of office.units) {
    for (const project of unit.projects) {
      p++;
      for (let m = 1; m <= 4; m++) {
        const r = await audited((tx) =>
          saveReport(tx, ctx, {
            projectId: project.id,
            year,
            month: m,
            investment: `${(p * 997 + m * 13) % 2000}.${String(p * m)
              .padStart(2, '0')
              .slice(-2)}`,
            progressText: `第${m}月进展`,
            version: 0,
          }),
        );
        if (m === 4) continue; // draft
        await audited((tx) => submitReport(tx, ctx, r.id));
        if (m === 1) await audited((tx) => approveReport(tx, ctx, r.id));
        if (m === 3) await audited((tx) => returnReport(tx, ctx, r.id, { reason: '数据有误' }));
      }
      await audited((tx) =>
        addMilestone(tx, ctx, {
          projectId: project.id,
          kind: 'start',
          plannedDate: `${year}-0${(p % 5) + 1}-15`,
          actualDate: p % 2 ? `${year}-0${(p % 5) + 1}-20` : null,
        }),
      );
    }
  }
  const first = office.units[0].projects[0];
  await audited((tx) =>
    overrideWarning(tx, ctx, {
      projectId: first.id,
      year,
      month: 4,
      level: 'red',
      reason: '现场停工，调度会决定亮红灯',
    }),
  );
  for (const [username, role] of [
    ['sys-backup', 'sysadmin'],
    ['sec-backup', 'secadmin'],
  ] as const) {
    const { user } = await createUser(db, ctx, {
      username,
      displayName: username,
      role,
      password: PASSWORD,
    });
    // A demo-flagged admin needs no second factor (account-views.ts totpRequired): the online
    // backup is tested here, not TOTP enrolment.
    await db
      .update(users)
      .set({ mustChangePassword: false, demo: true })
      .where(eq(users.id, user.id));
  }
  return office;
}

/** What a restore must reproduce: dashboard figures and warnings for each month, the audit log. */
async function picture(db: Db, officeId: number) {
  const ctx = sys(officeId);
  const months = [1, 2, 3, 4, month];
  const dashboards = [];
  const warnings = [];
  for (const m of months) {
    dashboards.push(await dispatchFigures(db, ctx, { period: { year, month: m } }));
    warnings.push(
      (await evaluateMonth(db, ctx, { period: { year, month: m } }))
        .map((s) => ({
          code: s.code,
          computed: s.computedLevel,
          level: s.level,
          reasons: s.reasons,
        }))
        .sort((a, b) => a.code.localeCompare(b.code)),
    );
  }
  const audit = await queryRows<Record<string, unknown>>(
    db,
    sql`select id, office_id, seq, at, request_id, actor_id, actor_name, actor_role, unit_id, ip,
          action, route, object_type, object_id, before, after, outcome, detail, prev_hash, hash
        from audit_log order by office_id, seq`,
  );
  // The drivers differ in how they hand over a bigint (node-postgres: text; PGlite: a number),
  // not in what is stored.
  for (const r of audit) for (const k of ['id', 'seq']) r[k] = String(r[k]);
  const counts: Record<string, number> = {};
  for (const t of await tablesInOrder(db)) {
    const [{ n }] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from ${sql.raw(`"${t}"`)}`,
    );
    counts[t] = n;
  }
  const chain = await verifyAuditChain(db, { officeId });
  return { dashboards, warnings, audit, counts, chainOk: chain.ok, chainChecked: chain.checked };
}

/**
 * Writes until stopped: on each project a reporter saves a report for a month of its own, then
 * submits it, the coordinator returns it, the reporter corrects the amount and submits it
 * again, round after round.
 * Every round moves the report, its transitions, the roll-ups and the audit chain together, so a
 * backup that caught half of one (or one table before a round and another after) fails
 * problemsIn. Every answer is tallied.
 */
function writers(baseURL: string, office: SeededOffice, tally: Tally) {
  let stop = false;
  let done = 0;
  const write = async <T>(who: Client, path: string, body: unknown) => {
    const r = await who.request<T>('POST', path, body);
    if (r.status === 200) done++;
    return r;
  };
  const work = office.units.map(async (unit, u) => {
    const reporter = new Client(baseURL, { ip: `10.13.5.${u + 1}`, tally });
    await reporter.login(unit.reporter, PASSWORD);
    const coordinator = new Client(baseURL, { ip: `10.13.6.${u + 1}`, tally });
    await coordinator.login(office.coordinators[0], PASSWORD);
    await Promise.all(
      unit.projects.map(async (project, p) => {
        const report = { projectId: project.id, year, month: 5 + p };
        const saved = await write<{ id: number }>(reporter, '/reports', {
          ...report,
          investment: '100.25',
          version: 0,
        });
        if (saved.status !== 200) return;
        const id = saved.body.id;
        for (let round = 1; !stop; round++) {
          if ((await write(reporter, `/reports/${id}/submit`, {})).status !== 200) break;
          const back = await write<{ version: number }>(coordinator, `/reports/${id}/return`, {
            reason: `第${round}轮：请核实数据`,
          });
          if (back.status !== 200) break;
          // the correction changes the amount, so the roll-ups move with the report
          const fixed = await write(reporter, '/reports', {
            ...report,
            investment: `${100 + round}.25`,
            version: back.body.version,
          });
          if (fixed.status !== 200) break;
        }
      }),
    );
  });
  return {
    get done() {
      return done;
    },
    async stop() {
      stop = true;
      await Promise.all(work);
    },
  };
}

const figures: Record<string, string | number | boolean> = {};
let pairs = 0;
let identical = 0;
let rowsBackedUp = 0;

afterAll(async () => {
  figures.pairs = pairs;
  figures.restoresIdentical = identical;
  figures.rowsBackedUp = rowsBackedUp;
  reportFigures('backup', figures);
  for (const s of stores) await s.drop().catch(() => {});
  rmSync(work, { recursive: true, force: true });
});

/**
 * Per source engine: seed, serve and write while a backup is taken (PostgreSQL: the CLI; PGlite:
 * the online route, and the CLI is refused), kill the server, back the final state up with the
 * CLI and restore it into every engine, comparing the restored picture with the source's.
 */
describe.each(ENGINES)('backup from %s', (engine) => {
  let source: Store;
  let office: SeededOffice;
  let final: string;
  let before: Awaited<ReturnType<typeof picture>>;
  /** the empty stores restored into: made together up front, while little else runs */
  let targets: { during: Store } & Partial<Record<Engine, Store>>;

  beforeAll(async () => {
    const made = await Promise.all([engine, engine, ...ENGINES].map(store));
    source = made[0];
    targets = { during: made[1], ...Object.fromEntries(ENGINES.map((e, i) => [e, made[i + 2]])) };
    office = await withOpen(source, seed);
  }, 240_000);

  it('takes one consistent snapshot while the server takes writes', async () => {
    const server = await startServer(source);
    const tally = new Tally();
    const load = writers(server.baseURL, office, tally);
    const during = join(work, `${engine}-during.bak`);
    let rows = 0;
    let writesAtStart = 0;
    let writesAtEnd = 0;
    try {
      // some writes in before the snapshot, more during it
      while (load.done < 6 && tally.networkErrors === 0)
        await new Promise((r) => setTimeout(r, 50));
      writesAtStart = load.done;
      if (engine === 'postgres') {
        const out = await cliOk(source, 'backup', '-o', during);
        rows = Number(/(\d+) 行/.exec(out)?.[1]);
      } else {
        const admin = new Client(server.baseURL, { ip: '10.13.7.1', tally });
        await admin.login('sys-backup', PASSWORD);
        const [online, refused] = await Promise.all([
          fetchBackup(admin),
          // the CLI cannot open the directory the server holds, and says what to do instead
          tiaodu(source, 'backup', '-o', join(work, 'refused.bak')),
        ]);
        writeFileSync(during, online.text);
        rows = online.rows;
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toContain(`in use by process ${server.child.pid}`);
        expect(refused.stderr).toContain('/api/admin/backup');
        expect(refused.stderr).toContain('stop `tiaodu serve` first');
        // the system admin's alone: not the security admin (whose area /api/admin/ is too),
        // not the office's coordinator
        for (const [i, who] of ['sec-backup', office.coordinators[0]].entries()) {
          const other = new Client(server.baseURL, { ip: `10.13.7.${i + 2}` });
          await other.login(who, PASSWORD);
          expect((await other.request('GET', '/admin/backup')).status, who).toBe(403);
        }
      }
      writesAtEnd = load.done;
    } finally {
      await load.stop();
      // the crash: the next open must take the dead server's PGlite lock over silently
      await server.kill();
    }
    figures[`${engine}WritesWhileBackingUp`] = writesAtEnd - writesAtStart;
    figures[`${engine}Writes`] = load.done;
    figures[`${engine}BackupRowsUnderLoad`] = rows;
    expect(tally.serverErrors).toEqual([]);
    expect(tally.networkErrors).toBe(0);
    // the writers never stop by themselves: the backup ran among writes, not after them
    expect(writesAtEnd).toBeGreaterThan(writesAtStart);

    const target = targets.during;
    const restored = await cliOk(target, 'restore', during);
    expect(restored).toContain(`${rows} 行`);
    await withOpen(target, async (db) => {
      expect(await problemsIn(db, office.officeId)).toEqual([]);
      if (engine === 'pglite') {
        // the download is audited, and the backup carries the record of itself
        const [{ n }] = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from audit_log
              where action = 'backup.download' and actor_id is not null and outcome = 'success'`,
        );
        expect(n).toBe(1);
      }
    });
  }, 300_000);

  it('backs the final state up with the CLI (PGlite: taking the killed server’s lock over)', async () => {
    final = join(work, `${engine}-final.bak`);
    const out = await cliOk(source, 'backup', '-o', final);
    rowsBackedUp += Number(/(\d+) 行/.exec(out)?.[1]);
    before = await withOpen(source, (db) => picture(db, office.officeId));
    expect(before.chainOk).toBe(true);
    expect(before.audit.length).toBeGreaterThan(50);
    // every state is there to be restored
    await withOpen(source, async (db) => {
      const states = await queryRows<{ status: string }>(
        db,
        sql`select distinct status from monthly_reports order by status`,
      );
      expect(states.map((s) => s.status)).toEqual(['approved', 'draft', 'returned', 'submitted']);
    });
  }, 180_000);

  for (const to of ENGINES) {
    it(`restores into ${to}: the same dashboard, warnings and audit log`, async () => {
      const target = targets[to]!;
      await cliOk(target, 'restore', final);
      const after = await withOpen(target, async (db) => {
        expect(await problemsIn(db, office.officeId)).toEqual([]);
        return picture(db, office.officeId);
      });
      expect(after.counts).toEqual(before.counts);
      expect(after.audit).toEqual(before.audit);
      expect(after.dashboards).toEqual(before.dashboards);
      expect(after.warnings).toEqual(before.warnings);
      expect(after.chainOk).toBe(true);
      expect(after.chainChecked).toBe(before.chainChecked);
      pairs++;
      identical++;
    }, 180_000);
  }
});

/** GET /api/admin/backup as a logged-in client: the file's text and its row count. */
async function fetchBackup(admin: Client) {
  const r = await admin.request<string>('GET', '/admin/backup');
  if (r.status !== 200) throw new Error(`online backup: ${r.status} ${JSON.stringify(r.body)}`);
  // The client parses JSON answers; a backup of several lines stays text.
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  const lines = text.trim().split('\n');
  const end = JSON.parse(lines[lines.length - 1]) as { end: boolean; rows: number };
  expect(end.end).toBe(true);
  expect(lines.length).toBe(end.rows + 2);
  return { text, rows: end.rows };
}

it('refuses a backup cut short (an interrupted download), writing nothing', async () => {
  const file = join(work, 'pglite-final.bak');
  const target = await store('pglite');
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const cut = join(work, 'cut.bak');
  writeFileSync(cut, `${lines.slice(0, -5).join('\n')}\n`);
  await withOpen(target, async (db) => {
    await expect(restoreDatabase(db, cut)).rejects.toThrow(/incomplete/);
    const [{ n }] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from monthly_reports`,
    );
    expect(n).toBe(0);
  });
}, 120_000);
