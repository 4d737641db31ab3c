import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import type { RouteDeps } from '../../app.ts';
import { AppError } from '../../errors.ts';
import {
  deleteReportPhoto,
  getReportPhotoBytes,
  listReportPhotos,
  PHOTO_LIMITS,
  photoTooLarge,
  uploadReportPhoto,
} from './report-photos.service.ts';

const noFile = () =>
  new AppError('photo.no_file', '请上传图片（multipart/form-data，字段名 file）', {
    field: 'file',
    messageEn: 'upload an image as multipart/form-data in the field "file"',
  });

function sendImage(reply: FastifyReply, image: { contentType: string; bytes: Buffer }) {
  // Not kept in the browser's cache: after log-out nothing of the user stays on a shared PC.
  return reply
    .type(image.contentType)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', 'inline')
    .header('cache-control', 'no-store')
    .send(image.bytes);
}

/** 月报现场照片. Multipart is registered for these routes only, with the photo limits. */
export async function reportPhotoRoutes(app: FastifyInstance, { db }: RouteDeps) {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: {
        fileSize: PHOTO_LIMITS.fileBytes,
        files: 1,
        fields: 2,
        parts: 3,
        fieldSize: 1024,
      },
    });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const reportParams = z.object({ id });
    const photoParams = z.object({ photoId: id });
    r.post(
      '/reports/:id/photos',
      {
        schema: {
          tags: ['reports'],
          summary: '上传月报现场照片（JPEG/PNG/WebP，≤10MB，按内容识别类型；仅草稿或退回的月报）',
          consumes: ['multipart/form-data'],
          params: reportParams,
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw noFile();
        const part = await req.file();
        if (part?.fieldname !== 'file') throw noFile();
        let bytes: Buffer;
        try {
          bytes = await part.toBuffer();
        } catch (e) {
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            const err = photoTooLarge();
            return reply
              .status(413)
              .send({ error: { code: err.code, message: err.message, ...err.details } });
          }
          throw e;
        }
        const photo = await uploadReportPhoto(db, req.ctx, req.params.id, {
          bytes,
          filename: part.filename,
        });
        return reply.status(201).send(photo);
      },
    );
    r.get(
      '/reports/:id/photos',
      { schema: { tags: ['reports'], summary: '月报的现场照片列表', params: reportParams } },
      (req) => listReportPhotos(db, req.ctx, req.params.id),
    );
    r.get(
      '/report-photos/:photoId',
      { schema: { tags: ['reports'], summary: '照片原图', params: photoParams } },
      async (req, reply) =>
        sendImage(reply, await getReportPhotoBytes(db, req.ctx, req.params.photoId, 'original')),
    );
    r.get(
      '/report-photos/:photoId/thumbnail',
      { schema: { tags: ['reports'], summary: '照片缩略图（JPEG）', params: photoParams } },
      async (req, reply) =>
        sendImage(reply, await getReportPhotoBytes(db, req.ctx, req.params.photoId, 'thumbnail')),
    );
    r.delete(
      '/report-photos/:photoId',
      {
        schema: {
          tags: ['reports'],
          summary: '删除照片（仅草稿或退回的月报）',
          params: photoParams,
        },
      },
      async (req, reply) => {
        await deleteReportPhoto(db, req.ctx, req.params.photoId);
        return reply.status(204).send();
      },
    );
  });
}
