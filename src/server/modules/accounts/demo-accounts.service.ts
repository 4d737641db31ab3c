import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { readEnv } from '../../env.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { systemActor } from '../offices/offices.service.ts';
import { ensureUnit } from '../units/units.service.ts';
import { safeFields } from './account-views.ts';
import { type AccountRole, sessions, users } from './accounts.table.ts';
import { hashPassword } from './crypto.ts';
import { DEMO_PASSWORD } from './password-policy.ts';

// The demo office's accounts: a published password, for trying Tiaodu; never in production.

/**
 * Production mode (NODE_ENV=production): no account with the published demo password is created
 * or let in, whatever the database holds (a demo database started in production, a restore).
 */
export const isProduction = (env: { NODE_ENV?: string } = readEnv()): boolean =>
  env.NODE_ENV === 'production';

const demoInProduction = () =>
  new AppError(
    'demo.production',
    '生产模式不载入演示数据；用 `npx tiaodu users create-admin --username <name>` 创建第一个管理员 / no demo data in production',
    {
      messageEn:
        'production mode (NODE_ENV=production) never loads the demo; create the first admin with `npx tiaodu users create-admin --username <name>`',
    },
  );

/** Refuses, before anything is written, to build demo data in production. */
export function assertDemoAllowed(env?: { NODE_ENV?: string }): void {
  if (isProduction(env)) throw demoInProduction();
}

/**
 * The demo office's log-ins, while any of them still has the published password. Production has
 * none to show, even when the database holds demo accounts.
 */
export async function demoInfo(
  db: Db,
  officeId: number,
  opts: { production?: boolean } = {},
): Promise<
  { demo: true; password: string; accounts: { username: string; role: string }[] } | { demo: false }
> {
  if (opts.production) return { demo: false };
  const rows = await db
    .select({ username: users.username, role: users.role })
    .from(users)
    .where(and(eq(users.officeId, officeId), eq(users.demo, true), isNull(users.disabledAt)))
    .orderBy(asc(users.id));
  return rows.length === 0
    ? { demo: false }
    : { demo: true, password: DEMO_PASSWORD, accounts: rows };
}

export const DEMO_ACCOUNTS: {
  username: string;
  role: AccountRole;
  displayName: string;
  unit?: string;
}[] = [
  { username: 'coord', role: 'coordinator', displayName: '统筹（演示）' },
  { username: 'leader', role: 'leader', displayName: '领导（演示）' },
  { username: 'sysadmin', role: 'sysadmin', displayName: '系统管理员（演示）' },
  { username: 'secadmin', role: 'secadmin', displayName: '安全管理员（演示）' },
  { username: 'auditadmin', role: 'auditadmin', displayName: '审计管理员（演示）' },
  {
    username: 'reporter-gws',
    role: 'reporter',
    displayName: '市建筑工务署填报员（演示）',
    unit: '市建筑工务署',
  },
  {
    username: 'reporter-qgws',
    role: 'reporter',
    displayName: '区建筑工务署填报员（演示）',
    unit: '区建筑工务署',
  },
  {
    // the owner of most projects, and of the red ones the supervision journey starts from
    username: 'reporter-jtj',
    role: 'reporter',
    displayName: '区交通运输局填报员（演示）',
    unit: '光明区交通运输局',
  },
];

/**
 * Creates the demo office's accounts (password Tiaodu-demo-2023, not forced to change, TOTP not
 * enforced) and their two units, when absent, and answers the log-ins that still have that
 * password. Refused in production: a production installation has no account with a known
 * password.
 */
export async function ensureDemoAccounts(
  db: Db,
  ctx: Ctx,
): Promise<{ username: string; role: string }[]> {
  assertDemoAllowed();
  const unitIds = new Map<string, number>();
  for (const name of new Set(DEMO_ACCOUNTS.flatMap((a) => (a.unit ? [a.unit] : [])))) {
    unitIds.set(name, (await ensureUnit(db, ctx, name)).unit.id);
  }
  // One hash for all: the password is published anyway, and at the policy's cost seven hashes
  // would take seconds and 128 MiB each.
  const hash = await hashPassword(DEMO_PASSWORD);
  const created = await db
    .insert(users)
    .values(
      DEMO_ACCOUNTS.map((a) => ({
        officeId: ctx.actor.officeId,
        username: a.username,
        displayName: a.displayName,
        role: a.role,
        unitId: a.unit ? unitIds.get(a.unit)! : null,
        passwordHash: hash,
        passwordChangedAt: ctx.now,
        mustChangePassword: false,
        demo: true,
        updatedBy: ctx.actor.name,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })),
    )
    .onConflictDoNothing()
    .returning();
  if (created.length > 0) {
    await appendAudit(
      db,
      ctx,
      created.map((u) => ({
        action: 'user.create',
        objectType: 'user',
        objectId: u.id,
        after: { ...safeFields(u), demo: true },
      })),
    );
  }
  // The log-ins that still have the published password (a changed one is no longer listed).
  const still = await db
    .select({ username: users.username })
    .from(users)
    .where(and(eq(users.officeId, ctx.actor.officeId), eq(users.demo, true)));
  const demo = new Set(still.map((u) => u.username));
  return DEMO_ACCOUNTS.filter((a) => demo.has(a.username)).map((a) => ({
    username: a.username,
    role: a.role,
  }));
}

/**
 * Disables every enabled demo account (any office) and ends its sessions, recorded in the audit
 * log: what production does with accounts whose password is published, after a restore or when
 * a demo database is started in production. Answers the user names disabled.
 */
export async function disableDemoAccounts(
  db: Db,
  now: Date,
  reason: 'restore_into_production' | 'started_in_production',
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const disabled = await tx
      .update(users)
      .set({
        disabledAt: now,
        version: sql`${users.version} + 1`,
        updatedBy: '系统',
        updatedAt: now,
      })
      .where(and(eq(users.demo, true), isNull(users.disabledAt)))
      .returning();
    if (disabled.length === 0) return [];
    await tx
      .update(sessions)
      .set({ revokedAt: now, revokedReason: 'demo_disabled' })
      .where(
        and(
          inArray(
            sessions.userId,
            disabled.map((u) => u.id),
          ),
          isNull(sessions.revokedAt),
        ),
      );
    for (const officeId of new Set(disabled.map((u) => u.officeId))) {
      await appendAudit(
        tx,
        { actor: systemActor(officeId), now },
        disabled
          .filter((u) => u.officeId === officeId)
          .map((u) => ({
            action: 'user.disable',
            objectType: 'user',
            objectId: u.id,
            before: { disabled: false },
            after: { disabled: true },
            detail: `demo account (published password): ${reason}`,
          })),
      );
    }
    return disabled.map((u) => u.username);
  });
}
