/**
 * Headless Debian Chromium for the journeys: one browser per test file, one context per
 * person, console errors collected so a journey fails on any of them.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';

export const DEMO_PASSWORD = 'Tiaodu-demo-2023';
export const SCREENSHOTS = join(import.meta.dirname, '..', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export type Lang = 'zh-CN' | 'en';
export type Viewport = { width: number; height: number };
export const DESKTOP: Viewport = { width: 1366, height: 768 };
export const PHONE: Viewport = { width: 390, height: 844 };
export const SCREEN: Viewport = { width: 1920, height: 1080 };

/**
 * A person at a browser: a context with its own cookies, the remembered language, and the
 * console errors seen so far. The browser reports every 401 as a failed resource load; the
 * expected ones (asking /api/auth/me before logging in, the log-in asking for a one-time code)
 * are not errors of the app.
 */
export async function person(
  browser: Browser,
  baseURL: string,
  opts: { lang?: Lang; viewport?: Viewport; as?: string } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    baseURL,
    storageState: opts.as ? await sessionOf(browser, baseURL, opts.as) : undefined,
    viewport: opts.viewport ?? DESKTOP,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await context.addInitScript((lang) => {
    if (!localStorage.getItem('tiaodu.lang')) localStorage.setItem('tiaodu.lang', lang);
  }, opts.lang ?? 'zh-CN');
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location().url ?? '';
    // Log-in answers are expected refusals (no session yet, a one-time code needed).
    if (/status of 401/.test(m.text()) && /\/api\/auth\/(me|login)$/.test(url)) return;
    errors.push(`${m.text()} ${url}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { context, page, errors };
}

/** Logs in through the log-in page, as a person would. */
export async function logIn(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Logs in through the API (same cookie jar), for set-up steps that are not the journey. */
export async function logInQuietly(
  context: BrowserContext,
  username: string,
  password = DEMO_PASSWORD,
) {
  const r = await context.request.post('/api/auth/login', { data: { username, password } });
  if (!r.ok()) throw new Error(`log-in of ${username} failed: ${r.status()} ${await r.text()}`);
  const body = (await r.json()) as { csrfToken: string };
  return body.csrfToken;
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
const sessions = new Map<string, StorageState>();

/**
 * One log-in per demo account for the whole run, shared by every context that only needs to
 * be that person (the server allows 20 log-ins a minute from one address). Journeys that are
 * about logging in, or that end their session, log in themselves.
 */
async function sessionOf(
  browser: Browser,
  baseURL: string,
  username: string,
): Promise<StorageState> {
  let state = sessions.get(username);
  if (!state) {
    const context = await browser.newContext({ baseURL });
    await logInQuietly(context, username);
    state = await context.storageState();
    await context.close();
    sessions.set(username, state);
  }
  return state;
}

/**
 * Waits until the page has its data and its charts have drawn. The limits are generous on
 * purpose: on a busy machine a page takes longer, and a slow page should make the run slower,
 * not red (an idle machine settles a page in about a second).
 */
export async function settled(page: Page) {
  await page.waitForLoadState('networkidle', { timeout: 60_000 });
  await page.waitForFunction(
    () =>
      !document.querySelector('.ant-spin-spinning') &&
      Array.from(document.querySelectorAll('[data-chart]')).every((el) =>
        el.hasAttribute('data-rendered'),
      ),
    undefined,
    { timeout: 60_000 },
  );
  // Antd's enter animations: a screenshot taken mid-fade shows half-drawn cards.
  await page.waitForTimeout(300);
}

export async function shot(page: Page, name: string, fullPage = false) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/**
 * Clicks a dialog's confirming button until the POST it starts (`path`) has gone out. A click
 * the busy page swallowed leaves the dialog open and idle (seen in CI: a report's 确定 still
 * asking after two minutes; a return's 确定 still there after 30 s): click it again, at most
 * twice more, and never while it is loading (then the request is under way).
 */
export async function clickUntilSent(page: Page, button: Locator, path: RegExp) {
  const sent = () =>
    page
      .waitForRequest((req) => req.method() === 'POST' && path.test(req.url()), {
        timeout: 20_000,
      })
      .then(
        () => true,
        () => false,
      );
  let going = sent();
  await button.click();
  for (let attempt = 1; !(await going) && attempt <= 2; attempt++) {
    if (!(await button.isVisible())) break;
    if ((await button.getAttribute('class'))?.includes('ant-btn-loading')) break;
    going = sent();
    await button.click();
  }
}

/**
 * Submits the open report form as a reporter does (提交审核, then 确定) and waits for the
 * server's answers to the save and the submit. A refusal fails with the server's own words
 * and a screenshot (e2e/screenshots/failed-submit.png), not a bare timeout; a slow machine
 * gets the time it needs (CI has failed here twice on a 30 s wait, with no more to go on).
 */
export async function submitReportForm(page: Page) {
  const answer = (path: RegExp) =>
    page.waitForResponse((res) => res.request().method() === 'POST' && path.test(res.url()), {
      timeout: 120_000,
    });
  const saved = answer(/\/api\/reports$/);
  const submitted = answer(/\/api\/reports\/\d+\/submit$/);
  await page.getByTestId('submit-report').click();
  const ok = page.locator('.ant-modal-confirm').getByRole('button', { name: /确\s*定/ });
  await clickUntilSent(page, ok, /\/api\/reports$/);
  for (const [step, pending] of [
    ['save', saved],
    ['submit', submitted],
  ] as const) {
    const res = await pending.catch(async (e: Error) => {
      await shot(page, 'failed-submit', true);
      throw new Error(`no answer to the report's ${step}: ${e.message}`);
    });
    if (res.status() !== 200) {
      await shot(page, 'failed-submit', true);
      throw new Error(`the report's ${step} answered ${res.status()}: ${await res.text()}`);
    }
  }
  await page.getByText('已提交，待审核').waitFor({ timeout: 60_000 });
}
