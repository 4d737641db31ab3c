/**
 * An office for a reliability run, made through the services as the admin would make it: units,
 * each with its projects, this year's plan and one reporter; coordinators and a leader. Every
 * account logs in with PASSWORD and need not change it first.
 */
import { eq } from 'drizzle-orm';
import type { Ctx } from '../../src/server/context.ts';
import type { Db } from '../../src/server/db.ts';
import { users } from '../../src/server/modules/accounts/accounts.table.ts';
import { createUser } from '../../src/server/modules/accounts/user-admin.service.ts';
import { ensureOffice, systemActor } from '../../src/server/modules/offices/offices.service.ts';
import { setPlan } from '../../src/server/modules/plans/plans.service.ts';
import { createProject, ensureArea } from '../../src/server/modules/projects/projects.service.ts';
import { ensureUnit } from '../../src/server/modules/units/units.service.ts';

export const PASSWORD = 'Tiaodu!Reliability-2026';

export type SeededUnit = {
  unitId: number;
  reporter: string;
  projects: { id: number; code: string }[];
};

export type SeededOffice = {
  officeId: number;
  year: number;
  units: SeededUnit[];
  coordinators: string[];
  leader: string;
};

/** This month in China Standard Time, where the office works. */
export function currentMonth(now = new Date()): { year: number; month: number } {
  const cst = new Date(now.getTime() + 8 * 3_600_000);
  return { year: cst.getUTCFullYear(), month: cst.getUTCMonth() + 1 };
}

async function account(
  db: Db,
  ctx: Ctx,
  username: string,
  role: 'reporter' | 'coordinator' | 'leader',
  unitId: number | null = null,
) {
  const { user } = await createUser(db, ctx, {
    username,
    displayName: username,
    role,
    unitId,
    password: PASSWORD,
  });
  await db.update(users).set({ mustChangePassword: false }).where(eq(users.id, user.id));
  return username;
}

export async function seedOffice(
  db: Db,
  opts: { units: number; projectsPerUnit?: number; coordinators?: number; now?: Date },
): Promise<SeededOffice> {
  const office = await ensureOffice(db);
  const now = opts.now ?? new Date();
  const ctx: Ctx = { actor: systemActor(office.id), now };
  const { year } = currentMonth(now);
  const area = (await ensureArea(db, ctx, '光明科学城核心片区')).row;
  const units: SeededUnit[] = [];
  for (let u = 1; u <= opts.units; u++) {
    const unit = (await ensureUnit(db, ctx, `建设单位${u}`)).unit;
    const projects: SeededUnit['projects'] = [];
    for (let p = 1; p <= (opts.projectsPerUnit ?? 1); p++) {
      const code = `R-${u}-${p}`;
      const row = await createProject(db, ctx, {
        code,
        name: `可靠性项目${u}-${p}`,
        areaId: area.id,
        ownerUnitId: unit.id,
        tags: u % 2 ? ['六重'] : [],
      });
      await setPlan(db, ctx, {
        projectId: row.id,
        year,
        annualTarget: '12000.00',
        timingTargets: Array.from({ length: 12 }, (_, i) => `${(i + 1) * 1000}.00`),
      });
      projects.push({ id: row.id, code });
    }
    units.push({
      unitId: unit.id,
      reporter: await account(db, ctx, `reporter-${u}`, 'reporter', unit.id),
      projects,
    });
  }
  const coordinators: string[] = [];
  for (let c = 1; c <= (opts.coordinators ?? 1); c++) {
    coordinators.push(await account(db, ctx, `coordinator-${c}`, 'coordinator'));
  }
  const leader = await account(db, ctx, 'leader-1', 'leader');
  return { officeId: office.id, year, units, coordinators, leader };
}
