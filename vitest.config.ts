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
              extends: true,
              test: {
                name: 'postgres',
                include: ['src/server/**/*.test.ts', 'src/cli/**/*.test.ts', 'src/demo/**/*.test.ts', 'test/**/*.test.ts'],
                env: { TIAODU_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
