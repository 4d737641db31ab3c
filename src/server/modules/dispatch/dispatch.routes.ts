import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  defaultPeriodOutput,
  dispatchQuery,
  lineageOutput,
  lineageQuery,
} from '../../../contracts/dispatch.ts';
import type { RouteDeps } from '../../app.ts';
import { dispatchFigures } from './dispatch.service.ts';
import { defaultPeriod, dispatchLineage } from './lineage.service.ts';
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
    '/dispatch/default-period',
    {
      schema: {
        tags: ['dispatch'],
        summary: '默认月份：有计划年份中已审核数据的最新月份（草稿、待审核不计）',
        response: { 200: defaultPeriodOutput },
      },
    },
    (req) => defaultPeriod(db, req.ctx),
  );
  r.get(
    '/dispatch/lineage',
    {
      schema: {
        tags: ['dispatch'],
        summary: '数据溯源：看板某项数据由哪些项目构成，合计等于该数据',
        querystring: lineageQuery,
        response: { 200: lineageOutput },
      },
    },
    (req) => {
      const { through, figure, page, pageSize, ...filter } = req.query;
      return dispatchLineage(db, req.ctx, { period: through, filter, figure, page, pageSize });
    },
  );
  r.get(
    '/dispatch/rollups/verify',
    { schema: { tags: ['dispatch'], summary: '核对汇总表' } },
    (req) => verifyRollups(db, req.ctx.actor.officeId),
  );
}
