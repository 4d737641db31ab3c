/**
 * The e2e project's set-up: serves the demo office (support/server.ts) and hands its address
 * to the journeys. Everything it starts is stopped in teardown.
 */
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { buildWebIfStale, startDemoServer } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}

export default async function setup(project: TestProject) {
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error('e2e needs Debian chromium: apt-get install -y chromium fonts-noto-cjk');
  }
  buildWebIfStale();
  const { baseURL, stop } = await startDemoServer();
  project.provide('baseURL', baseURL);
  return stop;
}
