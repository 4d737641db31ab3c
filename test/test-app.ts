import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app.ts';
import type { Actor } from '../src/server/context.ts';
import type { Database } from '../src/server/db.ts';
import { createTestDatabase } from './test-db.ts';

/** A fresh migrated database and the app on it, with a clock the test controls. */
export async function createTestApp(
  opts: { now?: Date; actor?: (officeId: number) => Actor } = {},
): Promise<{
  app: FastifyInstance;
  database: Database;
  clock: { now: Date };
  close: () => Promise<void>;
}> {
  const database = await createTestDatabase();
  const clock = { now: opts.now ?? new Date('2026-11-24T02:00:00Z') };
  const app = await buildApp({ db: database.db, clock: () => clock.now });
  await app.ready();
  return {
    app,
    database,
    clock,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
