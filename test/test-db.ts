import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { type Ctx, ROLES, type Role } from '../src/server/context.ts';
import { createDb, type Database } from '../src/server/db.ts';
import { ensureOffice, systemActor } from '../src/server/modules/offices/offices.service.ts';
import { createScratchPgDatabase } from './scratch-pg.ts';

export { createScratchPgDatabase };

export const testDbKind = (process.env.TIAODU_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

let snapshot: Blob | undefined;

/** The run's migrated database (test/global-db.ts) as a PGlite dump, read once per file. */
export function migratedSnapshot(): Blob {
  snapshot ??= new Blob([readFileSync(inject('pgliteSnapshot'))]);
  return snapshot;
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or a new database on the
 * TEST_DATABASE_URL server that is dropped again by `close()`. Both start from the run's
 * migrated database (test/global-db.ts); `migrate()` then finds nothing to do, unless a
 * migration was added after the run started.
 */
export async function createTestDatabase(): Promise<Database> {
  if (testDbKind === 'pglite') {
    const database = await createDb({ dataDir: 'memory://', loadDataDir: migratedSnapshot() });
    await database.migrate();
    return database;
  }
  const scratch = await createScratchPgDatabase('tiaodu_t', inject('pgTemplate'));
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
