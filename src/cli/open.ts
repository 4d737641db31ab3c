import type { Command } from 'commander';
import type { Ctx } from '../server/context.ts';
import { createDb, type Database } from '../server/db.ts';
import { readEnv } from '../server/env.ts';
import { ensureOffice, systemActor } from '../server/modules/offices/offices.service.ts';

export type DbOptions = { dataDir?: string };

/** Adds the database option every command shares. */
export function withDb(cmd: Command): Command {
  return cmd.option(
    '--data-dir <dir>',
    '嵌入式数据库目录 / PGlite data directory (ignored when DATABASE_URL is set)',
  );
}

/** Opens and migrates the database the options and environment name; the CLI acts as `system`. */
export async function openDatabase(
  opts: DbOptions,
): Promise<{ database: Database; ctx: Ctx; close: () => Promise<void> }> {
  const env = readEnv();
  const database = await createDb({
    url: env.DATABASE_URL,
    dataDir: opts.dataDir ?? env.TIAODU_DATA_DIR,
    migrateUrl: env.DATABASE_MIGRATE_URL,
  });
  await database.migrate();
  const office = await ensureOffice(database.db);
  return {
    database,
    ctx: { actor: systemActor(office.id), now: new Date() },
    close: () => database.close(),
  };
}

/** Runs a command body, printing a clean error (no stack) and setting the exit code on failure. */
export async function run(body: () => Promise<unknown>): Promise<void> {
  try {
    const code = await body();
    if (typeof code === 'number') process.exitCode = code;
  } catch (e) {
    const err = e as { message?: string; details?: { field?: string } };
    const field = err.details?.field ? ` [${err.details.field}]` : '';
    process.stderr.write(`错误 / error${field}: ${err.message ?? String(e)}\n`);
    process.exitCode = 2;
  }
}
