/**
 * Issue 13, hostile input: the importer against random cell values, truncated and corrupt files,
 * zip bombs, XML entities, megabyte cells and 100,000 rows (each a clear error naming where, or
 * exactly the import a reference reading of the cells predicts, and memory bounded); exports
 * whose texts start with = + - @ (neutralised, as exceljs reads the cells back); and uploads
 * whose bytes are not the image their name and content type claim (refused, naming the file).
 * Peak RSS and times are printed, never asserted as times.
 */
import { createDeflateRaw, inflateRawSync } from 'node:zlib';
import { count, eq, inArray, isNotNull, or } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findSheet,
  type Grid,
  type ImportIssue,
  parseLedgerSheet,
  parsePlanSheet,
  parseReportSheet,
} from '../src/domain/workbook-sheets.ts';
import { buildApp } from '../src/server/app.ts';
import type { Ctx } from '../src/server/context.ts';
import type { Database, Db } from '../src/server/db.ts';
import { attachments } from '../src/server/modules/attachments/attachments.table.ts';
import { auditLog } from '../src/server/modules/audit/audit.table.ts';
import { buildExport } from '../src/server/modules/exports/exports.service.ts';
import { importWorkbook } from '../src/server/modules/imports/imports.service.ts';
import { readWorkbook } from '../src/server/modules/imports/workbook-reader.ts';
import { ensureOffice, systemActor } from '../src/server/modules/offices/offices.service.ts';
import { investmentPlans } from '../src/server/modules/plans/plans.table.ts';
import { createProject } from '../src/server/modules/projects/projects.service.ts';
import { projects } from '../src/server/modules/projects/projects.table.ts';
import { reportPhotos } from '../src/server/modules/reports/report-photos.table.ts';
import { saveReport } from '../src/server/modules/reports/reports.service.ts';
import { monthlyReports } from '../src/server/modules/reports/reports.table.ts';
import { ensureUnit } from '../src/server/modules/units/units.service.ts';
import { buildMeeting } from '../test/factories.ts';
import { LEDGER_HEADER, PLAN_HEADER, zipOf } from '../test/fixtures/workbooks.ts';
import { reportFigures } from './support/figures.ts';
import { ENGINES, type Engine, freshStore, SECRET_KEY, type Store } from './support/stores.ts';

const NOW = new Date('2026-11-24T02:00:00Z');
const THIS_MONTH = { year: 2026, month: 11 };
/** reader/validator property cases (each a workbook written and read by exceljs) */
const READER_CASES = 1000;
/** full imports per engine (each a transaction on a real database) */
const IMPORT_CASES = 30;
/** what a refused hostile file may cost the test process on top of where it started */
const MEMORY_BOUND_MB = 1500;

// ---------------------------------------------------------------------------------------------
// Memory and time: RSS sampled while each step runs; the figures are printed, never asserted
// as times.

const figures: Record<string, string | number | boolean> = {};
let peakRss = 0;
async function measured<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const t = performance.now();
  try {
    return await run();
  } finally {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    peakRss = Math.max(peakRss, peak);
    const ms = Math.round(performance.now() - t);
    const mb = Math.round(peak / 1024 / 1024);
    const grew = Math.round((peak - start) / 1024 / 1024);
    figures[`${label}Ms`] = ms;
    figures[`${label}PeakRssMb`] = mb;
    process.stdout.write(`hostile-files ${label}: ${ms} ms, peak RSS ${mb} MB (+${grew} MB)\n`);
    lastGrowthMb = grew;
  }
}
let lastGrowthMb = 0;

// ---------------------------------------------------------------------------------------------
// Cells with their reference reading: each generated value carries what the import must make
// of it, worked out here from what the cell is, not by calling the importer's parsers.

type Expect<T> = { ok: true; value: T } | { ok: false };
type Gen<T> = { cell: ExcelJS.CellValue; expect: Expect<T>; label: string };

const FULL: Record<string, string> = { '.': '．', ',': '，', '-': '－' };
const fullWidth = (s: string) =>
  s.replace(/[0-9.,-]/g, (c) => FULL[c] ?? String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const centsText = (c: bigint) => {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
};
const thousands = (s: string) => {
  const [i, f] = s.split('.');
  return `${i.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${f}`;
};
/** An amount: the cents it means, or refused (negative, too large, not a number). */
const amountOf = (c: bigint): Expect<string | null> =>
  c < 0n || c >= 10n ** 16n ? { ok: false } : { ok: true, value: centsText(c) };

const cents = fc.oneof(
  fc.bigInt({ min: 0n, max: 99_999n }),
  fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }),
  fc.bigInt({ min: -(10n ** 9n), max: -1n }),
);
const blank: Gen<string | null>[] = [null, '', '   ', '-', '—', '/', '无', '－'].map((cell) => ({
  cell,
  expect: { ok: true, value: null },
  label: `blank ${JSON.stringify(cell)}`,
}));

const amountCell: fc.Arbitrary<Gen<string | null>> = fc.oneof(
  {
    weight: 3,
    arbitrary: cents.map((c) => ({
      cell: Number(c) / 100,
      expect: amountOf(c),
      label: `number ${c}c`,
    })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        cents,
        fc.constantFrom('plain', 'commas', 'spaces', 'full', 'wan', 'wanyuan', 'rich', 'formula'),
      )
      .map(([c, how]): Gen<string | null> => {
        const text = centsText(c);
        const expect = amountOf(c);
        switch (how) {
          case 'commas':
            return { cell: thousands(text), expect, label: `commas ${text}` };
          case 'spaces':
            return {
              cell: `  ${text.replace(/(\d)(\d)/, '$1 $2')} `,
              expect,
              label: `spaces ${text}`,
            };
          case 'full':
            return { cell: fullWidth(thousands(text)), expect, label: `full-width ${text}` };
          case 'wan':
            return { cell: `${text}万`, expect, label: `${text}万` };
          case 'wanyuan':
            return { cell: `${text}万元`, expect, label: `${text}万元` };
          case 'rich':
            return {
              cell: {
                richText: [
                  { text: text.slice(0, 2) },
                  { text: text.slice(2), font: { bold: true } },
                ],
              },
              expect,
              label: `rich text ${text}`,
            };
          case 'formula':
            // exceljs saves no result for a formula worth 0, so that file holds a formula
            // without a value: refused, never read as blank (which would erase the field)
            return {
              cell: { formula: `${text}*1`, result: Number(text) },
              expect: Number(text) === 0 ? { ok: false } : expect,
              label: `formula ${text}`,
            };
          default:
            return { cell: text, expect, label: `text ${text}` };
        }
      }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Gen<string | null>>(
      { cell: 1e14, expect: { ok: false }, label: 'number 1e14' },
      { cell: 1.2345678901234568e17, expect: { ok: false }, label: 'number 1.2e17' },
      { cell: 1e300, expect: { ok: false }, label: 'number 1e300' },
      { cell: -0.5, expect: { ok: false }, label: 'number -0.5' },
      { cell: '1.5亿', expect: { ok: false }, label: '1.5亿' },
      { cell: '3亿元', expect: { ok: false }, label: '3亿元' },
      { cell: '约100', expect: { ok: false }, label: '约100' },
      { cell: '1,2,3.4.5', expect: { ok: false }, label: '1,2,3.4.5' },
      { cell: 'abc', expect: { ok: false }, label: 'abc' },
      { cell: '12 34 万 5', expect: { ok: false }, label: '12 34 万 5' },
      { cell: true, expect: { ok: false }, label: 'true' },
      { cell: false, expect: { ok: false }, label: 'false' },
      { cell: { error: '#REF!' }, expect: { ok: false }, label: '#REF!' },
      { cell: { error: '#DIV/0!' }, expect: { ok: false }, label: '#DIV/0!' },
      {
        cell: { formula: '1/0', result: { error: '#DIV/0!' } },
        expect: { ok: false },
        label: 'formula #DIV/0!',
      },
      {
        cell: { formula: 'A1', result: '=1+1' },
        expect: { ok: false },
        label: 'formula text =1+1',
      },
      { cell: new Date(Date.UTC(2026, 2, 5)), expect: { ok: false }, label: 'a date' },
      { cell: '=1+1', expect: { ok: false }, label: 'text =1+1' },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...blank) },
);

/** Free text: trimmed; blank is nothing; an export's apostrophe before = + - @ is dropped. */
const textCell: fc.Arbitrary<Gen<string | null>> = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '=HYPERLINK("http://evil","x")',
        '+1+1',
        '-2',
        '@SUM(A1)',
        "'=1+1",
        "'@x",
        '  项目 甲  ',
        '１２３',
        '#REF!',
        '小计？',
        '1,234',
      ),
    },
  )
  .map((s) => {
    let v = s.trim();
    if (/^'[=+\-@]/.test(v)) v = v.slice(1);
    return { cell: s, expect: { ok: true, value: v === '' ? null : v }, label: JSON.stringify(s) };
  });

const dateCell = fc.constantFrom<Gen<string | null>>(
  {
    cell: new Date(Date.UTC(2025, 2, 1)),
    expect: { ok: true, value: '2025-03-01' },
    label: 'date',
  },
  { cell: '2025-03-05', expect: { ok: true, value: '2025-03-05' }, label: '2025-03-05' },
  { cell: '2025/3/5', expect: { ok: true, value: '2025-03-05' }, label: '2025/3/5' },
  { cell: '2025年3月5日', expect: { ok: true, value: '2025-03-05' }, label: '2025年3月5日' },
  {
    cell: '２０２５．０３．０５',
    expect: { ok: true, value: '2025-03-05' },
    label: 'full-width date',
  },
  { cell: 20250305, expect: { ok: true, value: '2025-03-05' }, label: '20250305' },
  { cell: 45721, expect: { ok: true, value: '2025-03-05' }, label: 'serial 45721' },
  { cell: '2025-02-30', expect: { ok: false }, label: '2025-02-30' },
  { cell: '明年', expect: { ok: false }, label: '明年' },
  { cell: true, expect: { ok: false }, label: 'true' },
  { cell: { error: '#N/A' }, expect: { ok: false }, label: '#N/A' },
  { cell: 1.5, expect: { ok: false }, label: '1.5' },
  ...blank,
);

const monthCell = fc.constantFrom<Gen<{ year: number; month: number } | null>>(
  { cell: '2026-03', expect: { ok: true, value: { year: 2026, month: 3 } }, label: '2026-03' },
  {
    cell: '2026年10月',
    expect: { ok: true, value: { year: 2026, month: 10 } },
    label: '2026年10月',
  },
  {
    cell: '２０２６／７',
    expect: { ok: true, value: { year: 2026, month: 7 } },
    label: 'full-width',
  },
  { cell: 202605, expect: { ok: true, value: { year: 2026, month: 5 } }, label: '202605' },
  {
    cell: new Date(Date.UTC(2026, 0, 31)),
    expect: { ok: true, value: { year: 2026, month: 1 } },
    label: 'date',
  },
  { cell: '2026-13', expect: { ok: false }, label: '2026-13' },
  { cell: '2027-01', expect: { ok: false }, label: 'future 2027-01' },
  { cell: '2026-12', expect: { ok: false }, label: 'future 2026-12' },
  { cell: '三月', expect: { ok: false }, label: '三月' },
  { cell: { error: '#VALUE!' }, expect: { ok: false }, label: '#VALUE!' },
  { cell: null, expect: { ok: false }, label: 'blank (required)' },
);

const yearCell = fc.constantFrom<Gen<number | null>>(
  { cell: 2026, expect: { ok: true, value: 2026 }, label: '2026' },
  { cell: '2026年', expect: { ok: true, value: 2026 }, label: '2026年' },
  { cell: '２０２６', expect: { ok: true, value: 2026 }, label: 'full-width 2026' },
  { cell: '2026年度', expect: { ok: true, value: 2026 }, label: '2026年度' },
  { cell: 1999, expect: { ok: false }, label: '1999' },
  { cell: 2026.5, expect: { ok: false }, label: '2026.5' },
  { cell: '今年', expect: { ok: false }, label: '今年' },
  { cell: null, expect: { ok: false }, label: 'blank (required)' },
);

/** One workbook: 2 ledger rows, 1 plan row, 2 monthly rows, every interesting cell random. */
type Case = {
  ledger: { name: Gen<string | null>; total: Gen<string | null>; start: Gen<string | null> }[];
  plan: {
    year: Gen<number | null>;
    annual: Gen<string | null>;
    k: number;
    kCell: Gen<string | null>;
  };
  reports: {
    month: Gen<{ year: number; month: number } | null>;
    investment: Gen<string | null>;
    text: Gen<string | null>;
  }[];
};
type Pick = <T>(a: fc.Arbitrary<Gen<T>>, required?: boolean) => fc.Arbitrary<Gen<T>>;
const caseOf = (pick: Pick): fc.Arbitrary<Case> =>
  fc.record({
    ledger: fc.array(
      fc.record({ name: pick(textCell, true), total: pick(amountCell), start: pick(dateCell) }),
      { minLength: 2, maxLength: 2 },
    ),
    plan: fc.record({
      year: pick(yearCell, true),
      annual: pick(amountCell, true),
      k: fc.integer({ min: 1, max: 11 }),
      kCell: pick(amountCell, true),
    }),
    reports: fc.array(
      fc.record({
        month: pick(monthCell, true),
        investment: pick(amountCell, true),
        text: pick(textCell),
      }),
      { minLength: 2, maxLength: 2 },
    ),
  });
/** Every cell drawn from what reads well: the whole workbook must import. */
const readable: Pick = (a, required = false) =>
  a.filter((g) => g.expect.ok && (!required || g.expect.value !== null));
/**
 * Half the cases from cells that all read well (all-random cells are almost never all good, so
 * the accepting path would go untested), half with every cell random.
 */
const caseArb: fc.Arbitrary<Case> = fc.oneof(
  caseOf(readable).filter((c) => importable(c)),
  caseOf((a) => a),
);

const REPORT_HEADER = ['项目编号', '月份', '本月完成投资（万元）', '进展情况'];

function caseSheets(c: Case, prefix: string) {
  const code = (i: number) => `${prefix}${i + 1}`;
  const ledger: ExcelJS.CellValue[][] = [LEDGER_HEADER];
  c.ledger.forEach((r, i) => {
    ledger.push([
      i + 1,
      code(i),
      r.name.cell,
      '片区甲',
      null,
      null,
      null,
      null,
      r.total.cell,
      r.start.cell,
    ]);
  });
  // Months before k are 0, after k the annual target, December the annual target: the plan is
  // valid exactly when the annual target and month k read as amounts with 0 ≤ month k ≤ annual.
  const annualNumber =
    c.plan.annual.expect.ok && c.plan.annual.expect.value !== null
      ? Number(c.plan.annual.expect.value)
      : 0;
  const months: ExcelJS.CellValue[] = Array.from({ length: 12 }, (_, m) =>
    m + 1 < c.plan.k ? 0 : m + 1 === c.plan.k ? c.plan.kCell.cell : annualNumber,
  );
  const plan: ExcelJS.CellValue[][] = [
    PLAN_HEADER,
    [code(0), c.plan.year.cell, c.plan.annual.cell, ...months],
  ];
  const reports: ExcelJS.CellValue[][] = [REPORT_HEADER];
  c.reports.forEach((r, i) => {
    reports.push([code(i), r.month.cell, r.investment.cell, r.text.cell]);
  });
  return { ledger, plan, reports, code };
}

async function xlsxOf(sheets: Record<string, ExcelJS.CellValue[][]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    rows.forEach((cells, r) => {
      cells.forEach((v, c) => {
        if (v === null || v === undefined) return;
        const cell = ws.getCell(r + 1, c + 1);
        cell.value = v;
        if (v instanceof Date) cell.numFmt = 'yyyy-mm-dd';
      });
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** What the reference reading says each row becomes: its values, or the columns refused. */
function expectations(c: Case, code: (i: number) => string) {
  const ledger = c.ledger.map((r, i) => {
    const bad: string[] = [];
    if (!r.name.expect.ok || r.name.expect.value === null) bad.push('C');
    if (!r.total.expect.ok) bad.push('I');
    if (!r.start.expect.ok) bad.push('J');
    return { row: i + 2, code: code(i), bad, r };
  });
  const p = c.plan;
  const planBad: string[] = [];
  if (!p.year.expect.ok || p.year.expect.value === null) planBad.push('B');
  const annualOk = p.annual.expect.ok && p.annual.expect.value !== null;
  if (!annualOk) planBad.push('C');
  const kOk = p.kCell.expect.ok && p.kCell.expect.value !== null;
  if (!kOk) planBad.push(String.fromCharCode('D'.charCodeAt(0) + p.k - 1));
  // a month k above the annual target makes month k+1 decrease: refused there
  let rangeBad = false;
  if (
    annualOk &&
    kOk &&
    Number(p.kCell.expect.ok && p.kCell.expect.value) >
      Number(p.annual.expect.ok && p.annual.expect.value)
  )
    rangeBad = true;
  const reports = c.reports.map((r, i) => {
    const bad: string[] = [];
    if (!r.month.expect.ok || r.month.expect.value === null) bad.push('B');
    if (!r.investment.expect.ok || r.investment.expect.value === null) bad.push('C');
    return { row: i + 2, code: code(i), bad, r };
  });
  return { ledger, plan: { bad: planBad, rangeBad, annualOk, kOk }, reports };
}

function importable(c: Case): boolean {
  const ex = expectations(c, (i) => `P${i + 1}`);
  return (
    !zeroFormula(c) &&
    ex.ledger.every((r) => r.bad.length === 0) &&
    ex.plan.bad.length === 0 &&
    !ex.plan.rangeBad &&
    ex.reports.every((r) => r.bad.length === 0)
  );
}

/** A formula worth 0 as exceljs writes it: no saved value, so the reader refuses the file. */
const zeroFormula = (c: Case) =>
  [
    ...c.ledger.map((r) => r.total),
    c.plan.annual,
    c.plan.kCell,
    ...c.reports.map((r) => r.investment),
  ].some(
    (g) => typeof g.cell === 'object' && g.cell !== null && 'formula' in g.cell && !g.cell.result,
  );
const NO_VALUE_ISSUE = {
  code: 'cell.formula_without_value',
  sheet: expect.any(String),
  row: expect.any(Number),
  column: expect.stringMatching(/^[A-Z]+$/),
};

const issuesAt = (issues: ImportIssue[], sheet: string, row: number) =>
  issues.filter((i) => i.sheet === sheet && i.row === row);

/** Checks a sheet's parse against the reference: every row imported exactly or refused where it should be. */
function checkReader(c: Case, grids: Grid[], label: string) {
  const { code } = caseSheets(c, 'P');
  const ex = expectations(c, code);
  const ledgerGrid = findSheet(grids, '项目台账');
  const planGrid = findSheet(grids, '年度计划');
  const reportGrid = findSheet(grids, '月度完成');
  expect(ledgerGrid && planGrid && reportGrid, label).toBeTruthy();
  const ledger = parseLedgerSheet(ledgerGrid!);
  for (const e of ex.ledger) {
    const at = issuesAt(ledger.issues, '项目台账', e.row);
    const row = ledger.rows.find((r) => r.row === e.row);
    if (e.bad.length === 0) {
      expect(at, `${label} 项目台账 row ${e.row}`).toEqual([]);
      expect(row, label).toBeDefined();
      expect(row!.name, label).toBe(e.r.name.expect.ok ? e.r.name.expect.value : undefined);
      expect(row!.totalInvestment ?? null, label).toBe(
        e.r.total.expect.ok ? e.r.total.expect.value : undefined,
      );
      expect(row!.plannedStart ?? null, label).toBe(
        e.r.start.expect.ok ? e.r.start.expect.value : undefined,
      );
    } else {
      expect(row, `${label} 项目台账 row ${e.row} should be refused`).toBeUndefined();
      expect(at.map((i) => i.column).sort(), `${label} 项目台账 row ${e.row}`).toEqual(
        e.bad.sort(),
      );
    }
  }
  const plan = parsePlanSheet(planGrid!);
  const planIssues = issuesAt(plan.issues, '年度计划', 2);
  if (ex.plan.bad.length === 0 && !ex.plan.rangeBad) {
    expect(planIssues, `${label} 年度计划`).toEqual([]);
    const row = plan.rows[0];
    expect(row?.annualTarget, label).toBe(
      c.plan.annual.expect.ok ? c.plan.annual.expect.value : '',
    );
    expect(row?.timingTargets[c.plan.k - 1], label).toBe(
      c.plan.kCell.expect.ok ? c.plan.kCell.expect.value : '',
    );
    expect(row?.year, label).toBe(c.plan.year.expect.ok ? c.plan.year.expect.value : 0);
  } else {
    expect(plan.rows, `${label} 年度计划 should be refused`).toEqual([]);
    expect(planIssues.length, `${label} 年度计划`).toBeGreaterThan(0);
    for (const col of ex.plan.bad)
      expect(
        planIssues.map((i) => i.column),
        `${label} 年度计划`,
      ).toContain(col);
    for (const i of planIssues)
      expect(i.column, `${label} 年度计划 issue names its column`).toMatch(/^[A-O]$/);
  }
  const reports = parseReportSheet(reportGrid!, THIS_MONTH);
  for (const e of ex.reports) {
    const at = issuesAt(reports.issues, '月度完成', e.row);
    const row = reports.rows.find((r) => r.row === e.row);
    if (e.bad.length === 0) {
      expect(at, `${label} 月度完成 row ${e.row}`).toEqual([]);
      const m = e.r.month.expect.ok ? e.r.month.expect.value : null;
      expect(row, label).toMatchObject({
        code: e.code,
        year: m?.year,
        month: m?.month,
        investment: e.r.investment.expect.ok ? e.r.investment.expect.value : null,
        progressText: e.r.text.expect.ok ? e.r.text.expect.value : null,
      });
    } else {
      expect(row, `${label} 月度完成 row ${e.row} should be refused`).toBeUndefined();
      expect(at.map((i) => i.column).sort(), `${label} 月度完成 row ${e.row}`).toEqual(
        e.bad.sort(),
      );
    }
  }
  // Every problem names its sheet, row and column, and reads as a sentence.
  for (const i of [...ledger.issues, ...plan.issues, ...reports.issues]) {
    expect(i.sheet && i.row && i.column && i.reason, `${label}: ${JSON.stringify(i)}`).toBeTruthy();
  }
  return ledger.issues.length + plan.issues.length + reports.issues.length === 0;
}

// ---------------------------------------------------------------------------------------------
// Zip surgery: a real workbook's parts, changed, zipped again.

function unzip(buf: Buffer): { name: string; data: Buffer }[] {
  let eocd = buf.length - 22;
  while (buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: { name: string; data: Buffer }[] = [];
  for (let i = 0; i < n; i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const skip = nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + skip;
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    out.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
  }
  return out;
}

function withPart(book: Buffer, match: RegExp, change: (xml: string) => string | Buffer): Buffer {
  return zipOf(
    unzip(book).map((e) => {
      if (!match.test(e.name)) return { name: e.name, data: e.data };
      const next = change(e.data.toString('utf8'));
      return { name: e.name, data: typeof next === 'string' ? Buffer.from(next, 'utf8') : next };
    }),
  );
}

let zerosOnce: Promise<Buffer> | undefined;
let cellBombOnce: Buffer | undefined;

/** A workbook with `count` more rows from row `from`, written straight into the sheet's XML. */
function withRows(book: Buffer, from: number, n: number, cells: (row: number) => string): Buffer {
  return withPart(book, /worksheets\/sheet1\.xml$/, (x) => {
    const rows: string[] = [];
    for (let r = from; r < from + n; r++) rows.push(`<row r="${r}">${cells(r)}</row>`);
    return x.replace('</sheetData>', `${rows.join('')}</sheetData>`);
  });
}
const inline = (ref: string, text: string) =>
  `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
async function deflatedZeros(bytes: number): Promise<Buffer> {
  const z = createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  z.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => z.on('end', r));
  const block = Buffer.alloc(16 * 1024 * 1024);
  for (let left = bytes; left > 0; left -= block.length) {
    if (!z.write(left >= block.length ? block : block.subarray(0, left)))
      await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------
// An app on a store's database, acting as the office's coordinator (no log-in: uploads and
// imports are what is under test here).

type Env = {
  store: Store;
  database: Database;
  db: Db;
  ctx: Ctx;
  app: FastifyInstance;
  officeId: number;
};

async function openEnv(engine: Engine): Promise<Env> {
  const store = await freshStore(engine);
  const database = await store.open();
  const office = await ensureOffice(database.db);
  const actor = {
    ...systemActor(office.id),
    id: 'rel-coordinator',
    name: '统筹',
    role: 'coordinator' as const,
    unitId: null,
  };
  const app = await buildApp({
    db: database.db,
    clock: () => NOW,
    secretKey: SECRET_KEY,
    resolveActor: async () => actor,
  });
  await app.ready();
  return { store, database, db: database.db, ctx: { actor, now: NOW }, app, officeId: office.id };
}

async function closeEnv(e: Env | undefined) {
  if (!e) return;
  await e.app.close();
  await e.database.close();
  await e.store.drop();
}

function multipart(
  file: Buffer,
  filename: string,
  type: string,
  fields: Record<string, string | number> = {},
) {
  const boundary = `----hostile${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
  );
  return {
    payload: Buffer.concat([
      ...parts,
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function importOverHttp(e: Env, file: Buffer, dryRun = false) {
  const body = multipart(
    file,
    'book.xlsx',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  return e.app.inject({
    method: 'POST',
    url: `/api/imports${dryRun ? '?dryRun=true' : ''}`,
    ...body,
  });
}

/** What an import could have written: a refused one must leave every count as it was. */
async function counts(db: Db) {
  const n = async (t: typeof projects | typeof investmentPlans | typeof monthlyReports) =>
    (await db.select({ n: count() }).from(t))[0].n;
  return {
    projects: await n(projects),
    plans: await n(investmentPlans),
    reports: await n(monthlyReports),
    // row images only: the refused request itself is audited, and should be
    rowChanges: (
      await db
        .select({ n: count() })
        .from(auditLog)
        .where(or(isNotNull(auditLog.before), isNotNull(auditLog.after)))
    )[0].n,
  };
}

const tally = {
  cases: 0,
  readerCases: 0,
  readerAccepted: 0,
  importCases: 0,
  importAccepted: 0,
  corruptFilesRefused: 0,
  uploadsRefused: 0,
  exportCellsNeutralised: 0,
};

afterAll(() => {
  reportFigures('hostile-files', {
    engines: ENGINES.join('+'),
    ...tally,
    cases: tally.readerCases + tally.importCases + tally.corruptFilesRefused + tally.uploadsRefused,
    peakRssMb: Math.round(peakRss / 1024 / 1024),
    ...figures,
  });
});

// ---------------------------------------------------------------------------------------------

describe('random cell values', () => {
  it(`the reader and validator read ${READER_CASES} random workbooks exactly as the reference reading says, or refuse each bad cell by sheet, row and column`, async () => {
    await measured('readerProperty', async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const { ledger, plan, reports } = caseSheets(c, 'P');
          const book = await xlsxOf({ 项目台账: ledger, 年度计划: plan, 月度完成: reports });
          const read = await readWorkbook(book);
          tally.readerCases++;
          if (zeroFormula(c)) {
            // the file as a whole is refused at the first such cell, which it names
            expect(read.ok).toBe(false);
            if (!read.ok) expect(read.issue).toMatchObject(NO_VALUE_ISSUE);
            return;
          }
          expect(read.ok).toBe(true);
          if (!read.ok) return;
          if (
            checkReader(
              c,
              read.sheets,
              JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
            )
          )
            tally.readerAccepted++;
        }),
        { numRuns: READER_CASES, seed: 20261129 },
      );
    });
    // the generator must reach both outcomes, or the property proves little
    expect(tally.readerAccepted).toBeGreaterThan(READER_CASES / 50);
    expect(tally.readerAccepted).toBeLessThan(READER_CASES);
  });
});

describe.each(ENGINES)('on %s', (engine) => {
  let e: Env;
  beforeAll(async () => {
    e = await openEnv(engine);
  });
  afterAll(() => closeEnv(e));

  it(`${IMPORT_CASES} full imports of random workbooks: all written exactly, or refused with nothing written`, async () => {
    let n = 0;
    let accepted = 0;
    await measured(`${engine}ImportProperty`, async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const prefix = `${engine[0].toUpperCase()}${++n}-`;
          const { ledger, plan, reports, code } = caseSheets(c, prefix);
          const book = await xlsxOf({ 项目台账: ledger, 年度计划: plan, 月度完成: reports });
          const before = await counts(e.db);
          // every tenth case through the route, so the HTTP answer is checked too
          let result: Awaited<ReturnType<typeof importWorkbook>>;
          if (n % 10 === 0) {
            const res = await importOverHttp(e, book);
            expect(res.statusCode, res.body).toBeLessThan(500);
            result = res.json();
            expect(res.statusCode).toBe(result.ok ? 200 : 422);
          } else {
            result = await importWorkbook(e.db, e.ctx, book);
          }
          tally.importCases++;
          const ex = expectations(c, code);
          if (zeroFormula(c)) {
            expect(result.ok).toBe(false);
            expect(result.errors[0]).toMatchObject(NO_VALUE_ISSUE);
            expect(await counts(e.db), 'a refused import writes nothing').toEqual(before);
            return;
          }
          const allOk =
            ex.ledger.every((r) => r.bad.length === 0) &&
            ex.plan.bad.length === 0 &&
            !ex.plan.rangeBad &&
            ex.reports.every((r) => r.bad.length === 0);
          if (allOk) {
            expect(result.errors, JSON.stringify(result.errors)).toEqual([]);
            expect(result.ok).toBe(true);
            tally.importAccepted++;
            accepted++;
            const rows = await e.db
              .select({
                code: projects.code,
                name: projects.name,
                total: projects.totalInvestment,
                start: projects.plannedStart,
              })
              .from(projects)
              .where(inArray(projects.code, [code(0), code(1)]));
            for (const l of ex.ledger) {
              const got = rows.find((r) => r.code === l.code)!;
              expect(got.name).toBe(l.r.name.expect.ok ? l.r.name.expect.value : null);
              expect(got.total === null ? null : Number(got.total).toFixed(2)).toBe(
                l.r.total.expect.ok && l.r.total.expect.value !== null
                  ? Number(l.r.total.expect.value).toFixed(2)
                  : null,
              );
              expect(got.start ?? null).toBe(l.r.start.expect.ok ? l.r.start.expect.value : null);
            }
            const reps = await e.db
              .select({
                projectId: monthlyReports.projectId,
                investment: monthlyReports.investment,
                text: monthlyReports.progressText,
                status: monthlyReports.status,
                year: monthlyReports.year,
                month: monthlyReports.month,
              })
              .from(monthlyReports)
              .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
              .where(inArray(projects.code, [code(0), code(1)]));
            expect(reps).toHaveLength(2);
            for (const [i, r] of ex.reports.entries()) {
              const id =
                rows.find((x) => x.code === code(i)) &&
                (
                  await e.db
                    .select({ id: projects.id })
                    .from(projects)
                    .where(eq(projects.code, code(i)))
                )[0].id;
              const got = reps.find((x) => x.projectId === id)!;
              const m = r.r.month.expect.ok ? r.r.month.expect.value : null;
              expect({ year: got.year, month: got.month }).toEqual(m);
              expect(got.investment).toBe(
                r.r.investment.expect.ok ? Number(r.r.investment.expect.value).toFixed(2) : null,
              );
              expect(got.text ?? null).toBe(r.r.text.expect.ok ? r.r.text.expect.value : null);
              expect(got.status).toBe('approved');
            }
          } else {
            expect(result.ok).toBe(false);
            expect(await counts(e.db), 'a refused import writes nothing').toEqual(before);
            for (const l of ex.ledger)
              for (const col of l.bad)
                expect(result.errors).toContainEqual(
                  expect.objectContaining({ sheet: '项目台账', row: l.row, column: col }),
                );
            for (const col of ex.plan.bad)
              expect(result.errors).toContainEqual(
                expect.objectContaining({ sheet: '年度计划', row: 2, column: col }),
              );
            for (const r of ex.reports)
              for (const col of r.bad)
                expect(result.errors).toContainEqual(
                  expect.objectContaining({ sheet: '月度完成', row: r.row, column: col }),
                );
            for (const i of result.errors)
              expect(i.sheet && i.row && i.column, JSON.stringify(i)).toBeTruthy();
          }
        }),
        { numRuns: IMPORT_CASES, seed: engine === 'pglite' ? 7 : 11 },
      );
      // both outcomes reached, or the property proves little
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(IMPORT_CASES);
    });
  });

  it('truncated, random, non-workbook and corrupt files are refused with a sentence, never a 500, nothing written', async () => {
    const good = await xlsxOf({
      月度完成: [REPORT_HEADER, ['X-1', '2026-10', 12.5, '正常']],
    });
    const files: [string, Buffer][] = [];
    for (const f of [0.05, 0.3, 0.5, 0.9, 0.99])
      files.push([`truncated at ${f * 100}%`, good.subarray(0, Math.floor(good.length * f))]);
    files.push(['truncated by 1 byte', good.subarray(0, good.length - 1)]);
    files.push(['truncated by the end record', good.subarray(0, good.length - 22)]);
    // a byte flipped inside the compressed sheet: the zip still opens, its content does not
    const flipped = Buffer.from(good);
    for (let i = 200; i < 260; i++) flipped[i] ^= 0xff;
    files.push(['bytes flipped in the middle', flipped]);
    const rand = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 4096 }), {
      numRuns: 8,
      seed: 5,
    });
    for (const [i, r] of rand.entries()) files.push([`random bytes ${i}`, Buffer.from(r)]);
    for (const [i, r] of rand.slice(0, 4).entries())
      files.push([
        `random bytes behind a zip signature ${i}`,
        Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(r)]),
      ]);
    files.push(['empty', Buffer.alloc(0)]);
    files.push([
      'a zip that is not a workbook',
      zipOf([{ name: 'readme.txt', data: Buffer.from('hello') }]),
    ]);
    files.push([
      'an OLE .xls',
      Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]),
    ]);
    files.push([
      'an HTML page',
      Buffer.from('<html><body><script>alert(1)</script></body></html>'),
    ]);
    files.push(['a PDF', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\n')]);
    files.push([
      'a workbook with its sheet XML cut',
      withPart(good, /worksheets\/sheet1\.xml$/, (x) => x.slice(0, Math.floor(x.length / 2))),
    ]);
    files.push([
      'a workbook with its workbook.xml gone',
      zipOf(unzip(good).filter((p) => p.name !== 'xl/workbook.xml')),
    ]);
    const before = await counts(e.db);
    await measured(`${engine}CorruptFiles`, async () => {
      for (const [label, file] of files) {
        const viaHttp =
          label.startsWith('truncated') ||
          label.startsWith('random bytes 0') ||
          label.includes('not a workbook');
        let result: Awaited<ReturnType<typeof importWorkbook>>;
        if (viaHttp) {
          const res = await importOverHttp(e, file);
          expect(res.statusCode, `${label}: ${res.body}`).toBe(422);
          result = res.json();
        } else {
          result = await importWorkbook(e.db, e.ctx, file);
        }
        expect(result.ok, label).toBe(false);
        expect(result.errors.length, label).toBeGreaterThan(0);
        expect(result.errors[0].reason, label).toMatch(/[\u4e00-\u9fff]/);
        expect(result.errors[0].reasonEn, label).toMatch(/[a-z]{3}/);
        tally.corruptFilesRefused++;
      }
    });
    expect(await counts(e.db)).toEqual(before);
  });

  it('zip bombs are refused before they fill memory: deflated zeros, and a real workbook of 1.3 million cells', async () => {
    const good = await xlsxOf({ 月度完成: [REPORT_HEADER, ['X-1', '2026-10', 12.5, '正常']] });
    zerosOnce ??= deflatedZeros(1024 * 1024 * 1024);
    const zeros = await zerosOnce;
    const bombs: [string, Buffer][] = [
      [
        `1 GiB of zeros in ${Math.round(zeros.length / 1024)} KB, sizes declared truthfully`,
        zipOf([
          ...unzip(good).filter((p) => !/sheet1\.xml$/.test(p.name)),
          {
            name: 'xl/worksheets/sheet1.xml',
            data: Buffer.alloc(0),
            deflated: zeros,
            declaredSize: 0xfffffffe,
          },
        ]),
      ],
      [
        '1 GiB of zeros, sizes declared as 1 KB',
        zipOf([
          ...unzip(good).filter((p) => !/sheet1\.xml$/.test(p.name)),
          {
            name: 'xl/worksheets/sheet1.xml',
            data: Buffer.alloc(0),
            deflated: zeros,
            declaredSize: 1024,
          },
        ]),
      ],
      [
        '300 parts of 1 MB of zeros',
        zipOf([
          ...unzip(good),
          ...Array.from({ length: 300 }, (_, i) => ({
            name: `xl/media/z${i}.bin`,
            data: Buffer.alloc(1024 * 1024),
          })),
        ]),
      ],
    ];
    // A real workbook whose sheet holds 1.3 million cells: within the inflated-size budget, yet
    // exceljs would hold every cell (measured: 3 million cells, 2.8 GB RSS, a minute).
    cellBombOnce ??= withRows(good, 2, 260_000, (r) =>
      ['A', 'B', 'C', 'D', 'E'].map((c, i) => `<c r="${c}${r}"><v>${i}</v></c>`).join(''),
    );
    const cellBomb = cellBombOnce;
    bombs.push(
      ['a real workbook with 1.3 million cells', cellBomb],
      // exceljs strips a leading slash and matches part names anywhere in the path
      [
        'the 1.3 million cells under the part name "/xl/worksheets/sheet1.xml"',
        zipOf(
          unzip(cellBomb).map((p) => ({
            name: /sheet1\.xml$/.test(p.name) ? `/${p.name}` : p.name,
            data: p.data,
          })),
        ),
      ],
    );
    const before = await counts(e.db);
    for (const [i, [label, file]] of bombs.entries()) {
      const result = await measured(`${engine}Bomb${i + 1}`, () =>
        i === 0
          ? importOverHttp(e, file).then((r) => {
              expect(r.statusCode, r.body).toBe(422);
              return r.json();
            })
          : importWorkbook(e.db, e.ctx, file),
      );
      process.stdout.write(`  ${label}: ${file.length} bytes → ${result.errors[0]?.code}\n`);
      expect(result.ok, label).toBe(false);
      expect(result.errors[0].code, label).toBe(
        label.includes('cells') ? 'file.too_many_cells' : 'file.too_large_uncompressed',
      );
      expect(lastGrowthMb, `${label}: memory`).toBeLessThan(MEMORY_BOUND_MB);
      tally.corruptFilesRefused++;
    }
    expect(await counts(e.db)).toEqual(before);
  });

  it('XML with a DOCTYPE, external entities or billion laughs is refused; /etc/passwd is never read', async () => {
    const good = await xlsxOf({
      月度完成: [REPORT_HEADER, ['X-1', '2026-10', 12.5, 'ENTITY_HERE']],
    });
    const xxe = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>';
    const laughs = `<!DOCTYPE x [<!ENTITY a "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]>`;
    const inject = (doctype: string, ref: string) => (xml: string) =>
      xml.replace(/^(<\?xml[^>]*\?>)?/, (d) => `${d}${doctype}`).replace('ENTITY_HERE', ref);
    const files: [string, Buffer][] = [
      [
        'external entity in the shared strings',
        withPart(good, /sharedStrings\.xml$/, inject(xxe, '&e;')),
      ],
      [
        'external entity in the sheet',
        withPart(good, /worksheets\/sheet1\.xml$/, inject(xxe, '&e;')),
      ],
      ['external entity in workbook.xml', withPart(good, /xl\/workbook\.xml$/, inject(xxe, ''))],
      [
        'external entity in a sheet named "x/xl/worksheets/sheet1.xml.bak"',
        zipOf([
          ...unzip(good),
          {
            name: 'x/xl/worksheets/sheet1.xml.bak',
            data: Buffer.from(
              inject(
                xxe,
                '&e;',
              )(
                unzip(good)
                  .find((p) => /sheet1\.xml$/.test(p.name))!
                  .data.toString(),
              ),
            ),
          },
        ]),
      ],
      ['billion laughs', withPart(good, /sharedStrings\.xml$/, inject(laughs, '&j;'))],
      [
        'parameter entity',
        withPart(
          good,
          /sharedStrings\.xml$/,
          inject('<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>', ''),
        ),
      ],
      [
        'external entity in UTF-16',
        withPart(good, /sharedStrings\.xml$/, (x) =>
          Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            Buffer.from(
              inject(xxe, '&e;')(x).replace('encoding="UTF-8"', 'encoding="UTF-16"'),
              'utf16le',
            ),
          ]),
        ),
      ],
    ];
    const before = await counts(e.db);
    await measured(`${engine}Xxe`, async () => {
      for (const [label, file] of files) {
        const res = await importOverHttp(e, file);
        expect(res.statusCode, `${label}: ${res.body}`).toBe(422);
        expect(res.body, label).not.toMatch(/root:|nobody|lollol/);
        const result = res.json();
        expect(result.errors[0].code, label).toMatch(/^file\.(unsafe|corrupt)$/);
        tally.corruptFilesRefused++;
      }
    });
    expect(await counts(e.db)).toEqual(before);
  });

  it('megabyte cells: refused by sheet, row and column, also where the header is looked for', async () => {
    const mb = 1024 * 1024;
    const files: [string, Buffer, { sheet: string; row: number; column: string; code: string }][] =
      [
        [
          '1 MB of text in 进展情况',
          await xlsxOf({ 月度完成: [REPORT_HEADER, ['X-1', '2026-10', 12.5, '进'.repeat(mb)]] }),
          { sheet: '月度完成', row: 2, column: 'D', code: 'cell.too_long' },
        ],
        [
          '1 MB of brackets above the header',
          await xlsxOf({
            月度完成: [['('.repeat(mb)], REPORT_HEADER, ['X-1', '2026-10', 12.5, 'x']],
          }),
          { sheet: '月度完成', row: 1, column: 'A', code: 'cell.too_long' },
        ],
        [
          '1 MB number-like text in the amount',
          await xlsxOf({ 月度完成: [REPORT_HEADER, ['X-1', '2026-10', '9'.repeat(mb), 'x']] }),
          { sheet: '月度完成', row: 2, column: 'C', code: 'cell.too_long' },
        ],
        [
          '30,000 characters in 进展情况 (within Excel, over the field)',
          await xlsxOf({
            月度完成: [REPORT_HEADER, ['X-1', '2026-10', 12.5, '进'.repeat(30_000)]],
          }),
          { sheet: '月度完成', row: 2, column: 'D', code: 'text.too_long' },
        ],
      ];
    const before = await counts(e.db);
    for (const [i, [label, file, where]] of files.entries()) {
      const res = await measured(`${engine}BigCell${i + 1}`, () => importOverHttp(e, file));
      expect(res.statusCode, `${label}: ${res.body.slice(0, 300)}`).toBe(422);
      const result = res.json();
      expect(result.errors[0], label).toMatchObject(where);
      expect(res.body.length, `${label}: the answer does not echo the cell`).toBeLessThan(20_000);
      tally.corruptFilesRefused++;
    }
    expect(await counts(e.db)).toEqual(before);
  });

  it('exports neutralise = + - @ (and tab, CR) at the start of every text the office typed', async () => {
    const hostile = [
      '=HYPERLINK("http://evil.example","点我")',
      "+1+cmd|' /C calc'!A0",
      '-2+3',
      '@SUM(1,2)',
      '=1+1',
    ];
    const unit = (await ensureUnit(e.db, e.ctx, '=建设单位')).unit;
    const ledgerRows: ExcelJS.CellValue[][] = [LEDGER_HEADER];
    const reportRows: ExcelJS.CellValue[][] = [
      ['项目编号', '月份', '本月完成投资（万元）', '进展情况', '存在问题'],
    ];
    hostile.forEach((h, i) => {
      ledgerRows.push([i + 1, `EX-${i}`, h, h, h, h, h, '在建', 100, null, null, h]);
      reportRows.push([`EX-${i}`, '2026-10', 10 + i, h, h]);
    });
    const imported = await importWorkbook(
      e.db,
      e.ctx,
      await xlsxOf({
        项目台账: ledgerRows,
        年度计划: [
          PLAN_HEADER,
          ...hostile.map((_, i) => [
            `EX-${i}`,
            2026,
            1200,
            ...Array.from({ length: 12 }, (_m, m) => (m + 1) * 100),
          ]),
        ],
        月度完成: reportRows,
      }),
    );
    expect(imported.errors).toEqual([]);
    // Tab and CR never survive a cell's trim on import; the services keep them.
    for (const [i, lead] of ['\t', '\r'].entries()) {
      const p = await createProject(e.db, e.ctx, {
        code: `EXT-${i}`,
        name: `${lead}=1+1`,
        ownerUnitId: unit.id,
      });
      await saveReport(e.db, e.ctx, {
        projectId: p.id,
        year: 2026,
        month: 10,
        investment: '1',
        progressText: `${lead}=2+2`,
        problems: `${lead}@x`,
        version: 0,
      }).catch(() => undefined);
    }
    let neutralised = 0;
    await measured(`${engine}Exports`, async () => {
      for (const kind of ['ledger', 'dispatch', 'warnings', 'template'] as const) {
        const file = await buildExport(e.db, e.ctx, { kind, year: 2026, month: 10 });
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(file.buffer as unknown as ArrayBuffer);
        wb.eachSheet((ws) =>
          ws.eachRow((row) =>
            row.eachCell((cell) => {
              const where = `${kind} ${ws.name}!${cell.address}`;
              expect(cell.type, `${where} is a formula`).not.toBe(ExcelJS.ValueType.Formula);
              if (typeof cell.value === 'string') {
                expect(cell.value, where).not.toMatch(/^[=+\-@\t\r]/);
                if (/^'[=+\-@\t\r]/.test(cell.value)) neutralised++;
              }
              if (cell.value && typeof cell.value === 'object' && 'richText' in cell.value)
                expect(cell.value.richText[0]?.text ?? '', where).not.toMatch(/^[=+\-@\t\r]/);
            }),
          ),
        );
        // the hostile texts are really in the ledger and the dispatch table, escaped
        if (kind === 'ledger' || kind === 'dispatch') expect(neutralised, kind).toBeGreaterThan(0);
      }
    });
    tally.exportCellsNeutralised += neutralised;
    // The ledger export imports back unchanged: the apostrophes are dropped again.
    const again = await importWorkbook(
      e.db,
      e.ctx,
      (await buildExport(e.db, e.ctx, { kind: 'ledger', year: 2026 })).buffer,
      { dryRun: true },
    );
    expect(again.errors).toEqual([]);
    const changed = again.changes.filter((c) => c.code.startsWith('EX-'));
    expect(changed, JSON.stringify(changed)).toEqual([]);
  });

  it('uploads: bytes that are not an image behind .jpg/.png and image/* are refused, naming the file; real images are accepted', async () => {
    const unit = (await ensureUnit(e.db, e.ctx, '照片单位')).unit;
    const project = await createProject(e.db, e.ctx, {
      code: 'PHOTO-1',
      name: '照片项目',
      ownerUnitId: unit.id,
    });
    const report = await saveReport(e.db, e.ctx, {
      projectId: project.id,
      year: 2026,
      month: 10,
      investment: '1',
      version: 0,
    });
    const meeting = await buildMeeting(e.db, e.ctx, { heldOn: '2026-11-01', unitIds: [unit.id] });
    const png = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#c00' } })
      .png()
      .toBuffer();
    const jpeg = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#0c0' } })
      .jpeg()
      .toBuffer();
    const bad: [string, string, Buffer][] = [
      [
        'HTML',
        'site.jpg',
        Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>'),
      ],
      [
        'SVG with a script',
        'plan.png',
        Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
        ),
      ],
      [
        'a PDF',
        'scan.jpg',
        Buffer.from('%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF'),
      ],
      [
        'a Windows executable',
        'photo.jpeg',
        Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90)]),
      ],
      [
        'an ELF executable',
        'photo.png',
        Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(200)]),
      ],
      [
        'a PNG signature before an HTML page',
        'poly.png',
        Buffer.concat([png.subarray(0, 8), Buffer.from('<html><script>alert(1)</script></html>')]),
      ],
      [
        'a JPEG start before an HTML page',
        'poly.jpg',
        Buffer.concat([jpeg.subarray(0, 4), Buffer.from('<html><script>alert(1)</script></html>')]),
      ],
      ['a GIF', 'anim.png', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')],
      ['a zip', 'photo.jpg', zipOf([{ name: 'a.txt', data: Buffer.from('x') }])],
    ];
    const photos = async () => (await e.db.select({ n: count() }).from(reportPhotos))[0].n;
    const files = async () => (await e.db.select({ n: count() }).from(attachments))[0].n;
    const [photosBefore, filesBefore] = [await photos(), await files()];
    await measured(`${engine}Uploads`, async () => {
      for (const [label, name, bytes] of bad) {
        const type = name.endsWith('png') ? 'image/png' : 'image/jpeg';
        const photo = await e.app.inject({
          method: 'POST',
          url: `/api/reports/${report.id}/photos`,
          ...multipart(bytes, name, type),
        });
        expect(photo.statusCode, `photo ${label}: ${photo.body}`).toBeGreaterThanOrEqual(400);
        expect(photo.statusCode, `photo ${label}: ${photo.body}`).toBeLessThan(500);
        expect(photo.json().error.message, `photo ${label}`).toContain(name);
        const att = await e.app.inject({
          method: 'POST',
          url: '/api/attachments',
          ...multipart(bytes, name, type, { parentKind: 'meeting', parentId: meeting.id }),
        });
        expect(att.statusCode, `attachment ${label}: ${att.body}`).toBeGreaterThanOrEqual(400);
        expect(att.statusCode, `attachment ${label}: ${att.body}`).toBeLessThan(500);
        // a PDF named .jpg is a PDF: the name must not be believed, and the answer names the file
        expect(att.json().error.message, `attachment ${label}`).toContain(name);
        tally.uploadsRefused += 2;
      }
    });
    expect(await photos()).toBe(photosBefore);
    expect(await files()).toBe(filesBefore);
    for (const [name, bytes, type] of [
      ['site.png', png, 'image/png'],
      ['site.jpg', jpeg, 'image/jpeg'],
    ] as const) {
      const photo = await e.app.inject({
        method: 'POST',
        url: `/api/reports/${report.id}/photos`,
        ...multipart(bytes, name, type),
      });
      expect(photo.statusCode, photo.body).toBe(201);
      const att = await e.app.inject({
        method: 'POST',
        url: '/api/attachments',
        ...multipart(bytes, name, type, { parentKind: 'meeting', parentId: meeting.id }),
      });
      expect(att.statusCode, att.body).toBe(201);
      expect(att.json().contentType).toBe(type);
    }
    // A real JPEG with a page appended is an image; it is served as one, never as a page.
    const tail = Buffer.concat([jpeg, Buffer.from('<html><script>alert(1)</script></html>')]);
    const poly = await e.app.inject({
      method: 'POST',
      url: `/api/reports/${report.id}/photos`,
      ...multipart(tail, 'tail.jpg', 'image/jpeg'),
    });
    if (poly.statusCode === 201) {
      const got = await e.app.inject({ url: `/api/report-photos/${poly.json().id}` });
      expect(got.headers['content-type']).toBe('image/jpeg');
      expect(got.headers['x-content-type-options']).toBe('nosniff');
    } else {
      expect(poly.statusCode).toBeLessThan(500);
    }
  });
});

describe.each(ENGINES.slice(-1))('100,000 rows on %s', (engine) => {
  let e: Env;
  beforeAll(async () => {
    e = await openEnv(engine);
  });
  afterAll(() => closeEnv(e));

  it('a 100,000-row ledger imports exactly, in bounded memory', async () => {
    const ROWS = 100_000;
    // Written straight into the sheet's XML (exceljs takes half a minute to write it), as
    // inline strings: the reader sees the same cells either way.
    const book = withRows(await xlsxOf({ 项目台账: [LEDGER_HEADER] }), 2, ROWS, (r) => {
      const i = r - 1;
      return [
        `<c r="A${r}"><v>${i}</v></c>`,
        inline(`B${r}`, `H${i}`),
        inline(`C${r}`, `大表项目${i}`),
        inline(`D${r}`, `片区${i % 7}`),
        inline(`G${r}`, `单位${i % 30}`),
        inline(`H${r}`, '在建'),
        `<c r="I${r}"><v>${i}</v></c>`,
      ].join('');
    });
    figures.rows100kFileKb = Math.round(book.length / 1024);
    const result = await measured(`${engine}Rows100k`, () => importWorkbook(e.db, e.ctx, book));
    expect(result.errors.slice(0, 3)).toEqual([]);
    expect(result.summary.projects.created).toBe(ROWS);
    const [{ n }] = await e.db.select({ n: count() }).from(projects);
    expect(n).toBe(ROWS);
    const [last] = await e.db
      .select({ name: projects.name, total: projects.totalInvestment })
      .from(projects)
      .where(eq(projects.code, `H${ROWS}`));
    expect(last).toEqual({ name: `大表项目${ROWS}`, total: `${ROWS}.00` });
    expect(lastGrowthMb, 'memory of a 100,000-row import').toBeLessThan(2500);
  });
});
