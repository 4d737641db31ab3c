import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import type { Actor, Ctx } from '../../context.ts';
import { can } from '../../policy.ts';
import { addMilestone } from '../milestones/milestones.service.ts';
import { systemActor } from '../offices/offices.service.ts';
import { setPlan } from '../plans/plans.service.ts';
import { createProject, getProjectById } from '../projects/projects.service.ts';
import { uploadReportPhoto } from '../reports/report-photos.service.ts';
import { approveReport, getReport, saveReport, submitReport } from '../reports/reports.service.ts';
import { ensureUnit } from '../units/units.service.ts';
import { getThresholds } from '../warnings/warnings.service.ts';
import { attachmentSpecs } from './access-matrix.attachments.ts';
import { cityFeedSpecs } from './access-matrix.city-feed.ts';
import { coordinationSpecs } from './access-matrix.coordination.ts';
import { figureSpecs } from './access-matrix.figures.ts';
import { noticeSpecs } from './access-matrix.notices.ts';
import { rectificationSpecs } from './access-matrix.rectifications.ts';
import { scenarioSpecs } from './access-matrix.scenarios.ts';
import { summarySpecs } from './access-matrix.summaries.ts';
import type { MatrixRequest, Spec as MatrixSpec, Who } from './access-matrix.types.ts';
import { workPlanSpecs } from './access-matrix.work-plans.ts';
import { getSecuritySettings } from './security-settings.service.ts';

/**
 * Every API route × every role, plus a reporter of another unit: the status each must get, and
 * nothing of another unit's projects (nor any secret) in any answer. Targets are always unit A's
 * records, so reporterA meets its own data and reporterB someone else's.
 */
const WHO: Who[] = [
  'anonymous',
  'coordinator',
  'leader',
  'reporterA',
  'reporterB',
  'sysadmin',
  'secadmin',
  'auditadmin',
];

type Request = MatrixRequest & { as?: TestLogin };
type Spec = MatrixSpec<Request>;

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
const sessions = {} as Record<Exclude<Who, 'anonymous'>, TestLogin>;
let unitA: number;
let unitB: number;
let projectB: { id: number; code: string };
let reportB: number;
let n = 0;

const sys = (): Ctx => ({ actor: systemActor(t.officeId), now: t.clock.now });
const TARGETS = [
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

async function projectA() {
  n++;
  return createProject(t.database.db, sys(), {
    code: `MXA-${n}`,
    name: `甲单位项目${n}`,
    ownerUnitId: unitA,
  });
}
async function draftA() {
  const p = await projectA();
  return saveReport(t.database.db, sys(), {
    projectId: p.id,
    year: 2026,
    month: 10,
    investment: '10',
    version: 0,
  });
}
async function submittedA() {
  const r = await draftA();
  return submitReport(t.database.db, sys(), r.id);
}
/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
async function photoA() {
  const r = await draftA();
  return uploadReportPhoto(t.database.db, sys(), r.id, { bytes: PNG, filename: 'a.png' });
}
function pngUpload(url: string): Request {
  const boundary = 'tiaodu-matrix-boundary';
  return {
    url,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      PNG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}
async function milestoneA() {
  const p = await projectA();
  return addMilestone(t.database.db, sys(), {
    projectId: p.id,
    kind: 'start',
    plannedDate: '2026-12-01',
  });
}
async function victim() {
  return t.createUser({ username: `victim-${++n}`, role: 'leader' });
}

// Expected statuses by pattern.
const base = (over: Partial<Record<Who, number>>, rest: number): Record<Who, number> =>
  Object.fromEntries(WHO.map((w) => [w, over[w] ?? (w === 'anonymous' ? 401 : rest)])) as Record<
    Who,
    number
  >;
/** office-wide reads: the business roles */
const READ = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 200 }, 403);
/** one of unit A's records */
const READ_A = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 404 }, 403);
const COORD = (ok: number) => base({ coordinator: ok }, 403);
const COORD_A = (ok: number) => base({ coordinator: ok, reporterB: 404 }, 403);
const REPORTER_A = (ok: number) => base({ coordinator: ok, reporterA: ok, reporterB: 404 }, 403);
const SELF = (ok: number) => base({}, ok);

const fixed = (url: string, payload?: unknown) => async (): Promise<Request> => ({ url, payload });
const freshSession = async (who: Who): Promise<TestLogin | undefined> => {
  if (who === 'anonymous') return undefined;
  const role = who.startsWith('reporter') ? 'reporter' : who;
  return t.loginAs(role as 'leader', {
    unitId: who === 'reporterA' ? unitA : who === 'reporterB' ? unitB : null,
  });
};

const SPECS: Record<string, Spec> = {
  // ---- auth (self)
  'POST /api/auth/login': {
    prepare: fixed('/api/auth/login', { username: 'nobody', password: 'Wrong-password-1' }),
    expect: SELF(401),
  },
  'GET /api/auth/me': { prepare: fixed('/api/auth/me'), expect: SELF(200) },
  // one's own inbox: every logged-in person (empty for the admin duties)
  'GET /api/inbox': { prepare: fixed('/api/inbox'), expect: SELF(200) },
  'GET /api/auth/demo': { prepare: fixed('/api/auth/demo'), expect: base({ anonymous: 200 }, 200) },
  'POST /api/auth/logout': {
    prepare: async (who) => ({ url: '/api/auth/logout', as: await freshSession(who) }),
    expect: base({ anonymous: 204 }, 204),
  },
  'POST /api/auth/logout-all': {
    prepare: async (who) => ({ url: '/api/auth/logout-all', as: await freshSession(who) }),
    expect: SELF(204),
  },
  'POST /api/auth/password': {
    prepare: async (who) => {
      const as = await freshSession(who);
      return {
        url: '/api/auth/password',
        payload: { currentPassword: 'Tiaodu!Test-2026', newPassword: 'Brand-New-2026' },
        as,
      };
    },
    expect: SELF(204),
  },
  'POST /api/auth/totp/enroll': {
    prepare: async (who) => ({ url: '/api/auth/totp/enroll', as: await freshSession(who) }),
    // the admin duties' sessions already have a second factor: replacing it needs the password
    // and a current code, which this bare request does not carry
    expect: base({ sysadmin: 400, secadmin: 400, auditadmin: 400 }, 200),
  },
  'POST /api/auth/totp/confirm': {
    prepare: fixed('/api/auth/totp/confirm', { code: '000000' }),
    expect: SELF(400),
  },
  // ---- accounts (system admin, security admin)
  'GET /api/admin/users': {
    prepare: fixed('/api/admin/users'),
    expect: base({ sysadmin: 200, secadmin: 200 }, 403),
  },
  'POST /api/admin/users': {
    prepare: async () => ({
      url: '/api/admin/users',
      payload: { username: `made-${++n}`, displayName: '新人', role: 'leader' },
    }),
    expect: base({ sysadmin: 201 }, 403),
  },
  'GET /api/admin/users/:id': {
    prepare: async () => ({ url: `/api/admin/users/${(await victim()).id}` }),
    expect: base({ sysadmin: 200, secadmin: 200 }, 403),
  },
  'PATCH /api/admin/users/:id': {
    prepare: async () => ({
      url: `/api/admin/users/${(await victim()).id}`,
      payload: { version: 1, displayName: '改', role: 'coordinator' },
    }),
    expect: base({ sysadmin: 200, secadmin: 200 }, 403),
  },
  'POST /api/admin/users/:id/reset-password': {
    prepare: async () => ({ url: `/api/admin/users/${(await victim()).id}/reset-password` }),
    expect: base({ sysadmin: 200 }, 403),
  },
  'POST /api/admin/users/:id/unlock': {
    prepare: async () => ({ url: `/api/admin/users/${(await victim()).id}/unlock` }),
    expect: base({ secadmin: 200 }, 403),
  },
  'POST /api/admin/users/:id/disable': {
    prepare: async () => ({
      url: `/api/admin/users/${(await victim()).id}/disable`,
      payload: { disabled: true },
    }),
    expect: base({ sysadmin: 200 }, 403),
  },
  'POST /api/admin/users/:id/reset-totp': {
    prepare: async () => ({ url: `/api/admin/users/${(await victim()).id}/reset-totp` }),
    expect: base({ secadmin: 200 }, 403),
  },
  'GET /api/admin/backup': {
    prepare: fixed('/api/admin/backup'),
    expect: base({ sysadmin: 200 }, 403),
  },
  'GET /api/admin/units': {
    prepare: fixed('/api/admin/units'),
    expect: base({ sysadmin: 200, secadmin: 200 }, 403),
  },
  'GET /api/admin/security-settings': {
    prepare: fixed('/api/admin/security-settings'),
    expect: base({ sysadmin: 200, secadmin: 200 }, 403),
  },
  'PUT /api/admin/security-settings': {
    prepare: async () => {
      const { version, ...s } = await getSecuritySettings(t.database.db, t.officeId);
      return { url: '/api/admin/security-settings', payload: { ...s, version } };
    },
    expect: base({ secadmin: 200 }, 403),
  },
  // ---- audit (audit admin)
  'GET /api/audit': { prepare: fixed('/api/audit'), expect: base({ auditadmin: 200 }, 403) },
  'GET /api/audit/export': {
    prepare: fixed('/api/audit/export'),
    expect: base({ auditadmin: 200 }, 403),
  },
  'GET /api/audit/verify': {
    prepare: fixed('/api/audit/verify'),
    expect: base({ auditadmin: 200 }, 403),
  },
  // ---- ledger
  'GET /api/units': { prepare: fixed('/api/units'), expect: READ },
  'POST /api/units': {
    prepare: async () => ({ url: '/api/units', payload: { name: `单位${++n}` } }),
    expect: COORD(201),
  },
  'GET /api/areas': { prepare: fixed('/api/areas'), expect: READ },
  'POST /api/areas': {
    prepare: async () => ({ url: '/api/areas', payload: { name: '光明科学城核心片区' } }),
    expect: COORD(201),
  },
  'GET /api/categories': { prepare: fixed('/api/categories'), expect: READ },
  'POST /api/categories': {
    prepare: async () => ({ url: '/api/categories', payload: { name: '医院' } }),
    expect: COORD(201),
  },
  'GET /api/projects': {
    prepare: fixed('/api/projects?pageSize=500&archived=include'),
    expect: READ,
  },
  'POST /api/projects': {
    prepare: async () => ({
      url: '/api/projects',
      payload: { code: `MXA-NEW-${++n}`, name: '新项目', ownerUnitId: unitA },
    }),
    expect: COORD(201),
  },
  'GET /api/projects/:code': {
    prepare: async () => ({ url: `/api/projects/${(await projectA()).code}` }),
    expect: READ_A,
  },
  'PATCH /api/projects/:code': {
    prepare: async () => ({
      url: `/api/projects/${(await projectA()).code}`,
      payload: { version: 1, remarks: '改' },
    }),
    expect: COORD_A(200),
  },
  'POST /api/projects/:code/archive': {
    prepare: async () => ({
      url: `/api/projects/${(await projectA()).code}/archive`,
      payload: { archived: true, version: 1 },
    }),
    expect: COORD_A(200),
  },
  // ---- plans
  'GET /api/projects/:code/months/:year': {
    prepare: async () => ({ url: `/api/projects/${(await projectA()).code}/months/2026` }),
    expect: READ_A,
  },
  'GET /api/projects/:code/plans': {
    prepare: async () => ({ url: `/api/projects/${(await projectA()).code}/plans` }),
    expect: READ_A,
  },
  'GET /api/projects/:code/plans/:year': {
    prepare: async () => {
      const p = await projectA();
      await setPlan(t.database.db, sys(), {
        projectId: p.id,
        year: 2026,
        annualTarget: '1200',
        timingTargets: TARGETS,
      });
      return { url: `/api/projects/${p.code}/plans/2026` };
    },
    expect: READ_A,
  },
  'PUT /api/projects/:code/plans/:year': {
    prepare: async () => ({
      url: `/api/projects/${(await projectA()).code}/plans/2026`,
      payload: { annualTarget: '1200', timingTargets: TARGETS },
    }),
    expect: COORD_A(200),
  },
  // ---- reports
  'GET /api/reports': { prepare: fixed('/api/reports?pageSize=500'), expect: READ },
  'POST /api/reports': {
    prepare: async () => ({
      url: '/api/reports',
      payload: {
        projectId: (await projectA()).id,
        year: 2026,
        month: 10,
        investment: '5',
        version: 0,
      },
    }),
    expect: REPORTER_A(200),
  },
  'GET /api/reports/reference': {
    prepare: async () => ({
      url: `/api/reports/reference?projectId=${(await projectA()).id}&month=2026-10`,
    }),
    expect: READ_A,
  },
  'GET /api/reports/:id': {
    prepare: async () => ({ url: `/api/reports/${(await draftA()).id}` }),
    expect: READ_A,
  },
  'POST /api/reports/:id/submit': {
    prepare: async () => ({ url: `/api/reports/${(await draftA()).id}/submit`, payload: {} }),
    expect: REPORTER_A(200),
  },
  'POST /api/reports/:id/approve': {
    prepare: async () => ({ url: `/api/reports/${(await submittedA()).id}/approve`, payload: {} }),
    expect: COORD_A(200),
  },
  'POST /api/reports/:id/return': {
    prepare: async () => ({
      url: `/api/reports/${(await submittedA()).id}/return`,
      payload: { reason: '数据有误，请核实' },
    }),
    expect: COORD_A(200),
  },
  'POST /api/reports/:id/photos': {
    prepare: async () => pngUpload(`/api/reports/${(await draftA()).id}/photos`),
    expect: REPORTER_A(201),
  },
  'GET /api/reports/:id/photos': {
    prepare: async () => ({ url: `/api/reports/${(await photoA()).reportId}/photos` }),
    expect: READ_A,
  },
  'GET /api/report-photos/:photoId': {
    prepare: async () => ({ url: `/api/report-photos/${(await photoA()).id}` }),
    expect: READ_A,
  },
  'GET /api/report-photos/:photoId/thumbnail': {
    prepare: async () => ({ url: `/api/report-photos/${(await photoA()).id}/thumbnail` }),
    expect: READ_A,
  },
  'DELETE /api/report-photos/:photoId': {
    prepare: async () => ({ url: `/api/report-photos/${(await photoA()).id}` }),
    expect: REPORTER_A(204),
  },
  // ---- milestones
  'GET /api/projects/:code/milestones': {
    prepare: async () => ({ url: `/api/projects/${(await projectA()).code}/milestones` }),
    expect: READ_A,
  },
  'POST /api/projects/:code/milestones': {
    prepare: async () => ({
      url: `/api/projects/${(await projectA()).code}/milestones`,
      payload: { kind: 'start', plannedDate: '2026-12-01' },
    }),
    expect: REPORTER_A(201),
  },
  'PATCH /api/milestones/:id': {
    prepare: async () => ({
      url: `/api/milestones/${(await milestoneA()).id}`,
      payload: { version: 1, actualDate: '2026-11-01' },
    }),
    expect: REPORTER_A(200),
  },
  // ---- warnings and dispatch
  'GET /api/warnings': { prepare: fixed('/api/warnings?month=2026-10'), expect: READ },
  'POST /api/warnings/snapshot': {
    prepare: fixed('/api/warnings/snapshot', { month: '2026-10' }),
    expect: COORD(200),
  },
  'POST /api/warnings/override': {
    prepare: async () => ({
      url: '/api/warnings/override',
      payload: {
        projectId: (await projectA()).id,
        year: 2026,
        month: 10,
        level: 'red',
        reason: '现场进度严重滞后',
      },
    }),
    expect: COORD_A(200),
  },
  'GET /api/projects/:code/warnings': {
    prepare: async () => ({ url: `/api/projects/${(await projectA()).code}/warnings` }),
    expect: READ_A,
  },
  'GET /api/settings/warnings': { prepare: fixed('/api/settings/warnings'), expect: READ },
  'PUT /api/settings/warnings': {
    prepare: async () => ({
      url: '/api/settings/warnings',
      payload: {
        investmentGreenAtPercent: 100,
        investmentRedBelowPercent: 80,
        milestoneRedAfterDays: 30,
        missingReportLevel: 'yellow',
        // the version now, whoever saved before: this matrix checks access, not staleness
        version: (await getThresholds(t.database.db, sys())).version,
      },
    }),
    expect: COORD(200),
  },
  'GET /api/dispatch': { prepare: fixed('/api/dispatch?through=2026-10'), expect: READ },
  'GET /api/forecast': { prepare: fixed('/api/forecast?through=2026-10'), expect: READ },
  'GET /api/dispatch/default-period': {
    prepare: fixed('/api/dispatch/default-period'),
    expect: READ,
  },
  'GET /api/dispatch/lineage': {
    prepare: fixed('/api/dispatch/lineage?through=2026-10&figure=actual'),
    expect: READ,
  },
  'GET /api/dispatch/rollups/verify': {
    prepare: fixed('/api/dispatch/rollups/verify'),
    expect: COORD(200),
  },
  // ---- figures computed once on the server: standing, tags, counts, review queue (issue 12)
  ...figureSpecs({ projectA, base }),
  // ---- imports and exports
  'POST /api/imports': {
    // no file: the allowed roles get as far as "upload a file"
    prepare: fixed('/api/imports', {}),
    expect: base({ coordinator: 400, reporterA: 400, reporterB: 400 }, 403),
  },
  'GET /api/imports/template': { prepare: fixed('/api/imports/template'), expect: READ },
  'GET /api/exports/:kind': { prepare: fixed('/api/exports/ledger'), expect: READ },
  // ---- documents (issue 11): office-wide, naming every unit's projects: not for a reporter
  'GET /api/documents/bulletin': {
    prepare: fixed('/api/documents/bulletin?month=2026-10'),
    expect: base({ coordinator: 200, leader: 200 }, 403),
  },
  // ---- coordination: meetings, problems, action items, activities, stats
  ...coordinationSpecs({
    db: () => t.database.db,
    sys,
    unitA: () => unitA,
    unitB: () => unitB,
    projectA,
    projectB: () => projectB,
    base,
  }),
  // ---- rectification tasks (整改)
  ...rectificationSpecs({
    db: () => t.database.db,
    sys,
    unitA: () => unitA,
    unitB: () => unitB,
    base,
  }),
  // ---- supervision notices (督办单)
  ...noticeSpecs({
    db: () => t.database.db,
    sys,
    unitA: () => unitA,
    unitB: () => unitB,
    projectA,
    projectB: () => projectB,
    base,
  }),
  // ---- work plans (工作方案)
  ...workPlanSpecs({
    db: () => t.database.db,
    sys,
    unitA: () => unitA,
    unitB: () => unitB,
    base,
  }),
  // ---- attachments (附件) of meetings, action items, rectifications and notices
  ...attachmentSpecs({ db: () => t.database.db, sys, unitA: () => unitA, base }),
  // ---- work summaries (工作总结), issue 11
  ...summarySpecs({ db: () => t.database.db, sys, base }),
  // ---- the feed to the city (署区联动), issue 14 item 5
  ...cityFeedSpecs({ db: () => t.database.db, sys, base }),
  // ---- what-if scenarios (假设分析), issue 14 item 3
  ...scenarioSpecs({ db: () => t.database.db, sys, base }),
};

/** What must never appear in an answer to this caller. */
function forbiddenText(who: Who): RegExp[] {
  const secrets = [
    /scrypt\$/,
    /password_?hash/i,
    /totp_?secret/i,
    /"v1\.[\w-]+\.[\w-]+\./,
    /Tiaodu!Test-2026/,
  ];
  const unitAData = /MXA-|甲单位项目/;
  const unitBData = new RegExp(`${projectB.code}|乙单位机密`);
  if (who === 'reporterA') return [...secrets, unitBData];
  if (who === 'reporterB') return [...secrets, unitAData];
  if (who === 'coordinator' || who === 'leader') return secrets;
  return [...secrets, unitAData, unitBData];
}

async function bodyText(res: {
  headers: Record<string, unknown>;
  body: string;
  rawPayload: Buffer;
}): Promise<string> {
  if (String(res.headers['content-type']).includes('spreadsheetml')) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    for (const ws of wb.worksheets)
      ws.eachRow((row) => row.eachCell((c) => cells.push(JSON.stringify(c.value ?? ''))));
    return cells.join('\n');
  }
  return res.body;
}

beforeAll(async () => {
  t = await createTestApp({ auth: 'session' });
  const ctx = sys();
  unitA = (await ensureUnit(t.database.db, ctx, '甲建设单位')).unit.id;
  unitB = (await ensureUnit(t.database.db, ctx, '乙建设单位')).unit.id;
  const pb = await createProject(t.database.db, ctx, {
    code: 'MXB-1',
    name: '乙单位机密项目',
    ownerUnitId: unitB,
  });
  projectB = pb;
  await setPlan(t.database.db, ctx, {
    projectId: pb.id,
    year: 2026,
    annualTarget: '1200',
    timingTargets: TARGETS,
  });
  const rb = await saveReport(t.database.db, ctx, {
    projectId: pb.id,
    year: 2026,
    month: 10,
    investment: '77',
    version: 0,
  });
  await submitReport(t.database.db, ctx, rb.id);
  await approveReport(t.database.db, ctx, rb.id);
  reportB = rb.id;
  await addMilestone(t.database.db, ctx, {
    projectId: pb.id,
    kind: 'start',
    plannedDate: '2026-01-01',
  });
  sessions.coordinator = await t.loginAs('coordinator');
  sessions.leader = await t.loginAs('leader');
  sessions.reporterA = await t.loginAs('reporter', { unitId: unitA });
  sessions.reporterB = await t.loginAs('reporter', { unitId: unitB });
  sessions.sysadmin = await t.loginAs('sysadmin');
  sessions.secadmin = await t.loginAs('secadmin');
  sessions.auditadmin = await t.loginAs('auditadmin');
  // unit A has data of every kind too
  const a = await draftA();
  await addMilestone(t.database.db, ctx, {
    projectId: a.projectId,
    kind: 'permit',
    plannedDate: '2026-01-01',
  });
});
afterAll(() => t.close());

describe('route × role × unit', () => {
  it('covers every API route the app serves', () => {
    const served = t.app.apiRoutes.map((r) => `${r.method} ${r.url}`);
    const missing = served.filter((k) => !SPECS[k]);
    expect(missing, 'routes without an expectation in this matrix').toEqual([]);
  });

  for (const [route, spec] of Object.entries(SPECS)) {
    it(route, async () => {
      const [method] = route.split(' ');
      const failures: string[] = [];
      for (const who of WHO) {
        const req = await spec.prepare(who);
        const login = req.as ?? (who === 'anonymous' ? undefined : sessions[who]);
        const res = await t.app.inject({
          method: method as 'GET',
          url: req.url,
          headers: { ...(login?.headers ?? {}), ...(req.headers ?? {}) },
          ...(req.payload !== undefined ? { payload: req.payload as object } : {}),
        });
        if (res.statusCode !== spec.expect[who]) {
          failures.push(
            `${who}: ${res.statusCode} (expected ${spec.expect[who]}) ${res.body.slice(0, 200)}`,
          );
          continue;
        }
        // The whole database, by purpose: every secret and every unit's data (README: backups).
        if (route === 'GET /api/admin/backup' && res.statusCode === 200) continue;
        const text = await bodyText(res);
        for (const re of forbiddenText(who)) {
          // a 404 echoes the key the caller sent, nothing more
          if (res.statusCode === 404 && re.source.includes('MXA')) continue;
          if (re.test(text)) failures.push(`${who}: answer matches ${re} ${text.slice(0, 200)}`);
        }
        if (res.statusCode >= 400) {
          const body = res.json();
          if (Object.keys(body).join() !== 'error')
            failures.push(`${who}: error answer carries more than the error`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('a reporter of another unit', () => {
  it('cannot tell an existing project of another unit from a missing one', async () => {
    const s = sessions.reporterA;
    const get = (url: string) => t.app.inject({ url, headers: s.headers });
    const other = await get(`/api/projects/${projectB.code}`);
    const missing = await get('/api/projects/NO-SUCH-CODE');
    expect(other.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(other.json().error.code).toBe(missing.json().error.code);
    expect(other.json().error.message.replace(projectB.code, 'X')).toBe(
      missing.json().error.message.replace('NO-SUCH-CODE', 'X'),
    );
    const report = await get(`/api/reports/${reportB}`);
    const noReport = await get('/api/reports/999999');
    expect([report.statusCode, noReport.statusCode]).toEqual([404, 404]);
    expect(report.json().error.message.replace(String(reportB), 'X')).toBe(
      noReport.json().error.message.replace('999999', 'X'),
    );
  });

  it('finds nothing of it in lists, counts, dashboards, warnings or exports', async () => {
    const s = sessions.reporterA;
    const get = async (url: string) => {
      const res = await t.app.inject({ url, headers: s.headers });
      expect(res.statusCode, url).toBe(200);
      return res;
    };
    const list = (await get('/api/projects?pageSize=500&archived=include')).json();
    expect(list.items.every((p: { ownerUnitId: number }) => p.ownerUnitId === unitA)).toBe(true);
    expect(list.total).toBe(list.items.length);
    expect((await get(`/api/projects?q=${encodeURIComponent('乙单位')}`)).json().total).toBe(0);
    expect((await get(`/api/projects?unitId=${unitB}`)).json().total).toBe(0);
    expect((await get(`/api/reports?projectId=${projectB.id}`)).json()).toEqual([]);
    const dispatch = (await get('/api/dispatch?through=2026-10')).json();
    expect(dispatch.actual).toBe('0.00');
    expect(JSON.stringify(dispatch)).not.toMatch(/MXB|乙单位机密/);
    expect(JSON.stringify((await get('/api/warnings?month=2026-10')).json())).not.toMatch(
      /MXB|乙单位机密/,
    );
    for (const kind of ['ledger', 'dispatch?month=2026-10', 'warnings?month=2026-10']) {
      const res = await get(`/api/exports/${kind}`);
      expect(await bodyText(res)).not.toMatch(/MXB|乙单位机密/);
    }
    // …and the coordinator does see it
    const all = await t.app.inject({
      url: '/api/dispatch?through=2026-10',
      headers: sessions.coordinator.headers,
    });
    expect(all.json().actual).toBe('77.00');
  });
});

describe('the list filter and the single-record check agree', () => {
  const readers = ['coordinator', 'leader', 'reporterA', 'reporterB'] as const;

  it('for random project ids, for every role', async () => {
    const ids = (
      await t.app.inject({
        url: '/api/projects?pageSize=500&archived=include',
        headers: sessions.coordinator.headers,
      })
    )
      .json()
      .items.map((p: { id: number; ownerUnitId: number }) => p);
    const maxId = Math.max(...ids.map((p: { id: number }) => p.id));
    const owner = new Map<number, number>(
      ids.map((p: { id: number; ownerUnitId: number }) => [p.id, p.ownerUnitId]),
    );
    const listed = new Map<string, Set<number>>();
    for (const who of [...readers, 'sysadmin', 'auditadmin'] as const) {
      const res = await t.app.inject({
        url: '/api/projects?pageSize=500&archived=include',
        headers: sessions[who].headers,
      });
      listed.set(
        who,
        new Set(res.statusCode === 200 ? res.json().items.map((p: { id: number }) => p.id) : []),
      );
    }
    const actorOf = (who: (typeof readers)[number] | 'sysadmin' | 'auditadmin'): Actor => ({
      ...systemActor(t.officeId),
      role: who.startsWith('reporter') ? 'reporter' : (who as Actor['role']),
      unitId: who === 'reporterA' ? unitA : who === 'reporterB' ? unitB : null,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...readers, 'sysadmin' as const, 'auditadmin' as const),
        fc.integer({ min: 1, max: maxId + 3 }),
        async (who, id) => {
          const actor = actorOf(who);
          const single = await getProjectById(t.database.db, { actor, now: t.clock.now }, id).then(
            () => true,
            () => false,
          );
          const inList = listed.get(who)!.has(id);
          const allowed = owner.has(id) && can(actor, 'read', owner.get(id));
          expect([who, id, single]).toEqual([who, id, inList]);
          expect([who, id, single]).toEqual([who, id, allowed]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('for random report ids, for the reporters', async () => {
    const all = (
      await t.app.inject({
        url: '/api/reports?pageSize=500',
        headers: sessions.coordinator.headers,
      })
    ).json();
    const maxId = Math.max(...all.map((r: { id: number }) => r.id));
    for (const who of ['reporterA', 'reporterB'] as const) {
      const listed = new Set(
        (await t.app.inject({ url: '/api/reports?pageSize=500', headers: sessions[who].headers }))
          .json()
          .map((r: { id: number }) => r.id),
      );
      const actor: Actor = {
        ...systemActor(t.officeId),
        role: 'reporter',
        unitId: who === 'reporterA' ? unitA : unitB,
      };
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: maxId + 3 }), async (id) => {
          const single = await getReport(t.database.db, { actor, now: t.clock.now }, id).then(
            () => true,
            () => false,
          );
          expect([id, single]).toEqual([id, listed.has(id)]);
        }),
        { numRuns: 60 },
      );
    }
  });
});

describe('mass assignment', () => {
  it('office, unit, role, status and bookkeeping fields in a body are ignored', async () => {
    const post = (who: keyof typeof sessions, url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: sessions[who].headers, payload });
    const project = await post('coordinator', '/api/projects', {
      code: 'MXA-MASS',
      name: '甲单位项目（批量赋值）',
      ownerUnitId: unitA,
      officeId: 999,
      id: 424242,
      version: 9,
      archivedAt: '2020-01-01T00:00:00Z',
    });
    expect(project.statusCode, project.body).toBe(201);
    expect(project.json()).toMatchObject({ officeId: t.officeId, version: 1, archivedAt: null });
    expect(project.json().id).not.toBe(424242);
    const report = await post('reporterA', '/api/reports', {
      projectId: project.json().id,
      year: 2026,
      month: 10,
      investment: '1',
      version: 0,
      status: 'approved',
      officeId: 999,
      updatedBy: '别人',
      reviewedAt: '2026-01-01T00:00:00Z',
    });
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json()).toMatchObject({
      status: 'draft',
      officeId: t.officeId,
      reviewedAt: null,
    });
    expect(report.json().updatedBy).not.toBe('别人');
    // one's own account: role and unit in a body change nothing
    const me = await t.loginAs('reporter', { unitId: unitA });
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: me.headers,
      payload: {
        currentPassword: me.user.password,
        newPassword: 'Another-Pass-2026',
        role: 'coordinator',
        unitId: unitB,
      },
    });
    expect(changed.statusCode).toBe(204);
    const after = await t.app.inject({ url: '/api/auth/me', headers: me.headers });
    expect(after.json().user).toMatchObject({ role: 'reporter', unitId: unitA });
  });
});
