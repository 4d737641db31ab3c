/**
 * The journeys of issue 5, in a real browser against `tiaodu serve` with the demo office:
 * the monthly cycle (submit → return → resubmit → approve → figures move), a reporter's scope,
 * a leader without edit controls, the language switch, the large screen, the session-ended
 * notice, the forced password change and the log-in with a one-time code.
 */
import { Decimal } from 'decimal.js';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { wanToYi } from '../src/domain/money.ts';
import {
  clickUntilSent,
  DESKTOP,
  launch,
  logIn,
  logInQuietly,
  PHONE,
  person,
  SCREEN,
  shot,
  submitReportForm,
} from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

type Json = Record<string, unknown>;
async function getJson<T = Json>(context: BrowserContext, path: string): Promise<T> {
  const r = await context.request.get(path);
  if (!r.ok()) throw new Error(`GET ${path}: ${r.status()} ${await r.text()}`);
  return (await r.json()) as T;
}

type Project = {
  id: number;
  code: string;
  name: string;
  ownerUnitId: number | null;
  ownerUnitName: string | null;
};
type Report = { id: number; projectId: number; status: string; year: number; month: number };
type Standing = {
  projectId: number;
  code: string;
  level: string;
  reasons: { rule: string; level: string; zh: string }[];
};
type Dispatch = { actual: string };

const MONTH = '2024-12';

describe('the monthly cycle', () => {
  test('a reporter submits, the coordinator returns, the reporter resubmits, the coordinator approves, and the figures move', async () => {
    const reporter = await person(browser, baseURL, { viewport: PHONE });
    const coordinator = await person(browser, baseURL, { viewport: DESKTOP, as: 'coord' });
    await logIn(reporter.page, 'reporter-gws');

    // A project of the reporter's unit that owes its December report (a 2024 plan, not finished)
    // and has not handed it in yet.
    const mine = await getJson<{ items: Project[] }>(
      reporter.context,
      // only projects whose December report is due: those get a card on the reporter's page
      `/api/projects?pageSize=500&due=${MONTH}`,
    );
    const december = await getJson<Report[]>(
      reporter.context,
      '/api/reports?year=2024&month=12&pageSize=500',
    );
    // Handed in means submitted or approved; a draft or a returned report is still to be sent.
    const reported = new Set(
      december
        .filter((r) => r.status === 'submitted' || r.status === 'approved')
        .map((r) => r.projectId),
    );
    let target: Project | undefined;
    let timing12 = '';
    for (const p of mine.items) {
      if (reported.has(p.id)) continue;
      const plan = await reporter.context.request.get(
        `/api/projects/${encodeURIComponent(p.code)}/plans/2024`,
      );
      if (!plan.ok()) continue;
      timing12 = ((await plan.json()) as { timingTargets: string[] }).timingTargets[11];
      target = p;
      break;
    }
    expect(target, 'a project of 市建筑工务署 without a December 2024 report').toBeDefined();
    const project = target!;
    const before = await getJson<Dispatch>(coordinator.context, `/api/dispatch?through=${MONTH}`);
    const standingsBefore = await getJson<Standing[]>(
      coordinator.context,
      `/api/warnings?month=${MONTH}`,
    );
    const was = standingsBefore.find((s) => s.projectId === project.id)!;
    expect(was.reasons.some((r) => r.rule === 'reporting')).toBe(true);

    // The December timing target covers any shortfall, so the investment rule turns green.
    const amount = new Decimal(timing12).toFixed(2);
    const typed = amount.replace(/\B(?=(\d{3})+(?!\d))/, ',');

    // 1. The reporter fills in the month on a phone and submits.
    const r = reporter.page;
    await r.goto(`/report?month=${MONTH}`);
    const card = r.locator(`[data-testid="report-card"][data-project="${project.code}"]`);
    await card.getByTestId('report-open').click();
    await r.getByTestId('investment').fill(typed);
    await r.getByLabel(/形象进度（%）/).fill('88');
    await r.getByLabel('形象进度说明').fill('主体结构施工，完成年度投资');
    await shot(r, 'report-form-phone-zh');
    await submitReportForm(r);
    await shot(r, 'report-submitted-phone-zh');

    // 2. The coordinator returns it with a reason.
    const c = coordinator.page;
    await c.goto('/review');
    await c.getByTestId(`return-${project.code}`).click();
    await c.getByTestId('return-reason-input').fill('请补充本月形象进度照片说明');
    await clickUntilSent(c, c.locator('#confirm-return'), /\/api\/reports\/\d+\/return$/);
    await c.getByTestId(`return-${project.code}`).waitFor({ state: 'detached' });

    // 3. The reporter sees the reason and resubmits.
    await r.goto(`/report?month=${MONTH}`);
    await expect.poll(() => card.textContent()).toContain('请补充本月形象进度照片说明');
    await card.getByTestId('report-open').click();
    await r.getByTestId('return-reason').waitFor();
    await r.getByLabel('形象进度说明').fill('主体结构施工，完成年度投资；照片已补充');
    await submitReportForm(r);

    // 4. The coordinator approves.
    await c.goto('/review');
    await c.getByTestId(`approve-${project.code}`).click();
    await c.getByTestId(`approve-${project.code}`).waitFor({ state: 'detached' });

    // 5. The dashboard's actual grew by exactly the amount, on screen and in the API.
    const after = await getJson<Dispatch>(coordinator.context, `/api/dispatch?through=${MONTH}`);
    expect(new Decimal(after.actual).minus(before.actual).toFixed(2)).toBe(amount);
    await c.goto(`/dashboard?through=${MONTH}`);
    await expect
      .poll(() => c.getByTestId('kpi-actual-value').textContent())
      .toBe(wanToYi(after.actual));

    // 6. The project's warning: reported now, and on target.
    const standingsAfter = await getJson<Standing[]>(
      coordinator.context,
      `/api/warnings?month=${MONTH}`,
    );
    const now = standingsAfter.find((s) => s.projectId === project.id)!;
    expect(now.reasons.some((x) => x.rule === 'reporting')).toBe(false);
    expect(now.reasons.find((x) => x.rule === 'investment')?.level).toBe('green');
    await c.goto(`/projects/${encodeURIComponent(project.code)}`);
    await expect
      .poll(() => c.getByTestId('project-level').getAttribute('data-level'))
      .toBe(now.level);
    expect(await c.getByTestId('project-reasons').textContent()).not.toContain('本月未报送');
    await shot(c, 'project-after-approval-zh');

    expect(reporter.errors).toEqual([]);
    expect(coordinator.errors).toEqual([]);
    await reporter.context.close();
    await coordinator.context.close();
  });
});

describe('who sees what', () => {
  test("a reporter cannot see another unit's project", async () => {
    const reporter = await person(browser, baseURL);
    const coordinator = await person(browser, baseURL, { as: 'coord' });
    await logIn(reporter.page, 'reporter-gws');
    const me = await getJson<{ user: { unitId: number; unitName: string } }>(
      reporter.context,
      '/api/auth/me',
    );
    const all = await getJson<{ items: Project[] }>(
      coordinator.context,
      '/api/projects?pageSize=500',
    );
    const other = all.items.find((p) => p.ownerUnitId !== me.user.unitId)!;
    const mine = await getJson<{ items: Project[]; total: number }>(
      reporter.context,
      '/api/projects?pageSize=500',
    );
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.items.every((p) => p.ownerUnitId === me.user.unitId)).toBe(true);

    const page = reporter.page;
    await page.goto('/ledger');
    await page.getByTestId('ledger-table').locator('tbody tr.ant-table-row').first().waitFor();
    expect(await page.getByTestId('ledger-table').textContent()).not.toContain(other.name);
    await page.goto(`/projects/${encodeURIComponent(other.code)}`);
    await page.getByText('项目不存在，或不在您的权限范围内。').waitFor();
    expect(
      (
        await reporter.context.request.get(`/api/projects/${encodeURIComponent(other.code)}`)
      ).status(),
    ).toBe(404);
    expect(reporter.errors.filter((e) => !e.includes('404'))).toEqual([]);
    await reporter.context.close();
    await coordinator.context.close();
  });

  test('a leader reads everything and has no edit controls', async () => {
    const leader = await person(browser, baseURL);
    const page = leader.page;
    await logIn(page, 'leader');
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    await page.getByTestId('dashboard').waitFor();
    const nav = await page.locator('aside').textContent();
    expect(nav).not.toContain('月报审核');
    expect(nav).not.toContain('导入导出');

    await page.goto('/ledger');
    await page.getByTestId('ledger-table').locator('tbody tr.ant-table-row').first().waitFor();
    expect(await page.getByRole('button', { name: /新建项目/ }).count()).toBe(0);

    await page.getByTestId('ledger-table').locator('tbody tr.ant-table-row a').first().click();
    await page.getByText('基本信息').waitFor();
    expect(await page.getByTestId('edit-project').count()).toBe(0);
    for (const tab of ['固投计划', '节点']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForTimeout(200);
    }
    expect(
      await page.getByRole('button', { name: /设定年度计划|调整年度计划|新增节点/ }).count(),
    ).toBe(0);
    expect(await page.getByRole('button', { name: /^编\s*辑$/ }).count()).toBe(0);

    await page.goto('/warnings');
    await page.getByTestId('warnings-table').locator('tbody tr.ant-table-row').first().waitFor();
    expect(await page.getByRole('button', { name: /调整等级|记录本月研判/ }).count()).toBe(0);
    await page.getByRole('tab', { name: '预警阈值' }).click();
    expect(await page.getByRole('button', { name: /保\s*存/ }).count()).toBe(0);

    await page.goto('/review');
    await page.getByText('没有权限').waitFor();
    await shot(page, 'leader-review-forbidden-zh');
    expect(leader.errors).toEqual([]);
    await leader.context.close();
  });
});

describe('language, large screen and session', () => {
  test('the language switch changes every label and is remembered', async () => {
    const p = await person(browser, baseURL, { lang: 'zh-CN', as: 'coord' });
    await p.page.goto('/dashboard');
    await p.page.getByText('固投调度看板').waitFor();
    await p.page.getByTestId('lang-switch').getByText('EN').click();
    await p.page.getByText('Investment dispatch dashboard').waitFor();
    expect(await p.page.locator('html').getAttribute('lang')).toBe('en');
    await p.page.reload();
    await p.page.getByText('Investment dispatch dashboard').waitFor();
    expect(await p.page.locator('aside').textContent()).toContain('Ledger');
    await p.page.getByTestId('lang-switch').getByText('中文').click();
    await p.page.getByText('固投调度看板').waitFor();
    expect(p.errors).toEqual([]);
    await p.context.close();
  });

  test('the large screen fits 1920×1080 without scrolling and refreshes every 60 s', async () => {
    const p = await person(browser, baseURL, { viewport: SCREEN, as: 'leader' });
    await p.page.clock.install();
    let fetches = 0;
    p.page.on('request', (req) => {
      if (req.url().includes('/api/dispatch')) fetches++;
    });
    await p.page.goto('/screen');
    await p.page.locator('[data-testid="big-screen"][data-ready="true"]').waitFor();
    const size = await p.page.evaluate(() => ({
      h: document.documentElement.scrollHeight,
      w: document.documentElement.scrollWidth,
      text: Number.parseFloat(
        getComputedStyle(document.querySelector('.screen-flag .reason') ?? document.body).fontSize,
      ),
    }));
    expect(size.h).toBeLessThanOrEqual(1080);
    expect(size.w).toBeLessThanOrEqual(1920);
    expect(size.text).toBeGreaterThanOrEqual(20);
    expect(await p.page.getByTestId('screen-actual').textContent()).toMatch(/\d+\.\d{2}/);
    const first = fetches;
    await p.page.clock.fastForward('01:01');
    await expect.poll(() => fetches).toBeGreaterThan(first);
    expect(p.errors).toEqual([]);
    await p.context.close();
  });

  test('when the session ends, the log-in page says so and brings the person back', async () => {
    // Its own log-in: this journey ends the session.
    const p = await person(browser, baseURL);
    await logInQuietly(p.context, 'coord');
    await p.page.goto('/ledger');
    await p.page.getByTestId('ledger-table').locator('tbody tr.ant-table-row').first().waitFor();
    // The session ends behind the page's back (as an idle timeout does).
    const csrf = (await getJson<{ csrfToken: string }>(p.context, '/api/auth/me')).csrfToken;
    await p.context.request.post('/api/auth/logout', { headers: { 'x-csrf-token': csrf } });
    await p.page.getByRole('menuitem', { name: /预警研判/ }).click();
    await p.page.getByTestId('session-expired').waitFor();
    expect(new URL(p.page.url()).searchParams.get('next')).toContain('/warnings');
    await p.page.getByTestId('login-username').fill('coord');
    await p.page.getByTestId('login-password').fill('Tiaodu-demo-2023');
    await p.page.getByTestId('login-submit').click();
    await p.page.waitForURL(/\/warnings/);
    await p.context.close();
  });
});

describe('import and export', () => {
  test("the coordinator previews the office's own workbook, then imports it", async () => {
    const p = await person(browser, baseURL, { as: 'coord' });
    const workbook = await p.context.request.get('/api/exports/ledger?year=2024&month=12');
    expect(workbook.ok()).toBe(true);
    await p.page.goto('/import');
    await p.page.locator('input[type="file"]').setInputFiles({
      name: 'tiaodu-ledger.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await workbook.body(),
    });
    await p.page.getByRole('button', { name: /预览检查/ }).click();
    await p.page.getByTestId('import-ok').waitFor();
    await shot(p.page, 'import-preview-zh');
    await p.page.getByRole('button', { name: /确认导入/ }).click();
    await p.page.getByTestId('import-done').waitFor();
    expect(p.errors).toEqual([]);
    await p.context.close();
  });
});

describe('the feed to the city', () => {
  test('the system admin makes a token, the city reads with it, and a revoked token is refused', async () => {
    const admin = await person(browser, baseURL, { as: 'sysadmin' });
    await admin.page.goto('/admin/feed-tokens');
    await admin.page.getByTestId('feed-token-create').click();
    await admin.page.getByTestId('feed-token-name').fill('深圳市重大项目管理平台');
    // Each dialog's own button: the first dialog's closes while the second opens.
    const ok = /确\s*定/;
    await admin.page
      .getByRole('dialog', { name: '新建令牌' })
      .getByRole('button', { name: ok })
      .click();
    const created = admin.page.getByRole('dialog', { name: '令牌已创建' });
    const token = (await created.getByTestId('feed-token-secret').textContent())!.trim();
    expect(token).toMatch(/^tdf_/);
    await shot(admin.page, 'feed-token-created-zh');
    await created.getByRole('button', { name: ok }).click();
    await admin.page.getByRole('cell', { name: '深圳市重大项目管理平台' }).waitFor();

    const city = await browser.newContext({ baseURL });
    const auth = { authorization: `Bearer ${token}` };
    const figures = await city.request.get('/api/feed/v1/projects?month=2024-10', {
      headers: auth,
    });
    expect(figures.status()).toBe(200);
    expect(((await figures.json()) as { total: { projects: number } }).total.projects).toBe(89);
    // the token opens the feed only
    expect((await city.request.get('/api/projects', { headers: auth })).status()).toBe(401);

    await admin.page
      .getByRole('button', { name: /撤\s*销/ })
      .first()
      .click();
    await admin.page.locator('.ant-popconfirm').getByRole('button', { name: ok }).click();
    await admin.page.getByText('已撤销').first().waitFor();
    const refused = await city.request.get('/api/feed/v1/dispatch?through=2024-10', {
      headers: auth,
    });
    expect(refused.status()).toBe(401);
    expect(admin.errors).toEqual([]);
    await city.close();
    await admin.context.close();
  });
});

describe('accounts', () => {
  test('a new account must change its password, then can turn on one-time codes and log in with one', async () => {
    const admin = await person(browser, baseURL, { as: 'sysadmin' });
    const csrf = (await getJson<{ csrfToken: string }>(admin.context, '/api/auth/me')).csrfToken;
    const units = await getJson<{ id: number; name: string }[]>(admin.context, '/api/admin/units');
    const username = `e2e-${Date.now().toString(36)}`;
    const created = await admin.context.request.post('/api/admin/users', {
      headers: { 'x-csrf-token': csrf },
      data: { username, displayName: 'E2E 填报员', role: 'reporter', unitId: units[0].id },
    });
    expect(created.status()).toBe(201);
    const { temporaryPassword } = (await created.json()) as { temporaryPassword: string };

    const p = await person(browser, baseURL);
    const page: Page = p.page;
    await logIn(page, username, temporaryPassword);
    await page.waitForURL(/\/change-password/);
    await page.getByText('首次登录或密码已重置').waitFor();
    const password = `Xy7!${Date.now().toString(36)}Qw`;
    await page.getByTestId('current-password').fill(temporaryPassword);
    await page.getByTestId('new-password').fill(password);
    await page.getByTestId('confirm-password').fill(password);
    await page.getByTestId('change-password-submit').click();
    await page.waitForURL(/\/report/);

    await page.goto('/account');
    await page.getByRole('button', { name: /启用动态验证码/ }).click();
    const secret = (await page.locator('.ant-typography code').first().textContent())!.trim();
    const totp = new TOTP({
      secret: Secret.fromBase32(secret),
      digits: 6,
      period: 30,
      algorithm: 'SHA1',
    });
    await page.getByLabel(/输入应用显示的 6 位验证码/).fill(totp.generate());
    await page.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByText('已启用动态验证码').waitFor();

    await page.getByTestId('user-menu').click();
    await page.getByText('退出登录').click();
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').waitFor();
    await shot(page, 'login-totp-zh');
    // The next time step: the enrolment already used this one, and a code is never reused.
    await page.getByTestId('login-totp').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/report/);
    expect(p.errors).toEqual([]);
    await p.context.close();
    await admin.context.close();
  });
});

describe('what-if', () => {
  test('a coordinator adds extra 万元 a month to a project, sees the year-end figure move, saves and compares', async () => {
    const { context, page, errors } = await person(browser, baseURL, { as: 'coord' });
    const through = '2024-10';
    const { suggestions } = await getJson<{ suggestions: { code: string; name: string }[] }>(
      context,
      `/api/scenarios/suggestions?through=${through}`,
    );
    expect(suggestions.length).toBeGreaterThan(0);
    const pick = suggestions[0];

    await page.goto(`/scenarios?month=${through}`);
    const baseline = page.getByTestId('scenario-baseline-expected');
    await baseline.waitFor();
    const before = (await baseline.getAttribute('data-wan'))!;
    expect(before).toMatch(/^\d+\.\d{2}$/);

    await page
      .getByTestId('scenario-suggestions')
      .getByRole('button', { name: `加入 ${pick.name}` })
      .click();
    const answer = page.waitForResponse(
      (r) =>
        r.url().endsWith('/api/scenarios/preview') &&
        (r.request().postData() ?? '').includes('"extraPerMonth":"100"'),
    );
    await page.getByLabel(`数值 ${pick.name}`).fill('100');
    const preview = (await (await answer).json()) as {
      baseline: { expected: string };
      scenario: { expected: string };
    };
    // November and December: 100 万元 each on top of the forecast
    expect(preview.baseline.expected).toBe(before);
    expect(preview.scenario.expected).toBe(new Decimal(before).plus(200).toFixed(2));
    await page
      .locator(`[data-testid="scenario-figures-expected"][data-wan="${preview.scenario.expected}"]`)
      .waitFor();
    await shot(page, 'scenario-editor-zh');

    await page.getByTestId('scenario-name').fill('加快一个项目');
    await page.getByTestId('scenario-save').click();
    const compare = page.getByTestId('scenario-compare');
    const row = compare.getByRole('row').filter({ hasText: '加快一个项目' });
    await row.locator(`[data-wan="${preview.scenario.expected}"]`).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
