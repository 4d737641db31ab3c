/**
 * The office's documents in the browser (issue 11): the half-year summary's draft states the
 * seed's figures from the data, and each figure's link opens the rows that make it up.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { DESKTOP, launch, person, settled, shot } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('the work summary', () => {
  test('the H1 2023 draft quotes the seed figures, and each link lists the rows behind one', async () => {
    const p = await person(browser, baseURL, { viewport: DESKTOP, as: 'coord' });
    const csrf = (
      (await (await p.context.request.get('/api/auth/me')).json()) as { csrfToken: string }
    ).csrfToken;
    const created = await p.context.request.post('/api/documents/summaries', {
      headers: { 'x-csrf-token': csrf },
      data: { from: '2023-01-01', to: '2023-06-30' },
    });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const page = p.page;
    const open = async () => {
      await page.goto(`/summaries?id=${id}`);
      await page.getByTestId('summary-figure').first().waitFor();
    };
    const figure = (href: string) =>
      page.locator(`a[data-testid="summary-figure"][href="${href}"]`);
    await open();
    const period = 'from=2023-01-01&to=2023-06-30';

    // 专责小组会议6次 → the six task-force meetings of the half-year
    const meetings = figure(`/meetings?kind=task_force&${period}`).first();
    expect(await meetings.textContent()).toBe('6次');
    await shot(page, 'summary-draft');
    await meetings.click();
    await page.getByText('共 6 次会议').waitFor();
    await page.getByTestId('list-period').waitFor();

    // 接待调研考察团155批次 → 155 delegations in the half-year
    await open();
    const delegations = figure(`/activities?kind=delegation&${period}`).first();
    expect(await delegations.textContent()).toBe('155批次');
    await delegations.click();
    await page.getByText('共 155 次').waitFor();

    // 提请关注项目4个 (six-key) → four yellow six-key projects in June's warnings
    await open();
    const attention = figure(
      `/warnings?month=2023-06&level=yellow&tag=${encodeURIComponent('六重')}`,
    ).first();
    expect(await attention.textContent()).toBe('4个');
    await attention.click();
    await settled(page);
    await expect
      .poll(() => page.locator('[data-testid="warnings-table"] tbody tr[data-row-key]').count())
      .toBe(4);
    await shot(page, 'summary-drill-down-warnings');
    expect(p.errors).toEqual([]);
    await p.context.close();
  });
});
