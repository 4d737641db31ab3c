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
  const scratch = await createScratchPgDatabase('tiaodu_t');
  const database = await createDb({ url: scratch.url });
  await database.migrate();
  return {
    ...database,
    close: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}

/** An empty database of its own on the TEST_DATABASE_URL server, and how to drop it again. */
export async function createScratchPgDatabase(
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TIAODU_TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // Give connections that are still closing a moment to go before forcing them out.
    drop: async () => {
      for (let i = 0; i < 20; i++) {
        try {
          await admin(`drop database if exists ${name}`);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await admin(`drop database if exists ${name} with (force)`);
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
