import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db } from './db.ts';
import { inAuditedTransaction } from './modules/audit/audit.service.ts';

type Reads = readonly (() => PromiseLike<unknown>)[];

/**
 * Runs independent reads at once on the pool, and one after the other inside a transaction.
 * A transaction is one connection, which takes one query at a time: `Promise.all` there only
 * queues them in the driver (node-postgres deprecates that and drops it in pg 9), while every
 * mutating request runs its service in the audited transaction (audit.service.ts withAudit).
 */
export async function parallelReads<R extends Reads>(
  db: Db,
  ...reads: R
): Promise<{ -readonly [K in keyof R]: Awaited<ReturnType<R[K]>> }> {
  type Out = { -readonly [K in keyof R]: Awaited<ReturnType<R[K]>> };
  // The handle routes pass (scopedDb) is a proxy to the audited transaction while one runs.
  if (db instanceof PgTransaction || inAuditedTransaction()) {
    const out: unknown[] = [];
    for (const read of reads) out.push(await read());
    return out as Out;
  }
  return (await Promise.all(reads.map((read) => read()))) as Out;
}
