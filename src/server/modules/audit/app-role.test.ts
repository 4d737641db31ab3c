import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPgDatabase, testDbKind } from '../../../../test/test-db.ts';
import type { Ctx } from '../../context.ts';
import { createDb, type Database } from '../../db.ts';
import { ensureOffice, systemActor } from '../offices/offices.service.ts';
import { createProject } from '../projects/projects.service.ts';
import { saveReport } from '../reports/reports.service.ts';
import { setThresholds } from '../warnings/warnings.service.ts';
import { verifyAuditChain, withAudit } from './audit.service.ts';

/** The README's SQL for the app's role, exactly as an operator would copy it. */
function readmeRoleSql(): string {
  const readme = readFileSync(resolve(import.meta.dirname, '../../../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Database roles'));
  const block = /```sql\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README: no SQL block under "### Database roles"');
  return block[1];
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'succeeded',
    (e: { message?: string; cause?: { message?: string } }) =>
      String(e.cause?.message ?? e.message),
  );

// Roles, ownership and GRANTs need a PostgreSQL server: PGlite is one in-process connection as a
// superuser, with no second role to log in as. This file runs in the postgres project.
describe.skipIf(testDbKind !== 'postgres')(
  'the app role of the README (PostgreSQL only: PGlite has no roles to log in as)',
  () => {
    let scratch: { url: string; drop: () => Promise<void> };
    const role = `tiaodu_app_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    let appUrl: string;
    let app: Database;
    const admin = async (statement: string) => {
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    };

    beforeAll(async () => {
      scratch = await createScratchPgDatabase('tiaodu_role');
      const dbName = new URL(scratch.url).pathname.slice(1);
      const text = readmeRoleSql()
        .replaceAll('tiaodu_app', role)
        .replace("'change-me'", `'${password}'`)
        .replace('ON DATABASE tiaodu ', `ON DATABASE ${dbName} `);
      const [create, ...grants] = text.split(/;\s*\n/).filter((s) => s.trim());
      // the role first; the app migrates with the owner's URL (DATABASE_MIGRATE_URL) …
      await admin(create);
      const u = new URL(scratch.url);
      u.username = role;
      u.password = password;
      appUrl = u.toString();
      app = await createDb({ url: appUrl, migrateUrl: scratch.url });
      await app.migrate();
      // … then the owner grants, as the README says
      await admin(grants.join(';\n'));
    });
    afterAll(async () => {
      await app?.close();
      await scratch?.drop();
      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop role if exists ${role}`).finally(() => client.end());
    });

    it('cannot switch off the append-only trigger, nor delete, update or truncate audit rows', async () => {
      const db = app.db;
      expect(
        await failure(db.execute(sql`alter table audit_log disable trigger audit_log_append_only`)),
      ).toMatch(/must be owner/);
      expect(await failure(db.execute(sql`alter table audit_log disable trigger all`))).toMatch(
        /must be owner/,
      );
      expect(await failure(db.execute(sql`delete from audit_log`))).toMatch(/permission denied/);
      expect(await failure(db.execute(sql`update audit_log set detail = 'x'`))).toMatch(
        /permission denied/,
      );
      expect(await failure(db.execute(sql`truncate audit_log`))).toMatch(/permission denied/);
      expect(await failure(db.execute(sql`drop table audit_log`))).toMatch(/must be owner/);
      expect(await failure(db.execute(sql`create table sneaky (id int)`))).toMatch(
        /permission denied/,
      );
    });

    it('still does every audited write the app does', async () => {
      const db = app.db;
      const office = await ensureOffice(db);
      const ctx: Ctx = { actor: systemActor(office.id), now: new Date() };
      const project = await withAudit(db, ctx, (tx) =>
        createProject(tx, ctx, { code: 'ROLE-1', name: '角色测试' }),
      );
      const report = await withAudit(db, ctx, (tx) =>
        saveReport(tx, ctx, {
          projectId: project.id,
          year: 2025,
          month: 3,
          investment: '12.50',
          version: 0,
        }),
      );
      await withAudit(db, ctx, (tx) =>
        saveReport(tx, ctx, {
          projectId: project.id,
          year: 2025,
          month: 3,
          investment: '13.00',
          version: report.version,
        }),
      );
      await withAudit(db, ctx, (tx) =>
        setThresholds(tx, ctx, {
          investmentGreenAtPercent: 100,
          investmentRedBelowPercent: 80,
          milestoneRedAfterDays: 30,
          missingReportLevel: 'yellow',
          version: 0,
        }),
      );
      const v = await verifyAuditChain(db);
      expect(v).toMatchObject({ ok: true, firstBroken: null });
      expect(v.checked).toBeGreaterThanOrEqual(5);
    });

    it('starts against a database the owner migrated apart, and says what to do when one is pending', async () => {
      // `tiaodu migrate` was run apart: the app's own connection only checks
      const alone = await createDb({ url: appUrl });
      await expect(alone.migrate()).resolves.toBeUndefined();
      await admin(
        'delete from __drizzle_migrations where id = (select max(id) from __drizzle_migrations)',
      );
      await expect(alone.migrate()).rejects.toThrow(/tiaodu migrate.*DATABASE_MIGRATE_URL/);
      await alone.close();
    });
  },
);
