import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { buildApp } from '../src/server/app.ts';
import type { Actor, Role } from '../src/server/context.ts';
import type { Database } from '../src/server/db.ts';
import type { LoginRateLimit } from '../src/server/modules/accounts/accounts.routes.ts';
import { type AccountRole, users } from '../src/server/modules/accounts/accounts.table.ts';
import { createUser } from '../src/server/modules/accounts/user-admin.service.ts';
import { ensureOffice, systemActor } from '../src/server/modules/offices/offices.service.ts';
import { createTestDatabase } from './test-db.ts';

/** Who `as` acts as; the coordinator is the one every request acted as before accounts. */
const FIXED_ACTORS: Record<Exclude<Role, 'anonymous'>, { id: string; name: string }> = {
  coordinator: { id: 'local-coordinator', name: '统筹' },
  reporter: { id: 'test-reporter', name: '填报员' },
  leader: { id: 'test-leader', name: '领导' },
  sysadmin: { id: 'test-sysadmin', name: '系统管理员' },
  secadmin: { id: 'test-secadmin', name: '安全管理员' },
  auditadmin: { id: 'test-auditadmin', name: '审计管理员' },
  system: { id: 'system', name: '系统' },
};

/** The password `createUser` gives when none is named (it passes the default policy). */
export const TEST_PASSWORD = 'Tiaodu!Test-2026';

/** The key every test app uses, so a test can verify what the app wrote. */
export const TEST_SECRET_KEY = 'tiaodu-test-secret-key-0123456789abcdef0123456789';

export type TestAppOptions = {
  now?: Date;
  /**
   * Who every request acts as, without logging in (no session, no CSRF): a role of the default
   * office, `coordinator` unless told. A reporter acts for `unitId`.
   */
  as?: Exclude<Role, 'anonymous'>;
  unitId?: number | null;
  /** full control over the actor instead of `as` */
  actor?: (officeId: number) => Actor;
  /** 'session': real log-ins through POST /api/auth/login (use `login` and `createUser`) */
  auth?: 'session';
  loginRateLimit?: LoginRateLimit;
  /** the built web app's folder (default dist/web, when built) */
  webRoot?: string;
};

export type TestLogin = {
  status: number;
  body: Record<string, unknown> & { csrfToken?: string };
  cookie: string;
  csrfToken: string;
  /** the headers a logged-in, state-changing request carries */
  headers: { cookie: string; 'x-csrf-token': string };
};

/** The TOTP code of a secret at an instant (the test clock's, usually). */
export function totpCode(secret: string, at: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() });
}

type CreateUser = (input: {
  username: string;
  role: AccountRole;
  unitId?: number | null;
  password?: string;
  mustChangePassword?: boolean;
  displayName?: string;
}) => Promise<{ id: number; username: string; password: string }>;

/** A fresh migrated database and the app on it, with a clock the test controls. */
export async function createTestApp(opts: TestAppOptions = {}): Promise<{
  app: FastifyInstance;
  database: Database;
  clock: { now: Date };
  officeId: number;
  /** creates an account directly (password policy applies); mustChangePassword off unless told */
  createUser: CreateUser;
  /** POST /api/auth/login; the answer's cookie and CSRF token ready for the next requests */
  login: (username: string, password: string, totp?: string) => Promise<TestLogin>;
  /**
   * A new account of this role, logged in (session mode). Admin duties enrol TOTP first, as
   * they must; `totpSecret` is then set, for codes at later log-ins (`totpCode`).
   */
  loginAs: (
    role: AccountRole,
    opts?: { username?: string; unitId?: number | null },
  ) => Promise<
    TestLogin & { user: { id: number; username: string; password: string }; totpSecret?: string }
  >;
  close: () => Promise<void>;
}> {
  const database = await createTestDatabase();
  const clock = { now: opts.now ?? new Date('2026-11-24T02:00:00Z') };
  const office = await ensureOffice(database.db);
  const role = opts.as ?? 'coordinator';
  const fixedActor =
    opts.actor ??
    ((officeId: number): Actor => ({
      ...FIXED_ACTORS[role],
      role,
      officeId,
      unitId: role === 'reporter' ? (opts.unitId ?? null) : null,
    }));
  const app = await buildApp({
    db: database.db,
    clock: () => clock.now,
    secretKey: TEST_SECRET_KEY,
    loginRateLimit: opts.loginRateLimit ?? { max: 10_000, timeWindowMs: 60_000 },
    resolveActor: opts.auth === 'session' ? undefined : async () => fixedActor(office.id),
    webRoot: opts.webRoot,
  });
  await app.ready();
  let serial = 0;
  const create = async (input: Parameters<CreateUser>[0]) => {
    const password = input.password ?? TEST_PASSWORD;
    const ctx = { actor: systemActor(office.id), now: clock.now };
    const { user } = await createUser(database.db, ctx, {
      username: input.username,
      displayName: input.displayName ?? input.username,
      role: input.role,
      unitId: input.unitId ?? null,
      password,
    });
    if (!input.mustChangePassword) {
      await database.db
        .update(users)
        .set({ mustChangePassword: false })
        .where(eq(users.id, user.id));
    }
    return { id: user.id, username: user.username, password };
  };
  const login = async (username: string, password: string, totp?: string): Promise<TestLogin> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password, ...(totp ? { totp } : {}) },
    });
    const set = res.cookies.find((c) => c.name === 'tiaodu_session');
    const cookie = set ? `tiaodu_session=${set.value}` : '';
    const body = res.json();
    const csrfToken = body.csrfToken ?? '';
    return {
      status: res.statusCode,
      body,
      cookie,
      csrfToken,
      headers: { cookie, 'x-csrf-token': csrfToken },
    };
  };
  return {
    app,
    database,
    clock,
    officeId: office.id,
    createUser: create,
    login,
    loginAs: async (accountRole, o = {}) => {
      const user = await create({
        username: o.username ?? `${accountRole}-${++serial}`,
        role: accountRole,
        unitId: o.unitId,
      });
      const session = await login(user.username, user.password);
      if (session.status !== 200) throw new Error(`log-in as ${user.username}: ${session.status}`);
      if (!['sysadmin', 'secadmin', 'auditadmin'].includes(accountRole))
        return { ...session, user };
      const enrol = await app.inject({
        method: 'POST',
        url: '/api/auth/totp/enroll',
        headers: session.headers,
      });
      const totpSecret: string = enrol.json().secret;
      const confirm = await app.inject({
        method: 'POST',
        url: '/api/auth/totp/confirm',
        headers: session.headers,
        payload: { code: totpCode(totpSecret, clock.now) },
      });
      if (confirm.statusCode !== 204)
        throw new Error(`TOTP enrolment of ${user.username}: ${confirm.body}`);
      return { ...session, user, totpSecret };
    },
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
