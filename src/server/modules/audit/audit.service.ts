import { AsyncLocalStorage } from 'node:async_hooks';
import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  ilike,
  like,
  lte,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import { z } from 'zod';
import { instant } from '../../../contracts/common.ts';
import type { Ctx } from '../../context.ts';
import { type Db, queryRows } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { assertCan } from '../../policy.ts';
import { auditMac } from '../accounts/crypto.ts';
import { auditLog } from './audit.table.ts';
import { type AuditDescription, describeAudit, loadAuditNames } from './audit-describe.ts';

/** The hash a chain's first row links to. */
export const GENESIS = '0'.repeat(64);
/** Advisory lock namespace for appending to an office's chain (second key: the office id). */
const CHAIN_LOCK = 0x7a6475;

export type AuditEntry = {
  action: string;
  objectType?: string | null;
  objectId?: string | number | null;
  /** an object (serialised canonically) or JSON text already canonical */
  before?: unknown;
  after?: unknown;
  outcome?: 'success' | 'failure';
  detail?: string | null;
  /** defaults to the request's route */
  route?: string | null;
  /** defaults to the actor's office */
  officeId?: number;
  /** overrides the actor (a failed log-in names the account tried, not an actor) */
  actor?: { id: string | null; name: string | null; role: string | null; unitId: number | null };
};

/** JSON text with keys sorted, dates as ISO strings: the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'bigint') return v.toString();
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, norm((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(norm(value));
}

/** Text already captured as JSON by a trigger: carried as is, never re-serialised. */
export class RawJson {
  constructor(readonly text: string) {}
}

function jsonText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (v instanceof RawJson) return v.text;
  return canonicalJson(v);
}

type AuditRow = typeof auditLog.$inferInsert;

/** The text the HMAC-SM3 of a row covers: every column but the id and the hash itself. */
export function chainText(r: Omit<AuditRow, 'id' | 'hash'>): string {
  return JSON.stringify([
    r.officeId,
    r.seq,
    (r.at as Date).toISOString(),
    r.requestId ?? null,
    r.actorId ?? null,
    r.actorName ?? null,
    r.actorRole ?? null,
    r.unitId ?? null,
    r.ip ?? null,
    r.action,
    r.route ?? null,
    r.objectType ?? null,
    r.objectId ?? null,
    r.before ?? null,
    r.after ?? null,
    r.outcome,
    r.detail ?? null,
    r.prevHash,
  ]);
}

/**
 * Told how many rows each append wrote (before its transaction commits), so the chain's head
 * can be anchored outside the database after every N rows (see audit-anchor.ts).
 */
const appendListeners = new Set<(rows: number) => void>();
export function onAuditAppend(listener: (rows: number) => void): () => void {
  appendListeners.add(listener);
  return () => appendListeners.delete(listener);
}

/** The audited transaction a request runs in, so appends inside it know they are recorded. */
type Scope = { tx: Db; open: boolean };
const scopeStore = new AsyncLocalStorage<Scope>();

/**
 * Appends rows to the office's chain. Holds a transaction-level advisory lock from reading the
 * chain's head until the surrounding transaction ends, so concurrent appends never fork it.
 */
export async function appendAudit(db: Db, ctx: Ctx, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const byOffice = new Map<number, AuditEntry[]>();
  for (const e of entries) {
    const office = e.officeId ?? ctx.actor.officeId;
    byOffice.set(office, [...(byOffice.get(office) ?? []), e]);
  }
  await db.transaction(async (tx) => {
    for (const [officeId, list] of byOffice) {
      await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK}, ${officeId})`);
      const [head] = await tx
        .select({ seq: auditLog.seq, hash: auditLog.hash })
        .from(auditLog)
        .where(eq(auditLog.officeId, officeId))
        .orderBy(desc(auditLog.seq))
        .limit(1);
      let prev = head?.hash ?? GENESIS;
      let seq = head?.seq ?? 0;
      const rows: AuditRow[] = list.map((e) => {
        const actor = e.actor ?? {
          id: ctx.actor.id,
          name: ctx.actor.name,
          role: ctx.actor.role,
          unitId: ctx.actor.unitId,
        };
        const row = {
          officeId,
          seq: ++seq,
          at: ctx.now,
          requestId: ctx.request?.id ?? null,
          actorId: actor.id,
          actorName: actor.name,
          actorRole: actor.role,
          unitId: actor.unitId,
          ip: ctx.request?.ip ?? null,
          action: e.action,
          route: e.route === undefined ? (ctx.request?.route ?? null) : e.route,
          objectType: e.objectType ?? null,
          objectId: e.objectId == null ? null : String(e.objectId),
          before: jsonText(e.before),
          after: jsonText(e.after),
          outcome: e.outcome ?? 'success',
          detail: e.detail ?? null,
          prevHash: prev,
        };
        prev = auditMac(chainText(row));
        return { ...row, hash: prev };
      });
      for (let i = 0; i < rows.length; i += 500) {
        await tx.insert(auditLog).values(rows.slice(i, i + 500));
      }
    }
  });
  for (const listener of appendListeners) listener(entries.length);
  if (ctx.request) ctx.request.audited = true;
}

/** Moves the row changes the triggers captured in this transaction into the audit log. */
async function flushCaptured(tx: Db, ctx: Ctx): Promise<number> {
  const captured = await queryRows<{
    id: string | number;
    office_id: number;
    table_name: string;
    op: string;
    row_key: string | null;
    before: string | null;
    after: string | null;
  }>(
    tx,
    sql`delete from audit_pending where txid = txid_current()
        returning id, office_id, table_name, op, row_key, before, after`,
  );
  captured.sort((a, b) => Number(a.id) - Number(b.id));
  await appendAudit(
    tx,
    ctx,
    captured.map((c) => ({
      action: `${c.table_name}.${c.op}`,
      objectType: c.table_name,
      objectId: c.row_key,
      before: c.before === null ? null : new RawJson(c.before),
      after: c.after === null ? null : new RawJson(c.after),
      officeId: c.office_id,
    })),
  );
  return captured.length;
}

/**
 * Runs `fn` in one transaction in which the business tables' triggers capture every row change
 * (a transaction-local setting, so nothing leaks to other requests on a pooled connection), and
 * appends those changes, with the actor and request, to the audit log before committing. When
 * nothing changed and nothing else was recorded, one row still records that the call succeeded.
 * Inside `fn`, the database `scopedDb` hands out is this transaction.
 */
export async function withAudit<T>(
  db: Db,
  ctx: Ctx,
  fn: (tx: Db) => Promise<T>,
  opts: {
    /** how the call ended when it returned normally (an HTTP answer of 4xx is a failure) */
    outcome?: () => { outcome: 'success' | 'failure'; detail?: string | null };
  } = {},
): Promise<T> {
  const request = ctx.request;
  const wasAudited = request?.audited;
  try {
    return await db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const scope: Scope = { tx, open: true };
      try {
        return await scopeStore.run(scope, async () => {
          await tx.execute(sql`select set_config('tiaodu.audit', 'on', true)`);
          const result = await fn(tx);
          const changes = await flushCaptured(tx, ctx);
          if (changes === 0 && !request?.audited) {
            await appendAudit(tx, ctx, [{ action: 'request', ...opts.outcome?.() }]);
          }
          return result;
        });
      } finally {
        scope.open = false;
      }
    });
  } catch (e) {
    // Whatever was recorded inside rolled back with it.
    if (request) request.audited = wasAudited;
    throw e;
  }
}

/** Whether this call runs inside a request's audited transaction (withAudit). */
export function inAuditedTransaction(): boolean {
  return scopeStore.getStore()?.open === true;
}

/**
 * A database handle that is the request's audited transaction while one runs (see withAudit),
 * and the plain database otherwise. Routes receive this one, so services need no change.
 */
export function scopedDb(root: Db): Db {
  return new Proxy(root, {
    get(target, prop) {
      const scope = scopeStore.getStore();
      const db = scope?.open ? scope.tx : target;
      const value = Reflect.get(db as object, prop, db);
      return typeof value === 'function' && prop !== 'constructor' ? value.bind(db) : value;
    },
  });
}

/** Records a failed call (after its transaction rolled back), once per request. */
export async function auditFailure(db: Db, ctx: Ctx, code: string, status: number): Promise<void> {
  if (ctx.request?.audited) return;
  await appendAudit(db, ctx, [
    { action: 'request', outcome: 'failure', detail: `${status} ${code}` },
  ]);
}

// ---------------------------------------------------------------- search, export, verify

export const auditQuery = z.object({
  from: instant.optional(),
  to: instant.optional(),
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  objectType: z.string().max(100).optional(),
  objectId: z.string().max(100).optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  ip: z.string().max(100).optional(),
  q: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type AuditQuery = z.input<typeof auditQuery>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function endOf(to: string): Date {
  // A bare date means the whole day.
  return /^\d{4}-\d{2}-\d{2}$/.test(to)
    ? new Date(Date.parse(`${to}T00:00:00+08:00`) + 86_400_000 - 1)
    : new Date(to);
}

function startOf(from: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(from) ? new Date(`${from}T00:00:00+08:00`) : new Date(from);
}

function auditWhere(ctx: Ctx, q: z.output<typeof auditQuery>): SQL {
  const where: SQL[] = [eq(auditLog.officeId, ctx.actor.officeId)];
  if (q.from) where.push(gte(auditLog.at, startOf(q.from)));
  if (q.to) where.push(lte(auditLog.at, endOf(q.to)));
  if (q.actor) where.push(or(eq(auditLog.actorId, q.actor), eq(auditLog.actorName, q.actor))!);
  if (q.action) where.push(like(auditLog.action, `${escapeLike(q.action)}%`));
  if (q.objectType) where.push(eq(auditLog.objectType, q.objectType));
  if (q.objectId) where.push(eq(auditLog.objectId, q.objectId));
  if (q.outcome) where.push(eq(auditLog.outcome, q.outcome));
  if (q.ip) where.push(eq(auditLog.ip, q.ip));
  if (q.q) {
    const pattern = `%${escapeLike(q.q)}%`;
    where.push(
      or(
        ilike(auditLog.before, pattern),
        ilike(auditLog.after, pattern),
        ilike(auditLog.detail, pattern),
        ilike(auditLog.objectId, pattern),
        ilike(auditLog.actorName, pattern),
      )!,
    );
  }
  return and(...where)!;
}

const notFound = () => new AppError('audit.not_found', '审计记录不存在');

export type AuditView = Omit<typeof auditLog.$inferSelect, 'before' | 'after'> & {
  before: unknown;
  after: unknown;
  /** who did what to which project, for people (the codes above stay for the chain and CSV) */
  description: AuditDescription;
};

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Searches the office's audit log, newest first: the audit admin's duty and nobody else's. */
export async function searchAudit(
  db: Db,
  ctx: Ctx,
  raw: AuditQuery = {},
): Promise<{ items: AuditView[]; total: number; page: number; pageSize: number }> {
  assertCan(ctx.actor, 'audit.read', undefined, notFound);
  const q = auditQuery.parse(raw);
  const where = auditWhere(ctx, q);
  // The audit admin's own reading is recorded too.
  await appendAudit(db, ctx, [
    { action: 'audit.search', objectType: 'audit_log', detail: canonicalJson(q) },
  ]);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.seq))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ total: count() }).from(auditLog).where(where),
  ]);

  const parsed = rows.map((r) => ({
    ...r,
    before: parseJson(r.before),
    after: parseJson(r.after),
  }));
  const names = await loadAuditNames(db, ctx.actor.officeId, parsed);
  return {
    items: parsed.map((r) => ({ ...r, description: describeAudit(r, names) })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

export const EXPORT_LIMIT = 100_000;

function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  // Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The matching rows as CSV (UTF-8 with BOM, for Excel), oldest first; the export is audited. */
export async function exportAuditCsv(
  db: Db,
  ctx: Ctx,
  raw: AuditQuery = {},
): Promise<{ csv: string; rows: number; truncated: boolean }> {
  assertCan(ctx.actor, 'audit.read', undefined, notFound);
  const q = auditQuery.parse(raw);
  const where = auditWhere(ctx, q);
  const header = [
    '序号 seq',
    '时间 time',
    '用户 user id',
    '用户名 user',
    '角色 role',
    '单位 unit',
    'IP',
    '操作 action',
    '接口 route',
    '对象类型 object type',
    '对象 object id',
    '结果 outcome',
    '说明 detail',
    '修改前 before',
    '修改后 after',
    '请求 request id',
    'HMAC-SM3',
  ];
  const lines = [header.map(csvCell).join(',')];
  let lastSeq = 0;
  let n = 0;
  while (n < EXPORT_LIMIT) {
    const batch = await db
      .select()
      .from(auditLog)
      .where(and(where, gt(auditLog.seq, lastSeq)))
      .orderBy(asc(auditLog.seq))
      .limit(Math.min(2000, EXPORT_LIMIT - n));
    for (const r of batch) {
      lines.push(
        [
          r.seq,
          r.at,
          r.actorId,
          r.actorName,
          r.actorRole,
          r.unitId,
          r.ip,
          r.action,
          r.route,
          r.objectType,
          r.objectId,
          r.outcome,
          r.detail,
          r.before,
          r.after,
          r.requestId,
          r.hash,
        ]
          .map(csvCell)
          .join(','),
      );
    }
    n += batch.length;
    if (batch.length < 2000) break;
    lastSeq = batch[batch.length - 1].seq;
  }
  const [{ total }] = await db.select({ total: count() }).from(auditLog).where(where);
  await appendAudit(db, ctx, [
    {
      action: 'audit.export',
      objectType: 'audit_log',
      detail: canonicalJson({ filter: { ...q, page: undefined, pageSize: undefined }, rows: n }),
    },
  ]);
  return { csv: `\uFEFF${lines.join('\r\n')}\r\n`, rows: n, truncated: total > n };
}

export type ChainBreak = {
  id: number;
  officeId: number;
  seq: number;
  reason: 'hash' | 'link' | 'gap';
  message: string;
};

/**
 * Recomputes every office's HMAC-SM3 chain. The first row whose content no longer matches its
 * hash, whose link does not match the row before, or whose number skips one, is named.
 */
export async function verifyAuditChain(
  db: Db,
  opts: { officeId?: number } = {},
): Promise<{ ok: boolean; checked: number; firstBroken: ChainBreak | null }> {
  const offices = await queryRows<{ office_id: number }>(
    db,
    opts.officeId === undefined
      ? sql`select distinct office_id from audit_log order by office_id`
      : sql`select ${opts.officeId}::int as office_id`,
  );
  let checked = 0;
  for (const { office_id: officeId } of offices) {
    let prev = GENESIS;
    let expected = 1;
    let lastSeq = 0;
    for (;;) {
      const batch = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.officeId, officeId), gt(auditLog.seq, lastSeq)))
        .orderBy(asc(auditLog.seq))
        .limit(2000);
      for (const r of batch) {
        checked++;
        const at = { id: r.id, officeId, seq: r.seq };
        if (r.seq !== expected) {
          return {
            ok: false,
            checked,
            firstBroken: {
              ...at,
              reason: 'gap',
              message: `第 ${r.seq} 条之前缺少第 ${expected} 条（记录被删除）/ row seq ${expected} is missing before seq ${r.seq} (deleted)`,
            },
          };
        }
        if (r.prevHash !== prev) {
          return {
            ok: false,
            checked,
            firstBroken: {
              ...at,
              reason: 'link',
              message: `第 ${r.seq} 条与上一条的链接不符（上一条被改动或删除）/ seq ${r.seq} does not link to the row before it (that row was altered or removed)`,
            },
          };
        }
        const { id: _id, hash, ...content } = r;
        if (auditMac(chainText(content)) !== hash) {
          return {
            ok: false,
            checked,
            firstBroken: {
              ...at,
              reason: 'hash',
              message: `第 ${r.seq} 条内容与其 HMAC-SM3 不符（记录被改动，或密钥不同）/ seq ${r.seq} does not match its HMAC-SM3 (the row was altered, or TIAODU_SECRET_KEY differs)`,
            },
          };
        }
        prev = hash;
        expected++;
      }
      if (batch.length < 2000) break;
      lastSeq = batch[batch.length - 1].seq;
    }
  }
  return { ok: true, checked, firstBroken: null };
}
