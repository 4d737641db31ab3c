import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db.ts';
import { supervisionNotices } from './supervision-notices.table.ts';

/**
 * The period counts of supervision notices (dates inclusive): issued within the period, and
 * closed (销号) within it; with a unit, only the notices addressed to it.
 */
export async function noticeCounts(
  db: Db,
  q: { officeId: number; from: string; to: string; unitId: number | null },
): Promise<{ issued: number; closed: number }> {
  const [row] = await db
    .select({
      issued: sql<number>`(count(*) filter (where ${supervisionNotices.issuedOn} between ${q.from} and ${q.to}))::int`,
      closed: sql<number>`(count(*) filter (where ${supervisionNotices.closedOn} between ${q.from} and ${q.to}))::int`,
    })
    .from(supervisionNotices)
    .where(
      and(
        eq(supervisionNotices.officeId, q.officeId),
        q.unitId === null ? sql`true` : eq(supervisionNotices.unitId, q.unitId),
      ),
    );
  return { issued: Number(row?.issued ?? 0), closed: Number(row?.closed ?? 0) };
}
