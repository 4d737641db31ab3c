import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliTarget, createCliTarget } from '../../test/cli-harness.ts';

let target: CliTarget;
beforeAll(async () => {
  target = await createCliTarget('tiaodu-cli');
});
afterAll(() => target?.cleanup());

const tiaodu = (...argv: string[]) => target.tiaodu(...argv);

describe('tiaodu CLI', () => {
  it('works on an empty database without loading the demo', async () => {
    const r = await tiaodu('dashboard', '--year', '2023', '--through', '2023-06', '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({
      year: 2023,
      through: '2023-06',
      projects: 0,
      actual: '0.00',
      byArea: [],
    });
  });

  it('refuses a bad month with a clear error and a non-zero exit', async () => {
    const r = await tiaodu('dashboard', '--year', '2023', '--through', '2023-13');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/YYYY-MM/);
    const mismatch = await tiaodu('dashboard', '--year', '2024', '--through', '2023-06');
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stderr).toMatch(/不一致/);
  });

  it('loads the demo and prints the seed figures in the documented JSON shape', async () => {
    const demo = await tiaodu('demo');
    expect(demo.code, demo.stderr).toBe(0);
    const core = JSON.parse(
      (
        await tiaodu(
          'dashboard',
          '--year',
          '2023',
          '--through',
          '2023-06',
          '--area',
          '光明科学城核心片区',
          '--json',
        )
      ).stdout,
    );
    expect(core).toMatchObject({
      year: 2023,
      through: '2023-06',
      projects: 59,
      annualTarget: '2088000.00',
      actual: '1049100.00',
    });
    expect(Object.keys(core)).toEqual(
      expect.arrayContaining([
        'year',
        'through',
        'projects',
        'annualTarget',
        'timingTarget',
        'actual',
        'byArea',
        'byTag',
        'warnings',
      ]),
    );
    for (const key of ['annualTarget', 'timingTarget', 'actual'])
      expect(core[key]).toMatch(/^\d+\.\d{2}$/);
    expect(core.byArea[0]).toMatchObject({
      area: '光明科学城核心片区',
      projects: 59,
      annualTarget: '2088000.00',
    });
    expect(Object.keys(core.warnings).sort()).toEqual(['green', 'red', 'yellow']);

    const six = JSON.parse(
      (
        await tiaodu(
          'dashboard',
          '--year',
          '2023',
          '--through',
          '2023-06',
          '--tag',
          '六重',
          '--json',
        )
      ).stdout,
    );
    expect(six.projects).toBe(37);
    expect(six.warnings).toEqual({ green: 31, yellow: 4, red: 2 });

    const city = JSON.parse(
      (
        await tiaodu(
          'dashboard',
          '--year',
          '2023',
          '--through',
          '2023-05',
          '--tag',
          '市投市建',
          '--json',
        )
      ).stdout,
    );
    expect(city).toMatchObject({ projects: 12, actual: '162000.00', aboveInitialPlan: '40.0' });
  });

  it('lists warnings with reasons, filtered by level, as a table and as JSON', async () => {
    const table = await tiaodu(
      'warnings',
      '--year',
      '2023',
      '--month',
      '2023-06',
      '--tag',
      '六重',
      '--level',
      'red',
    );
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('督办');
    expect(table.stdout).toContain('共 2 个项目');
    const json = JSON.parse(
      (await tiaodu('warnings', '--month', '2023-06', '--level', 'red', '--json')).stdout,
    );
    expect(json.projects.length).toBeGreaterThanOrEqual(2);
    for (const p of json.projects) {
      expect(p.level).toBe('red');
      expect(p.reasons.some((r: { level: string }) => r.level === 'red')).toBe(true);
    }
  });

  it('verifies the roll-ups against the raw rows', async () => {
    const r = await tiaodu('rollup', 'verify');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/差异 0 条/);
  });

  it('refuses to load the demo twice', async () => {
    const r = await tiaodu('demo');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/已有项目/);
  });
});
