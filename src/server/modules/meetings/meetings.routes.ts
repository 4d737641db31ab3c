import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import { meetingInput, meetingListQuery, meetingPatch } from '../../../contracts/coordination.ts';
import type { RouteDeps } from '../../app.ts';
import { createMeeting, getMeeting, listMeetings, updateMeeting } from './meetings.service.ts';

const params = z.object({ id });

export async function meetingRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/meetings',
    { schema: { tags: ['meetings'], summary: '会议列表', querystring: meetingListQuery } },
    (req) => listMeetings(db, req.ctx, req.query),
  );
  r.post(
    '/meetings',
    {
      schema: {
        tags: ['meetings'],
        summary: '记录会议（参会单位、涉及项目、研究的问题；纪要为分段纯文本）',
        body: meetingInput,
      },
    },
    async (req, reply) => reply.status(201).send(await createMeeting(db, req.ctx, req.body)),
  );
  r.get(
    '/meetings/:id',
    { schema: { tags: ['meetings'], summary: '会议详情：纪要、研究的问题、交办事项', params } },
    (req) => getMeeting(db, req.ctx, req.params.id),
  );
  r.patch(
    '/meetings/:id',
    { schema: { tags: ['meetings'], summary: '修改会议', params, body: meetingPatch } },
    (req) => updateMeeting(db, req.ctx, req.params.id, req.body),
  );
}
