import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id, version, yearMonth } from '../../../contracts/common.ts';
import {
  reportDraftInput,
  reportListQuery,
  returnInput,
  reviewQueueOutput,
  reviewQueueQuery,
} from '../../../contracts/reports.ts';
import { parseYearMonth } from '../../../domain/periods.ts';
import type { RouteDeps } from '../../app.ts';
import { reportPhotoRoutes } from './report-photos.routes.ts';
import { getReportReference } from './report-reference.ts';
import {
  approveReport,
  getReport,
  listReports,
  returnReport,
  saveReport,
  submitReport,
} from './reports.service.ts';
import { reviewQueue } from './review-queue.ts';

const params = z.object({ id });
const versionBody = z.object({ version: version.optional() }).default({});

export async function reportRoutes(app: FastifyInstance, { db }: RouteDeps) {
  await reportPhotoRoutes(app, { db });
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/reports',
    { schema: { tags: ['reports'], summary: '月报列表', querystring: reportListQuery } },
    (req) => listReports(db, req.ctx, req.query),
  );
  r.post(
    '/reports',
    {
      schema: {
        tags: ['reports'],
        summary: '保存月报草稿（同一项目同月再次保存即修改）',
        body: reportDraftInput,
      },
    },
    (req) => saveReport(db, req.ctx, req.body),
  );
  r.get(
    '/reports/review-queue',
    {
      schema: {
        tags: ['reports'],
        summary: '待审核月报（分页）：上月数据、环比、当月计划和核对提示由服务端算出',
        querystring: reviewQueueQuery,
        response: { 200: reviewQueueOutput },
      },
    },
    (req) => reviewQueue(db, req.ctx, req.query),
  );
  r.get(
    '/reports/reference',
    {
      schema: {
        tags: ['reports'],
        summary: '填报参考：上次报送和本月计划',
        querystring: z.object({
          projectId: id,
          month: yearMonth.transform((v) => parseYearMonth(v)!),
        }),
      },
    },
    (req) =>
      getReportReference(db, req.ctx, { projectId: req.query.projectId, ...req.query.month }),
  );
  r.get(
    '/reports/:id',
    { schema: { tags: ['reports'], summary: '月报及流转记录', params } },
    (req) => getReport(db, req.ctx, req.params.id),
  );
  r.post(
    '/reports/:id/submit',
    { schema: { tags: ['reports'], summary: '提交月报', params, body: versionBody } },
    (req) => submitReport(db, req.ctx, req.params.id, req.body?.version),
  );
  r.post(
    '/reports/:id/approve',
    { schema: { tags: ['reports'], summary: '审核通过', params, body: versionBody } },
    (req) => approveReport(db, req.ctx, req.params.id, req.body?.version),
  );
  r.post(
    '/reports/:id/return',
    { schema: { tags: ['reports'], summary: '退回（须填原因）', params, body: returnInput } },
    (req) => returnReport(db, req.ctx, req.params.id, req.body),
  );
}
