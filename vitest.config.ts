import { defineConfig } from 'vitest/config';

// Every database test runs on PGlite; with TEST_DATABASE_URL set the server-side tests run a
// second time against PostgreSQL (each test file in a fresh database of its own).
const postgres = process.env.TEST_DATABASE_URL;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
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
                env: { TIAODU_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
      {
        // Journeys in headless Chromium against `tiaodu serve` with the demo office; they run
        // after the other projects (groupOrder) so the two cores are theirs alone.
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['e2e/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
