import { Decimal } from 'decimal.js';
import { validatePlan } from './investment-plan.ts';
import type { ProjectPhase } from './milestones.ts';
import type { Wan } from './money.ts';
import { compareYearMonth, type YearMonth } from './periods.ts';
import {
  type CellProblem,
  type CellValue,
  cellText,
  columnLetter,
  displayValue,
  type GridCell,
  headerUnit,
  isBlankCell,
  normalizeHeader,
  normalizeWidth,
  type Parsed,
  parseAmountCell,
  parseDateCell,
  parseMonthCell,
  parsePercentCell,
  parsePhaseCell,
  parseYearCell,
  splitTags,
} from './workbook-cells.ts';

/**
 * The workbook Tiaodu reads (and hands out as its blank template): four sheets found by name,
 * columns found by header text in any order, the header among the first 10 rows. This file
 * turns a sheet's grid into typed rows and every problem at once, each with its cell. Pure.
 */

export type GridRow = { row: number; cells: (GridCell | null)[] };
export type Grid = { name: string; rows: GridRow[] };

/** One refused cell (or row, or sheet, or file), as the import answers it. */
export type ImportIssue = {
  sheet: string | null;
  row: number | null;
  column: string | null;
  value: string | null;
  code: string;
  reason: string;
  reasonEn: string;
};

/** `月度完成!C5 "-120.5": 本月完成投资不能为负数` */
export function formatIssue(issue: ImportIssue, lang: 'zh' | 'en' = 'zh'): string {
  const where = `${issue.column ?? ''}${issue.row ?? ''}`;
  const place = issue.sheet ? `${issue.sheet}${where ? `!${where}` : ''}` : where;
  const value = issue.value !== null && issue.value !== '' ? ` "${issue.value}"` : '';
  const reason = lang === 'zh' ? issue.reason : issue.reasonEn;
  return place || value ? `${place}${value}: ${reason}` : reason;
}

export type ColumnDef = {
  key: string;
  header: string;
  aliases?: string[];
  required?: boolean;
  /** the only unit the column's amounts may be in */
  unit?: '万元' | '%';
  width?: number;
};

export type SheetDef = { name: SheetName; columns: ColumnDef[] };

export const SHEET_NAMES = ['项目台账', '年度计划', '月度完成', '节点'] as const;
export type SheetName = (typeof SHEET_NAMES)[number];

const MONTH_COLUMNS: ColumnDef[] = Array.from({ length: 12 }, (_, i) => ({
  key: `m${i + 1}`,
  header: `${i + 1}月`,
  required: true,
  unit: '万元' as const,
  width: 11,
}));

export const SHEETS: Record<SheetName, SheetDef> = {
  项目台账: {
    name: '项目台账',
    columns: [
      { key: 'seq', header: '序号', width: 6 },
      { key: 'code', header: '项目编号', aliases: ['编号', '项目代码'], required: true, width: 14 },
      { key: 'name', header: '项目名称', aliases: ['名称'], required: true, width: 32 },
      { key: 'area', header: '所属片区', aliases: ['片区'], width: 16 },
      { key: 'category', header: '项目类别', aliases: ['类别'], width: 12 },
      { key: 'tags', header: '标签', width: 14 },
      { key: 'ownerUnit', header: '建设单位', aliases: ['业主单位'], width: 26 },
      { key: 'phase', header: '建设阶段', aliases: ['阶段'], width: 10 },
      {
        key: 'totalInvestment',
        header: '总投资',
        aliases: ['总投资额', '估算总投资'],
        unit: '万元',
        width: 14,
      },
      {
        key: 'plannedStart',
        header: '计划开工时间',
        aliases: ['计划开工日期', '开工时间'],
        width: 13,
      },
      {
        key: 'plannedFinish',
        header: '计划竣工时间',
        aliases: ['计划竣工日期', '竣工时间'],
        width: 13,
      },
      { key: 'remarks', header: '备注', width: 24 },
    ],
  },
  年度计划: {
    name: '年度计划',
    columns: [
      { key: 'code', header: '项目编号', aliases: ['编号', '项目代码'], required: true, width: 14 },
      { key: 'year', header: '年度', aliases: ['年份'], required: true, width: 8 },
      {
        key: 'annualTarget',
        header: '年度计划投资',
        aliases: ['年度计划', '年度投资计划', '年度固投任务', '固投任务'],
        required: true,
        unit: '万元',
        width: 14,
      },
      ...MONTH_COLUMNS,
    ],
  },
  月度完成: {
    name: '月度完成',
    columns: [
      { key: 'code', header: '项目编号', aliases: ['编号', '项目代码'], required: true, width: 14 },
      { key: 'month', header: '月份', aliases: ['填报月份', '月度'], required: true, width: 10 },
      {
        key: 'investment',
        header: '本月完成投资',
        aliases: ['本月完成', '月度完成投资', '当月完成投资'],
        required: true,
        unit: '万元',
        width: 17,
      },
      { key: 'progressPercent', header: '形象进度', unit: '%', width: 10 },
      { key: 'progressText', header: '进展情况', aliases: ['形象进度描述', '工程进展'], width: 36 },
      { key: 'problems', header: '存在问题', aliases: ['问题'], width: 30 },
    ],
  },
  节点: {
    name: '节点',
    columns: [
      { key: 'code', header: '项目编号', aliases: ['编号', '项目代码'], required: true, width: 14 },
      { key: 'name', header: '节点名称', aliases: ['节点'], required: true, width: 16 },
      { key: 'plannedDate', header: '计划日期', aliases: ['计划时间', '计划完成时间'], width: 13 },
      { key: 'actualDate', header: '实际日期', aliases: ['实际时间', '实际完成时间'], width: 13 },
    ],
  },
};

/** The header as the template writes it, with its unit in full-width brackets. */
export function templateHeader(col: ColumnDef): string {
  // 1月…12月 stay short; the sheet's 单位：万元 line covers them.
  return col.unit && !/^m\d+$/.test(col.key) ? `${col.header}（${col.unit}）` : col.header;
}

/** Finds a sheet by name: exact (ignoring spaces and width), else the one sheet whose name contains it. */
export function findSheet<T extends { name: string }>(sheets: T[], name: SheetName): T | null {
  const norm = (s: string) => normalizeWidth(s).replace(/\s+/g, '');
  const exact = sheets.find((s) => norm(s.name) === name);
  if (exact) return exact;
  const containing = sheets.filter((s) => norm(s.name).includes(name));
  return containing.length === 1 ? containing[0] : null;
}

function matchColumn(def: SheetDef, text: string): ColumnDef | null {
  // No header is this long, and normalizeHeader's bracket patterns cost the square of the
  // length on a cell full of "(": a crafted sheet must not hold the server for minutes.
  if (text.length > 100) return null;
  const h = normalizeHeader(text);
  if (!h) return null;
  for (const c of def.columns) {
    if (c.header === h || c.aliases?.includes(h)) return c;
  }
  // Month columns may say 3月累计, 3月时序目标, ３月.
  const m = /^(\d{1,2})月(份)?(累计)?(时序)?(目标|任务|计划)?$/.exec(h);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12) {
    return def.columns.find((c) => c.key === `m${Number(m[1])}`) ?? null;
  }
  return null;
}

export type SheetLayout = {
  headerRow: number;
  /** first row that may hold data */
  dataFrom: number;
  /** column key → 0-based column index */
  columns: Map<string, number>;
  /** the header text as written, by key, for messages */
  headers: Map<string, string>;
};

function issue(
  sheet: string | null,
  row: number | null,
  column: string | null,
  value: CellValue | string | null,
  p: CellProblem,
): ImportIssue {
  return {
    sheet,
    row,
    column,
    value: value === null ? null : displayValue(value as CellValue),
    ...p,
  };
}

/**
 * Finds the header among the first 10 rows (the row naming most known columns), taking a second
 * header row below it into account (a merged "时序目标" above 1月…12月), and checks that every
 * required column is there and that amounts are in 万元.
 */
export function locateHeader(
  grid: Grid,
  def: SheetDef,
): { layout: SheetLayout | null; issues: ImportIssue[] } {
  const rowsByNumber = new Map(grid.rows.map((r) => [r.row, r]));
  const matches = (r: GridRow | undefined) => {
    const found = new Map<string, { index: number; text: string }>();
    r?.cells.forEach((cell, i) => {
      if (!cell || typeof cell.value !== 'string') return;
      const col = matchColumn(def, cell.value);
      if (col && !found.has(col.key)) found.set(col.key, { index: i, text: cell.value.trim() });
    });
    return found;
  };
  // The header is the row (or the two rows, for a merged group header above 1月…12月) naming
  // the most known columns; a single row wins a tie.
  let best: {
    row: number;
    rows: number;
    found: Map<string, { index: number; text: string }>;
  } | null = null;
  for (const r of grid.rows) {
    if (r.row > 10) break;
    const single = matches(r);
    const pair = new Map(single);
    for (const [k, v] of matches(rowsByNumber.get(r.row + 1))) if (!pair.has(k)) pair.set(k, v);
    const candidate =
      single.size > 0 && pair.size > single.size
        ? { row: r.row, rows: 2, found: pair }
        : { row: r.row, rows: 1, found: single };
    if (candidate.found.size > (best?.found.size ?? 1)) best = candidate;
  }
  const issues: ImportIssue[] = [];
  if (!best) {
    const required = def.columns.filter((c) => c.required).map((c) => c.header);
    issues.push(
      issue(def.name, null, null, null, {
        code: 'column.missing',
        reason: `前10行中找不到表头，应包含列：${required.join('、')}`,
        reasonEn: `no header row in the first 10 rows; it must name: ${required.join(', ')}`,
      }),
    );
    return { layout: null, issues };
  }
  const columns = new Map([...best.found].map(([k, v]) => [k, v.index]));
  const headers = new Map([...best.found].map(([k, v]) => [k, v.text]));
  const dataFrom = best.row + best.rows;
  const headerRow = best.row;
  for (const c of def.columns) {
    if (c.required && !columns.has(c.key)) {
      issues.push(
        issue(def.name, headerRow, null, templateHeader(c), {
          code: 'column.missing',
          reason: `缺少必需的列“${c.header}”`,
          reasonEn: `missing required column "${c.header}"`,
        }),
      );
    }
  }
  // A header or a "单位：元" line that says the amounts are not in 万元 would import figures
  // 10,000 times too large or small: refuse rather than guess.
  for (const c of def.columns) {
    const i = columns.get(c.key);
    const text = headers.get(c.key);
    if (i === undefined || !text || c.unit !== '万元') continue;
    const unit = headerUnit(text);
    if (unit && unit !== '万元' && unit !== '万') {
      issues.push(
        issue(def.name, headerRow, columnLetter(i), text, {
          code: 'column.unit',
          reason: `金额单位应为万元，本列为“${unit}”`,
          reasonEn: `amounts must be in 万元 (10k yuan), this column is in "${unit}"`,
        }),
      );
    }
  }
  for (const r of grid.rows) {
    if (r.row >= headerRow) break;
    for (const [i, cell] of r.cells.entries()) {
      const text = cellText(cell);
      const m = text ? /单位\s*[:：]\s*(亿元|元|千元|百万元)\s*$/.exec(normalizeWidth(text)) : null;
      if (m) {
        issues.push(
          issue(def.name, r.row, columnLetter(i), text, {
            code: 'column.unit',
            reason: `金额单位应为万元，本表为“${m[1]}”`,
            reasonEn: `amounts must be in 万元 (10k yuan), this sheet is in "${m[1]}"`,
          }),
        );
      }
    }
  }
  return { layout: { headerRow, dataFrom, columns, headers }, issues };
}

/** A data row of a sheet: its cells by column key. */
export type SheetRecord = {
  row: number;
  cells: Map<string, GridCell | null>;
  /** the section heading above the row ("一、东湖片区" → 东湖片区), if any */
  section: string | null;
};

const TOTAL_WORDS = /小计|合计|总计|共计/;
const NOTE_WORDS = /^(注|备注|说明|填表|填报|制表|审核|联系)/;
const SECTION_NUMBERING =
  /^\s*(?:[一二三四五六七八九十百]+\s*[、.．]|[(（][一二三四五六七八九十]+[)）]|\d+\s*[、．]|第[一二三四五六七八九十]+[部分类]?[、.．]?)\s*/;

/**
 * The rows under the header that hold data. Skips blank rows, 小计/合计 rows, notes, and section
 * headings ("一、东湖片区"), remembering the heading for the rows below it.
 */
export function dataRecords(grid: Grid, def: SheetDef, layout: SheetLayout): SheetRecord[] {
  const out: SheetRecord[] = [];
  const codeIndex = layout.columns.get('code');
  const amountIndexes = def.columns
    .filter((c) => c.unit === '万元')
    .map((c) => layout.columns.get(c.key))
    .filter((i): i is number => i !== undefined);
  let section: string | null = null;
  for (const r of grid.rows) {
    if (r.row < layout.dataFrom) continue;
    const texts = r.cells.map((c) => cellText(c));
    const filled = texts.filter((t) => t !== null) as string[];
    if (filled.length === 0) continue;
    const code = codeIndex === undefined ? null : (texts[codeIndex] ?? null);
    if ((code === null || TOTAL_WORDS.test(code)) && filled.some((t) => TOTAL_WORDS.test(t)))
      continue;
    if (code !== null && NOTE_WORDS.test(code) && /[:：]/.test(code)) continue;
    if (code === null) {
      const hasAmount = amountIndexes.some((i) => typeof r.cells[i]?.value === 'number');
      if (filled.length <= 2 && !hasAmount) {
        const longest = filled.reduce((a, b) => (b.length > a.length ? b : a));
        if (!NOTE_WORDS.test(longest))
          section = longest.replace(SECTION_NUMBERING, '').trim() || null;
        continue;
      }
    }
    const cells = new Map<string, GridCell | null>();
    for (const [key, i] of layout.columns) cells.set(key, r.cells[i] ?? null);
    out.push({ row: r.row, cells, section });
  }
  return out;
}

const FIELD_EN: Record<string, string> = {
  项目编号: 'project code',
  项目名称: 'project name',
  所属片区: 'area',
  项目类别: 'category',
  建设单位: 'owner unit',
  建设阶段: 'phase',
  备注: 'remarks',
  计划开工时间: 'planned start',
  计划竣工时间: 'planned finish',
  年度: 'year',
  月份: 'month',
  形象进度: 'progress',
  进展情况: 'progress description',
  存在问题: 'problems',
  节点名称: 'milestone name',
  计划日期: 'planned date',
  实际日期: 'actual date',
};
const en = (field: string) => FIELD_EN[field] ?? field;

/** Collects the issues of one sheet's rows; reads cells with their column letters. */
class RowReader {
  issues: ImportIssue[] = [];
  badRows = new Set<number>();
  codes = new Set<string>();
  constructor(
    readonly sheet: SheetName,
    readonly layout: SheetLayout,
  ) {}

  letter(key: string): string | null {
    const i = this.layout.columns.get(key);
    return i === undefined ? null : columnLetter(i);
  }

  has(key: string): boolean {
    return this.layout.columns.has(key);
  }

  fail(rec: SheetRecord, key: string | null, p: CellProblem, value?: string | null): void {
    const cell = key ? rec.cells.get(key) : null;
    this.issues.push(
      issue(
        this.sheet,
        rec.row,
        key ? this.letter(key) : null,
        value !== undefined ? value : (cell?.value ?? null),
        p,
      ),
    );
    this.badRows.add(rec.row);
  }

  /** A parsed value or undefined after recording the problem with the field's name. */
  read<T>(
    rec: SheetRecord,
    key: string,
    parse: (c: GridCell | null | undefined) => Parsed<T>,
    field: string,
  ) {
    const result = parse(rec.cells.get(key));
    if (result.ok) return result.value;
    this.fail(rec, key, {
      code: result.problem.code,
      reason: `${field}${/^(不是|应为)/.test(result.problem.reason) ? '' : '：'}${result.problem.reason}`,
      reasonEn: `${en(field)}: ${result.problem.reasonEn}`,
    });
    return undefined;
  }

  text(rec: SheetRecord, key: string, field: string, max: number): string | null | undefined {
    const text = cellText(rec.cells.get(key));
    if (text !== null && text.length > max) {
      this.fail(rec, key, {
        code: 'text.too_long',
        reason: `${field}不能超过${max}个字`,
        reasonEn: `${en(field)} must not exceed ${max} characters`,
      });
      return undefined;
    }
    return text;
  }

  code(rec: SheetRecord): string | undefined {
    const code = this.text(rec, 'code', '项目编号', 64);
    if (code) this.codes.add(code);
    if (code === null) {
      this.fail(rec, 'code', {
        code: 'code.required',
        reason: '项目编号不能为空',
        reasonEn: 'project code is required',
      });
      return undefined;
    }
    return code;
  }

  amount(rec: SheetRecord, key: string, field: string, fieldEn: string, required: boolean) {
    const v = this.read(rec, key, parseAmountCell, field);
    if (v === undefined) return undefined;
    if (v === null && required) {
      this.fail(rec, key, {
        code: 'amount.required',
        reason: `${field}不能为空`,
        reasonEn: `${fieldEn} is required`,
      });
      return undefined;
    }
    if (v !== null && new Decimal(v).isNegative()) {
      this.fail(rec, key, {
        code: 'amount.negative',
        reason: `${field}不能为负数`,
        reasonEn: `${fieldEn} must not be negative`,
      });
      return undefined;
    }
    if (v !== null && new Decimal(v).abs().greaterThanOrEqualTo('1e14')) {
      this.fail(rec, key, {
        code: 'amount.too_large',
        reason: `${field}超出范围`,
        reasonEn: `${fieldEn} is out of range`,
      });
      return undefined;
    }
    return v;
  }

  duplicate(
    rec: SheetRecord,
    key: string,
    seen: Map<string, number>,
    id: string,
    what: string,
    whatEn: string,
  ) {
    const first = seen.get(id);
    if (first !== undefined) {
      this.fail(rec, key, {
        code: 'row.duplicate',
        reason: `${what}重复，已在第${first}行出现`,
        reasonEn: `${whatEn} repeats row ${first}`,
      });
      return true;
    }
    seen.set(id, rec.row);
    return false;
  }
}

/** A row of 项目台账; a field is undefined when its column is absent (and left as it is). */
export type LedgerRow = {
  row: number;
  code: string;
  name?: string | null;
  area?: string | null;
  category?: string | null;
  tags?: string[];
  ownerUnit?: string | null;
  phase?: ProjectPhase | null;
  totalInvestment?: Wan | null;
  plannedStart?: string | null;
  plannedFinish?: string | null;
  remarks?: string | null;
};

export type PlanRow = {
  row: number;
  code: string;
  year: number;
  annualTarget: Wan;
  timingTargets: Wan[];
};

export type ReportRow = {
  row: number;
  code: string;
  year: number;
  month: number;
  investment: Wan;
  progressPercent?: string | null;
  progressText?: string | null;
  problems?: string | null;
};

export type MilestoneRow = {
  row: number;
  code: string;
  name: string;
  plannedDate?: string | null;
  actualDate?: string | null;
};

export type SheetResult<T> = {
  rows: T[];
  issues: ImportIssue[];
  /** rows with at least one problem */
  refusedRows: Set<number>;
  /** column key → letter, for problems found later (an unknown project code) */
  letters: Record<string, string>;
  /** every project code the sheet names, on refused rows too */
  codes: Set<string>;
};

function done<T>(r: RowReader, rows: T[], headerIssues: ImportIssue[]): SheetResult<T> {
  const letters: Record<string, string> = {};
  for (const [key, i] of r.layout.columns) letters[key] = columnLetter(i);
  return {
    rows,
    issues: [...headerIssues, ...r.issues],
    refusedRows: r.badRows,
    letters,
    codes: r.codes,
  };
}

function refusedSheet<T>(issues: ImportIssue[]): SheetResult<T> {
  return { rows: [], issues, refusedRows: new Set(), letters: {}, codes: new Set() };
}

/** Reads 项目台账. */
export function parseLedgerSheet(grid: Grid): SheetResult<LedgerRow> {
  const def = SHEETS.项目台账;
  const { layout, issues } = locateHeader(grid, def);
  if (!layout || issues.some((i) => i.code === 'column.missing')) return refusedSheet(issues);
  const r = new RowReader(def.name, layout);
  const rows: LedgerRow[] = [];
  const seen = new Map<string, number>();
  for (const rec of dataRecords(grid, def, layout)) {
    const before = r.issues.length;
    const code = r.code(rec);
    if (
      code !== undefined &&
      r.duplicate(rec, 'code', seen, code, `项目编号“${code}”`, `project code "${code}"`)
    )
      continue;
    const row: LedgerRow = { row: rec.row, code: code ?? '' };
    const name = r.text(rec, 'name', '项目名称', 200);
    if (name === null) {
      r.fail(rec, 'name', {
        code: 'name.required',
        reason: '项目名称不能为空',
        reasonEn: 'project name is required',
      });
    } else row.name = name;
    if (r.has('area')) row.area = r.text(rec, 'area', '所属片区', 100);
    else if (rec.section) row.area = rec.section.slice(0, 100);
    if (r.has('category')) row.category = r.text(rec, 'category', '项目类别', 100);
    if (r.has('ownerUnit')) row.ownerUnit = r.text(rec, 'ownerUnit', '建设单位', 100);
    if (r.has('remarks')) row.remarks = r.text(rec, 'remarks', '备注', 2000);
    if (r.has('tags')) {
      const tags = splitTags(cellText(rec.cells.get('tags')));
      if (tags.length > 20 || tags.some((t) => t.length > 32)) {
        r.fail(rec, 'tags', {
          code: 'tags.invalid',
          reason: '标签最多20个，每个不超过32个字',
          reasonEn: 'at most 20 tags of at most 32 characters each',
        });
      } else row.tags = tags;
    }
    if (r.has('phase')) row.phase = r.read(rec, 'phase', parsePhaseCell, '建设阶段');
    if (r.has('totalInvestment'))
      row.totalInvestment = r.amount(rec, 'totalInvestment', '总投资', 'total investment', false);
    if (r.has('plannedStart'))
      row.plannedStart = r.read(rec, 'plannedStart', parseDateCell, '计划开工时间');
    if (r.has('plannedFinish'))
      row.plannedFinish = r.read(rec, 'plannedFinish', parseDateCell, '计划竣工时间');
    if (row.plannedStart && row.plannedFinish && row.plannedFinish < row.plannedStart) {
      r.fail(rec, 'plannedFinish', {
        code: 'dates.order',
        reason: `计划竣工时间早于计划开工时间（${row.plannedStart}）`,
        reasonEn: `planned finish is before planned start (${row.plannedStart})`,
      });
    }
    if (r.issues.length === before) rows.push(row);
  }
  return done(r, rows, issues);
}

/** Reads 年度计划: annual target and 12 cumulative timing targets per project and year. */
export function parsePlanSheet(grid: Grid): SheetResult<PlanRow> {
  const def = SHEETS.年度计划;
  const { layout, issues } = locateHeader(grid, def);
  if (!layout || issues.some((i) => i.code === 'column.missing')) return refusedSheet(issues);
  const r = new RowReader(def.name, layout);
  const rows: PlanRow[] = [];
  const seen = new Map<string, number>();
  for (const rec of dataRecords(grid, def, layout)) {
    const before = r.issues.length;
    const code = r.code(rec);
    let year = r.read(rec, 'year', parseYearCell, '年度');
    if (year === null) {
      r.fail(rec, 'year', {
        code: 'year.required',
        reason: '年度不能为空',
        reasonEn: 'year is required',
      });
      year = undefined;
    }
    if (code !== undefined && year != null) {
      if (
        r.duplicate(
          rec,
          'code',
          seen,
          `${code}:${year}`,
          `项目“${code}”的${year}年度计划`,
          `the ${year} plan of "${code}"`,
        )
      ) {
        continue;
      }
    }
    const annual = r.amount(rec, 'annualTarget', '年度计划投资', 'annual target', true);
    const timing: (Wan | undefined)[] = [];
    for (let m = 1; m <= 12; m++) {
      timing.push(
        r.amount(rec, `m${m}`, `${m}月时序目标`, `timing target of month ${m}`, true) ?? undefined,
      );
    }
    if (annual != null && timing.every((t) => t != null)) {
      const checked = validatePlan(annual, timing as Wan[]);
      if (!checked.ok) {
        for (const p of checked.problems) {
          const m = /^timingTargets\.(\d+)$/.exec(p.field);
          const key = m ? `m${Number(m[1]) + 1}` : 'annualTarget';
          r.fail(rec, key, { code: p.code, reason: p.message, reasonEn: p.messageEn });
        }
      }
    }
    if (r.issues.length === before && code !== undefined && year != null && annual != null) {
      rows.push({ row: rec.row, code, year, annualTarget: annual, timingTargets: timing as Wan[] });
    }
  }
  return done(r, rows, issues);
}

/** Reads 月度完成: one month's investment and progress per project; `now` refuses future months. */
export function parseReportSheet(grid: Grid, now: YearMonth): SheetResult<ReportRow> {
  const def = SHEETS.月度完成;
  const { layout, issues } = locateHeader(grid, def);
  if (!layout || issues.some((i) => i.code === 'column.missing')) return refusedSheet(issues);
  const r = new RowReader(def.name, layout);
  const rows: ReportRow[] = [];
  const seen = new Map<string, number>();
  for (const rec of dataRecords(grid, def, layout)) {
    const before = r.issues.length;
    const code = r.code(rec);
    let month = r.read(rec, 'month', parseMonthCell, '月份');
    if (month === null) {
      r.fail(rec, 'month', {
        code: 'month.required',
        reason: '月份不能为空',
        reasonEn: 'month is required',
      });
      month = undefined;
    } else if (month && compareYearMonth(month, now) > 0) {
      r.fail(rec, 'month', {
        code: 'month.future',
        reason: `不能导入未来月份${month.year}年${month.month}月的完成情况`,
        reasonEn: `month ${month.year}-${String(month.month).padStart(2, '0')} is in the future`,
      });
      month = undefined;
    }
    if (code !== undefined && month) {
      const id = `${code}:${month.year}-${month.month}`;
      if (
        r.duplicate(
          rec,
          'code',
          seen,
          id,
          `项目“${code}”${month.year}年${month.month}月的完成情况`,
          `the ${month.year}-${month.month} figures of "${code}"`,
        )
      ) {
        continue;
      }
    }
    const investment = r.amount(rec, 'investment', '本月完成投资', 'investment of the month', true);
    const row: Partial<ReportRow> = { row: rec.row, code, investment: investment ?? undefined };
    if (r.has('progressPercent')) {
      const p = r.read(rec, 'progressPercent', parsePercentCell, '形象进度');
      if (p != null && (new Decimal(p).isNegative() || new Decimal(p).greaterThan(100))) {
        r.fail(rec, 'progressPercent', {
          code: 'progress.range',
          reason: '形象进度应在0–100%之间',
          reasonEn: 'progress must be between 0 and 100%',
        });
      } else row.progressPercent = p;
    }
    if (r.has('progressText')) row.progressText = r.text(rec, 'progressText', '进展情况', 4000);
    if (r.has('problems')) row.problems = r.text(rec, 'problems', '存在问题', 4000);
    if (r.issues.length === before && code !== undefined && month && investment != null) {
      rows.push({ ...(row as ReportRow), year: month.year, month: month.month });
    }
  }
  return done(r, rows, issues);
}

/** Reads 节点: planned and actual dates of a project's milestones, matched by name. */
export function parseMilestoneSheet(grid: Grid): SheetResult<MilestoneRow> {
  const def = SHEETS.节点;
  const { layout, issues } = locateHeader(grid, def);
  if (!layout || issues.some((i) => i.code === 'column.missing')) return refusedSheet(issues);
  const r = new RowReader(def.name, layout);
  const rows: MilestoneRow[] = [];
  const seen = new Map<string, number>();
  for (const rec of dataRecords(grid, def, layout)) {
    const before = r.issues.length;
    const code = r.code(rec);
    const name = r.text(rec, 'name', '节点名称', 100);
    if (name === null) {
      r.fail(rec, 'name', {
        code: 'milestone.name_required',
        reason: '节点名称不能为空',
        reasonEn: 'milestone name is required',
      });
    }
    if (code !== undefined && name) {
      if (
        r.duplicate(
          rec,
          'name',
          seen,
          `${code}:${name}`,
          `项目“${code}”的节点“${name}”`,
          `milestone "${name}" of "${code}"`,
        )
      ) {
        continue;
      }
    }
    const row: MilestoneRow = { row: rec.row, code: code ?? '', name: name ?? '' };
    if (r.has('plannedDate'))
      row.plannedDate = r.read(rec, 'plannedDate', parseDateCell, '计划日期');
    if (r.has('actualDate')) row.actualDate = r.read(rec, 'actualDate', parseDateCell, '实际日期');
    if (r.issues.length === before && code !== undefined && name) rows.push(row);
  }
  return done(r, rows, issues);
}

/** Does the sheet hold any data rows at all (an empty template sheet is not an import)? */
export function sheetHasData(grid: Grid, def: SheetDef): boolean {
  const { layout } = locateHeader(grid, def);
  if (!layout) return grid.rows.some((r) => r.cells.some((c) => !isBlankCell(c)));
  return dataRecords(grid, def, layout).length > 0;
}
