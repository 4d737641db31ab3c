import { defineConfig } from 'vitest/config';
import { BrowserFirstSequencer } from './test/sequencer.ts';

// Every database test runs on PGlite; with TEST_DATABASE_URL set the server-side tests run a
// second time against PostgreSQL (each test file in a fresh database of its own).
const postgres = process.env.TEST_DATABASE_URL;

// The demo office runs up to the month before the day it is loaded (src/demo/demo-office.ts).
// Tests pin that day, so every demo a test, a spawned CLI or the journeys' server loads is the
// office that ends in 2024-12, whatever the machine's clock says; the demo-office test loads
// one in the present as well.
process.env.TIAODU_DEMO_TODAY ??= '2025-01-15';

export default defineConfig({
  test: {
    // Limits that catch a hung test, never a slow one. Measured in a whole run on the 2-core
    // machine with six other jobs busy (load 11-16, 34 min): the longest test 82 s (the audit
    // CLI), hooks about 30 s (a file loading the demo), e2e tests at most 15 s; these limits
    // are over three times that, so a busy machine makes a run slower, not red.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Vitest's default is one fork on a 2-core machine; most files wait on PostgreSQL, a
    // spawned CLI or Chromium. Three forks: the browser journeys (started first, see
    // test/sequencer.ts) beside two for everything else. Measured on the 2-core machine with
    // one core kept busy, .ci/run took 1,432 s with two forks and the journeys after the rest,
    // 1,274 s with three and the journeys first.
    maxWorkers: 3,
    sequence: { sequencer: BrowserFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['test/global-db.ts'],
          env: { TIAODU_TEST_DB: 'pglite' },
        },
      },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: [
                  'src/server/**/*.test.ts',
                  'src/cli/**/*.test.ts',
                  'src/demo/**/*.test.ts',
                  'test/**/*.test.ts',
                ],
                globalSetup: ['test/global-db.ts'],
                env: { TIAODU_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
      {
        // Issue 13: load, crashes, several instances, hostile input, backup and restore, against
        // `tiaodu serve` child processes on PGlite and (with TEST_DATABASE_URL) PostgreSQL.
        // `npm run test:reliability` runs this project alone.
        extends: true,
        test: {
          name: 'reliability',
          include: ['reliability/**/*.test.ts'],
        },
      },
      {
        // Journeys in headless Chromium against `tiaodu serve` with the demo office, one file
        // started first and run beside the other projects (test/sequencer.ts).
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['e2e/support/global-setup.ts'],
          // One page or one journey per test (each takes seconds), under the limits above.
          // expect.poll waits for the page to catch up; its default (1 s) is shorter than a
          // dashboard's first render on a busy machine.
          expect: { poll: { timeout: 30_000 } },
        },
      },
    ],
  },
});
