import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import {
  problemCoordinateInput,
  problemEscalateInput,
  problemInput,
  problemListQuery,
  problemResolveInput,
} from '../../../contracts/coordination.ts';
import type { RouteDeps } from '../../app.ts';
import {
  coordinateProblem,
  escalateProblem,
  getProblem,
  listProblems,
  raiseProblem,
  resolveProblem,
} from './problems.service.ts';

const params = z.object({ id });

export async function problemRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/problems',
    { schema: { tags: ['problems'], summary: '问题列表', querystring: problemListQuery } },
    (req) => listProblems(db, req.ctx, req.query),
  );
  r.post(
    '/problems',
    { schema: { tags: ['problems'], summary: '登记问题', body: problemInput } },
    async (req, reply) => reply.status(201).send(await raiseProblem(db, req.ctx, req.body)),
  );
  r.get(
    '/problems/:id',
    { schema: { tags: ['problems'], summary: '问题及处理记录', params } },
    (req) => getProblem(db, req.ctx, req.params.id),
  );
  r.post(
    '/problems/:id/coordinate',
    { schema: { tags: ['problems'], summary: '开始协调', params, body: problemCoordinateInput } },
    (req) => coordinateProblem(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/problems/:id/resolve',
    {
      schema: {
        tags: ['problems'],
        summary: '协调解决（写明如何解决、在哪次会议）',
        params,
        body: problemResolveInput,
      },
    },
    (req) => resolveProblem(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/problems/:id/escalate',
    { schema: { tags: ['problems'], summary: '提级处理', params, body: problemEscalateInput } },
    (req) => escalateProblem(db, req.ctx, req.params.id, req.body),
  );
}
