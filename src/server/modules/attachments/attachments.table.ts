import { customType, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { ATTACHMENT_PARENT_KINDS } from '../../../contracts/attachments.ts';
import { offices } from '../offices/offices.table.ts';

/** bytea as a Buffer on both drivers: node-postgres answers a Buffer, PGlite a Uint8Array. */
const fileBytes = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) =>
    Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
});

/**
 * 附件: a file (PDF, image, Office document) attached to a meeting, an action item, a
 * rectification task or a supervision notice, stored in the database. One table for the four
 * kinds, so the parent is a (kind, id) pair checked by the service rather than a foreign key.
 * Audited by its own trigger (drizzle/0016_attachments.sql), which leaves the bytes out of the
 * append-only log: the SHA-256 column says which file it was.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    parentKind: text('parent_kind', { enum: ATTACHMENT_PARENT_KINDS }).notNull(),
    parentId: integer('parent_id').notNull(),
    /** the history row (answer, report of completion…) of the parent the file belongs to, if any */
    eventId: integer('event_id'),
    originalFilename: text('original_filename').notNull(),
    /** sniffed from the bytes, never the type the client declared */
    contentType: text('content_type').notNull(),
    byteSize: integer('byte_size').notNull(),
    sha256: text('sha256').notNull(),
    bytes: fileBytes('bytes').notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    /** the uploader's account id: who may still delete the file */
    uploadedById: text('uploaded_by_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('attachments_parent').on(t.officeId, t.parentKind, t.parentId)],
);
