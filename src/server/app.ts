import { existsSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { type Actor, type Clock, type Ctx, systemClock } from './context.ts';
import { type Db, upToDate } from './db.ts';
import { type Env, readEnv, trustProxyOption } from './env.ts';
import { AppError, errorHandler } from './errors.ts';
import {
  adminRoutes,
  authRoutes,
  type LoginRateLimit,
} from './modules/accounts/accounts.routes.ts';
import { registerAuth, registerRouteAccess } from './modules/accounts/auth.hooks.ts';
import { configureSecretKey } from './modules/accounts/crypto.ts';
import { actionItemRoutes } from './modules/action-items/action-items.routes.ts';
import { activityRoutes } from './modules/activities/activities.routes.ts';
import { attachmentRoutes } from './modules/attachments/attachments.routes.ts';
import { registerAuditHooks } from './modules/audit/audit.hooks.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { scopedDb } from './modules/audit/audit.service.ts';
import { backupRoutes } from './modules/backup/backup.routes.ts';
import { cityFeedRoutes } from './modules/city-feed/city-feed.routes.ts';
import { dispatchRoutes } from './modules/dispatch/dispatch.routes.ts';
import { bulletinRoutes } from './modules/documents/bulletin.routes.ts';
import { summaryRoutes } from './modules/documents/summaries.routes.ts';
import { exportRoutes } from './modules/exports/exports.routes.ts';
import { forecastRoutes } from './modules/forecast/forecast.routes.ts';
import { importRoutes } from './modules/imports/imports.routes.ts';
import { inboxRoutes } from './modules/inbox/inbox.routes.ts';
import { meetingRoutes } from './modules/meetings/meetings.routes.ts';
import { milestoneRoutes } from './modules/milestones/milestones.routes.ts';
import { ensureOffice } from './modules/offices/offices.service.ts';
import { planRoutes } from './modules/plans/plans.routes.ts';
import { problemRoutes } from './modules/problems/problems.routes.ts';
import { projectRoutes } from './modules/projects/projects.routes.ts';
import { rectificationRoutes } from './modules/rectifications/rectifications.routes.ts';
import { reportRoutes } from './modules/reports/reports.routes.ts';
import { scenarioRoutes } from './modules/scenarios/scenarios.routes.ts';
import { statsRoutes } from './modules/stats/stats.routes.ts';
import { supervisionNoticeRoutes } from './modules/supervision-notices/supervision-notices.routes.ts';
import { unitRoutes } from './modules/units/units.routes.ts';
import { warningRoutes } from './modules/warnings/warnings.routes.ts';
import { workPlanRoutes } from './modules/work-plans/work-plans.routes.ts';
import { swaggerOptions } from './openapi.ts';
import type { RouteAccess } from './policy.ts';

export type AppOptions = {
  db: Db;
  clock?: Clock;
  logger?: boolean | object;
  /**
   * Who a request acts as, bypassing sessions and CSRF (tests and tools). Without it, the
   * session cookie decides and every /api route but log-in, demo and the docs needs one.
   */
  resolveActor?: (request: FastifyRequest) => Promise<Actor>;
  /** TIAODU_SECRET_KEY, TIAODU_TRUST_PROXY and NODE_ENV are read from it; default readEnv() */
  env?: Env;
  /** the master key; default env.TIAODU_SECRET_KEY (required in production) */
  secretKey?: string;
  /** per client address, on POST /api/auth/login; default 20 a minute */
  loginRateLimit?: LoginRateLimit;
  /** the built web app's folder; default dist/web (tests point it at a folder of their own) */
  webRoot?: string;
};

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx;
  }
  interface FastifyInstance {
    /** every API route as registered, with its declared access, for the route × role tests */
    apiRoutes: { method: string; url: string; access: RouteAccess; csrf: boolean }[];
  }
}

export type App = FastifyInstance;

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const env = opts.env ?? readEnv();
  configureSecretKey(opts.secretKey ?? env.TIAODU_SECRET_KEY, {
    production: env.NODE_ENV === 'production',
    warn: env.NODE_ENV === 'test' ? undefined : (m) => process.stderr.write(`${m}\n`),
  });
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 2 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    trustProxy: trustProxyOption(env.TIAODU_TRUST_PROXY),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) =>
    // @fastify/static refuses non-canonical paths (`//api/x`, `/x/..%2Fy`) with a 403; to a
    // client that is a path like any other that does not exist (and an /api one is no page).
    (error as { code?: string }).code === 'FST_STATIC_FORBIDDEN_PATH'
      ? reply.callNotFound()
      : errorHandler(error as Error, request, reply),
  );
  registerRouteAccess(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        // Offices often serve on a LAN over plain HTTP; upgrading would break every asset
        // there. Behind TLS, HSTS does the upgrading.
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(swagger, swaggerOptions);
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });

  const clock = opts.clock ?? systemClock;
  const office = await ensureOffice(opts.db);
  app.decorateRequest('ctx', null as unknown as Ctx);
  registerAuth(app, { db: opts.db, clock, officeId: office.id, resolveActor: opts.resolveActor });
  registerAuditHooks(app, { db: opts.db });
  const routes: FastifyInstance['apiRoutes'] = [];
  app.decorate('apiRoutes', routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method !== 'HEAD' && r.url.startsWith('/api/') && !r.url.startsWith('/api/docs')) {
        routes.push({
          method,
          url: r.url,
          access: r.config?.access ?? 'business',
          csrf: r.config?.csrf !== false,
        });
      }
    }
  });

  // For a load balancer or an orchestrator: /healthz says the process answers (restart it when
  // not), /readyz says it can serve (send it traffic when so): the database answers and every
  // migration in drizzle/ is applied.
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    let database: 'ok' | 'unreachable' = 'ok';
    let migrations: 'current' | 'pending' | 'unknown' = 'unknown';
    try {
      migrations = (await upToDate(opts.db)) ? 'current' : 'pending';
    } catch {
      database = 'unreachable';
    }
    const ready = database === 'ok' && migrations === 'current';
    return reply.code(ready ? 200 : 503).send({ ready, database, migrations });
  });

  // PostgreSQL text cannot hold U+0000: a path id, query value or body string carrying one would
  // fail in SQL (a 500). Refused here for every route, naming the field.
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['params', request.params],
      ['query', request.query],
      ['', request.body],
    ] as const) {
      const field = nulAt(value);
      if (field !== null) {
        const name = [part, field].filter(Boolean).join('.');
        throw new AppError('request.invalid', `字段“${name}”含有空字符（\\u0000）`, {
          field: name,
          messageEn: `the field "${name}" contains a NUL character (\\u0000)`,
        });
      }
    }
  });

  // Inside a state-changing request this is the request's audited transaction.
  const deps = { db: scopedDb(opts.db) };
  await app.register(
    async (api) => {
      await authRoutes(api, {
        ...deps,
        loginRateLimit: opts.loginRateLimit ?? { max: 20, timeWindowMs: 60_000 },
        production: env.NODE_ENV === 'production',
      });
      await adminRoutes(api, deps);
      await backupRoutes(api, deps);
      await auditRoutes(api, deps);
      await unitRoutes(api, deps);
      await projectRoutes(api, deps);
      await planRoutes(api, deps);
      await reportRoutes(api, deps);
      await milestoneRoutes(api, deps);
      await warningRoutes(api, deps);
      await dispatchRoutes(api, deps);
      await forecastRoutes(api, deps);
      await cityFeedRoutes(api, deps);
      await scenarioRoutes(api, deps);
      await importRoutes(api, deps);
      await exportRoutes(api, deps);
      await meetingRoutes(api, deps);
      await problemRoutes(api, deps);
      await actionItemRoutes(api, deps);
      await activityRoutes(api, deps);
      await rectificationRoutes(api, deps);
      await supervisionNoticeRoutes(api, deps);
      await workPlanRoutes(api, deps);
      await attachmentRoutes(api, deps);
      await statsRoutes(api, deps);
      await bulletinRoutes(api, deps);
      await summaryRoutes(api, deps);
      await inboxRoutes(api, deps);
    },
    { prefix: '/api' },
  );

  // The built web app (npm run build:web) at /; any other non-API GET gets its index.html.
  const webRoot = opts.webRoot ?? fileURLToPath(new URL('../../dist/web', import.meta.url));
  const hasWeb = existsSync(join(webRoot, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webRoot,
      cacheControl: false,
      setHeaders: (reply, path) =>
        reply.header(
          'cache-control',
          path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const api = namesApi(request.url);
    if ((request.method === 'GET' || request.method === 'HEAD') && !api && hasWeb) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.status(404).send({
      error: {
        code: 'route.not_found',
        message:
          hasWeb || api
            ? `${request.method} ${request.url} 不存在`
            : '网页尚未构建，请先运行 npm run build:web',
        messageEn:
          hasWeb || api ? 'no such route' : 'the web app is not built: run npm run build:web',
      },
    });
  });
  return app;
}

export type RouteDeps = { db: Db };

/**
 * Whether a path that matched no route names the API in some spelling (`/%61pi/…`, `//api/…`,
 * `/API/…`, `/x/..%2Fapi/…`, `/api/x/..%2F..%2Fadmin`): it gets a JSON 404, never the web app's page with a 200.
 */
function namesApi(url: string): boolean {
  let path = url.split('?')[0] ?? '';
  for (let i = 0; i < 3 && path.includes('%'); i++) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return true;
    }
  }
  // Either spelling counts: `/api/x/..%2F..%2Fadmin` names the API as written, even though it
  // normalises to a page path.
  const slashed = `/${path.replaceAll('\\', '/')}`;
  return [slashed, posix.normalize(slashed)].some(
    (p) => (p.split('/').find((segment) => segment !== '') ?? '').toLowerCase() === 'api',
  );
}

/** The path (a.b.0) of the first string or key holding U+0000 in a parsed request part, if any. */
function nulAt(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  // JSON is parsed without a depth limit; a body this deep is refused elsewhere or harmless
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (k.includes('\u0000')) return at;
    const found = nulAt(v, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
