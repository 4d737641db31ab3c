/**
 * The coordination loop of issue 10 in a real browser against the demo office: the office
 * records a meeting and assigns an item to the city works bureau; the bureau's reporter sees it
 * (another unit's reporter does not), reports progress and reports it done; the office verifies
 * and closes it (销号); overdue items are red, from the server.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { DESKTOP, launch, logIn, person, shot } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const OK = /确\s*定/;
const SAVE = /保\s*存/;

describe('coordination loop', () => {
  test('meeting → action item → the unit answers → the office closes it', async () => {
    const content = `12月31日前完成科学城一号道路管线迁改方案报审（E2E ${Date.now().toString(36)}）`;
    const coord = await person(browser, baseURL, { viewport: DESKTOP });
    const c = coord.page;
    await logIn(c, 'coord');
    await c.goto('/meetings');
    await c.getByText('光明科学城开发建设专责小组2024年第六次会议').waitFor();
    await c.getByTestId('new-meeting').click();
    await c.getByTestId('meeting-title').fill('市建筑工务署—光明区重大项目推进协调会（E2E）');
    await c.getByTestId('meeting-date').click();
    await c.keyboard.type('2024-12-20');
    await c.keyboard.press('Enter');
    await c.getByRole('button', { name: SAVE }).click();
    await c.getByTestId('add-item').click();
    await c.getByTestId('item-unit').click();
    await c.keyboard.type('市建筑工务署');
    await c.keyboard.press('Enter');
    await c.getByTestId('item-content').fill(content);
    await c.getByTestId('item-deadline').click();
    await c.keyboard.type('2024-12-31');
    await c.keyboard.press('Enter');
    await c
      .getByRole('dialog', { name: '新增交办事项' })
      .getByRole('button', { name: SAVE })
      .click();
    await c.getByText(content).waitFor();
    await shot(c, 'coordination-meeting-with-item');

    // another unit's reporter does not see it
    const other = await person(browser, baseURL, { viewport: DESKTOP });
    await logIn(other.page, 'reporter-qgws');
    await other.page.goto('/action-items');
    await other.page.getByText(/共 \d+ 项/).waitFor();
    expect(await other.page.getByText(content).count()).toBe(0);

    const rep = await person(browser, baseURL, { viewport: DESKTOP });
    const r = rep.page;
    await logIn(r, 'reporter-gws');
    await r.goto('/action-items');
    await r.getByText(content).click();
    await r.getByTestId('step-answer').click();
    await r.getByTestId('step-progress').fill('方案初稿已完成，正与供电局对接');
    await r.getByRole('button', { name: OK }).click();
    await r.getByText('方案初稿已完成，正与供电局对接').first().waitFor();
    await r.getByTestId('step-report_done').click();
    await r.getByTestId('step-note').fill('方案已报审并取得批复');
    await r.getByRole('button', { name: OK }).click();
    await r.getByText('待核销').first().waitFor();
    // the unit cannot close its own item: no such button
    expect(await r.getByTestId('step-close').count()).toBe(0);
    await shot(r, 'coordination-reporter-reported-done');

    await c.goto('/action-items?status=reported_done');
    await c.getByText(content).click();
    await c.getByTestId('step-close').click();
    await c.getByTestId('step-note').fill('经核实已办结，予以销号');
    await c.getByRole('button', { name: OK }).click();
    await c.getByText('已销号').first().waitFor();
    await shot(c, 'coordination-closed');

    // overdue items turn red, as the server says
    await c.goto('/action-items?overdue=true');
    await c.getByTestId('overdue-tag').first().waitFor();
    await shot(c, 'coordination-overdue');
    for (const p of [coord, other, rep]) expect(p.errors).toEqual([]);
    for (const p of [coord, other, rep]) await p.context.close();
  });
});

describe('what is overdue reaches the people who must act', () => {
  test('the unit sees its overdue items in the inbox and opens one; the office sees them on the dashboard', async () => {
    const rep = await person(browser, baseURL, { viewport: DESKTOP, as: 'reporter-gws' });
    const r = rep.page;
    const inbox = (await (await rep.context.request.get('/api/inbox')).json()) as {
      count: number;
      items: { kind: string; key: string; href: string }[];
    };
    const overdue = inbox.items.filter((i) => i.kind === 'action_item_overdue');
    expect(overdue.length).toBeGreaterThan(0);
    await r.goto('/ledger');
    // the header's bell carries the server's count
    await expect
      .poll(() => r.getByTestId('inbox-bell').getAttribute('aria-label'))
      .toBe(`待办 ${inbox.count} 项`);
    await r.getByTestId('inbox-bell').click();
    await r.waitForURL('**/inbox');
    const first = r.getByTestId('inbox-action_item_overdue').first();
    await expect.poll(() => first.textContent()).toContain('已逾期');
    await first.getByRole('link').click();
    await r.waitForURL((u) => u.pathname === '/action-items' && u.searchParams.has('id'));
    await expect.poll(() => r.locator('.ant-drawer-open').count()).toBe(1);
    await shot(r, 'inbox-opened-item');

    const coord = await person(browser, baseURL, { viewport: DESKTOP, as: 'coord' });
    const all = (await (
      await coord.context.request.get('/api/action-items?overdue=true&pageSize=1')
    ).json()) as { total: number };
    await coord.page.goto('/dashboard');
    const card = coord.page.getByTestId('overdue-action-items');
    await card.scrollIntoViewIfNeeded();
    // the card's badge and its list come from the same server count
    await expect
      .poll(() => card.locator('.ant-badge .ant-scroll-number').first().getAttribute('title'))
      .toBe(String(all.total));
    expect(await card.locator('.flag-item').count()).toBe(Math.min(all.total, 10));
    await shot(coord.page, 'dashboard-overdue-items');
    for (const p of [rep, coord]) expect(p.errors).toEqual([]);
    for (const p of [rep, coord]) await p.context.close();
  });
});

describe('supervision loop', () => {
  test('red warning → 督办单 in one click → the unit answers → the office verifies and closes it', async () => {
    const coord = await person(browser, baseURL, { viewport: DESKTOP, as: 'coord' });
    const c = coord.page;
    const red = (await (
      await coord.context.request.get('/api/warnings?month=2024-12&level=red')
    ).json()) as { projectId: number; code: string; ownerUnit: string }[];
    // the red project of the transport bureau that has no notice yet in the demo
    const target = red.find((p) => p.code === 'DT6-002');
    expect(target?.ownerUnit).toBe('光明区交通运输局');
    await c.goto('/warnings?month=2024-12&level=red');
    const row = c.locator(`tr[data-row-key="${target!.projectId}"]`);
    await row.getByTestId('issue-notice').click();
    await c
      .getByRole('dialog')
      .getByRole('button', { name: /发督办单/ })
      .click();
    // the warning now shows its notice: number and status, as a link to it
    const link = row.locator('a[href^="/supervision-notices?id="]');
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    expect(await link.textContent()).toMatch(/督〔\d{4}〕\d+号/);
    await shot(c, 'supervision-issued-from-warning');

    const rep = await person(browser, baseURL, { viewport: DESKTOP, as: 'reporter-jtj' });
    const r = rep.page;
    await r.goto('/inbox');
    await r.locator(`[data-testid="inbox-notice_to_answer"] a[href="${href}"]`).click();
    await r.waitForURL((u) => u.pathname === '/supervision-notices' && u.searchParams.has('id'));
    const drawer = r.locator('.ant-drawer-open');
    // the warning's reasons came with the notice
    await drawer
      .getByText(/低于80%/)
      .first()
      .waitFor();
    // the unit's evidence goes with its answer, as a file on the notice
    const evidence = drawer.getByTestId('attachments-supervision_notice');
    await evidence.locator('input[type=file]').setInputFiles({
      name: '接驳设施整改措施.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
    });
    await evidence.getByText('接驳设施整改措施.pdf').waitFor();
    await drawer.getByTestId('notice-step-answer').click();
    const measures = '已增派施工班组两个，春节前完成接驳通道主体，1月计划投资提高至1,800万元';
    await r.getByTestId('notice-measures').fill(measures);
    await r.getByRole('button', { name: OK }).click();
    await drawer.getByText('已反馈待核实').first().waitFor();
    // the unit cannot verify its own answer
    expect(await drawer.getByTestId('notice-step-close').count()).toBe(0);
    await shot(r, 'supervision-unit-answered');

    await c.goto(href);
    const cd = c.locator('.ant-drawer-open');
    await cd.getByText(measures).first().waitFor();
    // the office sees the unit's file
    await cd
      .getByTestId('attachments-supervision_notice')
      .getByText('接驳设施整改措施.pdf')
      .waitFor();
    await cd.getByTestId('notice-step-close').click();
    await c.getByTestId('notice-note').fill('经现场核实，整改措施已落实，予以销号');
    await c.getByRole('button', { name: OK }).click();
    await cd.getByText('已销号').first().waitFor();
    await shot(c, 'supervision-closed');

    // the loop's end is visible where it began: the warning row
    await c.goto('/warnings?month=2024-12&level=red');
    await row.getByText('已销号').waitFor();
    for (const p of [coord, rep]) expect(p.errors).toEqual([]);
    for (const p of [coord, rep]) await p.context.close();
  });
});
