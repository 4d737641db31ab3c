/**
 * Where a reliability test keeps its data: a PGlite data directory on disk (what `npm start`
 * uses) or a database of its own on the TEST_DATABASE_URL server. Each test gets a fresh,
 * migrated store and drops it afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Database } from '../../src/server/db.ts';
import { configureSecretKey } from '../../src/server/modules/accounts/crypto.ts';
import { createScratchPgDatabase } from '../../test/scratch-pg.ts';

/**
 * Every server of a test and the test process itself use this key, as instances behind one
 * load balancer would: what one encrypts or chains into the audit log, the others verify.
 */
export const SECRET_KEY = 'tiaodu-reliability-secret-key-0123456789abcdef';
configureSecretKey(SECRET_KEY);

export type Engine = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL when TEST_DATABASE_URL names a server (as in CI). */
export const ENGINES: Engine[] = process.env.TEST_DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

export type Store = {
  engine: Engine;
  /** PGlite: the data directory */
  dataDir?: string;
  /** PostgreSQL: the database URL */
  url?: string;
  /** opens it in this process (PGlite: only while no server has it open) */
  open(): Promise<Database>;
  /** the environment and arguments that point `tiaodu` at it */
  cliArgs: string[];
  env: Record<string, string>;
  drop(): Promise<void>;
};

export async function freshStore(engine: Engine): Promise<Store> {
  if (engine === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'tiaodu-rel-'));
    const store: Store = {
      engine,
      dataDir,
      open: async () => {
        const database = await createDb({ dataDir });
        await database.migrate();
        return database;
      },
      cliArgs: ['--data-dir', dataDir],
      env: {},
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
    const first = await store.open();
    await first.close();
    return store;
  }
  const scratch = await createScratchPgDatabase('tiaodu_r');
  const store: Store = {
    engine,
    url: scratch.url,
    open: async () => {
      const database = await createDb({ url: scratch.url });
      await database.migrate();
      return database;
    },
    cliArgs: [],
    env: { DATABASE_URL: scratch.url },
    drop: scratch.drop,
  };
  const first = await store.open();
  await first.close();
  return store;
}
