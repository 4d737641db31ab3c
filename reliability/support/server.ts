/**
 * `tiaodu serve` as a child process, the way an operator runs it: one Node process (no tsx
 * wrapper in between, so a SIGKILL reaches the server itself), on a free loopback port, with
 * the store's database. The tests start several of these, kill them and start them again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, root } from '../../e2e/support/server.ts';
import { SECRET_KEY, type Store } from './stores.ts';

const cli = join(root, 'src', 'cli', 'tiaodu.ts');

export type RunningServer = {
  baseURL: string;
  port: number;
  child: ChildProcess;
  /** what the process wrote to stderr so far (for a failure's message) */
  stderr: () => string;
  /** with `captureStdout`: what it wrote to stdout so far (the pino JSON log); else '' */
  stdout: () => string;
  /** resolves when the process has ended */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: the crash, nothing flushed, nothing closed */
  kill(): Promise<void>;
  /** SIGTERM: the graceful stop; resolves with the exit code */
  stop(): Promise<number | null>;
};

export async function startServer(
  store: Store,
  opts: {
    port?: number;
    env?: Record<string, string>;
    readyWithinMs?: number;
    /** keep what the process writes to stdout (its request log), for `stdout()` */
    captureStdout?: boolean;
  } = {},
): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  // Never a DATABASE_URL from the surroundings: the store says where the data is.
  const { DATABASE_URL: _db, TEST_DATABASE_URL: _test, ...rest } = process.env;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      'serve',
      ...store.cliArgs,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--no-demo',
    ],
    {
      cwd: root,
      env: {
        ...rest,
        // Test mode hashes passwords at the test cost (crypto.ts); nothing else reads it.
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        TIAODU_SECRET_KEY: SECRET_KEY,
        // Each simulated person sends its own X-Forwarded-For, as people behind the office's
        // reverse proxy would, so the per-address log-in limit sees many addresses.
        TIAODU_TRUST_PROXY: '1',
        TIAODU_AUDIT_ANCHOR_FILE: join(mkdtempSync(join(tmpdir(), 'tiaodu-rel-anchor-')), 'a'),
        ...store.env,
        ...opts.env,
      },
      stdio: ['ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'],
    },
  );
  let out = '';
  // Read as it comes, so a full pipe never blocks the server's writes.
  child.stdout?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-8_000_000);
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const baseURL = `http://127.0.0.1:${port}`;
  const until = Date.now() + (opts.readyWithinMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`tiaodu serve exited (${child.exitCode ?? child.signalCode}):\n${err}`);
    }
    try {
      if ((await fetch(`${baseURL}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`${baseURL}/readyz did not answer in time:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    baseURL,
    port,
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (alive()) child.kill('SIGTERM');
      return (await exited).code;
    },
  };
}
