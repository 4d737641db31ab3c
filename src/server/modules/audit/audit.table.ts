import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { offices } from '../offices/offices.table.ts';

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;

/**
 * The audit log: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE), each row chained
 * per office by an HMAC-SM3 over its content and the previous row's hash. `before` and `after`
 * hold JSON text exactly as hashed (the changed fields only, for updates).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    /** position in the office's chain: 1, 2, 3 … without gaps */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    requestId: text('request_id'),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    actorRole: text('actor_role'),
    unitId: integer('unit_id'),
    ip: text('ip'),
    action: text('action').notNull(),
    /** the HTTP route or CLI command that caused it */
    route: text('route'),
    objectType: text('object_type'),
    objectId: text('object_id'),
    before: text('before'),
    after: text('after'),
    outcome: text('outcome', { enum: AUDIT_OUTCOMES }).notNull(),
    detail: text('detail'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_log_office_seq').on(t.officeId, t.seq),
    index('audit_log_office_at').on(t.officeId, t.at),
    index('audit_log_office_actor').on(t.officeId, t.actorId),
    index('audit_log_office_object').on(t.officeId, t.objectType, t.objectId),
  ],
);

/**
 * Row changes captured by the business tables' triggers during one audited transaction; the
 * application moves them into audit_log (with the actor, request and hash) before it commits,
 * so rows never stay here.
 */
export const auditPending = pgTable(
  'audit_pending',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id').notNull(),
    txid: bigint('txid', { mode: 'number' }).notNull(),
    tableName: text('table_name').notNull(),
    op: text('op').notNull(),
    rowKey: text('row_key'),
    before: text('before'),
    after: text('after'),
  },
  (t) => [index('audit_pending_txid').on(t.txid)],
);
