import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildXlsx } from '../../../../test/fixtures/workbooks.ts';
import { createTestApp } from '../../../../test/test-app.ts';
import { testContext } from '../../../../test/test-db.ts';
import { SHEETS, templateHeader } from '../../../domain/workbook-sheets.ts';
import type { Ctx } from '../../context.ts';
import { dispatchFigures } from '../dispatch/dispatch.service.ts';
import { importWorkbook } from '../imports/imports.service.ts';
import { units } from '../units/units.table.ts';
import { buildExport } from './exports.service.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
let t: TestApp;
let ctx: Ctx;
const period = { year: 2026, month: 3 };
const cumulative = Array.from({ length: 12 }, (_, i) => 100 * (i + 1));

beforeAll(async () => {
  t = await createTestApp();
  ctx = await testContext(t.database);
  // Three projects in two areas whose March figures fall on each level: 100%, 83%, 33%.
  const result = await importWorkbook(
    t.database.db,
    ctx,
    await buildXlsx([
      {
        name: '项目台账',
        rows: [
          ['项目编号', '项目名称', '所属片区', '建设单位', '总投资（万元）', '标签'],
          ['X-1', '按期项目', '东湖片区', '甲单位', 123456.78, '六重'],
          ['X-2', '关注项目', '东湖片区', '甲单位', 1000, null],
          ['X-3', '=督办项目', '西湖片区', '乙单位', 2000.5, null],
        ],
      },
      {
        name: '年度计划',
        rows: [
          ['项目编号', '年度', '年度计划投资', ...cumulative.map((_, i) => `${i + 1}月`)],
          ['X-1', 2026, 1200, ...cumulative],
          ['X-2', 2026, 1200, ...cumulative],
          ['X-3', 2026, 1200, ...cumulative],
        ],
      },
      {
        name: '月度完成',
        rows: [
          ['项目编号', '月份', '本月完成投资'],
          ...(['X-1', 'X-2', 'X-3'] as const).flatMap((code, i) =>
            [1, 2, 3].map((m) => [code, `2026-0${m}`, [100, 250 / 3, 100 / 3][i].toFixed(2)]),
          ),
        ],
      },
    ]),
  );
  expect(result.ok, JSON.stringify(result.errors)).toBe(true);
});
afterAll(() => t.close());

async function open(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

/** Rows as plain values (rich text and formulas are not used in exports). */
function values(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    out[n - 1] = (row.values as unknown[]).slice(1);
  });
  return out;
}

const argb = (cell: ExcelJS.Cell) => (cell.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;

describe('the dispatch table', () => {
  let ws: ExcelJS.Worksheet;
  beforeAll(async () => {
    const file = await buildExport(t.database.db, ctx, { kind: 'dispatch', ...period });
    expect(file.filename).toBe('调度表_2026-03.xlsx');
    ws = (await open(file.buffer)).getWorksheet('调度表')!;
  });

  it('has a merged title, the period and 单位：万元, a frozen header and A4 landscape print setup', () => {
    expect(String(ws.getCell('A1').value)).toContain('2026年重大项目固定资产投资调度表');
    expect(ws.getCell('A1').isMerged).toBe(true);
    expect(ws.getCell('A2').value).toBe('截至2026年3月 · 按期推进1个、提请关注1个、督办1个');
    expect(values(ws)[1]).toContain('单位：万元');
    expect(values(ws)[2]).toEqual([
      '序号',
      '项目编号',
      '项目名称',
      '建设单位',
      '年度计划投资',
      '1–3月时序目标',
      '1–3月累计完成',
      '时序完成率',
      '年度完成率',
      '预警等级',
      '预警原因',
    ]);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3, xSplit: 3 });
    expect(ws.pageSetup).toMatchObject({
      orientation: 'landscape',
      paperSize: 9,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '3:3',
    });
  });

  it('lists projects per area with a 小计 each and a 合计 equal to the dashboard', async () => {
    const rows = values(ws).slice(3);
    expect(rows.map((r) => r[0] ?? r[2])).toEqual([
      '一、东湖片区（2个）',
      1,
      2,
      '小计',
      '二、西湖片区（1个）',
      1,
      '小计',
      '合计（3个）',
    ]);
    const figures = await dispatchFigures(t.database.db, ctx, { period });
    const total = rows[7];
    expect(total.slice(4, 7)).toEqual([
      Number(figures.annualTarget),
      Number(figures.timingTarget),
      Number(figures.actual),
    ]);
    expect(total[7]).toBeCloseTo(Number(figures.rateVsTiming) / 100, 6);
    expect(rows[3].slice(4, 7)).toEqual([2400, 600, 549.99]);
    expect(rows[1].slice(1, 10)).toEqual([
      'X-1',
      '按期项目',
      '甲单位',
      1200,
      300,
      300,
      1,
      0.25,
      '按期推进',
    ]);
    // Text that a spreadsheet would run as a formula is escaped.
    expect(rows[5][2]).toBe("'=督办项目");
  });

  it('paints levels in the web colours and formats money with thousands separators and rates as %', () => {
    const levelCells = [5, 6, 9].map((r) => ws.getRow(r).getCell(10));
    expect(levelCells.map((c) => [c.value, argb(c)])).toEqual([
      ['按期推进', 'FF52C41A'],
      ['提请关注', 'FFFAAD14'],
      ['督办', 'FFF5222D'],
    ]);
    expect(ws.getRow(5).getCell(5).numFmt).toBe('#,##0.00');
    expect(ws.getRow(5).getCell(8).numFmt).toBe('0.0%');
    expect(String(ws.getRow(9).getCell(11).value)).toContain('低于80%');
  });
});

describe('the other exports', () => {
  it('the warnings list groups 督办 before 提请关注 with reasons', async () => {
    const file = await buildExport(t.database.db, ctx, { kind: 'warnings', ...period });
    const ws = (await open(file.buffer)).getWorksheet('预警清单')!;
    const rows = values(ws);
    expect(rows[1][0]).toBe('共3个项目：按期推进1个、提请关注1个、督办1个');
    expect(rows.slice(3).map((r) => r[0] ?? r[3])).toEqual([
      '一、督办项目（1个）',
      1,
      '二、提请关注项目（1个）',
      1,
      '合计（2个）',
    ]);
    expect(argb(ws.getRow(5).getCell(2))).toBe('FFF5222D');
  });

  it('the ledger has the four import sheets, 小计 per area, totals and real dates', async () => {
    const wb = await open(
      (await buildExport(t.database.db, ctx, { kind: 'ledger', year: 2026 })).buffer,
    );
    expect(wb.worksheets.map((w) => w.name)).toEqual(['项目台账', '年度计划', '月度完成', '节点']);
    const ledger = values(wb.getWorksheet('项目台账')!);
    expect(ledger[2]).toEqual(SHEETS.项目台账.columns.map(templateHeader));
    const subtotal = ledger.find((r) => String(r[2]).startsWith('小计'))!;
    expect(subtotal[8]).toBeCloseTo(124456.78, 2);
    expect(ledger.at(-1)![2]).toBe('合计（3个）');
    expect(ledger.at(-1)![8]).toBeCloseTo(126457.28, 2);
    expect(wb.getWorksheet('项目台账')!.getRow(5).getCell(9).numFmt).toBe('#,##0.00');
    const reports = values(wb.getWorksheet('月度完成')!);
    expect(reports.slice(3, 12).map((r) => r[2])).toContain('2026-03');
  });

  it('the blank template has the four sheets with their headers and instructions', async () => {
    const wb = await open((await buildExport(t.database.db, ctx, { kind: 'template' })).buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '项目台账',
      '年度计划',
      '月度完成',
      '节点',
      '填表说明',
    ]);
    for (const name of ['项目台账', '年度计划', '月度完成', '节点'] as const) {
      expect(values(wb.getWorksheet(name)!)[2]).toEqual(SHEETS[name].columns.map(templateHeader));
    }
    // Amount sheets say their unit; 节点 holds dates, so no 单位：万元 line above them.
    expect(values(wb.getWorksheet('年度计划')!)[1]).toContain('单位：万元');
    expect(values(wb.getWorksheet('节点')!)[1] ?? []).not.toContain('单位：万元');
    expect(values(wb.getWorksheet('月度完成')!)[2]).toEqual([
      '项目编号',
      '月份',
      '本月完成投资（万元）',
      '形象进度（%）',
      '进展情况',
      '存在问题',
    ]);
  });

  it("a reporter's exports hold only their unit's projects", async () => {
    const [unit] = await t.database.db.select().from(units).where(eq(units.name, '甲单位'));
    const reporter = await testContext(t.database, { role: 'reporter', unitId: unit.id });
    const ledger = values(
      (
        await open((await buildExport(t.database.db, reporter, { kind: 'ledger' })).buffer)
      ).getWorksheet('项目台账')!,
    );
    expect(
      ledger
        .filter((r) => typeof r[1] === 'string' && String(r[1]).startsWith('X-'))
        .map((r) => r[1]),
    ).toEqual(['X-1', 'X-2']);
    const dispatch = values(
      (
        await open(
          (
            await buildExport(t.database.db, reporter, { kind: 'dispatch', ...period })
          ).buffer,
        )
      ).getWorksheet('调度表')!,
    );
    expect(
      dispatch
        .slice(3)
        .map((r) => r[1])
        .filter((v) => String(v).startsWith('X-')),
    ).toEqual(['X-1', 'X-2']);
    const plans = values(
      (
        await open((await buildExport(t.database.db, reporter, { kind: 'ledger' })).buffer)
      ).getWorksheet('年度计划')!,
    );
    expect(
      plans
        .slice(3)
        .map((r) => r[0])
        .filter((v) => String(v).startsWith('X-')),
    ).toEqual(['X-1', 'X-2']);
  });
});

describe('HTTP', () => {
  it('downloads each kind as .xlsx with its name', async () => {
    for (const url of [
      '/api/exports/dispatch?year=2026&month=3',
      '/api/exports/dispatch?month=2026-03',
      '/api/exports/warnings?month=2026-03',
      '/api/exports/ledger',
      '/api/exports/template',
    ]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, `${url} ${res.body.slice(0, 200)}`).toBe(200);
      expect(res.headers['content-type']).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      expect(res.headers['content-disposition']).toMatch(
        /^attachment; filename=".*\.xlsx"; filename\*=UTF-8''.*\.xlsx$/,
      );
      expect(res.rawPayload.subarray(0, 2).toString()).toBe('PK');
    }
  });

  it('refuses a dispatch export without a month and an unknown kind', async () => {
    const noMonth = await t.app.inject({ url: '/api/exports/dispatch?year=2026' });
    expect(noMonth.statusCode).toBe(400);
    expect(noMonth.json().error.code).toBe('export.period_required');
    expect((await t.app.inject({ url: '/api/exports/nope' })).statusCode).toBe(400);
    expect(
      (await t.app.inject({ url: '/api/exports/dispatch?year=2025&month=2026-03' })).statusCode,
    ).toBe(400);
  });
});
