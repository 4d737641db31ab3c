import { customType, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { offices } from '../offices/offices.table.ts';
import { monthlyReports } from './reports.table.ts';

/**
 * bytea as a Buffer on both drivers: node-postgres answers a Buffer, PGlite a Uint8Array.
 */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) =>
    Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
});

/**
 * 现场照片 of a monthly report: the image itself and its thumbnail, stored in the database.
 * Audited by a trigger of its own (drizzle/0008_report_photos_audit.sql): the generic capture
 * copies whole rows (to_jsonb) into the append-only audit_log, which would write the image again
 * as hex text (up to 20 MB) into a log that can never be pruned; this one records every column
 * but the bytes, plus the image's SHA-256 and the report's project.
 */
export const reportPhotos = pgTable(
  'report_photos',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    reportId: integer('report_id')
      .notNull()
      .references(() => monthlyReports.id),
    contentType: text('content_type').notNull(),
    bytes: bytea('bytes').notNull(),
    /** a JPEG of at most 320 px a side; null when the image could not be decoded */
    thumbnail: bytea('thumbnail'),
    byteSize: integer('byte_size').notNull(),
    width: integer('width'),
    height: integer('height'),
    originalFilename: text('original_filename'),
    uploadedBy: text('uploaded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('report_photos_report').on(t.reportId)],
);
