import { count } from 'drizzle-orm';
import { loadDemo } from '../demo/demo-office.ts';
import { buildApp } from './app.ts';
import { createDb } from './db.ts';
import type { Env } from './env.ts';
import { demoInfo } from './modules/accounts/accounts.service.ts';
import { ensureOffice } from './modules/offices/offices.service.ts';
import { projects } from './modules/projects/projects.table.ts';

/** env → db → migrate → (demo on an empty database) → buildApp → listen. */
export async function startServer(
  env: Env,
  opts: { demo: boolean; dataDir?: string; port?: number; host?: string },
) {
  const database = await createDb({
    url: env.DATABASE_URL,
    dataDir: opts.dataDir ?? env.TIAODU_DATA_DIR,
  });
  await database.migrate();
  let demoLoaded = false;
  if (opts.demo) {
    const [{ n }] = await database.db.select({ n: count() }).from(projects);
    if (n === 0) {
      process.stderr.write(
        '空数据库，正在载入演示办公室… / empty database, loading the demo office…\n',
      );
      await loadDemo(database.db, { onProgress: (step) => process.stderr.write(`… ${step}\n`) });
      demoLoaded = true;
    }
  }
  const app = await buildApp({
    db: database.db,
    env,
    logger: env.LOG_LEVEL === 'silent' ? false : { level: env.LOG_LEVEL },
  });
  const port = opts.port ?? env.PORT;
  const host = opts.host ?? env.HOST;
  const address = await app.listen({ port, host });
  const office = await ensureOffice(database.db);
  const demo = await demoInfo(database.db, office.id);
  const close = async () => {
    await app.close();
    await database.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      close().finally(() => process.exit(0));
    });
  }
  return { app, database, address, demoLoaded, demo, close };
}
