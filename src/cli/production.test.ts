import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliTarget, createCliTarget } from '../../test/cli-harness.ts';
import { TEST_SECRET_KEY } from '../../test/test-app.ts';
import { users } from '../server/modules/accounts/accounts.table.ts';
import {
  DEMO_ACCOUNTS,
  ensureDemoAccounts,
} from '../server/modules/accounts/demo-accounts.service.ts';
import { DEMO_PASSWORD } from '../server/modules/accounts/password-policy.ts';
import { auditLog } from '../server/modules/audit/audit.table.ts';
import { ensureOffice, systemActor } from '../server/modules/offices/offices.service.ts';
import { projects } from '../server/modules/projects/projects.table.ts';
import { units } from '../server/modules/units/units.table.ts';

// Item 3 of issue 9: a production installation never has an account with the published demo
// password, whatever the database holds and however it got there.

const PRODUCTION = { NODE_ENV: 'production', TIAODU_SECRET_KEY: TEST_SECRET_KEY };
const READY = /is running: (http:\/\/\S+)/;

let empty: CliTarget;
let withDemo: CliTarget;
let restored: CliTarget;
beforeAll(async () => {
  [empty, withDemo, restored] = await Promise.all([
    createCliTarget('tiaodu-prod-empty'),
    createCliTarget('tiaodu-prod-demo'),
    createCliTarget('tiaodu-prod-restore'),
  ]);
  // A database that had the demo accounts created in development mode.
  const database = await withDemo.open();
  try {
    await database.migrate();
    const office = await ensureOffice(database.db);
    await ensureDemoAccounts(database.db, { actor: systemActor(office.id), now: new Date() });
  } finally {
    await database.close();
  }
});
afterAll(async () => {
  await Promise.all([empty?.cleanup(), withDemo?.cleanup(), restored?.cleanup()]);
});

const login = (base: string, username: string, password: string) =>
  fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

describe('production', () => {
  it('`demo` refuses before writing anything', async () => {
    const r = await empty.tiaoduWith(PRODUCTION, 'demo');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/生产模式不载入演示数据/);
    expect(r.stderr).toMatch(/users create-admin/);
    const database = await empty.open();
    try {
      const [{ n }] = await database.db.select({ n: count() }).from(projects);
      expect(n).toBe(0);
      expect(await database.db.select().from(users)).toEqual([]);
      expect(await database.db.select().from(units)).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('`serve` on an empty database loads no demo and names the command for the first admin', async () => {
    const s = await empty.start(PRODUCTION, READY, 'serve', '--port', '0');
    try {
      expect(s.exitCode, s.stderr).toBeNull();
      expect(s.stdout).not.toMatch(/演示账号 \/ demo log-ins/);
      expect(s.stdout).toMatch(/production never loads the demo/);
      expect(s.stdout).toMatch(/npx tiaodu users create-admin --username <name>/);
      const base = READY.exec(s.stdout)![1];
      const demo = await fetch(`${base}/api/auth/demo`);
      expect(demo.status).toBe(404);
      expect((await demo.json()).error.code).toBe('route.not_found');
    } finally {
      await s.stop();
    }
    const database = await empty.open();
    try {
      const [{ n }] = await database.db.select({ n: count() }).from(projects);
      expect(n).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('`serve` on a database with demo accounts disables them, says so, and lets none log in', async () => {
    const s = await withDemo.start(PRODUCTION, READY, 'serve', '--port', '0');
    try {
      expect(s.exitCode, s.stderr).toBeNull();
      expect(s.stdout).toMatch(/已停用.*演示账号.*sysadmin/);
      expect(s.stdout).not.toMatch(/Tiaodu-demo-2023/);
      const base = READY.exec(s.stdout)![1];
      expect((await fetch(`${base}/api/auth/demo`)).status).toBe(404);
      for (const username of ['sysadmin', 'secadmin', 'auditadmin', 'coord']) {
        const r = await login(base, username, DEMO_PASSWORD);
        expect(r.status, username).toBe(401);
        expect((await r.json()).error.code).toBe('auth.invalid');
      }
    } finally {
      await s.stop();
    }
    const database = await withDemo.open();
    try {
      const demo = await database.db.select().from(users).where(eq(users.demo, true));
      expect(demo).toHaveLength(DEMO_ACCOUNTS.length);
      expect(demo.every((u) => u.disabledAt !== null)).toBe(true);
      const disabled = await database.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.action, 'user.disable'));
      expect(disabled).toHaveLength(DEMO_ACCOUNTS.length);
      expect(disabled[0].detail).toMatch(/started_in_production/);
    } finally {
      await database.close();
    }
  });

  it('`restore` into production leaves the demo accounts disabled and says so', async () => {
    // a development backup that still has live demo accounts
    // the development side in-process; the restore into production in a process of its own
    const source = await createCliTarget('tiaodu-prod-source', { inProcess: true });
    try {
      const database = await source.open();
      try {
        await database.migrate();
        const office = await ensureOffice(database.db);
        await ensureDemoAccounts(database.db, { actor: systemActor(office.id), now: new Date() });
      } finally {
        await database.close();
      }
      const file = join(source.dir, 'office.bak');
      const backed = await source.tiaodu('backup', '-o', file);
      expect(backed.code, backed.stderr).toBe(0);
      const r = await restored.tiaoduWith(PRODUCTION, 'restore', file);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/演示账号（公开密码）已停用.*sysadmin/);
      expect(r.stdout).toMatch(/users create-admin/);
    } finally {
      await source.cleanup();
    }
    const database = await restored.open();
    try {
      const demo = await database.db.select().from(users).where(eq(users.demo, true));
      expect(demo).toHaveLength(DEMO_ACCOUNTS.length);
      expect(demo.every((u) => u.disabledAt !== null)).toBe(true);
    } finally {
      await database.close();
    }
  });
});

describe('users reset-password', () => {
  it("resets the account no web duty may reset: the security admin's own", async () => {
    // in-process commands; the refusal's exit code on a real process
    const target = await createCliTarget('tiaodu-reset', { inProcess: true });
    try {
      const created = await target.tiaodu(
        'users',
        'create-admin',
        '--username',
        'sec',
        '--role',
        'secadmin',
      );
      expect(created.code, created.stderr).toBe(0);
      const r = await target.tiaodu('users', 'reset-password', '--username', 'SEC');
      expect(r.code, r.stderr).toBe(0);
      const temporary = r.stdout.trim().split('\n').at(-1)!;
      expect(temporary.length).toBeGreaterThanOrEqual(12);
      const missing = await target.spawned('users', 'reset-password', '--username', 'nobody');
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/nobody/);
      const database = await target.open();
      try {
        const [row] = await database.db.select().from(users).where(eq(users.username, 'sec'));
        expect(row).toMatchObject({ mustChangePassword: true, passwordResetBy: '系统' });
        expect(row.passwordResetAt).not.toBeNull();
      } finally {
        await database.close();
      }
    } finally {
      await target.cleanup();
    }
  });
});
