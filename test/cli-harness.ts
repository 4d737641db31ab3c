import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createDb, type Database } from '../src/server/db.ts';
import { createScratchPgDatabase, testDbKind } from './test-db.ts';

const exec = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../bin/tiaodu.js');

export type CliTarget = {
  /** a scratch directory for the test's files (workbooks, backups) */
  dir: string;
  /** runs `node bin/tiaodu.js ...argv` against this test's database */
  tiaodu: (...argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  /** opens the same database in-process (close it before the CLI runs again on PGlite) */
  open: () => Promise<Database>;
  cleanup: () => Promise<void>;
};

/**
 * A database for spawned CLI runs: a PGlite directory, or a fresh database on the
 * TEST_DATABASE_URL server, so a CLI test runs on both engines like every other test.
 */
export async function createCliTarget(prefix: string): Promise<CliTarget> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.TIAODU_SECRET_KEY;
  delete env.NODE_ENV;
  let args: string[] = [];
  let open: () => Promise<Database>;
  let drop = async () => {};
  if (testDbKind === 'postgres') {
    const scratch = await createScratchPgDatabase(prefix.replaceAll('-', '_'));
    env.DATABASE_URL = scratch.url;
    open = () => createDb({ url: scratch.url });
    drop = scratch.drop;
  } else {
    const dataDir = join(dir, 'data');
    args = ['--data-dir', dataDir];
    open = () => createDb({ dataDir });
  }
  return {
    dir,
    open,
    tiaodu: async (...argv) => {
      try {
        const { stdout, stderr } = await exec('node', [BIN, ...argv, ...args], {
          env,
          timeout: 120_000,
        });
        return { code: 0, stdout, stderr };
      } catch (e) {
        const err = e as { code: number; stdout: string; stderr: string };
        return { code: err.code, stdout: err.stdout, stderr: err.stderr };
      }
    },
    cleanup: async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
