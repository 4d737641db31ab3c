import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { type Action, can } from '../../policy.ts';
import { systemActor } from '../offices/offices.service.ts';
import { ensureUnit } from '../units/units.service.ts';
import type { AccountRole } from './accounts.table.ts';

/**
 * `/api/auth/me` tells the web app what the caller may do, computed by can(): the web shows
 * menus and buttons from this alone, so it can never offer what the server then refuses.
 */

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let unitId: number;

beforeAll(async () => {
  t = await createTestApp({ auth: 'session' });
  const sys: Ctx = { actor: systemActor(t.officeId), now: t.clock.now };
  unitId = (await ensureUnit(t.database.db, sys, '能力单位')).unit.id;
});
afterAll(() => t.close());

async function me(role: AccountRole) {
  const s = await t.loginAs(role, role === 'reporter' ? { unitId } : {});
  const res = await t.app.inject({ url: '/api/auth/me', headers: s.headers });
  expect(res.statusCode).toBe(200);
  return res.json() as {
    user: { role: string };
    capabilities: { actions: Record<Action, boolean>; home: string };
  };
}

const ROLES: AccountRole[] = [
  'coordinator',
  'reporter',
  'leader',
  'sysadmin',
  'secadmin',
  'auditadmin',
];

describe('/api/auth/me capabilities', () => {
  it('are can() for every action, for every role', async () => {
    for (const role of ROLES) {
      const body = await me(role);
      const actor = {
        id: 'x',
        name: 'x',
        role,
        officeId: t.officeId,
        unitId: role === 'reporter' ? unitId : null,
      };
      const actions = body.capabilities.actions;
      expect(Object.keys(actions).length).toBeGreaterThanOrEqual(13);
      for (const [action, allowed] of Object.entries(actions)) {
        expect(allowed, `${role} ${action}`).toBe(can(actor, action as Action));
      }
    }
  });

  it('give each duty its own menus: the security admin has no audit log', async () => {
    const sec = (await me('secadmin')).capabilities;
    expect(sec.actions['audit.read']).toBe(false);
    expect(sec.actions['user.grant']).toBe(true);
    expect(sec.actions['user.manage']).toBe(false);
    expect(sec.home).toBe('users');
    const audit = (await me('auditadmin')).capabilities;
    expect(audit.actions['audit.read']).toBe(true);
    expect(audit.actions.read).toBe(false);
    expect(audit.home).toBe('audit');
    const leader = (await me('leader')).capabilities;
    expect(leader.actions.read).toBe(true);
    expect(Object.entries(leader.actions).filter(([, v]) => v)).toEqual([
      ['read', true],
      // the office-wide documents (monthly bulletin): read, not written
      ['document.read', true],
    ]);
    expect(leader.home).toBe('dashboard');
    const reporter = (await me('reporter')).capabilities;
    expect(reporter.actions['milestone.write']).toBe(true);
    expect(reporter.actions['report.review']).toBe(false);
    expect(reporter.home).toBe('report');
    expect((await me('coordinator')).capabilities.home).toBe('dashboard');
    expect((await me('sysadmin')).capabilities.home).toBe('users');
  });
});
