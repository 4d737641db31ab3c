import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { sendWorkbook } from '../exports/exports.routes.ts';
import { buildExport } from '../exports/exports.service.ts';
import { type ImportResult, importWorkbook } from './imports.service.ts';
import { WORKBOOK_LIMITS } from './zip-guard.ts';

const noFile = () =>
  new AppError('import.no_file', '请上传文件（multipart/form-data，字段名 file）', {
    field: 'file',
    messageEn: 'upload a file as multipart/form-data in the field "file"',
  });

export async function importRoutes(app: FastifyInstance, { db }: RouteDeps) {
  // Multipart is registered in this plugin only, with its own limits: the rest of the API keeps
  // its 2 MB JSON body limit and never accepts uploads.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: {
        fileSize: WORKBOOK_LIMITS.fileBytes,
        files: 1,
        fields: 5,
        parts: 6,
        fieldSize: 1024,
      },
    });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/imports',
      {
        schema: {
          tags: ['imports'],
          summary:
            '导入工作簿（项目台账、年度计划、月度完成、节点）或月度完成CSV；dryRun=true 只预览不写入。全部通过返回200，有错误返回422且不写入任何数据',
          consumes: ['multipart/form-data'],
          querystring: z.object({
            dryRun: z
              .enum(['true', 'false', '1', '0'])
              .default('false')
              .transform((v) => v === 'true' || v === '1'),
          }),
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw noFile();
        const part = await req.file();
        if (part?.fieldname !== 'file') throw noFile();
        let buffer: Buffer;
        try {
          buffer = await part.toBuffer();
        } catch (e) {
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            return reply.status(413).send(tooLarge(req.query.dryRun));
          }
          throw e;
        }
        const result = await importWorkbook(db, req.ctx, buffer, { dryRun: req.query.dryRun });
        return reply.status(result.ok ? 200 : 422).send(result);
      },
    );
    r.get(
      '/imports/template',
      { schema: { tags: ['imports'], summary: '下载空白导入模板（.xlsx）' } },
      async (req, reply) =>
        sendWorkbook(reply, await buildExport(db, req.ctx, { kind: 'template' })),
    );
  });
}

function tooLarge(dryRun: boolean): ImportResult {
  const mb = Math.round(WORKBOOK_LIMITS.fileBytes / 1024 / 1024);
  const tally = { created: 0, updated: 0, unchanged: 0 };
  return {
    ok: false,
    dryRun,
    format: 'unknown',
    sheets: [],
    summary: { projects: tally, plans: tally, reports: tally, milestones: tally, refusedRows: 0 },
    created: { units: [], areas: [], categories: [] },
    changes: [],
    errors: [
      {
        sheet: null,
        row: null,
        column: null,
        value: null,
        code: 'file.too_large',
        reason: `文件超过${mb}MB上限`,
        reasonEn: `the file exceeds the ${mb} MB limit`,
      },
    ],
    errorCount: 1,
  };
}
