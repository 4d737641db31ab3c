/**
 * The demo office served for a browser: builds the web app when src/web is newer than
 * dist/web, loads the demo into a fresh PGlite directory through the CLI and starts
 * `tiaodu serve` on a free port. Used by the e2e project's global set-up and by the web
 * benchmark (bench/web.ts), so both measure the same thing.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export const root = join(import.meta.dirname, '..', '..');
export const distWeb = join(root, 'dist', 'web');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cli = join(root, 'src', 'cli', 'tiaodu.ts');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Builds the web app when its sources are newer than dist/web. Asynchronous, so the e2e
 * set-up can build while the other test projects run instead of holding vitest up.
 */
export async function buildWebIfStale() {
  const index = join(distWeb, 'index.html');
  const sources = Math.max(
    newest(join(root, 'src', 'web')),
    statSync(join(root, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  // NODE_ENV is "test" under vitest; the app is built as it ships.
  const { stderr } = await exec(
    join(root, 'node_modules', '.bin', 'vite'),
    ['build', '--logLevel', 'warn'],
    { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 16 * 1024 * 1024 },
  );
  if (stderr.trim()) process.stderr.write(stderr);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, server: ChildProcess, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`tiaodu serve exited with ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

/**
 * Starts the demo office; `stop()` ends the server and removes its data. The server stays in
 * the caller's process group (not detached), so when a CI time limit or Ctrl-C signals the
 * group it ends with the run instead of living on holding the terminal; tsx passes SIGTERM
 * on to the server, which closes cleanly.
 */
export async function startDemoServer(
  port?: number,
  /** the day the demo office is loaded as of (TIAODU_DEMO_TODAY); the run's pinned day if unset */
  demoToday?: string,
): Promise<{ baseURL: string; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tiaodu-e2e-'));
  // Always the fresh PGlite directory, never a DATABASE_URL from the surroundings.
  const { DATABASE_URL: _db, TEST_DATABASE_URL: _test, ...rest } = process.env;
  // Test mode, not development: the demo's accounts and every journey's log-in hash at the
  // test cost (crypto.ts) instead of 128 MiB each; nothing else reads NODE_ENV=test.
  const env = {
    ...rest,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    ...(demoToday ? { TIAODU_DEMO_TODAY: demoToday } : {}),
  };
  try {
    await exec(tsx, [cli, 'demo', '--data-dir', dataDir], { cwd: root, env });
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  port ??= await freePort();
  const server = spawn(
    tsx,
    [
      cli,
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--no-demo',
    ],
    { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise((r) => server.once('exit', r));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const baseURL = `http://127.0.0.1:${port}`;
  try {
    // A busy machine starts slowly: two minutes is far beyond an idle start (about 3 s).
    await waitFor(`${baseURL}/healthz`, server, 120_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseURL, stop };
}
