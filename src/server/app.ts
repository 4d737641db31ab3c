import { sql } from 'drizzle-orm';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { type Actor, type Clock, type Ctx, systemClock } from './context.ts';
import type { Db } from './db.ts';
import { errorHandler } from './errors.ts';
import { dispatchRoutes } from './modules/dispatch/dispatch.routes.ts';
import { milestoneRoutes } from './modules/milestones/milestones.routes.ts';
import { ensureOffice } from './modules/offices/offices.service.ts';
import { planRoutes } from './modules/plans/plans.routes.ts';
import { projectRoutes } from './modules/projects/projects.routes.ts';
import { reportRoutes } from './modules/reports/reports.routes.ts';
import { unitRoutes } from './modules/units/units.routes.ts';
import { warningRoutes } from './modules/warnings/warnings.routes.ts';

export type AppOptions = {
  db: Db;
  clock?: Clock;
  logger?: boolean | object;
  /**
   * Who a request acts as. Accounts replace this with the session's user; until then every
   * request acts as the office's coordinator, which is why `serve` binds to 127.0.0.1.
   */
  resolveActor?: (request: FastifyRequest) => Promise<Actor>;
};

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx;
  }
}

export type App = FastifyInstance;

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 2 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
      },
    },
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Tiaodu API',
        description: '重大项目调度平台 API: amounts are 万元 as decimal strings with two places',
        version: '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  const clock = opts.clock ?? systemClock;
  const office = await ensureOffice(opts.db);
  const resolveActor =
    opts.resolveActor ??
    (async (): Promise<Actor> => ({
      id: 'local-coordinator',
      name: '统筹',
      role: 'coordinator',
      officeId: office.id,
      unitId: null,
    }));
  app.decorateRequest('ctx', null as unknown as Ctx);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') || request.url.startsWith('/api/docs')) return;
    request.ctx = { actor: await resolveActor(request), now: clock() };
  });

  app.get('/healthz', { schema: { hide: true } }, async () => {
    await opts.db.execute(sql`select 1`);
    return { ok: true };
  });

  const deps = { db: opts.db };
  await app.register(
    async (api) => {
      await unitRoutes(api, deps);
      await projectRoutes(api, deps);
      await planRoutes(api, deps);
      await reportRoutes(api, deps);
      await milestoneRoutes(api, deps);
      await warningRoutes(api, deps);
      await dispatchRoutes(api, deps);
    },
    { prefix: '/api' },
  );
  return app;
}

export type RouteDeps = { db: Db };
