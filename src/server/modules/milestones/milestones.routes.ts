import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import { milestoneInput, milestonePatch } from '../../../contracts/milestones.ts';
import type { RouteDeps } from '../../app.ts';
import { getProjectByCode } from '../projects/projects.service.ts';
import { addMilestone, listMilestones, updateMilestone } from './milestones.service.ts';

const codeParams = z.object({ code: z.string().min(1) });

export async function milestoneRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/projects/:code/milestones',
    { schema: { tags: ['milestones'], summary: '项目节点及计划调整记录', params: codeParams } },
    async (req) => {
      const project = await getProjectByCode(db, req.ctx, req.params.code);
      return listMilestones(db, req.ctx, project.id);
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
