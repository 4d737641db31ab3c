import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import {
  summaryDetailOutput,
  summaryDetailQuery,
  summaryDownloadQuery,
  summaryEditsInput,
  summaryListOutput,
  summaryPeriodInput,
  summaryVersionInput,
} from '../../../contracts/summaries.ts';
import type { RouteDeps } from '../../app.ts';
import { attachmentHeader } from './bulletin.routes.ts';
import {
  createSummary,
  finalizeSummary,
  getSummary,
  listSummaries,
  reopenSummary,
  saveSummaryEdits,
  summaryDocumentFor,
} from './summaries.service.ts';
import { renderDocumentFile } from './summary-render.ts';

const params = z.object({ id });
const tags = ['documents'];

export async function summaryRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/documents/summaries',
    {
      schema: {
        tags,
        summary: '工作总结列表（办公室与领导；填报员无权）',
        response: { 200: summaryListOutput },
      },
    },
    (req) => listSummaries(db, req.ctx),
  );
  r.post(
    '/documents/summaries',
    {
      schema: {
        tags,
        summary: '为一个期间新建工作总结草稿（每期一份）',
        body: summaryPeriodInput,
        response: { 201: summaryDetailOutput },
      },
    },
    async (req, reply) => reply.status(201).send(await createSummary(db, req.ctx, req.body)),
  );
  r.get(
    '/documents/summaries/:id',
    {
      schema: {
        tags,
        summary: '工作总结：草稿按当前数据生成并叠加修改；定稿为冻结版本（revision 指定历史版本）',
        params,
        querystring: summaryDetailQuery,
        response: { 200: summaryDetailOutput },
      },
    },
    (req) => getSummary(db, req.ctx, req.params.id, req.query),
  );
  r.put(
    '/documents/summaries/:id/edits',
    {
      schema: {
        tags,
        summary: '保存草稿的段落修改与新增段落（version 过期 409）',
        params,
        body: summaryEditsInput,
        response: { 200: summaryDetailOutput },
      },
    },
    (req) => saveSummaryEdits(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/documents/summaries/:id/finalize',
    {
      schema: {
        tags,
        summary: '定稿：冻结文本、版式文档与数据快照',
        params,
        body: summaryVersionInput,
        response: { 200: summaryDetailOutput },
      },
    },
    (req) => finalizeSummary(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/documents/summaries/:id/reopen',
    {
      schema: {
        tags,
        summary: '重新打开为新版本草稿（已定稿版本保留）',
        params,
        body: summaryVersionInput,
        response: { 200: summaryDetailOutput },
      },
    },
    (req) => reopenSummary(db, req.ctx, req.params.id, req.body),
  );
  r.get(
    '/documents/summaries/:id/download',
    {
      schema: {
        tags,
        summary: '下载工作总结（GB/T 9704 .docx；format=pdf 需服务器装有 LibreOffice）',
        params,
        querystring: summaryDownloadQuery,
      },
    },
    async (req, reply) => {
      const { doc, row, revision } = await summaryDocumentFor(
        db,
        req.ctx,
        req.params.id,
        req.query,
      );
      const file = await renderDocumentFile(doc, req.query.format);
      const name = `${row.title}${row.status === 'final' || req.query.revision ? '' : '（草稿）'}.${file.ext}`;
      return reply
        .header('content-type', file.contentType)
        .header(
          'content-disposition',
          attachmentHeader(
            name,
            `summary-${row.periodFrom}-${row.periodTo}-v${revision}.${file.ext}`,
          ),
        )
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );
}
