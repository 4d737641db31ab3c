import type ExcelJS from 'exceljs';
import type { Level } from '../../../domain/warning-rules.ts';

/**
 * The house style of every workbook Tiaodu writes, modelled on the tables an office sends to
 * the district: a merged title, a line with the period and 单位：万元, a bold framed header that
 * stays frozen and repeats on every printed page, thousands separators, section rows per area,
 * 小计 and 合计 rows, level colours, A4 landscape fitted to the page width.
 */

export type ColumnKind = 'text' | 'wrap' | 'money' | 'percent' | 'rate' | 'date' | 'int' | 'center';
export type SheetColumn = { header: string; width: number; kind: ColumnKind };

export const LEVEL_COLOURS: Record<Level, string> = {
  green: '52C41A',
  yellow: 'FAAD14',
  red: 'F5222D',
};

const FONT = '宋体';
const THIN: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF8C8C8C' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const fill = (rgb: string): ExcelJS.Fill => ({
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: `FF${rgb}` },
});

const NUM_FMT: Partial<Record<ColumnKind, string>> = {
  money: '#,##0.00',
  percent: '0.0#',
  rate: '0.0%',
  date: 'yyyy-mm-dd',
  int: '0',
};

/**
 * Text that a spreadsheet would read as a formula (= + - @, or a leading tab or CR) gets a
 * leading apostrophe, the usual defence against formula injection; the importer drops it again.
 */
export function safeText(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text === '') return null;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** An ISO date as the Date exceljs writes as an Excel date (UTC midnight is the calendar day). */
export function excelDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  return new Date(`${iso.slice(0, 10)}T00:00:00Z`);
}

/** A decimal string as a cell number: exact to the cent for any amount numeric(16,2) holds. */
export function num(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  return Number(value);
}

export type StyledSheet = {
  ws: ExcelJS.Worksheet;
  columns: SheetColumn[];
  headerRow: number;
};

/** Adds a sheet with title (row 1), the period and unit line (row 2) and the header (row 3). */
export function addStyledSheet(
  wb: ExcelJS.Workbook,
  opts: {
    name: string;
    title: string;
    /** left of row 2, e.g. 截至2026年10月 */
    note?: string;
    /** right of row 2, e.g. 单位：万元 */
    unit?: string;
    columns: SheetColumn[];
    /** columns kept visible when scrolling right (序号, 编号, 名称) */
    freezeColumns?: number;
  },
): StyledSheet {
  const { columns } = opts;
  const n = columns.length;
  const ws = wb.addWorksheet(opts.name, {
    views: [
      {
        state: 'frozen',
        xSplit: opts.freezeColumns ?? 0,
        ySplit: 3,
        topLeftCell: 'A4',
        activeCell: 'A4',
      },
    ],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitlesRow: '3:3',
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C第 &P 页，共 &N 页', evenFooter: '&C第 &P 页，共 &N 页' },
  });
  ws.columns = columns.map((c) => ({ width: c.width }));

  ws.mergeCells(1, 1, 1, n);
  const title = ws.getCell(1, 1);
  title.value = opts.title;
  title.font = { name: FONT, size: 16, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 32;

  const split = Math.max(1, Math.floor(n / 2));
  if (split > 1) ws.mergeCells(2, 1, 2, split);
  if (n - split > 1) ws.mergeCells(2, split + 1, 2, n);
  const note = ws.getCell(2, 1);
  note.value = opts.note ?? null;
  note.font = { name: FONT, size: 10 };
  note.alignment = { horizontal: 'left', vertical: 'middle' };
  const unit = ws.getCell(2, Math.min(n, split + 1));
  unit.value = opts.unit ?? null;
  unit.font = { name: FONT, size: 10 };
  unit.alignment = { horizontal: 'right', vertical: 'middle' };
  ws.getRow(2).height = 20;

  const header = ws.getRow(3);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { name: FONT, size: 10, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = fill('D9E1F2');
    cell.border = BORDER;
  });
  header.height = 34;
  return { ws, columns, headerRow: 3 };
}

export type RowStyle = 'data' | 'subtotal' | 'total';

/** Appends a framed row; money gets thousands separators, rates a percentage, dates yyyy-mm-dd. */
export function addRow(
  sheet: StyledSheet,
  values: (string | number | Date | null | undefined)[],
  style: RowStyle = 'data',
): ExcelJS.Row {
  const row = sheet.ws.addRow(values.map((v) => (v === undefined ? null : v)));
  sheet.columns.forEach((c, i) => {
    const cell = row.getCell(i + 1);
    cell.font = { name: FONT, size: 10, bold: style !== 'data' };
    cell.border = BORDER;
    const fmt = NUM_FMT[c.kind];
    if (fmt) cell.numFmt = fmt;
    const right = c.kind === 'money' || c.kind === 'percent' || c.kind === 'rate';
    cell.alignment = {
      vertical: 'middle',
      horizontal: right ? 'right' : c.kind === 'text' || c.kind === 'wrap' ? 'left' : 'center',
      wrapText: c.kind === 'wrap',
    };
    if (style === 'subtotal') cell.fill = fill('F2F2F2');
    if (style === 'total') cell.fill = fill('FFF2CC');
  });
  // Neither Excel nor LibreOffice grows a row for wrapped text on opening, so estimate it here.
  let lines = 1;
  sheet.columns.forEach((c, i) => {
    const v = values[i];
    if (c.kind !== 'wrap' || typeof v !== 'string') return;
    lines = Math.max(lines, Math.ceil(textWidth(v) / Math.max(c.width - 1, 1)));
  });
  row.height = Math.max(18, lines * 13.5 + 4);
  return row;
}

/** Width of text in Excel column units at 10 pt: a CJK character is about two digits wide. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += ch.codePointAt(0)! > 0x2e80 ? 1.7 : 0.9;
  return w;
}

/** A section heading across the whole row, such as 一、光明科学城核心片区（12个）. */
export function addSection(sheet: StyledSheet, text: string): ExcelJS.Row {
  const row = sheet.ws.addRow([text]);
  sheet.ws.mergeCells(row.number, 1, row.number, sheet.columns.length);
  const cell = row.getCell(1);
  cell.font = { name: FONT, size: 10, bold: true };
  cell.alignment = { horizontal: 'left', vertical: 'middle' };
  cell.fill = fill('EDF3FB');
  for (let i = 1; i <= sheet.columns.length; i++) row.getCell(i).border = BORDER;
  return row;
}

/** Colours a level cell: green 按期推进, amber 提请关注, red 督办 (the web's colours). */
export function paintLevel(cell: ExcelJS.Cell, level: Level): void {
  cell.fill = fill(LEVEL_COLOURS[level]);
  cell.font = {
    name: FONT,
    size: 10,
    bold: true,
    color: { argb: level === 'yellow' ? 'FF262626' : 'FFFFFFFF' },
  };
  cell.alignment = { horizontal: 'center', vertical: 'middle' };
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 12 → 十二, 23 → 二十三: the numbering of section headings. */
export function chineseNumeral(n: number): string {
  if (n < 10) return CN_DIGITS[n];
  if (n < 20) return `十${n % 10 ? CN_DIGITS[n % 10] : ''}`;
  if (n < 100) return `${CN_DIGITS[Math.floor(n / 10)]}十${n % 10 ? CN_DIGITS[n % 10] : ''}`;
  return String(n);
}
