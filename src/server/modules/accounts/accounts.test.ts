import { eq, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  TEST_PASSWORD,
  TEST_SECRET_KEY,
  type TestLogin,
  totpCode,
} from '../../../../test/test-app.ts';
import { createTestDatabase } from '../../../../test/test-db.ts';
import { buildApp } from '../../app.ts';
import { queryRows } from '../../db.ts';
import { readEnv } from '../../env.ts';
import { ensureOffice, systemActor } from '../offices/offices.service.ts';
import { ensureUnit } from '../units/units.service.ts';
import { securitySettings, sessions, users } from './accounts.table.ts';
import {
  configureSecretKey,
  DEVELOPMENT_SECRET_KEY,
  hashPassword,
  needsRehash,
  passwordHashCost,
} from './crypto.ts';
import { ensureDemoAccounts } from './demo-accounts.service.ts';
import { DEMO_PASSWORD } from './password-policy.ts';
import { createUser } from './user-admin.service.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;

beforeAll(async () => {
  t = await createTestApp({ auth: 'session' });
});
afterAll(() => t.close());

const MIN = 60_000;

function as(login: TestLogin | null, method: string, url: string, payload?: unknown) {
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: login ? login.headers : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

const codeAt = (secret: string, at: Date) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() });

/** Enrols TOTP for a logged-in account and returns the secret. */
async function enrolTotp(login: TestLogin): Promise<string> {
  const enrol = await as(login, 'POST', '/api/auth/totp/enroll');
  expect(enrol.statusCode, enrol.body).toBe(200);
  const { secret, otpauthUrl } = enrol.json();
  expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
  const ok = await as(login, 'POST', '/api/auth/totp/confirm', {
    code: codeAt(secret, t.clock.now),
  });
  expect(ok.statusCode, ok.body).toBe(204);
  return secret;
}

describe('log-in contract', () => {
  it('answers the user and a CSRF token, and sets an HttpOnly SameSite=Lax cookie', async () => {
    const unit = (
      await ensureUnit(
        t.database.db,
        { actor: systemActor(t.officeId), now: t.clock.now },
        '市建筑工务署',
      )
    ).unit;
    const u = await t.createUser({
      username: 'rep1',
      role: 'reporter',
      unitId: unit.id,
      displayName: '填报一',
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'REP1 ', password: u.password },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['csrfToken', 'user']);
    expect(body.user).toEqual({
      id: u.id,
      username: 'rep1',
      displayName: '填报一',
      role: 'reporter',
      unitId: unit.id,
      unitName: '市建筑工务署',
      mustChangePassword: false,
      totpEnabled: false,
      passwordReset: null,
    });
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    const cookie = res.cookies.find((c) => c.name === 'tiaodu_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(res.headers['cache-control']).toBe('no-store');
    // /me answers the same body, plus what the user may do (capabilities.test.ts)
    const me = await t.app.inject({
      url: '/api/auth/me',
      headers: { cookie: `tiaodu_session=${cookie.value}` },
    });
    expect(me.statusCode).toBe(200);
    const { capabilities, ...rest } = me.json();
    expect(rest).toEqual(body);
    expect(capabilities.home).toBe('report');
    // the token is not what the database stores
    const stored = await t.database.db.select({ id: sessions.id }).from(sessions);
    expect(stored.map((s) => s.id)).not.toContain(cookie.value);
  });

  it('refuses a wrong password and an unknown user alike, with 401 auth.invalid', async () => {
    await t.createUser({ username: 'alice', role: 'coordinator' });
    const wrong = await t.login('alice', 'Not-the-password-1');
    const unknown = await t.login('nobody', 'Not-the-password-1');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect((wrong.body.error as { code: string }).code).toBe('auth.invalid');
    expect(wrong.cookie).toBe('');
  });

  it('answers 401 auth.required without a session, and lets log-in, demo, docs and health through', async () => {
    for (const url of ['/api/projects', '/api/auth/me', '/api/admin/users', '/api/audit']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('auth.required');
    }
    // The gate works on the matched route: a path that matches none is simply not there.
    expect((await t.app.inject({ url: '/api/nope' })).statusCode).toBe(404);
    const post = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      payload: { code: 'X', name: 'X' },
    });
    expect(post.statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/demo' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/docs/json' })).statusCode).toBe(200);
    const garbage = await t.app.inject({
      url: '/api/projects',
      headers: { cookie: 'tiaodu_session=forged' },
    });
    expect(garbage.statusCode).toBe(401);
    expect(garbage.json().error.code).toBe('auth.session_expired');
  });

  it('a fresh installation has no account with a known password, and no demo', async () => {
    const fresh = await createTestApp({ auth: 'session' });
    try {
      expect((await fresh.app.inject({ url: '/api/auth/demo' })).json()).toEqual({ demo: false });
      const [{ n }] = await queryRows<{ n: number }>(
        fresh.database.db,
        sql`select count(*)::int as n from users`,
      );
      expect(n).toBe(0);
      for (const [u, p] of [
        ['admin', 'admin'],
        ['sysadmin', DEMO_PASSWORD],
        ['coord', DEMO_PASSWORD],
      ]) {
        expect((await fresh.login(u, p)).status).toBe(401);
      }
    } finally {
      await fresh.close();
    }
  });
});

describe('lockout, with a controllable clock', () => {
  it('locks after 5 failures for 15 minutes, then lets the right password in again', async () => {
    const u = await t.createUser({ username: 'locky', role: 'coordinator' });
    for (let i = 1; i <= 4; i++) {
      const r = await t.login('locky', 'Wrong-password-1');
      expect(r.status, `attempt ${i}`).toBe(401);
    }
    // Locked, the account answers exactly like an unknown user name, so a guesser learns
    // neither that it exists nor that it is locked (nor, later, that a guess was right).
    const unknown = (await t.login('no-such-user', 'Wrong-password-1')).body.error;
    const fifth = await t.login('locky', 'Wrong-password-1');
    expect(fifth.status).toBe(401);
    expect(fifth.body.error).toEqual(unknown);
    expect((fifth.body.error as { message: string }).message).toMatch(/5 次错误.*15 分钟/);
    const [locked] = await t.database.db.select().from(users).where(eq(users.id, u.id));
    expect(locked.lockedUntil).not.toBeNull();
    // the right password does not help while locked
    const right = await t.login('locky', u.password);
    expect(right.status).toBe(401);
    expect(right.body.error).toEqual(unknown);
    t.clock.now = new Date(t.clock.now.getTime() + 14 * MIN);
    expect((await t.login('locky', u.password)).status).toBe(401);
    t.clock.now = new Date(t.clock.now.getTime() + 1 * MIN + 1000);
    const ok = await t.login('locky', u.password);
    expect(ok.status).toBe(200);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, u.id));
    expect(row).toMatchObject({ failedAttempts: 0, lockedUntil: null });
  });

  it('a successful log-in resets the count', async () => {
    const u = await t.createUser({ username: 'resetty', role: 'leader' });
    for (let i = 0; i < 4; i++) await t.login('resetty', 'Wrong-password-1');
    expect((await t.login('resetty', u.password)).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await t.login('resetty', 'Wrong-password-1')).status).toBe(401);
  });

  it('the security admin unlocks at once', async () => {
    const u = await t.createUser({ username: 'unlockme', role: 'coordinator' });
    for (let i = 0; i < 5; i++) await t.login('unlockme', 'Wrong-password-1');
    expect((await t.login('unlockme', u.password)).status).toBe(401);
    const sec = await t.createUser({ username: 'sec1', role: 'secadmin' });
    await t.database.db.update(users).set({ demo: true }).where(eq(users.id, sec.id)); // no TOTP here
    const s = await t.login('sec1', sec.password);
    const coordOnly = await t.createUser({ username: 'notsec', role: 'coordinator' });
    const c = await t.login('notsec', coordOnly.password);
    expect((await as(c, 'POST', `/api/admin/users/${u.id}/unlock`)).statusCode).toBe(403);
    const res = await as(s, 'POST', `/api/admin/users/${u.id}/unlock`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ locked: false, failedAttempts: 0 });
    expect((await t.login('unlockme', u.password)).status).toBe(200);
  });
});

describe('sessions', () => {
  it('end after 30 idle minutes, and activity keeps them alive', async () => {
    const u = await t.createUser({ username: 'idle', role: 'coordinator' });
    const s = await t.login('idle', u.password);
    for (let i = 0; i < 4; i++) {
      t.clock.now = new Date(t.clock.now.getTime() + 29 * MIN);
      expect((await as(s, 'GET', '/api/projects')).statusCode, `after ${(i + 1) * 29} min`).toBe(
        200,
      );
    }
    t.clock.now = new Date(t.clock.now.getTime() + 31 * MIN);
    const res = await as(s, 'GET', '/api/projects');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('auth.session_expired');
    // ended for good, even if the clock were to go back
    t.clock.now = new Date(t.clock.now.getTime() - 31 * MIN);
    expect((await as(s, 'GET', '/api/projects')).statusCode).toBe(401);
    t.clock.now = new Date(t.clock.now.getTime() + 31 * MIN);
  });

  it('end at their absolute lifetime (12 hours) however active', async () => {
    const u = await t.createUser({ username: 'marathon', role: 'leader' });
    const s = await t.login('marathon', u.password);
    for (let h = 0; h < 24 * 2 - 1; h++) {
      t.clock.now = new Date(t.clock.now.getTime() + 15 * MIN);
      expect((await as(s, 'GET', '/api/auth/me')).statusCode, `${h}`).toBe(200);
    }
    t.clock.now = new Date(t.clock.now.getTime() + 15 * MIN);
    expect((await as(s, 'GET', '/api/auth/me')).statusCode).toBe(401);
  });

  it('log-out ends this session; log-out-all ends every session of the account', async () => {
    const u = await t.createUser({ username: 'multi', role: 'coordinator' });
    const a = await t.login('multi', u.password);
    const b = await t.login('multi', u.password);
    const c = await t.login('multi', u.password);
    const out = await as(a, 'POST', '/api/auth/logout');
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((k) => k.name === 'tiaodu_session')?.value).toBe('');
    expect((await as(a, 'GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await as(b, 'GET', '/api/auth/me')).statusCode).toBe(200);
    expect((await as(b, 'POST', '/api/auth/logout-all')).statusCode).toBe(204);
    expect((await as(b, 'GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await as(c, 'GET', '/api/auth/me')).statusCode).toBe(401);
    // logging out without a session is harmless
    expect((await as(null, 'POST', '/api/auth/logout')).statusCode).toBe(204);
  });

  it('a new log-in in the same browser replaces the old session', async () => {
    const u = await t.createUser({ username: 'fixation', role: 'coordinator' });
    const first = await t.login('fixation', u.password);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: first.cookie },
      payload: { username: 'fixation', password: u.password },
    });
    expect(again.statusCode).toBe(200);
    expect((await as(first, 'GET', '/api/auth/me')).statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses every state-changing request without the session token, and takes it with', async () => {
    const u = await t.createUser({ username: 'csrf', role: 'coordinator' });
    const s = await t.login('csrf', u.password);
    const payload = { code: 'CSRF-1', name: 'CSRF 项目' };
    const none = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { cookie: s.cookie },
      payload,
    });
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('auth.csrf_invalid');
    const other = await t.createUser({ username: 'csrf2', role: 'coordinator' });
    const s2 = await t.login('csrf2', other.password);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { cookie: s.cookie, 'x-csrf-token': s2.csrfToken },
      payload,
    });
    expect(wrong.statusCode).toBe(403);
    for (const [method, url] of [
      ['PATCH', '/api/projects/CSRF-1'],
      ['PUT', '/api/settings/warnings'],
      ['POST', '/api/auth/logout'],
      ['POST', '/api/auth/password'],
    ]) {
      const r = await t.app.inject({
        method: method as 'POST',
        url,
        headers: { cookie: s.cookie },
        payload: {},
      });
      expect(r.statusCode, `${method} ${url}`).toBe(403);
    }
    expect((await as(s, 'POST', '/api/projects', payload)).statusCode).toBe(201);
    // reads need no token
    const read = await t.app.inject({ url: '/api/projects/CSRF-1', headers: { cookie: s.cookie } });
    expect(read.statusCode).toBe(200);
  });
});

describe('TOTP (RFC 6238)', () => {
  it('enrols, then asks for a code at log-in and refuses wrong and replayed codes', async () => {
    const u = await t.createUser({ username: 'twofa', role: 'coordinator' });
    const s = await t.login('twofa', u.password);
    const bad = await as(s, 'POST', '/api/auth/totp/confirm', { code: '000000' });
    expect(bad.statusCode).toBe(400);
    const secret = await enrolTotp(s);
    expect((await as(s, 'GET', '/api/auth/me')).json().user.totpEnabled).toBe(true);
    // the secret is stored sealed, not in clear
    const [row] = await t.database.db.select().from(users).where(eq(users.id, u.id));
    expect(row.totpSecret).toMatch(/^v1\./);
    expect(row.totpSecret).not.toContain(secret);

    const missing = await t.login('twofa', u.password);
    expect(missing.status).toBe(401);
    expect((missing.body.error as { code: string }).code).toBe('auth.totp_required');
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    const wrongCode = String((Number(codeAt(secret, t.clock.now)) + 1) % 1_000_000).padStart(
      6,
      '0',
    );
    const wrong = await t.login('twofa', u.password, wrongCode);
    expect(wrong.status).toBe(401);
    expect((wrong.body.error as { code: string }).code).toBe('auth.totp_invalid');
    const code = codeAt(secret, t.clock.now);
    expect((await t.login('twofa', u.password, code)).status).toBe(200);
    // the same code again (replay) is refused
    expect((await t.login('twofa', u.password, code)).status).toBe(401);
    // a code from 30 s ago is past (already used step) — a fresh one 30 s later works
    t.clock.now = new Date(t.clock.now.getTime() + 30_000);
    expect((await t.login('twofa', u.password, codeAt(secret, t.clock.now))).status).toBe(200);
  });

  it('an admin duty must enrol before doing anything else, unless it is a demo account', async () => {
    const u = await t.createUser({ username: 'sys2', role: 'sysadmin' });
    const s = await t.login('sys2', u.password);
    expect(s.status).toBe(200);
    const refused = await as(s, 'GET', '/api/admin/users');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('auth.totp_enrollment_required');
    await enrolTotp(s);
    expect((await as(s, 'GET', '/api/admin/users')).statusCode).toBe(200);
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    expect((await t.login('sys2', u.password)).status).toBe(401);
  });
});

describe('passwords', () => {
  it('forces a change at first log-in and after an admin reset, with the policy and no reuse of the last 5', async () => {
    const u = await t.createUser({
      username: 'newbie',
      role: 'coordinator',
      mustChangePassword: true,
    });
    const s = await t.login('newbie', u.password);
    expect(s.status).toBe(200);
    expect((s.body.user as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    const blocked = await as(s, 'GET', '/api/projects');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('auth.password_change_required');

    const change = (currentPassword: string, newPassword: string) =>
      as(s, 'POST', '/api/auth/password', { currentPassword, newPassword });
    const wrongCurrent = await change('Not-mine-123', 'Fresh-Pass-2026');
    expect(wrongCurrent.statusCode).toBe(400);
    expect(wrongCurrent.json().error).toMatchObject({
      code: 'password.current_invalid',
      field: 'currentPassword',
    });
    for (const [pw, code] of [
      ['Ab1!', 'password.too_short'],
      ['alllowercase', 'password.too_simple'],
      ['NoDigitsHere', 'password.too_simple'],
      ['Newbie-2026!', 'password.contains_username'],
      ['P@ssw0rd', 'password.common'],
      [DEMO_PASSWORD, 'password.common'],
      [u.password, 'password.reused'],
    ]) {
      const r = await change(u.password, pw);
      expect(r.statusCode, pw).toBe(400);
      expect(r.json().error, pw).toMatchObject({ code, field: 'newPassword' });
    }
    const other = await t.login('newbie', u.password);
    let current = u.password;
    const used = [u.password];
    for (let i = 1; i <= 5; i++) {
      const next = `Rotate-${i}-Pass#`;
      const r = await change(current, next);
      expect(r.statusCode, r.body).toBe(204);
      current = next;
      used.push(next);
    }
    // the other session ended with the first change; this one stays
    expect((await as(other, 'GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await as(s, 'GET', '/api/projects')).statusCode).toBe(200);
    // the last 5 are refused, the 6th back is allowed again
    for (const old of used.slice(-5))
      expect((await change(current, old)).json().error.code).toBe('password.reused');
    expect((await change(current, used[0])).statusCode).toBe(204);
  });

  it('an admin reset gives a one-time password that must be changed', async () => {
    const sys = await t.createUser({ username: 'sys3', role: 'sysadmin' });
    await t.database.db.update(users).set({ demo: true }).where(eq(users.id, sys.id));
    const admin = await t.login('sys3', sys.password);
    const u = await t.createUser({ username: 'forgetful', role: 'leader' });
    const before = await t.login('forgetful', u.password);
    const reset = await as(admin, 'POST', `/api/admin/users/${u.id}/reset-password`);
    expect(reset.statusCode, reset.body).toBe(200);
    const { temporaryPassword } = reset.json();
    expect(temporaryPassword).toMatch(/^.{16}$/);
    expect((await as(before, 'GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await t.login('forgetful', u.password)).status).toBe(401);
    const s = await t.login('forgetful', temporaryPassword);
    expect((s.body.user as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
  });

  it('expire after the configured age when the policy says so', async () => {
    const sec = await t.createUser({ username: 'sec4', role: 'secadmin' });
    await t.database.db.update(users).set({ demo: true }).where(eq(users.id, sec.id));
    const s = await t.login('sec4', sec.password);
    const current = (await as(s, 'GET', '/api/admin/security-settings')).json();
    const put = await as(s, 'PUT', '/api/admin/security-settings', {
      ...current,
      passwordMaxAgeDays: 90,
    });
    expect(put.statusCode, put.body).toBe(200);
    const stale = await as(s, 'PUT', '/api/admin/security-settings', {
      ...current,
      passwordMaxAgeDays: 60,
    });
    expect(stale.statusCode).toBe(409);
    const weak = await as(s, 'PUT', '/api/admin/security-settings', {
      ...(put.json() as object),
      passwordMinLength: 6,
    });
    expect(weak.statusCode).toBe(400);
    const u = await t.createUser({ username: 'aging', role: 'leader' });
    t.clock.now = new Date(t.clock.now.getTime() + 91 * 86_400_000);
    const old = await t.login('aging', u.password);
    expect((old.body.user as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    expect((await as(old, 'GET', '/api/projects')).statusCode).toBe(403);
    await t.database.db.delete(securitySettings);
  });

  it('login is rate-limited per address', async () => {
    const limited = await createTestApp({
      auth: 'session',
      loginRateLimit: { max: 3, timeWindowMs: 60_000 },
    });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.login('x', 'y')).status).toBe(401);
      const r = await limited.login('x', 'y');
      expect(r.status).toBe(429);
      expect((r.body.error as { code: string }).code).toBe('auth.rate_limited');
    } finally {
      await limited.close();
    }
  });
});

describe('administration', () => {
  let sys: TestLogin;
  let sec: TestLogin;
  let sysSecret: string;
  let unitA: number;
  let unitB: number;
  beforeAll(async () => {
    const ctx = { actor: systemActor(t.officeId), now: t.clock.now };
    unitA = (await ensureUnit(t.database.db, ctx, '甲单位')).unit.id;
    unitB = (await ensureUnit(t.database.db, ctx, '乙单位')).unit.id;
    for (const [name, role] of [
      ['adm-sys', 'sysadmin'],
      ['adm-sec', 'secadmin'],
    ] as const) {
      const u = await t.createUser({ username: name, role });
      const s = await t.login(name, u.password);
      const secret = await enrolTotp(s);
      if (role === 'sysadmin') {
        sys = s;
        sysSecret = secret;
      } else sec = s;
    }
  });

  it('the system admin creates business accounts, not admin duties, and ignores role, unit and office in edits', async () => {
    const created = await as(sys, 'POST', '/api/admin/users', {
      username: 'Zhang.San',
      displayName: '张三',
      role: 'reporter',
      unitId: unitA,
      phone: '13800138000',
      email: 'zhang@example.cn',
      officeId: 999,
    });
    expect(created.statusCode, created.body).toBe(201);
    const { user, temporaryPassword } = created.json();
    expect(user).toMatchObject({
      username: 'zhang.san',
      role: 'reporter',
      unitId: unitA,
      phone: '13800138000',
      mustChangePassword: true,
    });
    expect(temporaryPassword).toBeTruthy();
    // contact data is sealed at rest
    const [row] = await t.database.db.select().from(users).where(eq(users.id, user.id));
    expect(row.officeId).toBe(t.officeId);
    expect(row.phone).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain('13800138000');
    // the list masks it
    const list = await as(sys, 'GET', '/api/admin/users?q=zhang');
    expect(list.json().items[0].phone).toBe('138****8000');

    const dup = await as(sys, 'POST', '/api/admin/users', {
      username: 'zhang.san',
      displayName: 'x',
      role: 'leader',
    });
    expect(dup.statusCode).toBe(409);
    const duty = await as(sys, 'POST', '/api/admin/users', {
      username: 'wannabe',
      displayName: 'x',
      role: 'secadmin',
    });
    expect(duty.statusCode).toBe(400);
    expect(duty.json().error.code).toBe('user.role_forbidden');
    const noUnit = await as(sys, 'POST', '/api/admin/users', {
      username: 'nounit',
      displayName: 'x',
      role: 'reporter',
    });
    expect(noUnit.json().error).toMatchObject({ code: 'user.unit_required', field: 'unitId' });
    expect(
      (
        await as(sec, 'POST', '/api/admin/users', {
          username: 'bysec',
          displayName: 'x',
          role: 'leader',
        })
      ).statusCode,
    ).toBe(403);

    // mass assignment: the system admin's role/unit/office fields are ignored
    const patch = await as(sys, 'PATCH', `/api/admin/users/${user.id}`, {
      version: user.version,
      displayName: '张三丰',
      role: 'coordinator',
      unitId: unitB,
      officeId: 999,
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json()).toMatchObject({ displayName: '张三丰', role: 'reporter', unitId: unitA });
    // stale version: 409 naming who changed it
    const stale = await as(sys, 'PATCH', `/api/admin/users/${user.id}`, {
      version: user.version,
      displayName: '旧',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'user.stale', updatedBy: 'adm-sys' });
  });

  it('the security admin changes roles and units, which ends the account sessions at once', async () => {
    const u = await t.createUser({ username: 'mover', role: 'reporter', unitId: unitA });
    const s = await t.login('mover', u.password);
    expect((await as(s, 'GET', '/api/projects')).statusCode).toBe(200);
    const current = (await as(sec, 'GET', `/api/admin/users/${u.id}`)).json();
    // the security admin may not touch names or contacts (ignored)
    const res = await as(sec, 'PATCH', `/api/admin/users/${u.id}`, {
      version: current.version,
      unitId: unitB,
      displayName: 'ignored',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ unitId: unitB, displayName: 'mover' });
    expect((await as(s, 'GET', '/api/projects')).statusCode).toBe(401);
    const s2 = await t.login('mover', u.password);
    expect((s2.body.user as { unitId: number }).unitId).toBe(unitB);
    const toLeader = await as(sec, 'PATCH', `/api/admin/users/${u.id}`, {
      version: res.json().version,
      role: 'leader',
      unitId: null,
    });
    expect(toLeader.statusCode).toBe(200);
    expect((await as(s2, 'GET', '/api/auth/me')).statusCode).toBe(401);
    // nobody changes their own role (nor anything of their own duty)
    const self = (await as(sec, 'GET', '/api/auth/me')).json().user;
    const own = (await as(sec, 'GET', `/api/admin/users/${self.id}`)).json();
    const mine = await as(sec, 'PATCH', `/api/admin/users/${self.id}`, {
      version: own.version,
      role: 'sysadmin',
    });
    expect(mine.statusCode).toBe(403);
    expect(mine.json().error.code).toBe('account.forbidden');
  });

  it('disabling an account ends its sessions and refuses its log-in; the inactive filter finds idle ones', async () => {
    const u = await t.createUser({ username: 'leaving', role: 'coordinator' });
    const s = await t.login('leaving', u.password);
    expect((await as(sec, 'POST', `/api/admin/users/${u.id}/disable`)).statusCode).toBe(403);
    const res = await as(sys, 'POST', `/api/admin/users/${u.id}/disable`, { disabled: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().disabled).toBe(true);
    expect((await as(s, 'GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await t.login('leaving', u.password)).status).toBe(401);
    expect(
      (await as(sys, 'POST', `/api/admin/users/${u.id}/disable`, { disabled: false })).json()
        .disabled,
    ).toBe(false);
    expect((await t.login('leaving', u.password)).status).toBe(200);

    const idle = await t.createUser({ username: 'sleeper', role: 'leader' });
    t.clock.now = new Date(t.clock.now.getTime() + 100 * 86_400_000);
    expect((await t.login('leaving', u.password)).status).toBe(200);
    // the admin session idled out meanwhile: log in again, with a code
    expect((await as(sys, 'GET', '/api/admin/users')).statusCode).toBe(401);
    const again = await t.login('adm-sys', TEST_PASSWORD, codeAt(sysSecret, t.clock.now));
    expect(again.status).toBe(200);
    const found = await as(again, 'GET', '/api/admin/users?inactiveDays=90&pageSize=200');
    expect(found.statusCode).toBe(200);
    const names = found.json().items.map((x: { username: string }) => x.username);
    expect(names).toContain(idle.username);
    expect(names).not.toContain('leaving');
    expect(names).not.toContain('adm-sys');
    sys = again;
  });
});

describe('demo accounts', () => {
  it('creates the seven demo log-ins and their units, shown on the log-in page only then', async () => {
    const demo = await createTestApp({ auth: 'session' });
    try {
      const ctx = { actor: systemActor(demo.officeId), now: demo.clock.now };
      const accounts = await ensureDemoAccounts(demo.database.db, ctx);
      expect(accounts).toEqual([
        { username: 'coord', role: 'coordinator' },
        { username: 'leader', role: 'leader' },
        { username: 'sysadmin', role: 'sysadmin' },
        { username: 'secadmin', role: 'secadmin' },
        { username: 'auditadmin', role: 'auditadmin' },
        { username: 'reporter-gws', role: 'reporter' },
        { username: 'reporter-qgws', role: 'reporter' },
        { username: 'reporter-jtj', role: 'reporter' },
      ]);
      expect(await ensureDemoAccounts(demo.database.db, ctx)).toEqual(accounts);
      const info = (await demo.app.inject({ url: '/api/auth/demo' })).json();
      expect(info).toEqual({ demo: true, password: 'Tiaodu-demo-2023', accounts });
      for (const a of accounts) {
        const s = await demo.login(a.username, DEMO_PASSWORD);
        expect(s.status, a.username).toBe(200);
        const user = s.body.user as { mustChangePassword: boolean; unitName: string | null };
        expect(user.mustChangePassword).toBe(false);
        if (a.username === 'reporter-gws') expect(user.unitName).toBe('市建筑工务署');
        if (a.username === 'reporter-qgws') expect(user.unitName).toBe('区建筑工务署');
        if (a.username === 'reporter-jtj') expect(user.unitName).toBe('光明区交通运输局');
        // admin duties work without TOTP in the demo
        const home =
          a.role === 'auditadmin'
            ? '/api/audit'
            : a.role.endsWith('admin')
              ? '/api/admin/users'
              : '/api/projects';
        expect(
          (await demo.app.inject({ url: home, headers: s.headers })).statusCode,
          a.username,
        ).toBe(200);
      }
      // once a demo account changes its password it is no longer listed
      const coord = await demo.login('coord', DEMO_PASSWORD);
      const changed = await demo.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: coord.headers,
        payload: { currentPassword: DEMO_PASSWORD, newPassword: 'Own-Secret-2026' },
      });
      expect(changed.statusCode).toBe(204);
      const after = (await demo.app.inject({ url: '/api/auth/demo' })).json();
      expect(after.accounts.map((a: { username: string }) => a.username)).not.toContain('coord');
    } finally {
      await demo.close();
    }
  });
});

describe('separation of duties (三权分立)', () => {
  const post = (login: TestLogin, url: string, payload?: unknown) =>
    as(login, 'POST', url, payload);
  const view = async (login: TestLogin, id: number) =>
    (await as(login, 'GET', `/api/admin/users/${id}`)).json();

  it('the system admin cannot reset, disable or change the audit and security admins, nor its own duty', async () => {
    const sys = await t.loginAs('sysadmin');
    const sys2 = await t.loginAs('sysadmin');
    const sec = await t.loginAs('secadmin');
    const aud = await t.loginAs('auditadmin');
    const refused: string[] = [];
    for (const target of [aud, sec, sys2, sys]) {
      const id = target.user.id;
      const current = await view(sys, id);
      expect(current.allowed, target.user.username).toEqual({
        profile: false,
        reset_password: false,
        disable: false,
        grant: false,
        unlock: false,
        reset_totp: false,
      });
      for (const res of [
        await post(sys, `/api/admin/users/${id}/reset-password`),
        await post(sys, `/api/admin/users/${id}/disable`, { disabled: true }),
        await as(sys, 'PATCH', `/api/admin/users/${id}`, {
          version: current.version,
          displayName: '改名',
        }),
      ]) {
        if (res.statusCode !== 403 || res.json().error.code !== 'account.forbidden')
          refused.push(`${target.user.username}: ${res.statusCode} ${res.body}`);
      }
    }
    expect(refused).toEqual([]);
    const rows = await t.database.db.select().from(users);
    for (const target of [aud, sec, sys2]) {
      const row = rows.find((r) => r.id === target.user.id)!;
      expect(row).toMatchObject({ disabledAt: null, mustChangePassword: false });
      expect(row.displayName).toBe(target.user.username);
    }
    // business accounts stay the system admin's
    const coord = await t.createUser({ username: 'sod-coord', role: 'coordinator' });
    expect((await view(sys, coord.id)).allowed).toMatchObject({
      profile: true,
      reset_password: true,
      disable: true,
      grant: false,
    });
    expect((await post(sys, `/api/admin/users/${coord.id}/reset-password`)).statusCode).toBe(200);
  });

  it('admin-duty resets need the security admin, who cannot reset its own duty', async () => {
    const sys = await t.loginAs('sysadmin');
    const sec = await t.loginAs('secadmin');
    const sec2 = await t.loginAs('secadmin');
    const aud = await t.loginAs('auditadmin');
    const coord = await t.createUser({ username: 'sod-coord2', role: 'coordinator' });
    for (const [target, status] of [
      [sec, 403],
      [sec2, 403],
      [coord, 403],
      [aud, 200],
      [sys, 200],
    ] as const) {
      const id = 'user' in target ? target.user.id : target.id;
      const res = await post(sec, `/api/admin/users/${id}/reset-password`);
      expect(res.statusCode, `${id}: ${res.body}`).toBe(status);
    }
    expect((await view(sec, sec2.user.id)).allowed.reset_password).toBe(false);
    expect((await view(sec, aud.user.id)).allowed.reset_password).toBe(true);
  });

  it('after a reset the user must change the password, and is told who reset it and when', async () => {
    const sys = await t.loginAs('sysadmin', { username: 'reset-sys' });
    const u = await t.createUser({ username: 'resetme', role: 'leader' });
    const res = await post(sys, `/api/admin/users/${u.id}/reset-password`);
    expect(res.statusCode, res.body).toBe(200);
    const { temporaryPassword } = res.json();
    const s = await t.login('resetme', temporaryPassword);
    expect(s.status).toBe(200);
    expect(s.body.user).toMatchObject({
      mustChangePassword: true,
      passwordReset: { by: 'reset-sys（reset-sys）', at: t.clock.now.toISOString() },
    });
    expect((await as(s, 'GET', '/api/auth/me')).json().user.passwordReset.by).toBe(
      'reset-sys（reset-sys）',
    );
    expect((await as(s, 'GET', '/api/projects')).statusCode).toBe(403);
    const changed = await as(s, 'POST', '/api/auth/password', {
      currentPassword: temporaryPassword,
      newPassword: 'Mine-Again-2026',
    });
    expect(changed.statusCode, changed.body).toBe(204);
    const me = (await as(s, 'GET', '/api/auth/me')).json().user;
    expect(me).toMatchObject({ mustChangePassword: false, passwordReset: null });
  });
});

describe('second factor', () => {
  it('replacing an enrolled secret needs the password and a current code, each used once', async () => {
    const a = await t.loginAs('auditadmin');
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    const enrol = (payload?: unknown) => as(a, 'POST', '/api/auth/totp/enroll', payload);
    const bare = await enrol();
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.code).toBe('totp.reauth_required');
    const code = totpCode(a.totpSecret!, t.clock.now);
    const wrongPassword = await enrol({ password: 'Not-my-password-1', code });
    expect(wrongPassword.json().error.code).toBe('password.current_invalid');
    const wrongCode = await enrol({
      password: a.user.password,
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrongCode.json().error.code).toBe('totp.invalid');
    const ok = await enrol({ password: a.user.password, code });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().secret).not.toBe(a.totpSecret);
    // the same code does not pass a second time
    const again = await enrol({ password: a.user.password, code });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('totp.invalid');
  });

  it('two log-ins carrying the same code at once: exactly one passes', async () => {
    const a = await t.loginAs('secadmin');
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    const code = totpCode(a.totpSecret!, t.clock.now);
    const tries = await Promise.all(
      [0, 1, 2].map(() => t.login(a.user.username, a.user.password, code)),
    );
    expect(tries.map((x) => x.status).sort()).toEqual([200, 401, 401]);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, a.user.id));
    expect(row.totpLastCounter).toBe(Math.floor(t.clock.now.getTime() / 30_000));
  });
});

describe('password change guesses', () => {
  it('count toward the lockout; at the threshold the account locks and the session ends', async () => {
    const u = await t.createUser({ username: 'guesser', role: 'coordinator' });
    const s = await t.login('guesser', u.password);
    const guess = () =>
      as(s, 'POST', '/api/auth/password', {
        currentPassword: 'Wrong-guess-2026',
        newPassword: 'Whatever-New-2026',
      });
    for (let i = 1; i <= 4; i++) {
      const r = await guess();
      expect(r.statusCode, `guess ${i}`).toBe(400);
      expect(r.json().error.code).toBe('password.current_invalid');
    }
    const fifth = await guess();
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.code).toBe('auth.locked');
    expect((await as(s, 'GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await t.login('guesser', u.password)).status).toBe(401);
  });
});

describe('password hashing cost', () => {
  it('a hash below the current cost is replaced at the next successful log-in', async () => {
    const u = await t.createUser({ username: 'oldhash', role: 'leader' });
    const weak = await hashPassword(u.password, { N: 2 ** 10, r: 8, p: 1 });
    await t.database.db.update(users).set({ passwordHash: weak }).where(eq(users.id, u.id));
    expect((await t.login('oldhash', 'Wrong-password-1')).status).toBe(401);
    const [unchanged] = await t.database.db.select().from(users).where(eq(users.id, u.id));
    expect(unchanged.passwordHash).toBe(weak);
    expect((await t.login('oldhash', u.password)).status).toBe(200);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, u.id));
    expect(row.passwordHash).not.toBe(weak);
    expect(row.passwordHash.startsWith(`scrypt$${passwordHashCost().N}$8$1$`)).toBe(true);
    expect(needsRehash(row.passwordHash)).toBe(false);
    expect((await t.login('oldhash', u.password)).status).toBe(200);
  });
});

describe('demo accounts in production', () => {
  it('answers 404 on /api/auth/demo and lets no demo account in, alike an unknown user', async () => {
    const database = await createTestDatabase();
    const office = await ensureOffice(database.db);
    // created in development mode, then served in production (NODE_ENV=production)
    await ensureDemoAccounts(database.db, { actor: systemActor(office.id), now: new Date() });
    const app = await buildApp({
      db: database.db,
      env: readEnv({ NODE_ENV: 'production', TIAODU_SECRET_KEY: TEST_SECRET_KEY }),
      secretKey: TEST_SECRET_KEY,
    });
    try {
      const demo = await app.inject({ url: '/api/auth/demo' });
      expect(demo.statusCode).toBe(404);
      expect(demo.json().error.code).toBe('route.not_found');
      expect(demo.body).not.toContain(DEMO_PASSWORD);
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'nobody', password: DEMO_PASSWORD },
      });
      for (const username of ['sysadmin', 'secadmin', 'auditadmin', 'coord', 'reporter-gws']) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username, password: DEMO_PASSWORD },
        });
        expect(res.statusCode, username).toBe(401);
        expect(res.json().error, username).toEqual(unknown.json().error);
        expect(res.cookies.find((c) => c.name === 'tiaodu_session')).toBeUndefined();
      }
      const refused = await queryRows<{ detail: string }>(
        database.db,
        sql`select detail from audit_log where action = 'auth.login' and outcome = 'failure'
            and actor_id = 'sysadmin'`,
      );
      expect(refused.map((r) => r.detail)).toEqual(['demo_account_in_production']);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('transport', () => {
  it('behind an HTTPS proxy (TIAODU_TRUST_PROXY) the cookie is Secure; headers are strict', async () => {
    const database = await createTestDatabase();
    const app = await buildApp({
      db: database.db,
      env: readEnv({ TIAODU_TRUST_PROXY: '1' }),
      secretKey: TEST_SECRET_KEY,
    });
    try {
      const office = await ensureOffice(database.db);
      await createUser(
        database.db,
        { actor: systemActor(office.id), now: new Date() },
        {
          username: 'proxied',
          displayName: 'p',
          role: 'leader',
          password: TEST_PASSWORD,
        },
      );
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
        payload: { username: 'proxied', password: TEST_PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      expect(res.cookies.find((c) => c.name === 'tiaodu_session')?.secure).toBe(true);
      const [last] = await database.db.select().from(users).where(eq(users.username, 'proxied'));
      expect(last.lastLoginIp).toBe('203.0.113.9');
      const h = res.headers;
      expect(h['content-security-policy']).toMatch(/default-src 'self'/);
      expect(h['content-security-policy']).toMatch(/frame-ancestors/);
      expect(h['content-security-policy']).toMatch(/object-src 'none'/);
      expect(h['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(h['x-content-type-options']).toBe('nosniff');
      expect(h['cache-control']).toBe('no-store');
      const big = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'x', password: 'y'.repeat(3 * 1024 * 1024) },
      });
      expect(big.statusCode).toBe(413);
      expect(big.body).not.toMatch(/at .*\.(ts|js):\d+/);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('the secret key', () => {
  it('production refuses to start without TIAODU_SECRET_KEY, with a message naming it', () => {
    expect(() => readEnv({ NODE_ENV: 'production' })).toThrow(/TIAODU_SECRET_KEY/);
    expect(() => readEnv({ NODE_ENV: 'production', TIAODU_SECRET_KEY: 'short' })).toThrow(/32/);
    expect(
      readEnv({ NODE_ENV: 'production', TIAODU_SECRET_KEY: 'x'.repeat(64) }).TIAODU_SECRET_KEY,
    ).toHaveLength(64);
    expect(() => configureSecretKey(undefined, { production: true })).toThrow(/TIAODU_SECRET_KEY/);
    expect(() => configureSecretKey(DEVELOPMENT_SECRET_KEY, { production: true })).toThrow(
      /TIAODU_SECRET_KEY/,
    );
  });
});
