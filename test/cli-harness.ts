import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Command, CommanderError } from 'commander';
import { inject } from 'vitest';
import { buildProgram } from '../src/cli/program.ts';
import { createDb, type Database } from '../src/server/db.ts';
import { configureSecretKey, usingDevelopmentKey } from '../src/server/modules/accounts/crypto.ts';
import { TEST_SECRET_KEY } from './test-app.ts';
import { createScratchPgDatabase, migratedSnapshot, testDbKind } from './test-db.ts';

const exec = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../bin/tiaodu.js');

export type CliResult = { code: number; stdout: string; stderr: string };

export type CliTarget = {
  /** a scratch directory for the test's files (workbooks, backups) */
  dir: string;
  /**
   * runs `tiaodu ...argv` against this test's database: `node bin/tiaodu.js` in a process of
   * its own, or in this one when the target was created `inProcess`
   */
  tiaodu: (...argv: string[]) => Promise<CliResult>;
  /** the same with extra environment variables (NODE_ENV=production, …) */
  tiaoduWith: (extraEnv: NodeJS.ProcessEnv, ...argv: string[]) => Promise<CliResult>;
  /** always `node bin/tiaodu.js ...argv` in a process of its own: the real exit code */
  spawned: (...argv: string[]) => Promise<CliResult>;
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
 * TEST_DATABASE_URL server, so a CLI test runs on both engines like every other test. It
 * starts from the run's migrated database (test/global-db.ts), as createTestDatabase does:
 * on a busy CI machine the first command would otherwise spend half a minute on PGlite's
 * initdb and every migration. `fresh` leaves it empty, for the test that the first command
 * migrates an empty database itself.
 */
export async function createCliTarget(
  prefix: string,
  opts: {
    fresh?: boolean;
    /**
     * `tiaodu` runs the command in this process (runInProcess): a spawned one spends a second
     * or more of a busy machine's core starting tsx and loading every module before it does
     * anything. For tests of what a command does; `spawned` keeps a real process at hand.
     */
    inProcess?: boolean;
  } = {},
): Promise<CliTarget> {
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
    const scratch = await createScratchPgDatabase(
      prefix.replaceAll('-', '_'),
      opts.fresh ? undefined : inject('pgTemplate'),
    );
    env.DATABASE_URL = scratch.url;
    open = () => createDb({ url: scratch.url });
    drop = scratch.drop;
  } else {
    const dataDir = join(dir, 'data');
    args = ['--data-dir', dataDir];
    if (!opts.fresh) {
      const database = await createDb({ dataDir, loadDataDir: migratedSnapshot() });
      await database.close();
    }
    open = () => createDb({ dataDir });
  }
  const spawnRun = async (extraEnv: NodeJS.ProcessEnv, argv: string[]) => {
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
  const run = (extraEnv: NodeJS.ProcessEnv, argv: string[]) =>
    opts.inProcess
      ? runInProcess({ ...env, ...extraEnv }, [...argv, ...args])
      : spawnRun(extraEnv, argv);
  return {
    dir,
    open,
    tiaodu: (...argv) => run({}, argv),
    tiaoduWith: (extraEnv, ...argv) => run(extraEnv, argv),
    spawned: (...argv) => spawnRun({}, argv),
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

/** Makes every command of the tree throw a CommanderError instead of ending the process. */
function throwInsteadOfExit(command: Command) {
  command.exitOverride();
  for (const sub of command.commands) throwInsteadOfExit(sub);
}

/**
 * Runs `tiaodu ...argv` in this process as a spawned `bin/tiaodu.js` would run it: with exactly
 * `env` as its environment, its output captured, and the code the process would exit with
 * (`process.exitCode` as the command left it, commander's code for a usage error, 1 for an
 * uncaught error). Commands run one at a time (a test file's tests run in turn).
 */
export async function runInProcess(env: NodeJS.ProcessEnv, argv: string[]): Promise<CliResult> {
  const savedEnv = { ...process.env };
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const capture =
    (into: Buffer[]) =>
    (chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      into.push(
        typeof chunk === 'string'
          ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
          : Buffer.from(chunk),
      );
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') done();
      return true;
    };
  // A new process derives its keys from its own environment (crypto.ts); the test app's key
  // (test-app.ts) comes back afterwards for the file's other tests.
  const hadTestKey = !usingDevelopmentKey();
  let code: number;
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, env);
  process.exitCode = undefined;
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  try {
    configureSecretKey(env.TIAODU_SECRET_KEY, { production: env.NODE_ENV === 'production' });
    const program = buildProgram();
    throwInsteadOfExit(program);
    await program.parseAsync(['node', 'tiaodu', ...argv]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode;
    else {
      // what node prints for an uncaught error before exiting with 1
      err.push(Buffer.from(`${(e as Error).stack ?? String(e)}\n`));
      code = 1;
    }
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    process.exitCode = undefined;
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, savedEnv);
    configureSecretKey(hadTestKey ? TEST_SECRET_KEY : undefined);
  }
  return {
    code,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}
