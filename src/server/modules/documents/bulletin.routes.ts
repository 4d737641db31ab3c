import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { bulletinQuery, DOCX_TYPE, PDF_TYPE } from '../../../contracts/bulletin.ts';
import { parseYearMonth } from '../../../domain/periods.ts';
import type { RouteDeps } from '../../app.ts';
import { buildBulletin, bulletinFilename } from './bulletin.service.ts';
import { renderDocx } from './gbt9704-docx.ts';
import { convertToPdf } from './pdf.ts';

/** `attachment` with the Chinese name (RFC 5987) and an ASCII fallback for old clients. */
export function attachmentHeader(filename: string, asciiFallback: string): string {
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export async function bulletinRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/documents/bulletin',
    {
      schema: {
        tags: ['documents'],
        summary:
          '月度通报（GB/T 9704 版式 .docx；format=pdf 需服务器装有 LibreOffice，否则 503 pdf.unavailable）',
        querystring: bulletinQuery,
        produces: [DOCX_TYPE, PDF_TYPE],
      },
    },
    async (req, reply) => {
      const { month, format } = req.query;
      const period = parseYearMonth(month)!;
      let file = await renderDocx(await buildBulletin(db, req.ctx, { month }));
      if (format === 'pdf') file = await convertToPdf(file);
      return reply
        .header('content-type', format === 'pdf' ? PDF_TYPE : DOCX_TYPE)
        .header(
          'content-disposition',
          attachmentHeader(bulletinFilename(period, format), `bulletin-${month}.${format}`),
        )
        .header('cache-control', 'no-store')
        .send(file);
    },
  );
}
