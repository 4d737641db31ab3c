import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { year } from '../../../contracts/common.ts';
import { planInput } from '../../../contracts/plans.ts';
import type { RouteDeps } from '../../app.ts';
import { getProjectByCode } from '../projects/projects.service.ts';
import { getPlan, listPlanYears, setPlan } from './plans.service.ts';

const params = z.object({ code: z.string().min(1), year });

export async function planRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/projects/:code/plans',
    {
      schema: {
        tags: ['plans'],
        summary: '有固投计划的年份',
        params: z.object({ code: z.string() }),
      },
    },
    async (req) => {
      const project = await getProjectByCode(db, req.ctx, req.params.code);
      return listPlanYears(db, req.ctx, project.id);
    },
  );
  r.get(
    '/projects/:code/plans/:year',
    { schema: { tags: ['plans'], summary: '年度固投计划及其调整记录', params } },
    async (req) => {
      const project = await getProjectByCode(db, req.ctx, req.params.code);
      return getPlan(db, req.ctx, project.id, req.params.year);
    },
  );
  r.put(
    '/projects/:code/plans/:year',
    {
      schema: {
        tags: ['plans'],
        summary: '设定或调整年度固投计划（调整须带原因和 version）',
        params,
        body: planInput.omit({ projectId: true, year: true }),
      },
    },
    async (req) => {
      const project = await getProjectByCode(db, req.ctx, req.params.code);
      return setPlan(db, req.ctx, { ...req.body, projectId: project.id, year: req.params.year });
    },
  );
}
