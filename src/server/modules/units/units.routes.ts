import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { namedInput, unitInput } from '../../../contracts/projects.ts';
import type { RouteDeps } from '../../app.ts';
import {
  ensureArea,
  ensureCategory,
  listAreas,
  listCategories,
} from '../projects/projects.service.ts';
import { createUnit, listUnits } from './units.service.ts';

export async function unitRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/units', { schema: { tags: ['ledger'], summary: '单位列表' } }, (req) =>
    listUnits(db, req.ctx),
  );
  r.post(
    '/units',
    { schema: { tags: ['ledger'], summary: '新建单位', body: unitInput } },
    async (req, reply) => reply.status(201).send(await createUnit(db, req.ctx, req.body)),
  );
  r.get('/areas', { schema: { tags: ['ledger'], summary: '片区列表' } }, (req) =>
    listAreas(db, req.ctx),
  );
  r.post(
    '/areas',
    { schema: { tags: ['ledger'], summary: '新建片区', body: namedInput } },
    async (req, reply) =>
      reply.status(201).send((await ensureArea(db, req.ctx, req.body.name)).row),
  );
  r.get('/categories', { schema: { tags: ['ledger'], summary: '项目类别列表' } }, (req) =>
    listCategories(db, req.ctx),
  );
  r.post(
    '/categories',
    { schema: { tags: ['ledger'], summary: '新建项目类别', body: namedInput } },
    async (req, reply) =>
      reply.status(201).send((await ensureCategory(db, req.ctx, req.body.name)).row),
  );
}
