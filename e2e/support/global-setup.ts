/**
 * The e2e project's set-up: builds the web app when src/web is newer than dist/web, loads the
 * demo office into a fresh PGlite directory through the CLI, starts `tiaodu serve` on a free
 * port and hands its address to the journeys. Everything it starts is stopped in teardown.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}

const root = join(import.meta.dirname, '..', '..');
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

function buildWebIfStale() {
  const index = join(root, 'dist', 'web', 'index.html');
  const sources = Math.max(
    newest(join(root, 'src', 'web')),
    statSync(join(root, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  // NODE_ENV is "test" under vitest; the app is built as it ships.
  execFileSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

function freePort(): Promise<number> {
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

export default async function setup(project: TestProject) {
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error('e2e needs Debian chromium: apt-get install -y chromium fonts-noto-cjk');
  }
  buildWebIfStale();
  const dataDir = mkdtempSync(join(tmpdir(), 'tiaodu-e2e-'));
  // Always the fresh PGlite directory, never a DATABASE_URL from the surroundings.
  const { DATABASE_URL: _db, TEST_DATABASE_URL: _test, ...rest } = process.env;
  const env = { ...rest, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  execFileSync(tsx, [cli, 'demo', '--data-dir', dataDir], { cwd: root, env, stdio: 'ignore' });
  const port = await freePort();
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
    { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  const baseURL = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${baseURL}/healthz`, server, 60_000);
  } catch (e) {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  project.provide('baseURL', baseURL);
  return async () => {
    if (server.pid && server.exitCode === null) {
      process.kill(-server.pid, 'SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
}
