import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_SECRET_KEY, type TestLogin } from '../../../../test/test-app.ts';
import { buildApp } from '../../app.ts';
import type { Ctx } from '../../context.ts';
import { readEnv } from '../../env.ts';
import { systemActor } from '../offices/offices.service.ts';
import { createProject } from '../projects/projects.service.ts';
import { uploadReportPhoto } from '../reports/report-photos.service.ts';
import { saveReport } from '../reports/reports.service.ts';
import { ensureUnit } from '../units/units.service.ts';

/**
 * The gate decides on the route a request matched, never on the URL string: every registered
 * API route, spelled every way a router may still match it (or a web server may still serve
 * a page for it), answers 401 or 404 without a session and 403 or 404 without a CSRF token:
 * never a 200, never a 500 from a handler that ran without anyone logged in.
 */

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let coordinator: TestLogin;
let webRoot: string;

/** Values that reach each handler (a 500 there, not a 404, is what an open gate shows). */
const PARAMS: Record<string, string> = {
  code: 'RG-1',
  id: '1',
  photoId: '1',
  year: '2026',
  kind: 'ledger',
};
const concrete = (url: string) => url.replace(/:(\w+)/g, (_, p: string) => PARAMS[p] ?? '1');

const hex = (c: string) => `%${c.charCodeAt(0).toString(16)}`;

/** The spellings of `/api/…` a router decodes, merges or a browser may send. */
function variants(path: string): string[] {
  const rest = path.slice('/api'.length);
  const tail = rest.slice(1);
  return [
    path,
    `/%61pi${rest}`,
    `/%61%70%69${rest}`,
    `/%2561pi${rest}`,
    `/api/${hex(tail[0] ?? 'x')}${tail.slice(1)}`,
    `/api%2F${tail}`,
    `/api/${tail.replaceAll('/', '%2F')}`,
    `/api//${tail}`,
    `//api${rest}`,
    `/api${rest.replaceAll('/', '//')}`,
    `${path}/`,
    `/API${rest}`,
    `/Api${rest}`,
    path.toUpperCase(),
    `/api/x/..%2F${tail}`,
    `/x/..%2Fapi${rest}`,
    `/x/%2e%2e/api${rest}`,
    `/api/..%2Fapi${rest}`,
  ];
}

beforeAll(async () => {
  // A built web app of our own, so the not-found handler's page fallback is in play.
  webRoot = mkdtempSync(join(tmpdir(), 'tiaodu-web-'));
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>web app page</title>');
  writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log(1)');
  t = await createTestApp({ auth: 'session', webRoot });
  coordinator = await t.loginAs('coordinator');
});
afterAll(() => t.close());

const routes = () => t.app.apiRoutes;

describe('every API route, spelled every way', () => {
  it('answers 401 or 404 without a session, never 200 or 500', async () => {
    expect(routes().length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const route of routes()) {
      for (const url of variants(concrete(route.url))) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url,
          ...(route.method === 'GET' ? {} : { payload: {} }),
        });
        const line = `${route.method} ${url} (${route.url}): ${res.statusCode} ${res.body.slice(0, 80)}`;
        if (res.statusCode >= 500) failures.push(line);
        else if (route.access === 'public')
          continue; // log-in, demo, log-out answer anyone
        else if (![401, 404].includes(res.statusCode)) failures.push(line);
        else if (res.headers['cache-control'] !== 'no-store') failures.push(`${line} cached`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a state-changing request without the CSRF token: 403 or 404, never run', async () => {
    const failures: string[] = [];
    for (const route of routes()) {
      if (route.method === 'GET' || !route.csrf) continue;
      for (const url of variants(concrete(route.url))) {
        const res = await t.app.inject({
          method: route.method as 'POST',
          url,
          headers: { cookie: coordinator.cookie },
          payload: {},
        });
        const code = res.statusCode === 403 ? res.json().error.code : '';
        if (!(res.statusCode === 404 || code === 'auth.csrf_invalid')) {
          failures.push(`${route.method} ${url}: ${res.statusCode} ${res.body.slice(0, 80)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('applies the role gate of the matched route, whatever the spelling', async () => {
    const secadmin = await t.loginAs('secadmin');
    const leader = await t.loginAs('leader');
    for (const url of ['/%61pi/audit', '/api/%61udit', '/%61pi/audit/verify']) {
      const res = await t.app.inject({ url, headers: secadmin.headers });
      expect(res.statusCode, url).toBe(403);
    }
    const write = await t.app.inject({
      method: 'POST',
      url: '/%61pi/projects',
      headers: leader.headers,
      payload: { code: 'RG-LEADER', name: '领导不能建', ownerUnitId: 1 },
    });
    expect(write.statusCode).toBe(403);
    // …and the spelling changes nothing for those who may enter
    const list = await t.app.inject({ url: '/%61pi/projects', headers: coordinator.headers });
    expect(list.statusCode).toBe(200);
  });

  it('serves the web app outside /api, and no spelling of /api as a page', async () => {
    const page = await t.app.inject({ url: '/ledger' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('web app page');
    expect(page.headers['cache-control']).toBe('no-cache');
    const asset = await t.app.inject({ url: '/assets/app.js' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of [
      '/%61pi/no-such',
      '/API/projects',
      '//api/projects',
      '/x/..%2Fapi/projects',
      '/%2561pi/projects',
      // written under /api, normalising to a page path: still no page (was the app's 200)
      '/api/projects/..%2F..%2Fadmin/users',
    ]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('route.not_found');
    }
  });
});

describe('deny by default', () => {
  it('a route without a declared access rule stops the app at start-up', async () => {
    const app = await buildApp({
      db: t.database.db,
      secretKey: TEST_SECRET_KEY,
      env: readEnv({ NODE_ENV: 'test' }),
    });
    try {
      expect(() => app.get('/api/undeclared', async () => ({ secret: true }))).toThrow(
        /declares no access/,
      );
      // declaring it is enough, and then the gate applies
      app.get('/api/declared', { config: { access: 'business' } }, async () => ({ ok: true }));
      expect((await app.inject({ url: '/%61pi/declared' })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});

describe('nothing of the user stays in the browser cache', () => {
  it('API answers and photos are no-store', async () => {
    const sys: Ctx = { actor: systemActor(t.officeId), now: t.clock.now };
    const unit = (await ensureUnit(t.database.db, sys, '缓存单位')).unit.id;
    const project = await createProject(t.database.db, sys, {
      code: 'RG-PHOTO',
      name: '照片项目',
      ownerUnitId: unit,
    });
    const report = await saveReport(t.database.db, sys, {
      projectId: project.id,
      year: 2026,
      month: 10,
      investment: '10',
      version: 0,
    });
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const photo = await uploadReportPhoto(t.database.db, sys, report.id, {
      bytes: png,
      filename: 'a.png',
    });
    for (const url of [
      '/api/projects',
      '/api/auth/me',
      `/api/report-photos/${photo.id}`,
      `/api/report-photos/${photo.id}/thumbnail`,
    ]) {
      const res = await t.app.inject({ url, headers: coordinator.headers });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
  });
});
