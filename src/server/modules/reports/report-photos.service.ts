import { and, asc, count, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { assertTransition, TransitionError } from '../../../domain/report-workflow.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Action } from '../../policy.ts';
import { loadProjectFor } from '../projects/projects.service.ts';
import { reportPhotos } from './report-photos.table.ts';
import { monthlyReports } from './reports.table.ts';

export const PHOTO_LIMITS = {
  /** per image, as the issue asks */
  fileBytes: 10 * 1024 * 1024,
  perReport: 20,
  /** thumbnails fit in a square of this many pixels */
  thumbnailPx: 320,
  /** decoding refuses images of more pixels than this (a decompression bomb) */
  maxPixels: 100_000_000,
} as const;

export type PhotoView = Omit<typeof reportPhotos.$inferSelect, 'bytes' | 'thumbnail'>;

const photoColumns = {
  id: reportPhotos.id,
  officeId: reportPhotos.officeId,
  reportId: reportPhotos.reportId,
  contentType: reportPhotos.contentType,
  byteSize: reportPhotos.byteSize,
  width: reportPhotos.width,
  height: reportPhotos.height,
  originalFilename: reportPhotos.originalFilename,
  uploadedBy: reportPhotos.uploadedBy,
  createdAt: reportPhotos.createdAt,
};

const reportNotFound = (id: number) => notFound('report', '月报', id);
const photoNotFound = (id: number) => notFound('photo', '照片', id);

/** The image type by its first bytes, whatever the name or the declared type say. */
export function sniffImageType(bytes: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'image/jpeg';
  }
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'image/png';
  }
  if (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  ) {
    return 'image/webp';
  }
  return null;
}

/** “photo.jpg”: the name in a refusal, so a person uploading several files knows which one. */
const named = (filename: string | undefined) => {
  const name = cleanFilename(filename);
  return { zh: name ? `“${name}”` : '', en: name ? `"${name}" ` : '' };
};

const notAnImage = (filename: string | undefined) =>
  new AppError(
    'photo.unsupported_type',
    `文件${named(filename).zh}不是图片：只能上传 JPEG、PNG 或 WebP 格式的图片`,
    {
      field: 'file',
      filename: cleanFilename(filename),
      messageEn: `the file ${named(filename).en}is not an image: only JPEG, PNG or WebP images can be uploaded`,
    },
  );

export const photoTooLarge = () =>
  new AppError('photo.too_large', `图片不能超过${PHOTO_LIMITS.fileBytes / 1024 / 1024}MB`, {
    field: 'file',
    messageEn: `an image may not exceed ${PHOTO_LIMITS.fileBytes / 1024 / 1024} MB`,
  });

/** The report, once the actor may act on its project; another unit's report does not exist. */
async function loadReportFor(db: Db, ctx: Ctx, action: Action, reportId: number) {
  const query = db
    .select()
    .from(monthlyReports)
    .where(and(eq(monthlyReports.id, reportId), eq(monthlyReports.officeId, ctx.actor.officeId)));
  // a write locks the report, so it cannot be submitted while its photos change
  const [row] = action === 'read' ? await query : await query.for('update');
  if (!row) throw reportNotFound(reportId);
  await loadProjectFor(db, ctx, action, row.projectId).catch((e) => {
    if (e instanceof AppError && e.status === 404) throw reportNotFound(reportId);
    throw e;
  });
  return row;
}

/** Photos change only with the report's figures: while it is a draft or returned. */
function assertEditable(row: typeof monthlyReports.$inferSelect) {
  try {
    assertTransition(row.status, 'edit');
  } catch (e) {
    if (e instanceof TransitionError) {
      throw new AppError('report.not_allowed', `${e.message}，照片也不能增删`, {
        field: 'status',
        status: row.status,
        messageEn: `the photos of a ${row.status} report cannot be changed`,
      });
    }
    throw e;
  }
}

async function describeImage(bytes: Buffer, filename: string | undefined) {
  try {
    const image = sharp(bytes, { limitInputPixels: PHOTO_LIMITS.maxPixels, failOn: 'error' });
    const meta = await image.metadata();
    const thumbnail = await image
      .rotate()
      .resize(PHOTO_LIMITS.thumbnailPx, PHOTO_LIMITS.thumbnailPx, {
        fit: 'inside',
        withoutEnlargement: true,
      })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 75 })
      .toBuffer();
    // orientations 5–8 turn the picture a quarter: its upright size swaps the sides
    const turned = (meta.orientation ?? 1) >= 5;
    return {
      thumbnail,
      width: (turned ? meta.height : meta.width) ?? null,
      height: (turned ? meta.width : meta.height) ?? null,
    };
  } catch {
    throw new AppError('photo.invalid_image', `图片${named(filename).zh}内容损坏或无法识别`, {
      field: 'file',
      filename: cleanFilename(filename),
      messageEn: `the image ${named(filename).en}is damaged or cannot be read`,
    });
  }
}

function cleanFilename(name: string | undefined): string | null {
  if (!name) return null;
  // the last path segment, without control characters
  const base = [...(name.split(/[\\/]/).pop() ?? '')]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  return base ? base.slice(0, 200) : null;
}

export async function uploadReportPhoto(
  db: Db,
  ctx: Ctx,
  reportId: number,
  file: { bytes: Buffer; filename?: string },
): Promise<PhotoView> {
  const report = await loadReportFor(db, ctx, 'report.write', reportId);
  assertEditable(report);
  if (file.bytes.length > PHOTO_LIMITS.fileBytes) throw photoTooLarge();
  const contentType = sniffImageType(file.bytes);
  if (!contentType) throw notAnImage(file.filename);
  const [{ n }] = (await db
    .select({ n: count() })
    .from(reportPhotos)
    .where(eq(reportPhotos.reportId, reportId))) as [{ n: number }];
  if (n >= PHOTO_LIMITS.perReport) {
    throw new AppError('photo.too_many', `每份月报最多${PHOTO_LIMITS.perReport}张照片`, {
      field: 'file',
      messageEn: `a report holds at most ${PHOTO_LIMITS.perReport} photos`,
    });
  }
  const described = await describeImage(file.bytes, file.filename);
  const [created] = await db
    .insert(reportPhotos)
    .values({
      officeId: ctx.actor.officeId,
      reportId,
      contentType,
      bytes: file.bytes,
      thumbnail: described.thumbnail,
      byteSize: file.bytes.length,
      width: described.width,
      height: described.height,
      originalFilename: cleanFilename(file.filename),
      uploadedBy: ctx.actor.name,
      createdAt: ctx.now,
    })
    .returning(photoColumns);
  return created!;
}

export async function listReportPhotos(db: Db, ctx: Ctx, reportId: number): Promise<PhotoView[]> {
  await loadReportFor(db, ctx, 'read', reportId);
  return db
    .select(photoColumns)
    .from(reportPhotos)
    .where(eq(reportPhotos.reportId, reportId))
    .orderBy(asc(reportPhotos.id));
}

/** A photo's report, once the actor may act on it; out of scope reads as a missing photo. */
async function loadPhotoFor(db: Db, ctx: Ctx, action: Action, photoId: number) {
  const [photo] = await db
    .select({ id: reportPhotos.id, reportId: reportPhotos.reportId })
    .from(reportPhotos)
    .where(and(eq(reportPhotos.id, photoId), eq(reportPhotos.officeId, ctx.actor.officeId)));
  if (!photo) throw photoNotFound(photoId);
  const report = await loadReportFor(db, ctx, action, photo.reportId).catch((e) => {
    if (e instanceof AppError && e.status === 404) throw photoNotFound(photoId);
    throw e;
  });
  return { photo, report };
}

export async function getReportPhotoBytes(
  db: Db,
  ctx: Ctx,
  photoId: number,
  variant: 'original' | 'thumbnail',
): Promise<{ contentType: string; bytes: Buffer }> {
  await loadPhotoFor(db, ctx, 'read', photoId);
  const [row] = await db
    .select({
      contentType: reportPhotos.contentType,
      bytes: variant === 'original' ? reportPhotos.bytes : reportPhotos.thumbnail,
    })
    .from(reportPhotos)
    .where(eq(reportPhotos.id, photoId));
  if (!row) throw photoNotFound(photoId);
  if (variant === 'thumbnail') {
    if (row.bytes) return { contentType: 'image/jpeg', bytes: row.bytes };
    // no thumbnail was made: the original stands in
    return getReportPhotoBytes(db, ctx, photoId, 'original');
  }
  return { contentType: row.contentType, bytes: row.bytes! };
}

export async function deleteReportPhoto(db: Db, ctx: Ctx, photoId: number): Promise<void> {
  const { report } = await loadPhotoFor(db, ctx, 'report.write', photoId);
  assertEditable(report);
  await db.delete(reportPhotos).where(eq(reportPhotos.id, photoId));
}
