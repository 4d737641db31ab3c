import ExcelJS from 'exceljs';
import { type CellValue, columnLetter, type GridCell } from '../../../domain/workbook-cells.ts';
import { parseCsv } from '../../../domain/workbook-csv.ts';
import {
  type Grid,
  type GridRow,
  type ImportIssue,
  locateHeader,
  SHEETS,
} from '../../../domain/workbook-sheets.ts';
import { checkZip, WORKBOOK_LIMITS, type ZipLimits } from './zip-guard.ts';

export type ReadWorkbook =
  | { ok: true; format: 'xlsx' | 'csv'; sheets: Grid[] }
  | { ok: false; format: 'xlsx' | 'csv' | 'unknown'; issue: ImportIssue };

/** Excel's own limit on the characters of one cell. */
const MAX_CELL_CHARS = 32_767;

const fileIssue = (
  code: string,
  reason: string,
  reasonEn: string,
  sheet: string | null = null,
): ImportIssue => ({
  sheet,
  row: null,
  column: null,
  value: null,
  code,
  reason,
  reasonEn,
});

const NOT_WORKBOOK = fileIssue(
  'file.not_workbook',
  '文件不是Excel工作簿（.xlsx），也不是月度完成CSV',
  'the file is neither an Excel workbook (.xlsx) nor a 月度完成 CSV',
);

/**
 * Turns an upload into grids: an .xlsx (checked against zip bombs and entities first, then read
 * by exceljs) or a CSV of 月度完成 (UTF-8 with or without BOM, or GB18030 as Excel saves it on a
 * Chinese Windows). Anything else is refused with a sentence saying what the file is not.
 */
export async function readWorkbook(
  buf: Buffer,
  limits: ZipLimits = WORKBOOK_LIMITS,
): Promise<ReadWorkbook> {
  if (buf.length > limits.fileBytes) {
    return {
      ok: false,
      format: 'unknown',
      issue: fileIssue(
        'file.too_large',
        `文件超过${Math.round(limits.fileBytes / 1024 / 1024)}MB上限`,
        `the file exceeds the ${Math.round(limits.fileBytes / 1024 / 1024)} MB limit`,
      ),
    };
  }
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50) return readXlsx(buf, limits);
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0xd0cf11e0) {
    return {
      ok: false,
      format: 'unknown',
      issue: fileIssue(
        'file.xls',
        '这是旧版.xls或加密的工作簿，请在Excel中“另存为”.xlsx格式（并取消密码）后再导入',
        'this is an old .xls or an encrypted workbook; save it as .xlsx (without a password) first',
      ),
    };
  }
  if (buf.length === 0 || buf.subarray(0, 8192).includes(0))
    return { ok: false, format: 'unknown', issue: NOT_WORKBOOK };
  return readCsv(buf);
}

async function readXlsx(buf: Buffer, limits: ZipLimits): Promise<ReadWorkbook> {
  const zip = checkZip(buf, limits);
  if (!zip.ok)
    return { ok: false, format: 'xlsx', issue: fileIssue(zip.code, zip.reason, zip.reasonEn) };
  if (!zip.entries.includes('xl/workbook.xml'))
    return { ok: false, format: 'xlsx', issue: NOT_WORKBOOK };
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    return {
      ok: false,
      format: 'xlsx',
      issue: fileIssue(
        'file.corrupt',
        '工作簿文件已损坏，无法读取',
        'the workbook file is damaged',
      ),
    };
  }
  const sheets: Grid[] = [];
  let problem: ImportIssue | null = null;
  wb.eachSheet((ws) => {
    const rows: GridRow[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: (GridCell | null)[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        // A merged range's value belongs to its top-left cell only; exceljs repeats it elsewhere.
        if (cell.type === ExcelJS.ValueType.Merge) return;
        const raw = cell.value;
        if (
          raw !== null &&
          typeof raw === 'object' &&
          ('formula' in raw || 'sharedFormula' in raw) &&
          (raw as ExcelJS.CellFormulaValue).result == null
        ) {
          // No value saved with the formula (a generated file, or Excel in manual calculation):
          // read as blank it would erase what the cell's column holds; say so instead.
          problem ??= {
            sheet: ws.name,
            row: rowNumber,
            column: columnLetter(col - 1),
            value: `=${String((raw as ExcelJS.CellFormulaValue).formula ?? '').slice(0, 40)}`,
            code: 'cell.formula_without_value',
            reason: '公式没有保存计算结果，请在Excel中打开、重新计算并保存后再导入',
            reasonEn:
              'the formula has no saved result; open the file in Excel, recalculate and save it, then import',
          };
          return;
        }
        const value = plainValue(raw);
        if (value === null) return;
        if (typeof value === 'string' && value.length > MAX_CELL_CHARS) {
          // Excel itself cannot hold more, so such a file was made to be hostile; the header
          // search and the checks downstream are not built for megabyte-long strings.
          problem ??= {
            sheet: ws.name,
            row: rowNumber,
            column: columnLetter(col - 1),
            value: `${value.slice(0, 20)}…`,
            code: 'cell.too_long',
            reason: `单元格有${value.length}个字符，超过Excel的上限${MAX_CELL_CHARS}个`,
            reasonEn: `the cell holds ${value.length} characters, more than Excel's limit of ${MAX_CELL_CHARS}`,
          };
          return;
        }
        cells[col - 1] = {
          value,
          percent: typeof cell.numFmt === 'string' && cell.numFmt.includes('%'),
        };
      });
      for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
      rows.push({ row: rowNumber, cells });
    });
    sheets.push({ name: ws.name, rows });
  });
  if (problem) return { ok: false, format: 'xlsx', issue: problem };
  return { ok: true, format: 'xlsx', sheets };
}

/** The value a cell shows: formula results, rich text joined, hyperlinks' text, errors as text. */
function plainValue(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date)
    return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('formula' in v || 'sharedFormula' in v) {
      const result = (v as ExcelJS.CellFormulaValue).result;
      if (result === undefined || result === null) return null;
      if (typeof result === 'object' && !(result instanceof Date))
        return 'error' in result ? result.error : null;
      return result;
    }
    if ('hyperlink' in v) return plainValue((v as ExcelJS.CellHyperlinkValue).text);
    if ('error' in v) return v.error;
    if ('text' in v) return String((v as { text: unknown }).text);
  }
  return null;
}

function readCsv(buf: Buffer): ReadWorkbook {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    text = new TextDecoder('gb18030').decode(buf);
  }
  const grid = parseCsv(text, SHEETS.月度完成.name);
  const { layout } = locateHeader(grid, SHEETS.月度完成);
  if (!layout) return { ok: false, format: 'csv', issue: NOT_WORKBOOK };
  // A text file past its first 8 KB may still hold a NUL, which no database text column can
  // store: refuse it at its cell rather than fail the write. (XML cannot carry one at all.)
  for (const r of grid.rows) {
    const at = r.cells.findIndex((c) => typeof c?.value === 'string' && c.value.includes('\0'));
    if (at === -1) continue;
    return {
      ok: false,
      format: 'csv',
      issue: {
        ...fileIssue(
          'cell.nul',
          '单元格含有空字符（\\u0000），请检查文件是否损坏或另存为UTF-8 CSV',
          'the cell contains a NUL character (\\u0000); check the file is not damaged, or save it again as UTF-8 CSV',
          grid.name,
        ),
        row: r.row,
        column: columnLetter(at),
      },
    };
  }
  return { ok: true, format: 'csv', sheets: [grid] };
}
