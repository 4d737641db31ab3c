/**
 * The demo office in the present (issue 14 item 1): loaded as of today, it opens on last month
 * of this year with a year-end forecast, and each reporter sees last month's reports not yet
 * handed in as the server counts them. Its own server, since the journeys' office is pinned to
 * 2025-01-15 (vitest.config.ts); today's date, so the reporter's 本月 (the browser's clock)
 * and the office agree whatever day the run falls on.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatYearMonth, isoDateOf, previousMonth, yearMonthOf } from '../src/domain/periods.ts';
import { DESKTOP, launch, logIn, PHONE, person, settled, shot } from './support/browser.ts';
import { startDemoServer } from './support/server.ts';

type Counts = {
  notReported: number;
  notReportedProjects: { code: string; name: string }[];
};

const now = new Date();
const today = isoDateOf(now);
const lastMonth = formatYearMonth(previousMonth(yearMonthOf(now)));

let browser: Browser;
let server: { baseURL: string; stop: () => Promise<void> };

beforeAll(async () => {
  [browser, server] = await Promise.all([launch(), startDemoServer(undefined, today)]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the demo office loaded today', () => {
  test('opens on last month with the year-end forecast; reporters see last month overdue', async () => {
    const leader = await person(browser, server.baseURL, { viewport: DESKTOP });
    await logIn(leader.page, 'leader');
    const asked = leader.page.waitForRequest((r) => /\/api\/dispatch\?/.test(r.url()), {
      timeout: 60_000,
    });
    await leader.page.goto('/dashboard');
    expect(new URL((await asked).url()).searchParams.get('through')).toBe(lastMonth);
    const forecast = leader.page.getByTestId('forecast-card');
    await forecast.waitFor();
    await expect
      .poll(() => leader.page.getByTestId('forecast-expected').textContent())
      .toMatch(/\d/);
    await settled(leader.page);
    await shot(leader.page, 'present-dashboard', true);
    const office = (await (
      await leader.context.request.get(`/api/dispatch/counts?through=${lastMonth}`)
    ).json()) as Counts;
    // the month in progress always has a report missing, a draft and a returned one
    expect(office.notReported).toBeGreaterThan(0);
    expect(leader.errors).toEqual([]);

    let listed = 0;
    for (const username of ['reporter-gws', 'reporter-qgws', 'reporter-jtj']) {
      const reporter = await person(browser, server.baseURL, { viewport: PHONE });
      await logIn(reporter.page, username);
      await reporter.page.goto('/report');
      await settled(reporter.page);
      const mine = (await (
        await reporter.context.request.get(`/api/dispatch/counts?through=${lastMonth}`)
      ).json()) as Counts;
      const alert = reporter.page.locator('.ant-alert-warning');
      if (mine.notReported === 0) {
        await expect.poll(() => alert.count()).toBe(0);
      } else {
        listed += mine.notReported;
        await expect
          .poll(() => alert.getByRole('link').allInnerTexts())
          .toEqual(mine.notReportedProjects.map((p) => p.name));
        await shot(reporter.page, `present-overdue-${username}`);
        await alert.getByRole('link').first().click();
        await reporter.page.waitForURL(
          `**/report/${encodeURIComponent(mine.notReportedProjects[0]!.code)}/${lastMonth}`,
        );
      }
      expect(reporter.errors).toEqual([]);
      await reporter.context.close();
    }
    expect(listed).toBeLessThanOrEqual(office.notReported);
    await leader.context.close();
  });
});
