import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { statsOutput, statsQuery } from '../../../contracts/coordination.ts';
import type { RouteDeps } from '../../app.ts';
import { periodStats } from './stats.service.ts';

export async function statsRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/stats',
    {
      schema: {
        tags: ['stats'],
        summary: '期间工作量统计：会议、问题、交办事项、活动（与 tiaodu stats 同一服务）',
        querystring: statsQuery,
        response: { 200: statsOutput },
      },
    },
    (req) => periodStats(db, req.ctx, req.query),
  );
}
