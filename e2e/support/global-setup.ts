/**
 * The e2e project's set-up: hands the journeys the address of the demo office
 * (support/server.ts) at once, and builds the web app and starts the server in the background.
 * Vitest runs every project's set-up before any test, and the e2e files run last, so building
 * and loading the demo meanwhile keeps the other projects from waiting on them; the e2e file
 * waits for the server itself (support/ready.ts). Everything started is stopped in teardown.
 */
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { buildWebIfStale, freePort, startDemoServer } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}

export default async function setup(project: TestProject) {
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error('e2e needs Debian chromium: apt-get install -y chromium fonts-noto-cjk');
  }
  const port = await freePort();
  project.provide('baseURL', `http://127.0.0.1:${port}`);
  const started = (async () => {
    await buildWebIfStale();
    return startDemoServer(port);
  })();
  // The journeys' wait names this failure; it is printed here, where its cause is known.
  started.catch((e: Error) => {
    process.stderr.write(`e2e: the demo office did not start: ${e.stack ?? e.message}\n`);
  });
  return async () => {
    const server = await started.catch(() => null);
    await server?.stop();
  };
}
