import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import {
  actionItemInput,
  actionItemListQuery,
  answerInput,
  extensionInput,
  reasonInput,
  reportDoneInput,
  verifyInput,
} from '../../../contracts/coordination.ts';
import type { RouteDeps } from '../../app.ts';
import {
  answerActionItem,
  approveExtension,
  closeActionItem,
  createActionItem,
  getActionItem,
  listActionItems,
  rejectExtension,
  reportActionItemDone,
  requestExtension,
  sendBackActionItem,
} from './action-items.service.ts';

const params = z.object({ id });
const tags = ['action-items'];

export async function actionItemRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/action-items',
    {
      schema: {
        tags,
        summary: '交办事项列表（逾期由服务器判定；含逾期数）',
        querystring: actionItemListQuery,
      },
    },
    (req) => listActionItems(db, req.ctx, req.query),
  );
  r.post(
    '/action-items',
    { schema: { tags, summary: '交办（来自会议或问题）', body: actionItemInput } },
    async (req, reply) => reply.status(201).send(await createActionItem(db, req.ctx, req.body)),
  );
  r.get(
    '/action-items/:id',
    { schema: { tags, summary: '交办事项及办理记录；can 为当前用户可做的操作', params } },
    (req) => getActionItem(db, req.ctx, req.params.id),
  );
  r.post(
    '/action-items/:id/answer',
    { schema: { tags, summary: '责任单位反馈进展', params, body: answerInput } },
    (req) => answerActionItem(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/action-items/:id/request-extension',
    { schema: { tags, summary: '责任单位申请延期', params, body: extensionInput } },
    (req) => requestExtension(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/action-items/:id/approve-extension',
    { schema: { tags, summary: '同意延期（新期限生效）', params, body: verifyInput } },
    (req) => approveExtension(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/action-items/:id/reject-extension',
    { schema: { tags, summary: '不同意延期（须填理由）', params, body: reasonInput } },
    (req) => rejectExtension(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/action-items/:id/report-done',
    { schema: { tags, summary: '责任单位报告办结', params, body: reportDoneInput } },
    (req) => reportActionItemDone(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/action-items/:id/close',
    { schema: { tags, summary: '核实后销号', params, body: verifyInput } },
    (req) => closeActionItem(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/action-items/:id/send-back',
    { schema: { tags, summary: '退回重办（须填理由）', params, body: reasonInput } },
    (req) => sendBackActionItem(db, req.ctx, req.params.id, req.body),
  );
}
