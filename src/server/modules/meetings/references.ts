import { and, eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import type { projects } from '../projects/projects.table.ts';
import type { units } from '../units/units.table.ts';
import type { meetings } from './meetings.table.ts';

type Owned = typeof units | typeof projects | typeof meetings;

/**
 * Checks that every id names a row of the actor's office; otherwise a 400 naming the field, so a
 * wrong id is the caller's mistake to fix and another office's row is never linked to.
 */
export async function assertOwned(
  db: Db,
  ctx: Ctx,
  table: Owned,
  ids: readonly (number | null | undefined)[],
  field: string,
  zh: string,
): Promise<void> {
  const wanted = [...new Set(ids.filter((v): v is number => typeof v === 'number'))];
  if (wanted.length === 0) return;
  const found = await db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.officeId, ctx.actor.officeId), inArray(table.id, wanted)));
  const have = new Set(found.map((r) => r.id));
  const missing = wanted.find((v) => !have.has(v));
  if (missing !== undefined) {
    throw new AppError(`${field}.invalid`, `${zh}（${missing}）不存在`, {
      field,
      messageEn: `${field} ${missing} does not exist`,
    });
  }
}
