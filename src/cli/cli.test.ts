import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../../test/test-db.ts';

const exec = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/tiaodu.js');

/** Where the CLI keeps its data in this run: a PGlite directory or a fresh PostgreSQL database. */
let env: NodeJS.ProcessEnv;
let args: string[];
let cleanup: () => Promise<void>;

beforeAll(async () => {
  if (testDbKind === 'postgres') {
    const admin = process.env.TEST_DATABASE_URL!;
    const name = `tiaodu_cli_${Date.now().toString(36)}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    env = { ...process.env, DATABASE_URL: url.toString() };
    args = [];
    cleanup = async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`drop database if exists ${name} with (force)`);
      await d.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'tiaodu-cli-'));
    env = { ...process.env, DATABASE_URL: '' };
    delete env.DATABASE_URL;
    args = ['--data-dir', dir];
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(() => cleanup?.());

async function tiaodu(...argv: string[]) {
  try {
    const { stdout, stderr } = await exec('node', [BIN, ...argv, ...args], {
      env,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

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
