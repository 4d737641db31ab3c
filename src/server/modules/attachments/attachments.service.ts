import { createHash } from 'node:crypto';
import { and, asc, count, eq } from 'drizzle-orm';
import {
  type AttachmentList,
  type AttachmentOutput,
  type AttachmentParentQuery,
  type AttachmentUploadFields,
  attachmentParentQuery,
  attachmentUploadFields,
} from '../../../contracts/attachments.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import { can } from '../../policy.ts';
import { type LoadedParent, loadParentFor } from './attachment-parents.ts';
import {
  ACCEPTED_EXTENSIONS,
  ATTACHMENT_LIMITS,
  assertImageReadable,
  attachmentTooLarge,
  classifyFile,
} from './attachment-types.ts';
import { mayDeleteAttachment, mayUploadAttachment } from './attachments.policy.ts';
import { attachments } from './attachments.table.ts';

const columns = {
  id: attachments.id,
  parentKind: attachments.parentKind,
  parentId: attachments.parentId,
  eventId: attachments.eventId,
  originalFilename: attachments.originalFilename,
  contentType: attachments.contentType,
  byteSize: attachments.byteSize,
  sha256: attachments.sha256,
  uploadedBy: attachments.uploadedBy,
  uploadedById: attachments.uploadedById,
  createdAt: attachments.createdAt,
};
type Row = { [K in keyof typeof columns]: (typeof attachments.$inferSelect)[K] };

const attachmentNotFound = (id: number) => notFound('attachment', '附件', id);

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

const PARENT_ZH: Record<LoadedParent['kind'], string> = {
  meeting: '会议',
  action_item: '交办事项',
  rectification: '整改任务',
  supervision_notice: '督办单',
};

/** Why the unit may not change files now: the record is closed or awaits the office. */
function notNow(parent: LoadedParent, verb: string) {
  return new AppError(
    'attachment.not_allowed',
    parent.closed
      ? `该${PARENT_ZH[parent.kind]}已销号，不能再${verb}附件`
      : `该${PARENT_ZH[parent.kind]}当前不在本单位办理环节，不能${verb}附件`,
    {
      field: 'status',
      messageEn: `the ${parent.kind.replace('_', ' ')} does not allow changing its files now`,
    },
  );
}

function toView(ctx: Ctx, parent: LoadedParent, row: Row): AttachmentOutput {
  const { uploadedById, createdAt, ...rest } = row;
  return {
    ...rest,
    createdAt: createdAt.toISOString(),
    canDelete: mayDeleteAttachment(ctx.actor, parent, { uploadedById }),
  };
}

/** The files of a record the caller may read, without their bytes, and what the caller may do. */
export async function listAttachments(
  db: Db,
  ctx: Ctx,
  raw: AttachmentParentQuery,
): Promise<AttachmentList> {
  const q = attachmentParentQuery.parse(raw);
  const parent = await loadParentFor(db, ctx, q.parentKind, q.parentId);
  const rows = await db
    .select(columns)
    .from(attachments)
    .where(
      and(
        eq(attachments.officeId, ctx.actor.officeId),
        eq(attachments.parentKind, q.parentKind),
        eq(attachments.parentId, q.parentId),
      ),
    )
    .orderBy(asc(attachments.id));
  return {
    items: rows.map((r) => toView(ctx, parent, r)),
    canUpload: mayUploadAttachment(ctx.actor, parent),
    limits: { fileBytes: ATTACHMENT_LIMITS.fileBytes, perRecord: ATTACHMENT_LIMITS.perRecord },
    accept: ACCEPTED_EXTENSIONS,
  };
}

/**
 * Adds a file to a record: the record's scope (404) and the caller's right to add (403, or 400
 * when the record is closed or not the unit's turn), the size, the type from the bytes and the
 * name agreeing with it, the number of files per record, all under the record's row lock.
 */
export async function uploadAttachment(
  db: Db,
  ctx: Ctx,
  raw: AttachmentUploadFields | Record<string, unknown>,
  file: { bytes: Buffer; filename?: string | null },
): Promise<AttachmentOutput> {
  const input = attachmentUploadFields.parse(raw);
  return db.transaction(async (tx) => {
    const parent = await loadParentFor(tx, ctx, input.parentKind, input.parentId, { lock: true });
    if (!mayUploadAttachment(ctx.actor, parent)) {
      const unitMayAnswer =
        parent.unitId !== null &&
        ctx.actor.role === 'reporter' &&
        can(ctx.actor, 'read', parent.unitId) &&
        parent.kind !== 'meeting';
      throw unitMayAnswer ? notNow(parent, '上传') : forbidden();
    }
    if (input.eventId !== undefined && !parent.eventIds.includes(input.eventId)) {
      throw new AppError(
        'eventId.invalid',
        `办理记录（${input.eventId}）不属于该${PARENT_ZH[parent.kind]}`,
        {
          field: 'eventId',
          messageEn: `event ${input.eventId} is not one of the record's`,
        },
      );
    }
    if (file.bytes.length > ATTACHMENT_LIMITS.fileBytes) throw attachmentTooLarge();
    if (file.bytes.length === 0) {
      throw new AppError('attachment.empty', '文件为空，请重新选择', {
        field: 'file',
        messageEn: 'the file is empty',
      });
    }
    const { contentType, filename } = classifyFile(file.bytes, file.filename);
    await assertImageReadable(file.bytes, contentType, filename);
    const [{ n }] = (await tx
      .select({ n: count() })
      .from(attachments)
      .where(
        and(
          eq(attachments.officeId, ctx.actor.officeId),
          eq(attachments.parentKind, parent.kind),
          eq(attachments.parentId, parent.id),
        ),
      )) as [{ n: number }];
    if (n >= ATTACHMENT_LIMITS.perRecord) {
      throw new AppError(
        'attachment.too_many',
        `每条${PARENT_ZH[parent.kind]}最多${ATTACHMENT_LIMITS.perRecord}个附件`,
        {
          field: 'file',
          messageEn: `a record holds at most ${ATTACHMENT_LIMITS.perRecord} files`,
        },
      );
    }
    const [created] = await tx
      .insert(attachments)
      .values({
        officeId: ctx.actor.officeId,
        parentKind: parent.kind,
        parentId: parent.id,
        eventId: input.eventId ?? null,
        originalFilename: filename,
        contentType,
        byteSize: file.bytes.length,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        bytes: file.bytes,
        uploadedBy: ctx.actor.name,
        uploadedById: ctx.actor.id,
        createdAt: ctx.now,
      })
      .returning(columns);
    return toView(ctx, parent, created!);
  });
}

/** A file and its record, once the caller may read the record; out of scope reads as missing. */
async function loadAttachmentFor(db: Db, ctx: Ctx, id: number, opts: { lock?: boolean } = {}) {
  const [row] = await db
    .select(columns)
    .from(attachments)
    .where(and(eq(attachments.id, id), eq(attachments.officeId, ctx.actor.officeId)));
  if (!row) throw attachmentNotFound(id);
  const parent = await loadParentFor(db, ctx, row.parentKind, row.parentId, opts).catch((e) => {
    if (e instanceof AppError && e.status === 404) throw attachmentNotFound(id);
    throw e;
  });
  return { row, parent };
}

export async function getAttachmentFile(
  db: Db,
  ctx: Ctx,
  id: number,
): Promise<{ filename: string; contentType: string; bytes: Buffer }> {
  const { row } = await loadAttachmentFor(db, ctx, id);
  const [file] = await db
    .select({ bytes: attachments.bytes })
    .from(attachments)
    .where(eq(attachments.id, id));
  if (!file) throw attachmentNotFound(id);
  return { filename: row.originalFilename, contentType: row.contentType, bytes: file.bytes };
}

/** Removes a file: the office at any time, the uploader while the record is not closed. */
export async function deleteAttachment(db: Db, ctx: Ctx, id: number): Promise<void> {
  await db.transaction(async (tx) => {
    const { row, parent } = await loadAttachmentFor(tx, ctx, id, { lock: true });
    if (!mayDeleteAttachment(ctx.actor, parent, row)) {
      const ownButClosed =
        row.uploadedById === ctx.actor.id && parent.closed && ctx.actor.role === 'reporter';
      throw ownButClosed ? notNow(parent, '删除') : forbidden();
    }
    await tx.delete(attachments).where(eq(attachments.id, id));
  });
}
