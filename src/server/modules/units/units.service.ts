import { and, asc, eq } from 'drizzle-orm';
import { unitInput } from '../../../contracts/projects.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import { assertCan } from '../../policy.ts';
import { units } from './units.table.ts';

export type Unit = typeof units.$inferSelect;

export async function listUnits(db: Db, ctx: Ctx): Promise<Unit[]> {
  return db
    .select()
    .from(units)
    .where(eq(units.officeId, ctx.actor.officeId))
    .orderBy(asc(units.name));
}

export async function getUnit(db: Db, ctx: Ctx, id: number): Promise<Unit> {
  const [row] = await db
    .select()
    .from(units)
    .where(and(eq(units.officeId, ctx.actor.officeId), eq(units.id, id)));
  if (!row) throw notFound('unit', '单位', id);
  return row;
}

export async function createUnit(db: Db, ctx: Ctx, raw: unknown): Promise<Unit> {
  assertCan(ctx.actor, 'ledger.write', undefined, () => notFound('unit', '单位', ''));
  const input = unitInput.parse(raw);
  const [row] = await db
    .insert(units)
    .values({ ...input, officeId: ctx.actor.officeId })
    .onConflictDoNothing()
    .returning();
  if (!row) {
    throw new AppError('unit.duplicate', `单位“${input.name}”已存在`, {
      field: 'name',
      messageEn: `unit "${input.name}" already exists`,
    });
  }
  return row;
}

/** Finds a unit by name or creates it: imports and the demo name units, they don't number them. */
export async function ensureUnit(
  db: Db,
  ctx: Ctx,
  name: string,
  kind: Unit['kind'] = 'owner',
): Promise<{ unit: Unit; created: boolean }> {
  const [found] = await db
    .select()
    .from(units)
    .where(and(eq(units.officeId, ctx.actor.officeId), eq(units.name, name.trim())));
  if (found) return { unit: found, created: false };
  return { unit: await createUnit(db, ctx, { name, kind }), created: true };
}
