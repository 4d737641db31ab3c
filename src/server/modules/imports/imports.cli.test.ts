import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliTarget, createCliTarget } from '../../../../test/cli-harness.ts';
import { buildXlsx } from '../../../../test/fixtures/workbooks.ts';

const REPORT_HEADER = ['项目编号', '月份', '本月完成投资（万元）', '形象进度（%）'];

let target: CliTarget;
let dir: string;

beforeAll(async () => {
  // In-process commands; the refusals' exit codes are checked on real processes (`spawned`).
  target = await createCliTarget('tiaodu-import-cli', { inProcess: true });
  dir = target.dir;
  const write = async (name: string, rows: unknown[][][], sheets: string[]) =>
    writeFileSync(
      join(dir, name),
      await buildXlsx(sheets.map((s, i) => ({ name: s, rows: rows[i] as never }))),
    );
  await write(
    'good.xlsx',
    [
      [
        ['项目编号', '项目名称', '所属片区'],
        ['C-1', '命令行项目一', '东湖片区'],
        ['C-2', '命令行项目二', '东湖片区'],
      ],
      [REPORT_HEADER, ['C-1', '2026-03', '1,200.5', 30]],
    ],
    ['项目台账', '月度完成'],
  );
  await write(
    'broken.xlsx',
    [[['月度完成情况'], REPORT_HEADER, ['C-1', '2026-03', -120.5], ['C-9', '2026-03', 1]]],
    ['月度完成'],
  );
  await write(
    'new.xlsx',
    [
      [
        ['项目编号', '项目名称'],
        ['C-NEW', '只预览'],
      ],
    ],
    ['项目台账'],
  );
  writeFileSync(join(dir, 'notes.txt'), '这不是表格\n');
});
afterAll(async () => {
  await target?.cleanup();
});

const tiaodu = (...argv: string[]) => target.tiaodu(...argv);

describe('tiaodu import', () => {
  it('exits 0 when imported and prints what it did; again, it changes nothing', async () => {
    const first = await tiaodu('import', join(dir, 'good.xlsx'));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('已导入 / imported:');
    expect(first.stdout).toContain('项目 新建 2、更新 0、未变 0');
    expect(first.stdout).toContain('月度完成 新建 1、更新 0、未变 0');
    expect(first.stdout).toContain('新建片区：东湖片区');
    const again = await tiaodu('import', join(dir, 'good.xlsx'), '--json');
    expect(again.code, again.stderr).toBe(0);
    const json = JSON.parse(again.stdout);
    expect(json).toMatchObject({
      ok: true,
      summary: { projects: { unchanged: 2 }, reports: { unchanged: 1 } },
    });
  });

  it('exits 1 when refused, printing every error, or the errors as JSON with --json', async () => {
    const refused = await target.spawned('import', join(dir, 'broken.xlsx'));
    expect(refused.code).toBe(1);
    expect(refused.stdout.split('\n').slice(0, 2)).toEqual([
      '月度完成!C3 "-120.5": 本月完成投资不能为负数',
      '月度完成!A4 "C-9": 项目编号“C-9”不存在（台账和本工作簿的项目台账中都没有）',
    ]);
    expect(refused.stdout).toContain('未导入任何数据');
    const json = await tiaodu('import', join(dir, 'broken.xlsx'), '--json');
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout);
    expect(body.ok).toBe(false);
    expect(body.errors[0]).toMatchObject({
      sheet: '月度完成',
      row: 3,
      column: 'C',
      value: '-120.5',
      reason: '本月完成投资不能为负数',
    });
  });

  it('--dry-run writes nothing; a file that is not a workbook exits 1; a missing file exits 2', async () => {
    const dry = await tiaodu('import', join(dir, 'new.xlsx'), '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      ok: true,
      dryRun: true,
      summary: { projects: { created: 1 } },
    });
    const still = await tiaodu('import', join(dir, 'new.xlsx'), '--dry-run');
    expect(still.stdout).toContain('预览，未写入任何数据');
    expect(still.stdout).toContain('项目 新建 1');
    const text = await tiaodu('import', join(dir, 'notes.txt'));
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('文件不是Excel工作簿（.xlsx），也不是月度完成CSV');
    const missing = await target.spawned('import', join(dir, 'nowhere.xlsx'));
    expect(missing.code).toBe(2);
  });
});

describe('tiaodu export', () => {
  it('writes each kind to -o, and refuses a dispatch table without a month', async () => {
    const out = join(dir, 'dispatch.xlsx');
    const r = await tiaodu('export', 'dispatch', '--year', '2026', '--month', '3', '-o', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(out);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
    const template = join(dir, 'template.xlsx');
    expect((await tiaodu('export', 'template', '-o', template)).code).toBe(0);
    expect(readFileSync(template).length).toBeGreaterThan(1000);
    const noMonth = await tiaodu('export', 'warnings', '--year', '2026', '-o', join(dir, 'w.xlsx'));
    expect(noMonth.code).toBe(2);
    expect(noMonth.stderr).toContain('请指定年度和月份');
  });
});
