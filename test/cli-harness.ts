import { type ChildProcess, execFile, spawn } from 'node:child_process';
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
  /** the same with extra environment variables (NODE_ENV=production, …) */
  tiaoduWith: (
    extraEnv: NodeJS.ProcessEnv,
    ...argv: string[]
  ) => Promise<{ code: number; stdout: string; stderr: string }>;
  /**
   * starts a command that keeps running (`serve`) and waits until its stdout matches `ready`
   * (or it exits); `stop` ends it. The output so far is in `stdout` / `stderr`.
   */
  start: (
    extraEnv: NodeJS.ProcessEnv,
    ready: RegExp,
    ...argv: string[]
  ) => Promise<{
    stdout: string;
    stderr: string;
    exitCode: number | null;
    stop: () => Promise<void>;
  }>;
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
  // The runner's mode: passwords hash at the test cost (crypto.ts), so a spawned `demo` does
  // not spend minutes of a busy CI machine on 128 MiB hashes; production tests set it.
  env.NODE_ENV = 'test';
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
  const run = async (extraEnv: NodeJS.ProcessEnv, argv: string[]) => {
    try {
      const { stdout, stderr } = await exec('node', [BIN, ...argv, ...args], {
        env: { ...env, ...extraEnv },
        // under the vitest limit (300 s): a hung command fails its test, a slow one does not
        timeout: 280_000,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
  return {
    dir,
    open,
    tiaodu: (...argv) => run({}, argv),
    tiaoduWith: (extraEnv, ...argv) => run(extraEnv, argv),
    start: (extraEnv, ready, ...argv) =>
      new Promise((resolvePromise, reject) => {
        const child: ChildProcess = spawn('node', [BIN, ...argv, ...args], {
          env: { ...env, ...extraEnv },
        });
        const out = { stdout: '', stderr: '', exitCode: null as number | null };
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        const stop = async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        };
        const timer = setTimeout(() => {
          void stop();
          reject(new Error(`not ready in 120 s: ${out.stdout}${out.stderr}`));
        }, 120_000);
        const settle = () => {
          clearTimeout(timer);
          resolvePromise({ ...out, stop });
        };
        child.stdout?.on('data', (d: Buffer) => {
          out.stdout += d.toString();
          if (ready.test(out.stdout)) settle();
        });
        child.stderr?.on('data', (d: Buffer) => {
          out.stderr += d.toString();
        });
        child.once('exit', (code) => {
          out.exitCode = code;
          settle();
        });
      }),
    cleanup: async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
