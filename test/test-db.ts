import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Ctx, ROLES, type Role } from '../src/server/context.ts';
import { createDb, type Database } from '../src/server/db.ts';
import { ensureOffice, systemActor } from '../src/server/modules/offices/offices.service.ts';

export const testDbKind = (process.env.TIAODU_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or a new database on the
 * TEST_DATABASE_URL server that is dropped again by `close()`.
 */
export async function createTestDatabase(): Promise<Database> {
  if (testDbKind === 'pglite') {
    const database = await createDb({ dataDir: 'memory://' });
    await database.migrate();
    return database;
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TIAODU_TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `tiaodu_t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await createDb({ url: url.toString() });
  await database.migrate();
  return {
    ...database,
    close: async () => {
      await database.close();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

/** The default office and a context acting as the given role there, at a fixed instant. */
export async function testContext(
  database: Database,
  opts: { role?: Role; unitId?: number | null; now?: Date } = {},
): Promise<Ctx> {
  const office = await ensureOffice(database.db);
  const role = opts.role ?? 'coordinator';
  if (!(ROLES as readonly string[]).includes(role)) throw new Error(role);
  return {
    actor: {
      ...systemActor(office.id),
      id: `test-${role}`,
      name: `测试${role}`,
      role,
      unitId: opts.unitId ?? null,
    },
    now: opts.now ?? new Date('2026-11-24T02:00:00Z'),
  };
}
