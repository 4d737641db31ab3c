import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliTarget, createCliTarget } from '../../test/cli-harness.ts';
import { seedForecastHistory } from '../server/modules/forecast/forecast.fixture.ts';
import { ensureOffice, systemActor } from '../server/modules/offices/offices.service.ts';

let target: CliTarget;
beforeAll(async () => {
  target = await createCliTarget('tiaodu-forecast', { inProcess: true });
  const database = await target.open();
  try {
    const office = await ensureOffice(database.db);
    // the real clock's year is later than 2025, so 2025 is a finished year of history
    await seedForecastHistory(database.db, { actor: systemActor(office.id), now: new Date() });
  } finally {
    await database.close();
  }
});
afterAll(() => target?.cleanup());

describe('tiaodu forecast', () => {
  it('prints the issue’s JSON, amounts as 万元 strings', async () => {
    const r = await target.tiaodu('forecast', '--year', '2026', '--through', '2026-06', '--json');
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout);
    expect(f).toEqual({
      year: 2026,
      through: '2026-06',
      annualTarget: '3000.00',
      actual: '700.00',
      expected: '1900.00',
      low: '1683.79',
      high: '2237.33',
      gap: '1100.00',
      basis: 'history',
      historyYears: [2025],
      projects: [
        {
          code: 'C1',
          expected: '600.00',
          low: '483.87',
          high: '789.47',
          gap: '400.00',
          method: 'share',
        },
        {
          code: 'C2',
          expected: '800.00',
          low: '666.67',
          high: '1000.00',
          gap: '700.00',
          method: 'share',
        },
        {
          code: 'C3',
          expected: '500.00',
          low: '500.00',
          high: '500.00',
          gap: '0.00',
          method: 'plan',
        },
      ],
    });
  });

  it('narrows to an area or a tag, and prints a table without --json', async () => {
    const area = await target.tiaodu(
      'forecast',
      '--through',
      '2026-06',
      '--area',
      'F甲片区',
      '--json',
    );
    expect(area.code, area.stderr).toBe(0);
    expect(JSON.parse(area.stdout)).toMatchObject({
      expected: '1100.00',
      low: '983.87',
      high: '1289.47',
    });
    const tag = await target.tiaodu('forecast', '--through', '2026-06', '--tag', '六重', '--json');
    expect(JSON.parse(tag.stdout).projects.map((p: { code: string }) => p.code)).toEqual([
      'C1',
      'C2',
    ]);
    const text = await target.tiaodu('forecast', '--year', '2026', '--through', '2026-06');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/预计全年 1,900\.00 万元（区间 1,683\.79 – 2,237\.33）/);
    expect(text.stdout).toMatch(/C3 .*按计划×历年完成率/);
  });

  it('says when there is no history, and refuses bad input with a non-zero exit', async () => {
    const none = await target.tiaodu('forecast', '--through', '2025-06', '--json');
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ basis: 'none', expected: null, gap: null });
    const missing = await target.tiaodu('forecast', '--year', '2026');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--through/);
    const mismatch = await target.tiaodu('forecast', '--year', '2025', '--through', '2026-06');
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stderr).toMatch(/不一致/);
  });
});
