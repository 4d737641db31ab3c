import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { dispatchQuery } from '../../../contracts/dispatch.ts';
import type { RouteDeps } from '../../app.ts';
import { dispatchFigures } from './dispatch.service.ts';
import { verifyRollups } from './rollups.service.ts';

export async function dispatchRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/dispatch',
    {
      schema: {
        tags: ['dispatch'],
        summary: '调度数据：年度计划、时序目标、累计完成、分片区/标签、S 曲线、预警',
        querystring: dispatchQuery,
      },
    },
    (req) => {
      const { through, ...filter } = req.query;
      return dispatchFigures(db, req.ctx, { period: through, filter });
    },
  );
  r.get(
    '/dispatch/rollups/verify',
    { schema: { tags: ['dispatch'], summary: '核对汇总表' } },
    (req) => verifyRollups(db, req.ctx.actor.officeId),
  );
}
