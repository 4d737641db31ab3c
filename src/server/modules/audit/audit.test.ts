import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliTarget, createCliTarget } from '../../../../test/cli-harness.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import { type Db, queryRows } from '../../db.ts';
import { systemActor } from '../offices/offices.service.ts';
import { createProject } from '../projects/projects.service.ts';
import { verifyAuditChain } from './audit.service.ts';
import { auditLog } from './audit.table.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let coord: TestLogin;
let reporter: TestLogin;
let auditor: TestLogin;
let unitA: number;

const call = (login: TestLogin | null, method: string, url: string, payload?: unknown) =>
  t.app.inject({
    method: method as 'GET',
    url,
    headers: login ? login.headers : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

type Row = typeof auditLog.$inferSelect;
const rows = (db: Db) => db.select().from(auditLog).orderBy(asc(auditLog.seq));
const json = (text: string | null) => (text === null ? null : JSON.parse(text));

/** Runs SQL around the append-only trigger, as someone with direct database access could. */
async function tamper(db: Db, statement: ReturnType<typeof sql>) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
  });
}

beforeAll(async () => {
  t = await createTestApp({ auth: 'session' });
  coord = await t.loginAs('coordinator', { username: 'coord' });
  const unit = await call(coord, 'POST', '/api/units', { name: '市建筑工务署' });
  expect(unit.statusCode, unit.body).toBe(201);
  unitA = unit.json().id;
  reporter = await t.loginAs('reporter', { username: 'gws', unitId: unitA });
  auditor = await t.loginAs('auditadmin', { username: 'auditor' });
});
afterAll(() => t.close());

describe('the audit log records', () => {
  it('a full review cycle: who, which unit, from where, what, and the fields before and after', async () => {
    const project = await call(coord, 'POST', '/api/projects', {
      code: 'AUD-1',
      name: '审计测试项目',
      ownerUnitId: unitA,
      totalInvestment: '5000',
    });
    expect(project.statusCode, project.body).toBe(201);
    const projectId = project.json().id;
    const targets = [
      '100',
      '200',
      '300',
      '400',
      '500',
      '600',
      '700',
      '800',
      '900',
      '1000',
      '1100',
      '1200',
    ];
    expect(
      (
        await call(coord, 'PUT', '/api/projects/AUD-1/plans/2026', {
          annualTarget: '1200',
          timingTargets: targets,
        })
      ).statusCode,
    ).toBe(200);
    const draft = await call(reporter, 'POST', '/api/reports', {
      projectId,
      year: 2026,
      month: 10,
      investment: '120',
      version: 0,
    });
    expect(draft.statusCode, draft.body).toBe(200);
    const reportId = draft.json().id;
    expect((await call(reporter, 'POST', `/api/reports/${reportId}/submit`, {})).statusCode).toBe(
      200,
    );
    const approved = await call(coord, 'POST', `/api/reports/${reportId}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);

    const found = await call(
      auditor,
      'GET',
      `/api/audit?objectType=monthly_reports&objectId=${reportId}&pageSize=100`,
    );
    expect(found.statusCode, found.body).toBe(200);
    const items = found.json().items as (Omit<Row, 'before' | 'after'> & {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
    })[];
    // newest first: approve (update), submit (update), create (insert)
    expect(items.map((i) => [i.action, i.actorId, i.route])).toEqual([
      ['monthly_reports.update', 'coord', 'POST /api/reports/:id/approve'],
      ['monthly_reports.update', 'gws', 'POST /api/reports/:id/submit'],
      ['monthly_reports.insert', 'gws', 'POST /api/reports'],
    ]);
    const [approve, submit, create] = items;
    // People read who did what to which project, not table names and ids (issue 15, item 11).
    const said = found.json().items as {
      actorName: string;
      description: { zh: string; en: string };
    }[];
    expect(said.map((i) => i.description.zh)).toEqual([
      `${said[0].actorName} 审核通过 AUD-1 审计测试项目 2026-10 月报`,
      `${said[1].actorName} 提交 AUD-1 审计测试项目 2026-10 月报`,
      `${said[2].actorName} 填写 AUD-1 审计测试项目 2026-10 月报`,
    ]);
    expect(said[0].description.en).toBe(
      `${said[0].actorName} approved the 2026-10 monthly report of AUD-1 审计测试项目`,
    );
    const everything = (await call(auditor, 'GET', '/api/audit?pageSize=200')).json().items as {
      action: string;
      description: { zh: string; en: string };
    }[];
    const transition = everything.find((i) => i.action === 'report_transitions.insert')!;
    expect(transition.description.zh).toMatch(
      / (审核通过|提交|填写) AUD-1 审计测试项目 2026-10 月报$/,
    );
    const plan = everything.find((i) => i.action === 'investment_plans.insert')!;
    expect(plan.description.zh).toMatch(/ 新增 AUD-1 审计测试项目 2026年度计划$/);
    expect(plan.description.en).toMatch(/ created the 2026 annual plan of AUD-1 审计测试项目$/);
    for (const i of everything) {
      // no internal codes: table.op, "user 6", bare "request"
      expect(`${i.description.zh} ${i.description.en}`).not.toMatch(
        /[a-z_]+\.(insert|update|delete)|\buser \d+|^request/,
      );
    }
    expect(create).toMatchObject({
      actorRole: 'reporter',
      unitId: unitA,
      ip: '127.0.0.1',
      outcome: 'success',
      before: null,
    });
    expect(create.after).toMatchObject({
      status: 'draft',
      investment: 120,
      project_id: projectId,
      year: 2026,
      month: 10,
    });
    expect(submit.before).toMatchObject({ status: 'draft', version: 1 });
    expect(submit.after).toMatchObject({ status: 'submitted', version: 2 });
    // only the changed fields
    expect(Object.keys(approve.before)).toEqual(
      expect.arrayContaining(['reviewed_at', 'status', 'updated_by', 'version']),
    );
    expect(Object.keys(approve.before)).not.toContain('investment');
    expect(approve.before).toMatchObject({ status: 'submitted', updated_by: 'gws' });
    expect(approve.after).toMatchObject({ status: 'approved', updated_by: 'coord' });
    expect(approve.actorRole).toBe('coordinator');
    expect(approve.requestId).toBeTruthy();

    // the transitions, the plan and the project are there too, each with its request
    const all = await rows(t.database.db);
    const byAction = (a: string) => all.filter((r) => r.action === a);
    expect(byAction('report_transitions.insert').map((r) => json(r.after).action)).toEqual([
      'create',
      'submit',
      'approve',
    ]);
    expect(byAction('projects.insert')).toHaveLength(1);
    expect(byAction('investment_plans.insert')).toHaveLength(1);
    expect(byAction('plan_revisions.insert')).toHaveLength(1);
    expect(byAction('units.insert')).toHaveLength(1);
    // numbers keep their decimals exactly as stored
    expect(json(byAction('projects.insert')[0].after).total_investment).toBe(5000);
    expect(byAction('projects.insert')[0].after).toContain('"total_investment": 5000.00');
    // derived tables (roll-ups) are not audited row by row
    expect(all.some((r) => r.objectType === 'project_year_rollups')).toBe(false);
    expect(await queryRows(t.database.db, sql`select * from audit_pending`)).toEqual([]);
  });

  it('log-ins, failed log-ins, lockouts and log-outs', async () => {
    const u = await t.createUser({ username: 'tries', role: 'leader' });
    for (let i = 0; i < 5; i++) await t.login('tries', 'Wrong-password-9');
    await t.login('ghost', 'Wrong-password-9');
    t.clock.now = new Date(t.clock.now.getTime() + 16 * 60_000);
    const s = await t.login('tries', u.password);
    expect(s.status).toBe(200);
    expect((await call(s, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    const res = await call(auditor, 'GET', '/api/audit?action=auth.&pageSize=200');
    const items = res.json().items as Row[];
    const mine = items.filter((i) => i.actorId === 'tries' || i.actorId === 'ghost').reverse();
    expect(mine.map((i) => [i.action, i.outcome, i.detail])).toEqual([
      ['auth.login', 'failure', 'bad_password'],
      ['auth.login', 'failure', 'bad_password'],
      ['auth.login', 'failure', 'bad_password'],
      ['auth.login', 'failure', 'bad_password'],
      ['auth.login', 'failure', 'bad_password'],
      ['auth.lockout', 'success', '5 failed attempts, locked for 15 minutes'],
      ['auth.login', 'failure', 'unknown_user'],
      ['auth.login', 'success', 'password'],
      ['auth.logout', 'success', '1 sessions ended'],
    ]);
    expect(mine.every((i) => i.ip === '127.0.0.1')).toBe(true);
  });

  it('a refused or failed write as a failure, with nothing of it left behind', async () => {
    const before = (await rows(t.database.db)).length;
    const leader = await t.loginAs('leader');
    const refused = await call(leader, 'POST', '/api/projects', { code: 'NO-1', name: '不应存在' });
    expect(refused.statusCode).toBe(403);
    const renamed = await call(coord, 'PATCH', '/api/projects/AUD-1', { version: 1, name: '改名' });
    expect(renamed.statusCode).toBe(200);
    expect(
      (await call(coord, 'PATCH', '/api/projects/AUD-1', { version: 1, name: '又改名' }))
        .statusCode,
    ).toBe(409);
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { cookie: coord.cookie },
      payload: { code: 'NO-2', name: 'x' },
    });
    expect(noCsrf.statusCode).toBe(403);
    const invalid = await call(coord, 'POST', '/api/projects', { code: '', name: '' });
    expect(invalid.statusCode).toBe(400);
    const after = (await rows(t.database.db)).slice(before);
    const failures = after.filter((r) => r.outcome === 'failure');
    expect(
      failures.map((r) => [r.actorId === 'coord' ? 'coord' : r.actorRole, r.route, r.detail]),
    ).toEqual([
      ['leader', 'POST /api/projects', '403 permission.forbidden'],
      ['coord', 'PATCH /api/projects/:code', '409 project.stale'],
      ['coord', 'POST /api/projects', '403 auth.csrf_invalid'],
      ['coord', 'POST /api/projects', '400 request.invalid'],
    ]);
    // the successful rename is there once, the stale one left no change behind
    const renames = after.filter((r) => r.action === 'projects.update');
    expect(renames).toHaveLength(1);
    expect(json(renames[0].before)).toMatchObject({ name: '审计测试项目', version: 1 });
    expect(json(renames[0].after)).toMatchObject({ name: '改名', version: 2 });
    expect(after.some((r) => r.after?.includes('不应存在'))).toBe(false);
  });

  it('permission changes, with before and after, and never a secret', async () => {
    const sec = await t.loginAs('secadmin');
    const u = await t.createUser({ username: 'promoted', role: 'leader' });
    const current = (await call(sec, 'GET', `/api/admin/users/${u.id}`)).json();
    const res = await call(sec, 'PATCH', `/api/admin/users/${u.id}`, {
      version: current.version,
      role: 'coordinator',
    });
    expect(res.statusCode, res.body).toBe(200);
    const found = (await call(auditor, 'GET', '/api/audit?action=user.role_change')).json()
      .items as Row[];
    expect(found[0]).toMatchObject({
      objectType: 'user',
      objectId: String(u.id),
      actorRole: 'secadmin',
      outcome: 'success',
    });
    expect(found[0].before).toEqual({ role: 'leader' });
    expect(found[0].after).toEqual({ role: 'coordinator' });
    const text = JSON.stringify(await rows(t.database.db));
    expect(text).not.toMatch(/scrypt\$|password_hash|totp_secret|"v1\.|Tiaodu!Test-2026/);
  });
});

describe('search and export', () => {
  it('belong to the audit admin alone', async () => {
    const sys = await t.loginAs('sysadmin');
    const sec = await t.loginAs('secadmin');
    const leader = await t.loginAs('leader');
    for (const who of [coord, reporter, sys, sec, leader]) {
      for (const url of ['/api/audit', '/api/audit/export', '/api/audit/verify']) {
        const res = await call(who, 'GET', url);
        expect(res.statusCode, url).toBe(403);
        expect(res.body).not.toContain('hash');
      }
    }
    expect((await call(null, 'GET', '/api/audit')).statusCode).toBe(401);
    expect((await call(auditor, 'GET', '/api/audit/verify')).json()).toMatchObject({
      ok: true,
      firstBroken: null,
    });
  });

  it('filters by actor, action, outcome, time and text', async () => {
    const q = async (query: string) =>
      (await call(auditor, 'GET', `/api/audit?${query}&pageSize=500`)).json();
    const byActor = await q('actor=gws');
    expect(byActor.total).toBeGreaterThan(0);
    expect(byActor.items.every((i: Row) => i.actorId === 'gws' || i.actorName === 'gws')).toBe(
      true,
    );
    const failures = await q('outcome=failure');
    expect(failures.items.every((i: Row) => i.outcome === 'failure')).toBe(true);
    expect((await q('q=审计测试项目')).items.some((i: Row) => i.action === 'projects.insert')).toBe(
      true,
    );
    expect((await q('from=2099-01-01')).total).toBe(0);
    expect((await q('to=2000-01-01')).total).toBe(0);
    const bad = await call(auditor, 'GET', '/api/audit?outcome=maybe');
    expect(bad.statusCode).toBe(400);
    // Year 1 in +08:00 is year 0 in UTC, which PostgreSQL refuses: a 400 naming the field, not a 500.
    for (const url of [
      '/api/audit?from=0001-01-01',
      '/api/audit/export?to=0001-01-01T00:00:00%2B14:00',
    ]) {
      const early = await call(auditor, 'GET', url);
      expect(early.statusCode, url).toBe(400);
      expect(early.body, url).toMatch(/1900/);
    }
  });

  it('exports CSV for Excel, defuses formulas, and records the export', async () => {
    await call(coord, 'POST', '/api/projects', {
      code: 'AUD-CSV',
      name: '=HYPERLINK("http://x","y")',
    });
    const res = await call(auditor, 'GET', '/api/audit/export?objectType=projects');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="audit-\d{8}\.csv"/);
    expect(res.body.startsWith('\uFEFF序号 seq,')).toBe(true);
    const lines = res.body.trim().split('\r\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(res.body).not.toMatch(/(^|,)=HYPERLINK/m);
    const last = (await call(auditor, 'GET', '/api/audit?action=audit.export')).json().items[0];
    expect(last).toMatchObject({ actorId: 'auditor', outcome: 'success' });
  });
});

describe('integrity', () => {
  it('the application connection cannot update, delete or truncate the audit log', async () => {
    const db = t.database.db;
    await expect(db.execute(sql`update audit_log set action = 'x'`)).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_log`)).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_log`)).rejects.toThrow();
    const err = (await db.execute(sql`delete from audit_log where seq = 1`).then(
      () => null,
      (e: unknown) => e,
    )) as { message?: string; cause?: { message?: string } } | null;
    expect(String(err?.cause?.message ?? err?.message)).toMatch(/append-only/);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('concurrent writes append to one unbroken chain', async () => {
    const writes = [
      ...Array.from({ length: 9 }, (_, i) =>
        call(i % 2 ? coord : reporter, 'POST', '/api/reports', {
          projectId: 1,
          year: 2026,
          month: i + 1,
          investment: String(i + 1),
          version: 0,
        }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        call(coord, 'POST', '/api/projects', { code: `PAR-${i}`, name: `并发${i}` }),
      ),
    ];
    const logins = Array.from({ length: 3 }, () => t.login('coord', 'wrong-Password-1'));
    const [results] = await Promise.all([Promise.all(writes), Promise.all(logins)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 201, 201, 201,
    ]);
    const v = await verifyAuditChain(t.database.db);
    expect(v).toMatchObject({ ok: true, firstBroken: null });
    const seqs = (await rows(t.database.db)).map((r) => r.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('the capture setting never outlives its transaction, and writes outside a request are not captured', async () => {
    for (let i = 0; i < 15; i++) {
      const [r] = await queryRows<{ v: string | null }>(
        t.database.db,
        sql`select current_setting('tiaodu.audit', true) as v`,
      );
      expect(r.v ?? '').toBe('');
    }
    const before = (await rows(t.database.db)).length;
    await createProject(
      t.database.db,
      { actor: systemActor(t.officeId), now: t.clock.now },
      { code: 'QUIET', name: '静默' },
    );
    expect((await rows(t.database.db)).length).toBe(before);
    expect(await queryRows(t.database.db, sql`select * from audit_pending`)).toEqual([]);
  });

  it('verify names the first row edited or deleted by hand', async () => {
    const db = t.database.db;
    const all = await rows(db);
    const victim = all[Math.floor(all.length / 2)];
    await tamper(db, sql`update audit_log set detail = 'edited' where id = ${victim.id}`);
    const edited = await verifyAuditChain(db);
    expect(edited.ok).toBe(false);
    expect(edited.firstBroken).toMatchObject({ id: victim.id, seq: victim.seq, reason: 'hash' });
    // …also through the audit admin's page
    expect((await call(auditor, 'GET', '/api/audit/verify')).json().firstBroken).toMatchObject({
      id: victim.id,
    });
    await tamper(db, sql`update audit_log set detail = ${victim.detail} where id = ${victim.id}`);
    expect((await verifyAuditChain(db)).ok).toBe(true);
    // a row re-hashed without the key still breaks the link of the next one
    await tamper(db, sql`update audit_log set hash = repeat('a', 64) where id = ${victim.id}`);
    expect((await verifyAuditChain(db)).firstBroken).toMatchObject({
      id: victim.id,
      reason: 'hash',
    });
    await tamper(db, sql`update audit_log set hash = ${victim.hash} where id = ${victim.id}`);
    // a deleted row
    await tamper(db, sql`delete from audit_log where id = ${victim.id}`);
    const deleted = await verifyAuditChain(db);
    expect(deleted.firstBroken).toMatchObject({ seq: victim.seq + 1, reason: 'gap' });
    expect(deleted.firstBroken?.message).toContain(String(victim.seq));
  });
});

describe('tiaodu audit verify', () => {
  let target: CliTarget;
  beforeAll(async () => {
    // In-process commands; the broken chain's exit code is checked on a real process.
    target = await createCliTarget('tiaodu-audit', { inProcess: true });
  });
  afterAll(() => target?.cleanup());
  const tiaodu = (...argv: string[]) => target.tiaodu(...argv);
  const open = () => target.open();

  it('exits 0 on an intact chain and 1 naming the first row edited by hand', async () => {
    for (const [u, role] of [
      ['first-sys', 'sysadmin'],
      ['first-sec', 'secadmin'],
      ['first-audit', 'auditadmin'],
    ]) {
      const r = await tiaodu('users', 'create-admin', '--username', u, '--role', role);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/one-time password[^\n]*\n\S{16}\n/);
    }
    const list = await tiaodu('users', 'list', '--json');
    expect(JSON.parse(list.stdout).map((u: { username: string }) => u.username)).toEqual([
      'first-audit',
      'first-sec',
      'first-sys',
    ]);
    const ok = await tiaodu('audit', 'verify');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/intact: 3/);

    const d = await open();
    const [victim] = await d.db.select().from(auditLog).where(eq(auditLog.seq, 2));
    await tamper(
      d.db,
      sql`update audit_log set actor_name = 'someone else' where id = ${victim.id}`,
    );
    await d.close();
    const broken = await target.spawned('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`row id ${victim.id}`);
    expect(broken.stdout).toContain('seq 2');
  });
});
