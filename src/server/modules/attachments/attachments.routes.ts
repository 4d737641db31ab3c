import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  attachmentListOutput,
  attachmentOutput,
  attachmentParentQuery,
  attachmentTooLargeOutput,
} from '../../../contracts/attachments.ts';
import { id } from '../../../contracts/common.ts';
import type { RouteDeps } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { ATTACHMENT_LIMITS, attachmentTooLarge } from './attachment-types.ts';
import {
  deleteAttachment,
  getAttachmentFile,
  listAttachments,
  uploadAttachment,
} from './attachments.service.ts';

const tags = ['attachments'];
const params = z.object({ id });

const noFile = () =>
  new AppError('attachment.no_file', '请选择要上传的文件（multipart/form-data，字段名 file）', {
    field: 'file',
    messageEn: 'upload a file as multipart/form-data in the field "file"',
  });

/**
 * `Content-Disposition: attachment` with the name in RFC 5987 form (Chinese names survive) and a
 * plain ASCII fallback for old clients; never inline, so no upload is ever rendered as a page.
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** 附件 of meetings, action items, rectifications and notices. Multipart only for the upload. */
export async function attachmentRoutes(app: FastifyInstance, { db }: RouteDeps) {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: {
        fileSize: ATTACHMENT_LIMITS.fileBytes,
        files: 1,
        fields: 4,
        parts: 5,
        fieldSize: 1024,
      },
    });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/attachments',
      {
        schema: {
          tags,
          summary: '记录的附件列表（不含文件内容）；canUpload/canDelete 为当前用户可做的操作',
          querystring: attachmentParentQuery,
          response: { 200: attachmentListOutput },
        },
      },
      (req) => listAttachments(db, req.ctx, req.query),
    );
    r.post(
      '/attachments',
      {
        schema: {
          tags,
          summary:
            '上传附件（PDF、JPG/PNG/WebP、Word、Excel、PowerPoint，≤20MB，按内容识别类型）；字段 parentKind、parentId、file',
          consumes: ['multipart/form-data'],
          response: { 201: attachmentOutput, 413: attachmentTooLargeOutput },
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw noFile();
        const fields: Record<string, string> = {};
        let file: { bytes: Buffer; filename: string } | undefined;
        try {
          for await (const part of req.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== 'file' || file) {
                await part.toBuffer();
                continue;
              }
              file = { bytes: await part.toBuffer(), filename: part.filename };
            } else if (typeof part.value === 'string') {
              fields[part.fieldname] = part.value;
            }
          }
        } catch (e) {
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            const err = attachmentTooLarge();
            return reply
              .status(413)
              .send({ error: { code: err.code, message: err.message, ...err.details } });
          }
          throw e;
        }
        if (!file) throw noFile();
        const created = await uploadAttachment(
          db,
          req.ctx,
          { ...fields, eventId: fields.eventId || undefined },
          file,
        );
        return reply.status(201).send(created);
      },
    );
    r.get(
      '/attachments/:id/file',
      { schema: { tags, summary: '下载附件（以附件方式下载，不在浏览器中打开）', params } },
      async (req, reply) => {
        const file = await getAttachmentFile(db, req.ctx, req.params.id);
        // not kept in the browser's cache: after log-out nothing stays on a shared PC
        return reply
          .type(file.contentType)
          .header('content-disposition', contentDisposition(file.filename))
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'no-store')
          .send(file.bytes);
      },
    );
    r.delete(
      '/attachments/:id',
      {
        schema: {
          tags,
          summary: '删除附件（办公室随时可删；上传者在记录销号前可删）',
          params,
        },
      },
      async (req, reply) => {
        await deleteAttachment(db, req.ctx, req.params.id);
        return reply.status(204).send();
      },
    );
  });
}
