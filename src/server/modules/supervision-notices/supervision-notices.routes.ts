import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import {
  noticeAnswerInput,
  noticeCloseInput,
  noticeFromWarningInput,
  noticeInput,
  noticeListQuery,
  noticeProposalQuery,
  noticeSendBackInput,
  noticeSettingsInput,
} from '../../../contracts/supervision-notices.ts';
import type { RouteDeps } from '../../app.ts';
import { listNoticeProposals } from './notice-proposals.ts';
import { getNoticeSettings, setNoticeSettings } from './notice-settings.ts';
import {
  answerNotice,
  closeNotice,
  getNotice,
  issueNotice,
  issueNoticeFromWarning,
  listNotices,
  sendBackNotice,
} from './supervision-notices.service.ts';

const params = z.object({ id });
const tags = ['supervision-notices'];

export async function supervisionNoticeRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/supervision-notices',
    {
      schema: {
        tags,
        summary: '督办单列表（escalated=true：逾期未反馈、提请领导关注的督办单）',
        querystring: noticeListQuery,
      },
    },
    (req) => listNotices(db, req.ctx, req.query),
  );
  r.post(
    '/supervision-notices',
    { schema: { tags, summary: '手工签发督办单（编号自动生成）', body: noticeInput } },
    async (req, reply) => reply.status(201).send(await issueNotice(db, req.ctx, req.body)),
  );
  r.post(
    '/supervision-notices/from-warning',
    {
      schema: {
        tags,
        summary: '由督办预警一键签发督办单（带入预警原因）',
        body: noticeFromWarningInput,
      },
    },
    async (req, reply) =>
      reply.status(201).send(await issueNoticeFromWarning(db, req.ctx, req.body)),
  );
  r.get(
    '/supervision-notices/proposals',
    {
      schema: {
        tags,
        summary: '建议督办：连续 N 个月提请关注且无未销号督办单的项目',
        querystring: noticeProposalQuery,
      },
    },
    (req) => listNoticeProposals(db, req.ctx, req.query),
  );
  r.get(
    '/supervision-notices/:id',
    { schema: { tags, summary: '督办单及办理记录；can 为当前用户可做的操作', params } },
    (req) => getNotice(db, req.ctx, req.params.id),
  );
  r.post(
    '/supervision-notices/:id/answer',
    { schema: { tags, summary: '被督办单位反馈整改措施', params, body: noticeAnswerInput } },
    (req) => answerNotice(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/supervision-notices/:id/close',
    { schema: { tags, summary: '核实后销号', params, body: noticeCloseInput } },
    (req) => closeNotice(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/supervision-notices/:id/send-back',
    { schema: { tags, summary: '退回重新反馈（须填理由）', params, body: noticeSendBackInput } },
    (req) => sendBackNotice(db, req.ctx, req.params.id, req.body),
  );
  r.get('/settings/notices', { schema: { tags, summary: '督办单编号格式与建议督办月数' } }, (req) =>
    getNoticeSettings(db, req.ctx),
  );
  r.put(
    '/settings/notices',
    { schema: { tags, summary: '修改督办单设置', body: noticeSettingsInput } },
    (req) => setNoticeSettings(db, req.ctx, req.body),
  );
}
