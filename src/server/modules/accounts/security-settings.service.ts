import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { notFound, staleVersion } from '../../errors.ts';
import { assertCan } from '../../policy.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { diff } from './account-views.ts';
import { securitySettings } from './accounts.table.ts';
import {
  DEFAULT_SECURITY_SETTINGS,
  type SecuritySettings,
  securitySettingsInput,
} from './password-policy.ts';

// The office's password, lockout and session policy (security admin).

export async function getSecuritySettings(
  db: Db,
  officeId: number,
): Promise<SecuritySettings & { version: number }> {
  const [row] = await db
    .select()
    .from(securitySettings)
    .where(eq(securitySettings.officeId, officeId));
  return row
    ? { ...DEFAULT_SECURITY_SETTINGS, ...row.settings, version: row.version }
    : { ...DEFAULT_SECURITY_SETTINGS, version: 0 };
}

export const securitySettingsPut = securitySettingsInput.extend({
  version: z.number().int().min(0),
});

export async function updateSecuritySettings(
  db: Db,
  ctx: Ctx,
  raw: z.input<typeof securitySettingsPut>,
): Promise<SecuritySettings & { version: number }> {
  assertCan(ctx.actor, 'security.write', undefined, () => notFound('settings', '设置', ''));
  const { version, ...settings } = securitySettingsPut.parse(raw);
  const current = await getSecuritySettings(db, ctx.actor.officeId);
  if (version !== current.version) throw staleVersion('settings', { version: current.version });
  const saved =
    current.version === 0
      ? await db
          .insert(securitySettings)
          .values({
            officeId: ctx.actor.officeId,
            settings,
            updatedBy: ctx.actor.name,
            updatedAt: ctx.now,
          })
          .onConflictDoNothing()
          .returning()
      : await db
          .update(securitySettings)
          .set({ settings, version: version + 1, updatedBy: ctx.actor.name, updatedAt: ctx.now })
          .where(
            and(
              eq(securitySettings.officeId, ctx.actor.officeId),
              eq(securitySettings.version, version),
            ),
          )
          .returning();
  if (saved.length === 0) throw staleVersion('settings', { version: current.version });
  const { version: _v, ...before } = current;
  const d = diff(before, settings);
  await appendAudit(db, ctx, [
    {
      action: 'security.settings_update',
      objectType: 'security_settings',
      objectId: ctx.actor.officeId,
      before: d.before,
      after: d.after,
    },
  ]);
  return getSecuritySettings(db, ctx.actor.officeId);
}
