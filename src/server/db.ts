import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockDataDir, writeLock } from './data-dir-lock.ts';
import * as schema from './schema.ts';

export { DataDirInUseError, LOCK_FILE } from './data-dir-lock.ts';

export type Schema = typeof schema;
/** The database handle every service takes first; a transaction is one too. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** where the data lives, for messages: a directory or a server URL without password */
  location: string;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: the whole data directory as a tar (a test run's migrated starting point) */
  dumpDataDir?: () => Promise<Blob>;
};

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle');

/** The newest migration in drizzle/ (its journal's time stamp, as drizzle records it). */
function newestMigration(): number {
  const journal = JSON.parse(readFileSync(resolve(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8'));
  return Math.max(0, ...(journal.entries as { when: number }[]).map((e) => e.when));
}

/**
 * Whether every migration in drizzle/ is applied. Read-only, so an app role that may not
 * create anything (README: database roles) starts against a database the owner migrated;
 * drizzle's migrator itself always issues CREATE SCHEMA / CREATE TABLE IF NOT EXISTS first.
 */
export async function upToDate(db: Db): Promise<boolean> {
  const result = (await db.execute(
    sql`select to_regclass('public.__drizzle_migrations') is not null as present`,
  )) as unknown as { rows: { present: boolean }[] };
  if (!result.rows[0]?.present) return false;
  const last = (await db.execute(
    sql`select max(created_at)::text as at from public.__drizzle_migrations`,
  )) as unknown as { rows: { at: string | null }[] };
  return Number(last.rows[0]?.at ?? 0) >= newestMigration();
}

/**
 * Opens PostgreSQL when a URL is given, else the embedded PGlite in dataDir
 * (or in memory when dataDir is 'memory://'). With `migrateUrl` (DATABASE_MIGRATE_URL, the
 * owner role) migrations run over a connection of their own, and `url` may be a role that
 * owns nothing.
 */
export async function createDb(opts: {
  url?: string;
  dataDir?: string;
  migrateUrl?: string;
  /** PGlite only: start an uninitialised data directory from this dump (`dumpDataDir`) */
  loadDataDir?: Blob;
}): Promise<Database> {
  if (opts.url) {
    // JIT off: the planner's cost of the warnings' per-project lookups (lateral, index by
    // index) passes jit_above_cost at a few thousand projects, and compiling took 206 ms of a
    // 452 ms statement at 10,000 (EXPLAIN ANALYZE); nothing Tiaodu asks runs long enough to
    // repay it. Set per connection, so a shared server keeps its own default.
    const pool = new pg.Pool({ connectionString: opts.url, max: 10, options: '-c jit=off' });
    // An idle connection the server drops (a restart, an administrator) must not crash the
    // process; the pool replaces it on the next query.
    const lost = (err: Error) => {
      process.stderr.write(`数据库连接中断 / database connection lost: ${err.message}\n`);
    };
    pool.on('error', lost);
    pool.on('connect', (client) => client.on('error', lost));
    // Fail fast with the server's own message instead of on the first query.
    const client = await pool.connect();
    client.release();
    const db = drizzleNodePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      location: redactUrl(opts.url),
      migrate: async () => {
        if (await upToDate(db)) return;
        const owner = opts.migrateUrl
          ? new pg.Pool({ connectionString: opts.migrateUrl, max: 1 })
          : null;
        try {
          await migrateNodePg((owner ? drizzleNodePg(owner, { schema }) : db) as never, {
            migrationsFolder: MIGRATIONS_DIR,
            migrationsSchema: 'public',
          });
        } catch (e) {
          // The app's own role (README: database roles) may not create tables: say what to do.
          const code =
            (e as { code?: string; cause?: { code?: string } }).code ??
            (e as { cause?: { code?: string } }).cause?.code;
          if (code === '42501' && !owner) {
            throw new Error(
              `数据库有待执行的迁移，但当前角色无权执行：请以属主角色运行 \`tiaodu migrate\`，或设置 DATABASE_MIGRATE_URL / migrations are pending and this role may not run them: run \`tiaodu migrate\` as the owner role, or set DATABASE_MIGRATE_URL (${(e as Error).message})`,
            );
          }
          throw e;
        } finally {
          await owner?.end();
        }
      },
      close: () => pool.end(),
    };
  }
  const dataDir = opts.dataDir ?? './data';
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const release = inMemory ? () => {} : lockDataDir(dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? undefined : dataDir, {
      loadDataDir: opts.loadDataDir,
    });
  } catch (e) {
    release();
    throw e;
  }
  // A dump carries the lock file of the process that made it; this process holds it now.
  if (opts.loadDataDir && !inMemory) writeLock(dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    kind: 'pglite',
    location: dataDir,
    migrate: () =>
      migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR, migrationsSchema: 'public' }),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        release();
      }
    },
    dumpDataDir: () => client.dumpDataDir('none'),
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

/**
 * Brings the query planner's statistics up to date. PGlite runs no autovacuum, so without this
 * a table filled by an import is planned as if it held a row or two: every dashboard join turns
 * into a loop of index lookups (measured at 10,000 projects: 2–3× slower). Run after bulk
 * writes and when the server starts; ANALYZE samples, so it stays cheap on large tables.
 */
export async function refreshPlannerStats(db: Db): Promise<void> {
  await db.execute(sql`analyze`);
}

/** Rows of a raw SQL query, whichever driver ran it (both answer with `.rows`). */
export async function queryRows<T>(db: Db, query: Parameters<Db['execute']>[0]): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
