import { Decimal } from 'decimal.js';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/test-app.ts';
import { testContext } from '../../../../test/test-db.ts';
import { setPlan } from '../plans/plans.service.ts';
import { createProject, ensureArea } from '../projects/projects.service.ts';
import { approveReport, saveReport, submitReport } from '../reports/reports.service.ts';
import { ensureUnit } from '../units/units.service.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let admin: Awaited<ReturnType<typeof t.loginAs>>;
let token: string;
let tokenId: number;
const bearer = () => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await createTestApp({ auth: 'session', now: new Date('2026-11-24T02:00:00Z') });
  const ctx = await testContext(t.database, { now: t.clock.now });
  const area = (await ensureArea(t.database.db, ctx, '光明科学城核心片区')).row;
  const unit = (await ensureUnit(t.database.db, ctx, '光明区建筑工务署')).unit;
  for (const [code, name, target, actual, text] of [
    ['C1', '=HYPERLINK("http://x")', '1200.00', '150.25', '主体结构施工至5层'],
    ['C2', '光明科学城启动区二期', '800.50', '0.00', null],
  ] as const) {
    const p = await createProject(t.database.db, ctx, {
      code,
      name,
      areaId: area.id,
      ownerUnitId: unit.id,
    });
    await setPlan(t.database.db, ctx, {
      projectId: p.id,
      year: 2026,
      annualTarget: target,
      timingTargets: Array.from({ length: 12 }, (_, i) =>
        i === 11
          ? target
          : new Decimal(target)
              .times(i + 1)
              .dividedBy(12)
              .toFixed(2),
      ),
    });
    for (const [month, amount] of [
      [9, '50.00'],
      [10, actual],
    ] as const) {
      const r = await saveReport(t.database.db, ctx, {
        projectId: p.id,
        year: 2026,
        month,
        investment: amount,
        progressText: month === 10 ? text : null,
        problems: month === 10 && text ? '+征地拆迁未完成' : null,
        version: 0,
      });
      await submitReport(t.database.db, ctx, r.id);
      await approveReport(t.database.db, ctx, r.id);
    }
  }
  admin = await t.loginAs('sysadmin');
  const made = await t.app.inject({
    method: 'POST',
    url: '/api/admin/feed-tokens',
    headers: admin.headers,
    payload: { name: '深圳市重大项目管理平台' },
  });
  expect(made.statusCode).toBe(200);
  token = made.json().token;
  tokenId = made.json().feedToken.id;
});
afterAll(async () => {
  await t?.close();
});

describe('the feed to the city (issue 14 item 5)', () => {
  it('reads the dispatch figures and the city report with a token, totals equal to the rows', async () => {
    const dispatch = await t.app.inject({
      url: '/api/feed/v1/dispatch?through=2026-10',
      headers: bearer(),
    });
    expect(dispatch.statusCode).toBe(200);
    expect(dispatch.json().annualTarget).toBe('2000.50');
    expect(dispatch.json().actual).toBe('250.25');

    const projects = await t.app.inject({
      url: '/api/feed/v1/projects?month=2026-10',
      headers: bearer(),
    });
    expect(projects.statusCode).toBe(200);
    const body = projects.json();
    expect(body.rows.map((r: { code: string }) => r.code)).toEqual(['C1', 'C2']);
    expect(body.rows[0]).toMatchObject({
      annualTarget: '1200.00',
      monthActual: '150.25',
      cumulative: '200.25',
      rate: '16.7',
      progressText: '主体结构施工至5层',
    });
    expect(body.total).toEqual({
      projects: 2,
      annualTarget: '2000.50',
      monthActual: '150.25',
      cumulative: '250.25',
      rate: '12.5',
    });
    // No one's personal data: no account, phone or person field anywhere in the answer.
    expect(JSON.stringify(body)).not.toMatch(/phone|username|email|contact/i);
  });

  it('writes 市重大项目月报 in the city’s columns, formula-like text neutralised', async () => {
    const res = await t.app.inject({
      url: '/api/feed/v1/city-report.xlsx?month=2026-10',
      headers: bearer(),
    });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('市重大项目月报')!;
    const header = (ws.getRow(3).values as unknown[]).slice(1);
    expect(header).toEqual([
      '序号',
      '项目名称',
      '建设单位',
      '2026年计划投资',
      '10月完成投资',
      '1–10月累计完成投资',
      '年度计划完成率',
      '形象进度',
      '存在问题',
    ]);
    const first = (ws.getRow(4).values as unknown[]).slice(1);
    expect(first[1]).toBe('\'=HYPERLINK("http://x")');
    expect(first.slice(3, 6)).toEqual([1200, 150.25, 200.25]);
    expect(first[8]).toBe("'+征地拆迁未完成");
    const total = (ws.getRow(6).values as unknown[]).slice(1);
    expect(total[1]).toBe('合计（2个）');
    expect(total.slice(3, 6)).toEqual([2000.5, 150.25, 250.25]);
  });

  it('a token opens the feed and nothing else; a session does not open the feed', async () => {
    const opened: string[] = [];
    for (const route of t.app.apiRoutes) {
      const url = route.url.replace(/:\w+/g, '1');
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: `${url}${route.access === 'feed' ? '?month=2026-10&through=2026-10' : ''}`,
        headers: bearer(),
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      });
      if (res.statusCode < 400) opened.push(`${route.method} ${route.url}`);
      else if (route.access !== 'feed' && route.access !== 'public') {
        expect([401, 403, 404], `${route.method} ${route.url}`).toContain(res.statusCode);
      }
    }
    expect(opened.filter((r) => !r.includes('/api/auth/')).sort()).toEqual([
      'GET /api/feed/v1/city-report.xlsx',
      'GET /api/feed/v1/dispatch',
      'GET /api/feed/v1/projects',
    ]);
    const coordinator = await t.loginAs('coordinator');
    const withSession = await t.app.inject({
      url: '/api/feed/v1/dispatch?through=2026-10',
      headers: coordinator.headers,
    });
    expect(withSession.statusCode).toBe(401);
    // …while the office's own staff export the same workbook.
    const exported = await t.app.inject({
      url: '/api/exports/city-report?year=2026&month=10',
      headers: coordinator.headers,
    });
    expect(exported.statusCode).toBe(200);
  });

  it('every use is audited and a revoked token is refused at once', async () => {
    const before = await t.app.inject({
      url: '/api/feed/v1/dispatch?through=2026-10',
      headers: bearer(),
    });
    expect(before.statusCode).toBe(200);
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/api/admin/feed-tokens/${tokenId}/revoke`,
      headers: admin.headers,
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const after = await t.app.inject({
      url: '/api/feed/v1/dispatch?through=2026-10',
      headers: bearer(),
    });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('auth.feed_token_invalid');

    const list = await t.app.inject({ url: '/api/admin/feed-tokens', headers: admin.headers });
    const [view] = list.json();
    expect(view).not.toHaveProperty('tokenHash');
    expect(JSON.stringify(list.json())).not.toContain(token);
    const { rows } = (await t.database.db.execute(
      `select action, outcome, actor_id from audit_log where action in ('feed.read', 'feed.refused') order by seq`,
    )) as unknown as { rows: { action: string; outcome: string; actor_id: string }[] };
    const reads = rows.filter((r) => r.action === 'feed.read');
    expect(reads.length).toBe(view.uses);
    expect(reads.every((r) => r.actor_id === `feed-token:${tokenId}`)).toBe(true);
    expect(rows.at(-1)).toMatchObject({ action: 'feed.refused', outcome: 'failure' });
  });

  it('describes the feed in the API document with its own security scheme', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json();
    expect(doc.components.securitySchemes.feedToken).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.paths['/api/feed/v1/dispatch'].get.security).toEqual([{ feedToken: [] }]);
    expect(doc.paths['/api/feed/v1/dispatch'].get.tags).toEqual(['feed']);
  });
});
