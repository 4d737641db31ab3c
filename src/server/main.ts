import { and, count, eq, isNull } from 'drizzle-orm';
import { createTransport } from 'nodemailer';
import { loadDemo } from '../demo/demo-office.ts';
import { buildApp } from './app.ts';
import { createDb, refreshPlannerStats } from './db.ts';
import type { Env } from './env.ts';
import { users } from './modules/accounts/accounts.table.ts';
import {
  demoInfo,
  disableDemoAccounts,
  isProduction,
} from './modules/accounts/demo-accounts.service.ts';
import { startAnchorWriter } from './modules/audit/audit-anchor.ts';
import { startDigestJob } from './modules/inbox/digest.service.ts';
import { ensureOffice } from './modules/offices/offices.service.ts';
import { projects } from './modules/projects/projects.table.ts';

/**
 * env → db → migrate → (demo on an empty database, never in production) → buildApp → listen.
 * In production the demo accounts a database may hold are disabled first.
 */
export async function startServer(
  env: Env,
  opts: { demo: boolean; dataDir?: string; port?: number; host?: string },
) {
  const database = await createDb({
    url: env.DATABASE_URL,
    dataDir: opts.dataDir ?? env.TIAODU_DATA_DIR,
    migrateUrl: env.DATABASE_MIGRATE_URL,
  });
  await database.migrate();
  const production = isProduction(env);
  let demoLoaded = false;
  let demoDisabled: string[] = [];
  if (production) {
    demoDisabled = await disableDemoAccounts(database.db, new Date(), 'started_in_production');
  } else if (opts.demo) {
    const [{ n }] = await database.db.select({ n: count() }).from(projects);
    if (n === 0) {
      process.stderr.write(
        '空数据库，正在载入演示办公室… / empty database, loading the demo office…\n',
      );
      await loadDemo(database.db, { onProgress: (step) => process.stderr.write(`… ${step}\n`) });
      demoLoaded = true;
    }
  }
  // The embedded engine keeps no planner statistics by itself (refreshPlannerStats).
  if (database.kind === 'pglite') await refreshPlannerStats(database.db);
  const app = await buildApp({
    db: database.db,
    env,
    logger: env.LOG_LEVEL === 'silent' ? false : { level: env.LOG_LEVEL },
  });
  // The id the request's log lines carry (reqId), on its answer too, so a person reporting a
  // failure, or the proxy's access log, can name the request. onSend, not onRequest: it also
  // runs for an answer made by an error thrown in an earlier hook (a 401, a refused CSRF token).
  let closing = false;
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    // Stopping: the requests in flight are answered, and their connections closed with the
    // answer. Otherwise a client's keep-alive connection, idle only after the close began, is
    // left to time out (72 s) and holds the exit up past an orchestrator's grace period.
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  // The audit chain's head, anchored outside the database (README: database roles and the
  // audit log's end); before listening, so an anchor file that cannot be written stops the start.
  const anchors = startAnchorWriter(database.db, {
    file: env.TIAODU_AUDIT_ANCHOR_FILE,
    intervalMs: env.TIAODU_AUDIT_ANCHOR_INTERVAL * 1000,
    everyRows: env.TIAODU_AUDIT_ANCHOR_ROWS,
    log: (line) => {
      if (env.LOG_LEVEL !== 'silent') process.stderr.write(`${line}\n`);
    },
  });
  const port = opts.port ?? env.PORT;
  const host = opts.host ?? env.HOST;
  const address = await app.listen({ port, host });
  const office = await ensureOffice(database.db);
  const digest = startDigestJob(database.db, {
    officeId: office.id,
    transport: env.TIAODU_SMTP_URL ? createTransport(env.TIAODU_SMTP_URL) : null,
    from: env.TIAODU_MAIL_FROM,
    publicUrl: env.TIAODU_PUBLIC_URL,
    hour: env.TIAODU_DIGEST_HOUR,
    log: (line) => {
      if (env.LOG_LEVEL !== 'silent') process.stderr.write(`${line}\n`);
    },
  });
  const demo = await demoInfo(database.db, office.id, { production });
  // Nobody can log in yet: the operator needs the one command that creates the first admin.
  const [{ accounts }] = await database.db
    .select({ accounts: count() })
    .from(users)
    .where(and(eq(users.officeId, office.id), isNull(users.disabledAt)));
  await anchors.flush();
  const close = async () => {
    closing = true;
    await app.close();
    await digest.stop();
    await anchors.stop();
    await database.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      close().then(
        () => process.exit(0),
        (e: Error) => {
          // A stop that failed is no clean stop: the supervisor should see it.
          process.stderr.write(`停止失败 / stopping failed: ${e.message}\n`);
          process.exit(1);
        },
      );
    });
  }
  return {
    app,
    database,
    address,
    production,
    demoLoaded,
    demoDisabled,
    demo,
    noAccounts: accounts === 0,
    close,
  };
}
