import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, queryRows } from '../../db.ts';
import { onAuditAppend } from './audit.service.ts';

/**
 * The HMAC-SM3 chain proves that no row was changed or removed in the middle, but a role that
 * can switch off the append-only trigger can cut the newest rows and the chain still verifies:
 * nothing in the database knows where it ended. So the head (office, seq, hash) is written
 * outside the database, to the server's log and to an append-only file, and `tiaodu audit
 * verify --anchor FILE` checks that every anchored row is still there, unchanged.
 */
export type AuditAnchor = {
  officeId: number;
  seq: number;
  /** the row's HMAC-SM3, which covers every earlier row through the chain */
  hash: string;
  /** when the row was written */
  at: string;
  /** when the head was anchored */
  anchoredAt: string;
};

/** The prefix of an anchor in the server's log, so a log file can serve as the anchor file. */
export const ANCHOR_TAG = 'tiaodu-audit-anchor';

const anchorShape = z.object({
  officeId: z.number().int().positive(),
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string().default(''),
  anchoredAt: z.string().default(''),
});

/** The newest row of each office's chain (one indexed look-up per office). */
export async function readAuditHeads(db: Db, now = new Date()): Promise<AuditAnchor[]> {
  const rows = await queryRows<{
    office_id: number;
    seq: string | number;
    hash: string;
    at: Date | string;
  }>(
    db,
    sql`select o.id as office_id, h.seq, h.hash, h.at
          from offices o
          cross join lateral (
            select seq, hash, at from audit_log
             where office_id = o.id order by seq desc limit 1
          ) h
         order by o.id`,
  );
  return rows.map((r) => ({
    officeId: Number(r.office_id),
    seq: Number(r.seq),
    hash: r.hash,
    at: new Date(r.at).toISOString(),
    anchoredAt: now.toISOString(),
  }));
}

export const anchorText = (a: AuditAnchor) =>
  JSON.stringify({
    officeId: a.officeId,
    seq: a.seq,
    hash: a.hash,
    at: a.at,
    anchoredAt: a.anchoredAt,
  });

/**
 * Appends anchors as JSON lines in one write, then fsyncs. A crash mid-write can leave a last
 * line without its newline; the next append starts on a fresh line, and the reader skips a
 * line it cannot read, so a torn line never hides the anchors around it.
 */
export function appendAnchors(file: string, anchors: AuditAnchor[]): void {
  if (anchors.length === 0) return;
  const fd = openSync(file, 'a+', 0o640);
  try {
    const { size } = fstatSync(fd);
    let text = anchors.map((a) => `${anchorText(a)}\n`).join('');
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) text = `\n${text}`;
    }
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The anchors in a file of JSON lines, or in a server log holding `tiaodu-audit-anchor {…}`
 * lines. Other log lines are passed over; a line that looks like an anchor but does not read
 * (a torn last write) is counted, not fatal.
 */
export function readAnchorFile(file: string): { anchors: AuditAnchor[]; unreadable: number } {
  const anchors: AuditAnchor[] = [];
  let unreadable = 0;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    const tagged = line.indexOf(ANCHOR_TAG);
    const json = tagged >= 0 ? line.slice(tagged + ANCHOR_TAG.length).trim() : line;
    if (!json.startsWith('{')) {
      if (tagged >= 0) unreadable++;
      continue;
    }
    try {
      anchors.push(anchorShape.parse(JSON.parse(json)));
    } catch {
      unreadable++;
    }
  }
  return { anchors, unreadable };
}

export type AnchorMismatch = {
  officeId: number;
  /** the anchored row named: the last one anchored when the tail is gone, else the one that differs */
  seq: number;
  reason: 'anchor_missing' | 'anchor_differs';
  anchoredAt: string;
  /** the seq the office's log now ends at (0: no rows) */
  logEndsAt: number;
  message: string;
};

/**
 * Checks every anchored row against the log: it must exist and carry the anchored hash. The
 * first problem (by office, then seq) is named: when the log ends before an anchored row, the
 * last anchored row, since everything up to it was there once.
 */
export async function verifyAnchors(
  db: Db,
  anchors: AuditAnchor[],
): Promise<{ ok: boolean; checked: number; mismatch: AnchorMismatch | null }> {
  const byOffice = new Map<number, Map<number, AuditAnchor>>();
  for (const a of anchors) {
    const seqs = byOffice.get(a.officeId) ?? new Map<number, AuditAnchor>();
    // the earliest anchoring of a row is kept: a later one of the same seq would be the same
    // row, or a rewritten one that the earlier anchor already exposes
    if (!seqs.has(a.seq)) seqs.set(a.seq, a);
    byOffice.set(a.officeId, seqs);
  }
  let checked = 0;
  for (const officeId of [...byOffice.keys()].sort((x, y) => x - y)) {
    const list = [...byOffice.get(officeId)!.values()].sort((x, y) => x.seq - y.seq);
    const [{ end }] = await queryRows<{ end: string | number | null }>(
      db,
      sql`select max(seq) as end from audit_log where office_id = ${officeId}`,
    );
    const logEndsAt = Number(end ?? 0);
    const hashes = new Map<number, string>();
    for (let i = 0; i < list.length; i += 1000) {
      const seqs = list.slice(i, i + 1000).map((a) => a.seq);
      const found = await queryRows<{ seq: string | number; hash: string }>(
        db,
        sql`select seq, hash from audit_log
             where office_id = ${officeId}
               and seq in (${sql.join(
                 seqs.map((s) => sql`${s}`),
                 sql`, `,
               )})`,
      );
      for (const r of found) hashes.set(Number(r.seq), r.hash);
    }
    for (const a of list) {
      checked++;
      const hash = hashes.get(a.seq);
      if (hash === undefined) {
        const last = list[list.length - 1];
        return {
          ok: false,
          checked,
          mismatch: {
            officeId,
            seq: last.seq,
            reason: 'anchor_missing',
            anchoredAt: last.anchoredAt,
            logEndsAt,
            message: `审计日志止于第 ${logEndsAt} 条，但第 ${last.seq} 条已于 ${last.anchoredAt} 锚定：末尾的记录被删除 / the audit log ends at seq ${logEndsAt}, but seq ${last.seq} was anchored at ${last.anchoredAt}: rows were cut from the end of the log`,
          },
        };
      }
      if (hash !== a.hash) {
        return {
          ok: false,
          checked,
          mismatch: {
            officeId,
            seq: a.seq,
            reason: 'anchor_differs',
            anchoredAt: a.anchoredAt,
            logEndsAt,
            message: `第 ${a.seq} 条与 ${a.anchoredAt} 锚定的 HMAC-SM3 不同：该条或其之前的记录被改写 / seq ${a.seq} differs from the HMAC-SM3 anchored at ${a.anchoredAt}: it or a row before it was rewritten`,
          },
        };
      }
    }
  }
  return { ok: true, checked, mismatch: null };
}

export type AnchorWriter = {
  /** anchors the heads that moved since the last anchor (serialised: one write at a time) */
  flush: () => Promise<void>;
  /** stops the timer and the row count, and anchors the final head */
  stop: () => Promise<void>;
};

/**
 * Anchors the chain's head every `intervalMs` when it moved, and soon after every `everyRows`
 * appended rows: to `log` (the server's log) and, with `file`, to that file. The head is read
 * from committed rows only, so an anchor never names a row a rollback could take back; rows
 * still uncommitted when the count fires are anchored by the next round.
 */
export function startAnchorWriter(
  db: Db,
  opts: {
    file?: string;
    intervalMs: number;
    everyRows: number;
    log: (line: string) => void;
    now?: () => Date;
  },
): AnchorWriter {
  // A path that cannot be written stops the start-up, not every anchor after it.
  if (opts.file) closeSync(openSync(opts.file, 'a', 0o640));
  const anchored = new Map<number, number>();
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;
  let stopped = false;
  const write = async () => {
    const heads = await readAuditHeads(db, opts.now?.() ?? new Date());
    const moved = heads.filter((h) => anchored.get(h.officeId) !== h.seq);
    if (moved.length === 0) return;
    for (const a of moved) opts.log(`${ANCHOR_TAG} ${anchorText(a)}`);
    if (opts.file) appendAnchors(opts.file, moved);
    for (const a of moved) anchored.set(a.officeId, a.seq);
  };
  const flush = () => {
    queue = queue.then(write).catch((e: Error) => {
      // An anchor that cannot be written must be seen, but never stops the server.
      opts.log(`${ANCHOR_TAG} 写入失败 / failed: ${e.message}`);
    });
    return queue;
  };
  const timer = setInterval(() => void flush(), opts.intervalMs);
  timer.unref();
  const unsubscribe = onAuditAppend((rows) => {
    if (stopped) return;
    pending += rows;
    if (pending < opts.everyRows) return;
    pending = 0;
    // The rows are appended inside a transaction that commits after this returns.
    setTimeout(() => void flush(), 200).unref();
  });
  return {
    flush,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await flush();
    },
  };
}
