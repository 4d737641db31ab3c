import { eq } from 'drizzle-orm';
import type { Actor } from '../../context.ts';
import type { Db } from '../../db.ts';
import { offices } from './offices.table.ts';

export const DEFAULT_OFFICE_CODE = 'default';

/** Returns the office with this code, creating it on first use: one office by default. */
export async function ensureOffice(
  db: Db,
  input: { code?: string; name?: string } = {},
): Promise<{ id: number; code: string; name: string }> {
  const code = input.code ?? DEFAULT_OFFICE_CODE;
  const [found] = await db.select().from(offices).where(eq(offices.code, code));
  if (found) return found;
  const [created] = await db
    .insert(offices)
    .values({ code, name: input.name ?? '重大项目调度办公室' })
    .onConflictDoNothing()
    .returning();
  if (created) return created;
  const [raced] = await db.select().from(offices).where(eq(offices.code, code));
  return raced!;
}

/** The office's name as documents and workbooks print it ('' for an office that is gone). */
export async function officeName(db: Db, officeId: number): Promise<string> {
  const [row] = await db
    .select({ name: offices.name })
    .from(offices)
    .where(eq(offices.id, officeId));
  return row?.name ?? '';
}

export async function renameOffice(db: Db, officeId: number, name: string): Promise<void> {
  await db.update(offices).set({ name }).where(eq(offices.id, officeId));
}

/** The actor the CLI and the demo loader act as. */
export function systemActor(officeId: number): Actor {
  return { id: 'system', name: '系统', role: 'system', officeId, unitId: null };
}
