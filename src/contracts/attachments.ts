import { z } from 'zod';
import { id } from './common.ts';

/** The attachments' API (附件): files on meetings, action items, rectifications and notices. */

/** The records a file may be attached to. */
export const ATTACHMENT_PARENT_KINDS = [
  'meeting',
  'action_item',
  'rectification',
  'supervision_notice',
] as const;
export type AttachmentParentKind = (typeof ATTACHMENT_PARENT_KINDS)[number];

const parentKind = z.enum(ATTACHMENT_PARENT_KINDS, {
  message:
    '附件所属记录类型无效 / parentKind must be meeting, action_item, rectification or supervision_notice',
});

export const attachmentParentQuery = z.object({ parentKind, parentId: id });
export type AttachmentParentQuery = z.input<typeof attachmentParentQuery>;

/** The form fields sent with the file (multipart/form-data). */
export const attachmentUploadFields = z.object({
  parentKind,
  parentId: id,
  /** the history row (an answer, a report of completion) the file belongs to */
  eventId: id.optional(),
});
export type AttachmentUploadFields = z.input<typeof attachmentUploadFields>;

export const attachmentOutput = z.object({
  id: z.number().int(),
  parentKind,
  parentId: z.number().int(),
  eventId: z.number().int().nullable(),
  originalFilename: z.string(),
  /** sniffed from the bytes on upload */
  contentType: z.string(),
  byteSize: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.string(),
  /** ISO 8601 */
  createdAt: z.string(),
  /** may the caller delete it: the web shows the button from this alone */
  canDelete: z.boolean(),
});
export type AttachmentOutput = z.infer<typeof attachmentOutput>;

export const attachmentListOutput = z.object({
  items: z.array(attachmentOutput),
  /** may the caller add a file to this record now */
  canUpload: z.boolean(),
  limits: z.object({ fileBytes: z.number().int(), perRecord: z.number().int() }),
  /** the file name extensions accepted, for the file picker (".pdf,.docx,…") */
  accept: z.string(),
});
export type AttachmentList = z.infer<typeof attachmentListOutput>;

/** The answer to a file over the size limit (413), which the upload route gives itself. */
export const attachmentTooLargeOutput = z.object({
  error: z.object({ code: z.string(), message: z.string() }).loose(),
});
