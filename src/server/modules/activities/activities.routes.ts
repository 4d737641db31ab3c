import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import { activityInput, activityListQuery } from '../../../contracts/coordination.ts';
import type { RouteDeps } from '../../app.ts';
import { getActivity, listActivities, recordActivity } from './activities.service.ts';

export async function activityRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/activities',
    { schema: { tags: ['activities'], summary: '活动列表', querystring: activityListQuery } },
    (req) => listActivities(db, req.ctx, req.query),
  );
  r.post(
    '/activities',
    {
      schema: {
        tags: ['activities'],
        summary: '登记活动（接待考察团、专题学习、论坛、讲座、专家咨询）',
        body: activityInput,
      },
    },
    async (req, reply) => reply.status(201).send(await recordActivity(db, req.ctx, req.body)),
  );
  r.get(
    '/activities/:id',
    { schema: { tags: ['activities'], summary: '活动详情', params: z.object({ id }) } },
    (req) => getActivity(db, req.ctx, req.params.id),
  );
}
