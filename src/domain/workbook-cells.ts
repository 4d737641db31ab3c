import { Decimal } from 'decimal.js';
import { PROJECT_PHASES, type ProjectPhase } from './milestones.ts';
import { parseAmount, type Wan } from './money.ts';
import { isValidIsoDate, type YearMonth } from './periods.ts';

/**
 * Reading the cells of the workbooks offices really make: numbers typed as text, full-width
 * digits, dates in five spellings, dashes for "nothing". Pure; the server turns exceljs cells
 * (or CSV fields) into `GridCell`s and these functions into values or a reason.
 */

export type CellValue = string | number | boolean | Date | null;

/** One cell as the importer sees it: its value, and whether its number format is a percentage. */
export type GridCell = { value: CellValue; percent?: boolean };

/** A problem with one cell, in Chinese and English; the caller adds where it is. */
export type CellProblem = { code: string; reason: string; reasonEn: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: CellProblem };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (code: string, reason: string, reasonEn: string): Parsed<never> => ({
  ok: false,
  problem: { code, reason, reasonEn },
});

/** Full-width ASCII (１２３，（）％／：) to half-width and the ideographic space to a space. */
export function normalizeWidth(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

/** The ISO date (UTC calendar day) of a Date, as exceljs gives date cells. */
function isoOfDate(d: Date): string | null {
  if (Number.isNaN(d.getTime())) return null;
  // Excel times that are a hair below midnight (0.99999…) belong to the same day; round to seconds.
  const t = new Date(Math.round(d.getTime() / 1000) * 1000);
  const y = t.getUTCFullYear();
  if (y < 1900 || y > 2100) return null;
  return `${y}-${String(t.getUTCMonth() + 1).padStart(2, '0')}-${String(t.getUTCDate()).padStart(2, '0')}`;
}

/** How a cell reads as text in a message: dates as ISO, numbers as JavaScript prints them. */
export function displayValue(value: CellValue): string {
  if (value === null) return '';
  if (value instanceof Date) return isoOfDate(value) ?? String(value);
  return String(value).trim();
}

/** Trimmed text of a cell, or null when blank. Exported cells escaped with `'` lose it again. */
export function cellText(cell: GridCell | null | undefined): string | null {
  if (!cell || cell.value === null) return null;
  const v = cell.value;
  let text = v instanceof Date ? (isoOfDate(v) ?? '') : String(v);
  // The export escapes a leading = + - @ tab or CR (workbook-style.ts safeText); undo that
  // before trimming, or a text that began with a tab would come back as "'…".
  if (/^'[=+\-@\t\r]/.test(text)) text = text.slice(1);
  text = text.trim();
  return text === '' ? null : text;
}

const DASHES = /^[-—–－/／\\]+$|^无$|^none$/i;

/** A cell that means "nothing here": blank, or a dash or slash as tables put in empty cells. */
export function isBlankCell(cell: GridCell | null | undefined): boolean {
  const text = cellText(cell);
  return text === null || DASHES.test(normalizeWidth(text).trim());
}

/** An amount in 万元: a number, or text with thousands separators, full-width digits or a 万元 suffix. */
export function parseAmountCell(cell: GridCell | null | undefined): Parsed<Wan | null> {
  if (isBlankCell(cell)) return ok(null);
  const v = cell!.value;
  if (typeof v === 'number') {
    const parsed = parseAmount(v);
    return parsed === null
      ? bad('amount.invalid', '不是有效金额', 'not a valid amount')
      : ok(parsed);
  }
  if (typeof v !== 'string') {
    return bad('amount.invalid', '不是有效金额', 'not a valid amount');
  }
  const text = normalizeWidth(cellText(cell)!)
    .replace(/\s+/g, '')
    .replace(/万元?$/, '');
  const parsed = parseAmount(text);
  if (parsed === null) return bad('amount.invalid', '不是有效金额', 'not a valid amount');
  return ok(parsed);
}

const IMPOSSIBLE_DATE = (text: string) =>
  bad('date.impossible', `日期“${text}”不存在`, `date "${text}" does not exist`);
const BAD_DATE = bad(
  'date.invalid',
  '无法识别的日期，请写成2024-03-05、2024/3/5、2024.03.05或2024年3月5日',
  'not a date; write 2024-03-05, 2024/3/5, 2024.03.05 or 2024年3月5日',
);

function isoFromParts(y: number, m: number, d: number, original: string): Parsed<string> {
  if (y < 1900 || y > 2100) return IMPOSSIBLE_DATE(original);
  const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isValidIsoDate(iso) ? ok(iso) : IMPOSSIBLE_DATE(original);
}

/** Days since 1899-12-30: Excel's 1900 date system, as a cell shows when its date format is lost. */
function isoFromSerial(serial: number): string | null {
  if (!Number.isInteger(serial) || serial < 3654 || serial > 73415) return null;
  return isoOfDate(new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000));
}

/**
 * A date: an Excel date, "2024-03-05", "2024.03.05", "2024/3/5", "2024年3月5日", 20240305, or an
 * Excel day number whose format was lost. Returns the ISO date or null when blank.
 */
export function parseDateCell(cell: GridCell | null | undefined): Parsed<string | null> {
  if (isBlankCell(cell)) return ok(null);
  const v = cell!.value;
  if (v instanceof Date) {
    const iso = isoOfDate(v);
    return iso ? ok(iso) : BAD_DATE;
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 19000101 && v <= 21001231) {
      return isoFromParts(Math.floor(v / 10000), Math.floor(v / 100) % 100, v % 100, String(v));
    }
    const iso = isoFromSerial(v);
    return iso ? ok(iso) : BAD_DATE;
  }
  if (typeof v !== 'string') return BAD_DATE;
  const original = cellText(cell)!;
  const text = normalizeWidth(original).replace(/\s+/g, ' ').trim();
  let m =
    /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$/.exec(
      text,
    );
  if (m) return isoFromParts(Number(m[1]), Number(m[2]), Number(m[3]), original);
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m) return isoFromParts(Number(m[1]), Number(m[2]), Number(m[3]), original);
  return BAD_DATE;
}

const BAD_MONTH = bad(
  'month.invalid',
  '无法识别的月份，请写成2024-03或2024年3月',
  'not a month; write 2024-03 or 2024年3月',
);

/** A month: "2024-03", "2024年3月", "2024/3", 202403, or any date (its month). */
export function parseMonthCell(cell: GridCell | null | undefined): Parsed<YearMonth | null> {
  if (isBlankCell(cell)) return ok(null);
  const v = cell!.value;
  const fromIso = (iso: string) =>
    ok({ year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)) });
  if (v instanceof Date) {
    const iso = isoOfDate(v);
    return iso ? fromIso(iso) : BAD_MONTH;
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 190001 && v <= 210012) {
      return monthFromParts(Math.floor(v / 100), v % 100, String(v));
    }
    const asDate = parseDateCell(cell);
    return asDate.ok && asDate.value ? fromIso(asDate.value) : BAD_MONTH;
  }
  if (typeof v !== 'string') return BAD_MONTH;
  const original = cellText(cell)!;
  const text = normalizeWidth(original).replace(/\s+/g, '');
  let m = /^(\d{4})[-./年](\d{1,2})月?(?:份)?$/.exec(text);
  if (m) return monthFromParts(Number(m[1]), Number(m[2]), original);
  m = /^(\d{4})(\d{2})$/.exec(text);
  if (m) return monthFromParts(Number(m[1]), Number(m[2]), original);
  const asDate = parseDateCell(cell);
  if (asDate.ok && asDate.value) return fromIso(asDate.value);
  if (!asDate.ok && asDate.problem.code === 'date.impossible') return asDate;
  return BAD_MONTH;
}

function monthFromParts(year: number, month: number, original: string): Parsed<YearMonth> {
  if (month < 1 || month > 12 || year < 2000 || year > 2100) {
    return bad('month.impossible', `月份“${original}”不存在`, `month "${original}" does not exist`);
  }
  return ok({ year, month });
}

/** A year: 2024, "2024", "2024年". */
export function parseYearCell(cell: GridCell | null | undefined): Parsed<number | null> {
  if (isBlankCell(cell)) return ok(null);
  const text = normalizeWidth(cellText(cell)!).replace(/\s+/g, '');
  const m = /^(\d{4})(?:\.0+)?年?(?:度)?$/.exec(text);
  if (!m || Number(m[1]) < 2000 || Number(m[1]) > 2100) {
    return bad(
      'year.invalid',
      '应为2000–2100之间的四位年份',
      'year must be a four-digit year 2000–2100',
    );
  }
  return ok(Number(m[1]));
}

/**
 * A percentage as a decimal string with two places: 85, "85%", "８５％", or 0.85 in a cell
 * formatted as a percentage. The range is the caller's to check.
 */
export function parsePercentCell(cell: GridCell | null | undefined): Parsed<string | null> {
  if (isBlankCell(cell)) return ok(null);
  const v = cell!.value;
  const invalid = bad('progress.invalid', '不是有效的百分数', 'not a valid percentage');
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return invalid;
    const d = new Decimal(String(v));
    return ok((cell!.percent ? d.times(100) : d).toFixed(2, Decimal.ROUND_HALF_UP));
  }
  if (typeof v !== 'string') return invalid;
  const text = normalizeWidth(cellText(cell)!).replace(/\s+/g, '');
  const m = /^([-+]?(?:\d+(?:\.\d*)?|\.\d+))%?$/.exec(text);
  if (!m) return invalid;
  return ok(new Decimal(m[1]).toFixed(2, Decimal.ROUND_HALF_UP));
}

/** Tags separated by 、 , ， ; ； or spaces, without repeats, in the order written. */
export function splitTags(text: string | null): string[] {
  if (!text) return [];
  const parts = normalizeWidth(text)
    .split(/[、,，;；\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  return [...new Set(parts)];
}

const PHASE_WORDS: [RegExp, ProjectPhase][] = [
  [/^(前期|筹备|preparation)/i, 'preparation'],
  [/^(在建|施工|建设中|续建|新开工|construction)/i, 'construction'],
  [/^(已?竣工|完工|completed)/i, 'completed'],
  [/^(投用|投入使用|已投用|运营|in[_ ]use)/i, 'in_use'],
];

/** 建设阶段 in the words offices use (前期 / 在建 / 竣工 / 投用 and their synonyms). */
export function parsePhaseCell(cell: GridCell | null | undefined): Parsed<ProjectPhase | null> {
  if (isBlankCell(cell)) return ok(null);
  const text = normalizeWidth(cellText(cell)!).replace(/\s+/g, '');
  if ((PROJECT_PHASES as readonly string[]).includes(text)) return ok(text as ProjectPhase);
  for (const [re, phase] of PHASE_WORDS) if (re.test(text)) return ok(phase);
  return bad(
    'phase.invalid',
    '应为前期、在建、竣工或投用',
    'phase must be 前期, 在建, 竣工 or 投用',
  );
}

/** Header text without units in brackets, spaces, line breaks or required-marks: 总投资（万元）→ 总投资. */
export function normalizeHeader(text: string): string {
  return normalizeWidth(text)
    .replace(/[([【[].*?[)\]】\]]/g, '')
    .replace(/[\s*:：]/g, '')
    .trim();
}

/** The unit written in a header's brackets, if any: 总投资（万元）→ 万元. */
export function headerUnit(text: string): string | null {
  const m = /[([【]([^)\]】]*)[)\]】]/.exec(normalizeWidth(text));
  return m ? m[1].replace(/\s+/g, '') : null;
}

/** The spreadsheet column letters of a 0-based index: 0 → A, 27 → AB. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
