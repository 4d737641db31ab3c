import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id, yearMonth } from '../../../contracts/common.ts';
import { milestoneInput, milestonePatch } from '../../../contracts/milestones.ts';
import { parseYearMonth } from '../../../domain/periods.ts';
import type { RouteDeps } from '../../app.ts';
import { defaultPeriod } from '../dispatch/lineage.service.ts';
import { getProjectByCode } from '../projects/projects.service.ts';
import { addMilestone, listMilestones, updateMilestone } from './milestones.service.ts';

const codeParams = z.object({ code: z.string().min(1) });

export async function milestoneRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/projects/:code/milestones',
    {
      schema: {
        tags: ['milestones'],
        summary: '项目节点（按计划时间排序）、滞后天数及计划调整记录',
        params: codeParams,
        // lateness is measured at this month's end (or today); default: the office's default month
        querystring: z.object({ month: yearMonth.optional() }),
      },
    },
    async (req) => {
      const project = await getProjectByCode(db, req.ctx, req.params.code);
      const period = req.query.month
        ? parseYearMonth(req.query.month)!
        : await defaultPeriod(db, req.ctx);
      return listMilestones(db, req.ctx, project.id, period);
    },
  );
  r.post(
    '/projects/:code/milestones',
    {
      schema: {
        tags: ['milestones'],
        summary: '新增节点',
        params: codeParams,
        body: milestoneInput.omit({ projectId: true }),
      },
    },
    async (req, reply) => {
      const project = await getProjectByCode(db, req.ctx, req.params.code);
      return reply
        .status(201)
        .send(await addMilestone(db, req.ctx, { ...req.body, projectId: project.id }));
    },
  );
  r.patch(
    '/milestones/:id',
    {
      schema: {
        tags: ['milestones'],
        summary: '修改节点（改计划时间须填原因）',
        params: z.object({ id }),
        body: milestonePatch,
      },
    },
    (req) => updateMilestone(db, req.ctx, req.params.id, req.body),
  );
}
