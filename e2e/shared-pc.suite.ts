/**
 * A shared PC (issue 9, item 5): after a reporter logs out, nothing of theirs stays in the
 * browser. Report drafts in local storage are keyed by user and go at log-out; every API answer
 * the browser received said `no-store`, so none of them waits in its cache either.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launch, logIn, PHONE, person } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('a shared PC', () => {
  test("after log-out the reporter's drafts are gone and no API answer was cacheable", async () => {
    const p = await person(browser, baseURL, { viewport: PHONE });
    const cacheable: string[] = [];
    p.page.on('response', (r) => {
      const url = new URL(r.url());
      if (!url.pathname.startsWith('/api/') || url.pathname.startsWith('/api/docs')) return;
      const cc = r.headers()['cache-control'];
      if (cc !== 'no-store') cacheable.push(`${url.pathname}: ${cc}`);
    });
    await logIn(p.page, 'reporter-gws');
    const me = (await (await p.context.request.get('/api/auth/me')).json()) as {
      user: { id: number };
    };
    const list = (await (await p.context.request.get('/api/projects?pageSize=5')).json()) as {
      items: { code: string }[];
    };
    // This month has no report yet in the demo office, so the form is editable.
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    await p.page.goto(`/report/${encodeURIComponent(list.items[0].code)}/${month}`);
    await p.page.getByTestId('investment').fill('12.5');
    const drafts = () =>
      p.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tiaodu.draft')));
    await expect
      .poll(drafts)
      .toEqual([`tiaodu.drafts.${me.user.id}.${list.items[0].code}.${month}`]);
    // Someone else's draft on this PC stays; an old draft keyed by nobody does not.
    await p.page.evaluate(() => {
      localStorage.setItem('tiaodu.drafts.999999.OTHER.2024-12', '{"values":{},"savedAt":1}');
      localStorage.setItem('tiaodu.draft.OLD.2024-12', '{"values":{},"savedAt":1}');
    });

    // An antd dropdown that a re-render closes between Playwright's visibility check and its
    // click swallows the click (seen once in CI on a loaded machine): open the menu again then.
    for (let attempt = 1; !/\/login/.test(p.page.url()); attempt++) {
      await p.page.getByTestId('user-menu').click();
      // the item may vanish while Playwright waits for it to settle (seen in CI): try again
      const clicked = await p.page
        .getByRole('menuitem', { name: '退出登录' })
        .click({ timeout: 10_000 })
        .then(
          () => true,
          () => false,
        );
      if (!clicked && attempt < 3) continue;
      try {
        await p.page.waitForURL(/\/login/, { timeout: 10_000 });
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    expect(await drafts()).toEqual(['tiaodu.drafts.999999.OTHER.2024-12']);
    expect(cacheable).toEqual([]);
    expect(p.errors).toEqual([]);
    await p.context.close();
  });
});
