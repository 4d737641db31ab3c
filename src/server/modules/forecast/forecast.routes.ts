import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { forecastOutput, forecastQuery } from '../../../contracts/forecast.ts';
import type { RouteDeps } from '../../app.ts';
import { forecastYear } from './forecast.service.ts';

/**
 * The year-end forecast. Access is the dashboard's: the `business` gate on the route, and in the
 * service only the projects the reader may see (projectScope).
 */
export async function forecastRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/forecast',
    {
      // the dashboard's read: every role that reads business data (policy.ts READERS)
      config: { access: 'business' },
      schema: {
        tags: ['dispatch'],
        summary:
          '全年预计完成：按本年截至某月的累计完成和本办历年同月完成占全年的比例（分类别），估算年末完成额、区间及与年度计划的差距',
        querystring: forecastQuery,
        response: { 200: forecastOutput },
      },
    },
    (req) => {
      const { through, year: _year, project, ...filter } = req.query;
      return forecastYear(db, req.ctx, { period: through, filter, project });
    },
  );
}
