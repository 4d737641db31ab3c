import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctxOf } from '../../test/factories.ts';
import { createTestApp } from '../../test/test-app.ts';
import { listRectifications } from '../server/modules/rectifications/rectifications.service.ts';
import { periodStats } from '../server/modules/stats/stats.service.ts';
import { ensureUnit } from '../server/modules/units/units.service.ts';
import { UNITS } from './catalog.ts';
import { DEMO_RECTIFICATION_SOURCE, loadRectificationsDemo } from './rectifications.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;

beforeAll(async () => {
  t = await createTestApp({ now: new Date('2024-12-31T02:00:00Z') });
  const ctx = ctxOf(t.officeId, t.clock.now);
  const unitIds = new Map<string, number>();
  for (const u of Object.values(UNITS))
    unitIds.set(u, (await ensureUnit(t.database.db, ctx, u)).unit.id);
  await loadRectificationsDemo(t.database.db, t.officeId, new Map(), unitIds);
});
afterAll(() => t.close());

describe('the demo’s inspection feedback', () => {
  it('at the end of 2024: most closed, every state of the loop visible, one overdue', async () => {
    const ctx = ctxOf(t.officeId, t.clock.now);
    const page = await listRectifications(t.database.db, ctx, { pageSize: 500 });
    expect(page.figures).toEqual({
      total: 12,
      answered: 11,
      answeredRate: '91.7',
      closed: 8,
      closedRate: '66.7',
      overdue: 1,
    });
    expect(page.sourceNames).toEqual([DEMO_RECTIFICATION_SOURCE]);
    const statuses = page.items.map((i) => i.status);
    for (const s of ['open', 'answered', 'reported_done', 'closed'] as const)
      expect(statuses).toContain(s);
    // a clerk does not see one sentence repeated down the list
    expect(new Set(page.items.map((i) => i.finding)).size).toBe(12);
    expect(new Set(page.items.map((i) => i.measures)).size).toBe(12);
    const s = await periodStats(t.database.db, ctx, { from: '2024-07-01', to: '2024-12-31' });
    expect(s.rectifications).toEqual({ total: 12, closed: 8 });
  });
});
