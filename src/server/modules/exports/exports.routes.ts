import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseYearMonth } from '../../../domain/periods.ts';
import type { RouteDeps } from '../../app.ts';
import { buildExport, EXPORT_KINDS, type ExportFile, XLSX_TYPE } from './exports.service.ts';

/** `?year=2026&month=10`, or `?month=2026-10` alone. */
export const exportQuery = z
  .object({
    year: z.coerce.number().int().min(2000).max(2100).optional(),
    month: z
      .string()
      .regex(/^(\d{4}-(0[1-9]|1[0-2])|[1-9]|1[0-2])$/, {
        message: '月份应为1–12或YYYY-MM / month must be 1–12 or YYYY-MM',
      })
      .optional(),
  })
  .transform((q, ctx) => {
    if (q.month?.includes('-')) {
      const p = parseYearMonth(q.month);
      // the pattern lets years parseYearMonth has no month for (before 1900, after 2999)
      if (!p) {
        ctx.addIssue({
          code: 'custom',
          path: ['month'],
          message: '月份的年份应在 1900–2999 之间 / the month must be in 1900–2999',
        });
        return z.NEVER;
      }
      if (q.year !== undefined && q.year !== p.year) {
        ctx.addIssue({
          code: 'custom',
          path: ['year'],
          message: '年度与月份不一致 / year and month disagree',
        });
      }
      return { year: p.year, month: p.month };
    }
    return { year: q.year, month: q.month ? Number(q.month) : undefined };
  });

/** Sends a workbook as a download with its Chinese name (RFC 5987) and an ASCII fallback. */
export function sendWorkbook(reply: FastifyReply, file: ExportFile) {
  const ascii = file.filename.replace(/[^\x20-\x7e]/g, '_');
  return reply
    .header('content-type', XLSX_TYPE)
    .header(
      'content-disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    )
    .header('cache-control', 'no-store')
    .send(file.buffer);
}

export async function exportRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/exports/:kind',
    {
      schema: {
        tags: ['exports'],
        summary:
          '导出Excel：ledger 项目台账（导入格式）、dispatch 调度表、warnings 预警清单（需 year、month）、template 空白导入模板',
        params: z.object({ kind: z.enum(EXPORT_KINDS) }),
        querystring: exportQuery,
        produces: [XLSX_TYPE],
      },
    },
    async (req, reply) =>
      sendWorkbook(reply, await buildExport(db, req.ctx, { kind: req.params.kind, ...req.query })),
  );
}
