import { parseYearMonth } from './periods.ts';
import {
  WORK_PLAN_ITEM_STATUSES,
  WORK_PLAN_STATUS_ZH,
  type WorkPlanItemStatus,
} from './work-plans.ts';
import {
  type CellProblem,
  cellText,
  columnLetter,
  displayValue,
  type GridCell,
  isBlankCell,
  normalizeHeader,
  normalizeWidth,
  parseDateCell,
  parseMonthCell,
} from './workbook-cells.ts';
import type { Grid, ImportIssue } from './workbook-sheets.ts';

/**
 * The item list of a work plan as a workbook: one sheet, the columns below in any order, the
 * header among the first 10 rows. Export writes exactly these columns, so an exported file
 * imports back unchanged. Pure: the server turns cells into a Grid and applies the rows.
 */
export const WORK_PLAN_SHEET = '工作方案任务';

export const WORK_PLAN_COLUMNS = [
  { key: 'seq', header: '序号', en: 'number', width: 7, required: false },
  { key: 'theme', header: '方面', en: 'theme', width: 22, required: true },
  { key: 'content', header: '任务内容', en: 'item', width: 60, required: true },
  { key: 'unit', header: '责任单位', en: 'responsible unit', width: 24, required: true },
  { key: 'deadline', header: '完成时限', en: 'deadline', width: 14, required: true },
  { key: 'status', header: '状态', en: 'status', width: 10, required: false },
  { key: 'progress', header: '进展情况', en: 'progress', width: 40, required: false },
  { key: 'projects', header: '关联项目', en: 'linked projects', width: 20, required: false },
] as const;
export type WorkPlanColumnKey = (typeof WORK_PLAN_COLUMNS)[number]['key'];

const ALIASES: Record<string, WorkPlanColumnKey> = {
  编号: 'seq',
  任务编号: 'seq',
  任务方面: 'theme',
  工作方面: 'theme',
  任务: 'content',
  工作任务: 'content',
  牵头单位: 'unit',
  完成时间: 'deadline',
  时限: 'deadline',
  完成状态: 'status',
  进展: 'progress',
  关联项目编号: 'projects',
};

/** One item row as read: every value checked, names not yet resolved to ids. */
export type WorkPlanImportRow = {
  row: number;
  seq: number | null;
  theme: string;
  content: string;
  unit: string;
  deadline: string;
  status: WorkPlanItemStatus;
  progress: string | null;
  projectCodes: string[];
};

const STATUS_BY_TEXT = new Map<string, WorkPlanItemStatus>([
  ...WORK_PLAN_ITEM_STATUSES.map((s) => [WORK_PLAN_STATUS_ZH[s], s] as const),
  ...WORK_PLAN_ITEM_STATUSES.map((s) => [s, s] as const),
  ['未开始', 'not_started'],
  ['进行中', 'in_progress'],
  ['正在推进', 'in_progress'],
  ['已办结', 'done'],
  ['完成', 'done'],
  // 滞后 is computed from the deadline; a sheet that says it means "under way but late"
  ['滞后', 'in_progress'],
]);

/** Splits 关联项目 "GM-001、GM-002" on the separators clerks use. */
export function splitCodes(text: string | null): string[] {
  if (!text) return [];
  return [
    ...new Set(
      normalizeWidth(text)
        .split(/[、,，;；\s]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** A deadline cell: a day (any spelling the ledger accepts) or a month (2023-09, 2023年9月, 2023年9月底). */
export function parseDeadlineCell(
  cell: GridCell | null | undefined,
): { ok: true; value: string | null } | { ok: false; problem: CellProblem } {
  if (isBlankCell(cell)) return { ok: true, value: null };
  const text = cellText(cell);
  if (typeof cell?.value === 'string' && text) {
    const m = /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:月)?\s*(?:底|末|份)?$/.exec(
      normalizeWidth(text).replace(/\s+/g, ''),
    );
    if (m) {
      const ym = parseYearMonth(`${m[1]}-${m[2]!.padStart(2, '0')}`);
      if (ym) return { ok: true, value: `${m[1]}-${m[2]!.padStart(2, '0')}` };
    }
  }
  const day = parseDateCell(cell);
  if (day.ok) return day;
  const month = parseMonthCell(cell);
  if (month.ok && month.value) {
    return {
      ok: true,
      value: `${month.value.year}-${String(month.value.month).padStart(2, '0')}`,
    };
  }
  return {
    ok: false,
    problem: {
      code: 'deadline.invalid',
      reason: '完成时限应为日期（2023-09-30）或月份（2023-09、2023年9月底）',
      reasonEn: 'deadline must be a day (2023-09-30) or a month (2023-09)',
    },
  };
}

const LIMITS = { theme: 100, content: 2000, unit: 100, progress: 4000 } as const;

/**
 * Reads the item sheet: every problem at once, each naming its sheet, row and column, so an
 * import is either all good or refused as a whole with the full list.
 */
export function parseWorkPlanSheet(grid: Grid): {
  rows: WorkPlanImportRow[];
  issues: ImportIssue[];
  /** the column letter of each column found, for messages about resolved names */
  letters: Map<WorkPlanColumnKey, string>;
} {
  const letters = new Map<WorkPlanColumnKey, string>();
  const issues: ImportIssue[] = [];
  const at = (
    row: number | null,
    col: number | null,
    value: GridCell | null | undefined | string,
    p: CellProblem,
  ) =>
    issues.push({
      sheet: grid.name,
      row,
      column: col === null ? null : columnLetter(col),
      value:
        value == null
          ? null
          : typeof value === 'string'
            ? value
            : value.value === null
              ? null
              : displayValue(value.value),
      ...p,
    });
  // the header: the first of the first 10 rows naming the most known columns
  let header: { row: number; columns: Map<WorkPlanColumnKey, number> } | null = null;
  for (const r of grid.rows) {
    if (r.row > 10) break;
    const columns = new Map<WorkPlanColumnKey, number>();
    r.cells.forEach((cell, i) => {
      if (!cell || typeof cell.value !== 'string') return;
      const h = normalizeHeader(cell.value);
      const key = WORK_PLAN_COLUMNS.find((c) => c.header === h)?.key ?? ALIASES[h];
      if (key && !columns.has(key)) columns.set(key, i);
    });
    if (columns.size >= 2 && columns.size > (header?.columns.size ?? 0))
      header = { row: r.row, columns };
  }
  const required = WORK_PLAN_COLUMNS.filter((c) => c.required);
  if (!header) {
    at(null, null, null, {
      code: 'column.missing',
      reason: `前10行中找不到表头，应包含列：${required.map((c) => c.header).join('、')}`,
      reasonEn: `no header row in the first 10 rows; it must name: ${required.map((c) => c.en).join(', ')}`,
    });
    return { rows: [], issues, letters };
  }
  for (const [k, i] of header.columns) letters.set(k, columnLetter(i));
  for (const c of required) {
    if (!header.columns.has(c.key)) {
      at(header.row, null, c.header, {
        code: 'column.missing',
        reason: `缺少必需的列“${c.header}”`,
        reasonEn: `missing required column "${c.header}" (${c.en})`,
      });
    }
  }
  if (issues.length > 0) return { rows: [], issues, letters };
  const cols = header.columns;
  const rows: WorkPlanImportRow[] = [];
  const seqs = new Map<number, number>();
  for (const r of grid.rows) {
    if (r.row <= header.row) continue;
    const cell = (k: WorkPlanColumnKey) => {
      const i = cols.get(k);
      return i === undefined ? null : (r.cells[i] ?? null);
    };
    const col = (k: WorkPlanColumnKey) => cols.get(k) ?? null;
    if (WORK_PLAN_COLUMNS.every((c) => cellText(cell(c.key)) === null)) continue;
    const before = issues.length;
    const text = (k: 'theme' | 'content' | 'unit' | 'progress', zh: string, en: string) => {
      const t = cellText(cell(k));
      if (t === null && k !== 'progress') {
        at(r.row, col(k), null, {
          code: `${k}.required`,
          reason: `${zh}不能为空`,
          reasonEn: `${en} is required`,
        });
      } else if (t !== null && t.length > LIMITS[k]) {
        at(r.row, col(k), cell(k), {
          code: 'text.too_long',
          reason: `${zh}不能超过${LIMITS[k]}个字`,
          reasonEn: `${en} must not exceed ${LIMITS[k]} characters`,
        });
      }
      return t;
    };
    let seq: number | null = null;
    const seqText = cellText(cell('seq'));
    if (seqText !== null) {
      const n = Number(normalizeWidth(seqText));
      if (!Number.isInteger(n) || n < 1 || n > 100_000) {
        at(r.row, col('seq'), cell('seq'), {
          code: 'seq.invalid',
          reason: '序号应为正整数',
          reasonEn: 'number must be a positive whole number',
        });
      } else if (seqs.has(n)) {
        at(r.row, col('seq'), cell('seq'), {
          code: 'row.duplicate',
          reason: `序号重复，已在第${seqs.get(n)}行出现`,
          reasonEn: `number repeats row ${seqs.get(n)}`,
        });
      } else {
        seqs.set(n, r.row);
        seq = n;
      }
    }
    const theme = text('theme', '方面', 'theme');
    const content = text('content', '任务内容', 'item');
    const unit = text('unit', '责任单位', 'responsible unit');
    const progress = text('progress', '进展情况', 'progress');
    const deadline = parseDeadlineCell(cell('deadline'));
    if (!deadline.ok) at(r.row, col('deadline'), cell('deadline'), deadline.problem);
    else if (deadline.value === null)
      at(r.row, col('deadline'), null, {
        code: 'deadline.required',
        reason: '完成时限不能为空',
        reasonEn: 'deadline is required',
      });
    let status: WorkPlanItemStatus = 'not_started';
    const statusText = cellText(cell('status'));
    if (statusText !== null) {
      const s = STATUS_BY_TEXT.get(normalizeWidth(statusText).replace(/\s+/g, ''));
      if (!s) {
        at(r.row, col('status'), cell('status'), {
          code: 'status.invalid',
          reason: '状态应为未启动、推进中或已完成',
          reasonEn: 'status must be 未启动, 推进中 or 已完成',
        });
      } else status = s;
    }
    if (issues.length > before) continue;
    rows.push({
      row: r.row,
      seq,
      theme: theme!,
      content: content!,
      unit: unit!,
      deadline: (deadline as { value: string }).value,
      status,
      progress,
      projectCodes: splitCodes(cellText(cell('projects'))),
    });
  }
  if (rows.length === 0 && issues.length === 0) {
    at(null, null, null, {
      code: 'sheet.empty',
      reason: '表中没有任务行',
      reasonEn: 'the sheet holds no item rows',
    });
  }
  return { rows, issues, letters };
}
