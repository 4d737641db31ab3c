import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DISPATCH_LIST_LIMIT,
  defaultPeriodOutput,
  dispatchOutput,
  dispatchQuery,
  lineageOutput,
  lineageQuery,
} from '../../../contracts/dispatch.ts';
import { dispatchCountsOutput, dispatchCountsQuery } from '../../../contracts/dispatch-counts.ts';
import type { RouteDeps } from '../../app.ts';
import { getProjectByCode } from '../projects/projects.service.ts';
import { dispatchCounts } from './counts.service.ts';
import { dispatchFigures } from './dispatch.service.ts';
import { defaultPeriod, dispatchLineage } from './lineage.service.ts';
import { projectMonths } from './project-months.service.ts';
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
        response: { 200: dispatchOutput },
      },
    },
    (req) => {
      const { through, ...filter } = req.query;
      return dispatchFigures(db, req.ctx, {
        period: through,
        filter,
        limit: DISPATCH_LIST_LIMIT,
      });
    },
  );
  r.get(
    '/dispatch/counts',
    {
      schema: {
        tags: ['dispatch'],
        summary: '看板计数：待审核月报数、本月未报送项目数及名单（服务端 SQL 计数）',
        querystring: dispatchCountsQuery,
        response: { 200: dispatchCountsOutput },
      },
    },
    (req) => {
      const { through, ...filter } = req.query;
      return dispatchCounts(db, req.ctx, { period: through, filter });
    },
  );
  r.get(
    '/projects/:code/months/:year',
    {
      schema: {
        tags: ['dispatch'],
        summary: '项目逐月累计完成、时序目标和完成率（来自汇总，浏览器不再求和）',
        params: z.object({ code: z.string(), year: z.coerce.number().int().min(2000).max(2100) }),
      },
    },
    async (req) => {
      const project = await getProjectByCode(db, req.ctx, req.params.code);
      return projectMonths(db, req.ctx, project.id, req.params.year);
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
    (req) => verifyRollups(db, req.ctx.actor.officeId, req.ctx.now),
  );
}
