import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import {
  rectificationAnswerInput,
  rectificationCloseInput,
  rectificationInput,
  rectificationListQuery,
  rectificationReportDoneInput,
  rectificationSendBackInput,
} from '../../../contracts/rectifications.ts';
import type { RouteDeps } from '../../app.ts';
import {
  answerRectification,
  closeRectification,
  createRectification,
  getRectification,
  listRectifications,
  reportRectificationDone,
  sendBackRectification,
} from './rectifications.service.ts';

const params = z.object({ id });
const tags = ['rectifications'];

export async function rectificationRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/rectifications',
    {
      schema: {
        tags,
        summary: '整改任务列表，含“事事有回音、件件有落实”的数与率（服务器计算）',
        querystring: rectificationListQuery,
      },
    },
    (req) => listRectifications(db, req.ctx, req.query),
  );
  r.post(
    '/rectifications',
    {
      schema: {
        tags,
        summary: '下发整改任务（巡察、审计、督查反馈的问题）',
        body: rectificationInput,
      },
    },
    async (req, reply) => reply.status(201).send(await createRectification(db, req.ctx, req.body)),
  );
  r.get(
    '/rectifications/:id',
    { schema: { tags, summary: '整改任务及整改记录；can 为当前用户可做的操作', params } },
    (req) => getRectification(db, req.ctx, req.params.id),
  );
  r.post(
    '/rectifications/:id/answer',
    { schema: { tags, summary: '责任单位反馈整改进展', params, body: rectificationAnswerInput } },
    (req) => answerRectification(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/rectifications/:id/report-done',
    {
      schema: {
        tags,
        summary: '责任单位报告整改完成（附完成情况及佐证）',
        params,
        body: rectificationReportDoneInput,
      },
    },
    (req) => reportRectificationDone(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/rectifications/:id/close',
    { schema: { tags, summary: '核实后销号', params, body: rectificationCloseInput } },
    (req) => closeRectification(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/rectifications/:id/send-back',
    { schema: { tags, summary: '退回整改（须填理由）', params, body: rectificationSendBackInput } },
    (req) => sendBackRectification(db, req.ctx, req.params.id, req.body),
  );
}
