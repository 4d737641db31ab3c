import { and, eq, inArray } from 'drizzle-orm';
import { PHASE_ZH, type ProjectPhase } from '../../../domain/milestones.ts';
import { wan } from '../../../domain/money.ts';
import { yearMonthOf } from '../../../domain/periods.ts';
import {
  findSheet,
  type Grid,
  type ImportIssue,
  type LedgerRow,
  type MilestoneRow,
  type PlanRow,
  parseLedgerSheet,
  parseMilestoneSheet,
  parsePlanSheet,
  parseReportSheet,
  type ReportRow,
  SHEET_NAMES,
  SHEETS,
  type SheetName,
  type SheetResult,
  sheetHasData,
} from '../../../domain/workbook-sheets.ts';
import type { Ctx } from '../../context.ts';
import { type Db, refreshPlannerStats } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { type Action, assertCan, can } from '../../policy.ts';
import { milestones } from '../milestones/milestones.table.ts';
import { investmentPlans } from '../plans/plans.table.ts';
import { areas, categories, projects } from '../projects/projects.table.ts';
import { ledgerFields, projectsWithNames } from '../projects/projects-with-names.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { units } from '../units/units.table.ts';
import { writeImport } from './import-writes.ts';
import { readWorkbook } from './workbook-reader.ts';
import type { WORKBOOK_LIMITS } from './zip-guard.ts';

export type Tally = { created: number; updated: number; unchanged: number };

/** One field of a project that the import creates or changes. */
export type FieldChange = {
  field: string;
  label: string;
  before: string | null;
  after: string | null;
};
export type ProjectChange = {
  code: string;
  name: string;
  action: 'create' | 'update';
  fields: FieldChange[];
};

export type ImportResult = {
  ok: boolean;
  dryRun: boolean;
  format: 'xlsx' | 'csv' | 'unknown';
  /** the sheets that held data and were read */
  sheets: SheetName[];
  summary: {
    projects: Tally;
    plans: Tally;
    reports: Tally;
    milestones: Tally;
    /** data rows refused (with at least one error) */
    refusedRows: number;
  };
  /** names that did not exist yet and are (or would be) created */
  created: { units: string[]; areas: string[]; categories: string[] };
  /** every project created or changed, field by field (the first 2,000) */
  changes: ProjectChange[];
  /** every error (the first 1,000; errorCount has them all) */
  errors: ImportIssue[];
  errorCount: number;
};

export type ImportProgress = { phase: 'read' | 'check' | 'write'; done: number; total: number };

export type ImportOptions = {
  dryRun?: boolean;
  onProgress?: (p: ImportProgress) => void;
  limits?: typeof WORKBOOK_LIMITS;
};

const MAX_ERRORS = 1000;
const MAX_CHANGES = 2000;
/** characters of a refused cell's value quoted in its error */
const MAX_VALUE_CHARS = 200;

/** A project as the import compares it: names, not ids. */
export type ProjectFields = {
  name: string;
  area: string | null;
  category: string | null;
  ownerUnit: string | null;
  tags: string[];
  phase: ProjectPhase;
  totalInvestment: string | null;
  plannedStart: string | null;
  plannedFinish: string | null;
  remarks: string | null;
};

const FIELD_LABELS: Record<keyof ProjectFields, string> = {
  name: '项目名称',
  area: '所属片区',
  category: '项目类别',
  ownerUnit: '建设单位',
  tags: '标签',
  phase: '建设阶段',
  totalInvestment: '总投资（万元）',
  plannedStart: '计划开工时间',
  plannedFinish: '计划竣工时间',
  remarks: '备注',
};

type ExistingProject = ProjectFields & { id: number; code: string; ownerUnitId: number | null };

export type ProjectWrite = { code: string; id: number | null; fields: ProjectFields };
export type PlanWrite = {
  projectCode: string;
  year: number;
  annualTarget: string;
  timingTargets: string[];
  existing: { id: number; revision: number } | null;
};
export type ReportWrite = Omit<ReportRow, 'row' | 'code'> & {
  projectCode: string;
  /** kept from the report being replaced: the sheet has no column for it */
  nextPlan: string | null;
  /** the report being replaced, for a reporter's import (which submits instead of approving) */
  existing: { id: number; status: string } | null;
};
export type MilestoneWrite = {
  projectCode: string;
  name: string;
  plannedDate: string | null;
  actualDate: string | null;
  existing: { id: number; plannedDate: string | null } | null;
};

/** Everything an import will write, decided before anything is written. */
export type ImportPlan = {
  newNames: { units: string[]; areas: string[]; categories: string[] };
  projects: ProjectWrite[];
  plans: PlanWrite[];
  reports: ReportWrite[];
  milestones: MilestoneWrite[];
  /** submitted (reporter) rather than approved (coordinator) */
  reportsApproved: boolean;
};

const sameWan = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? null) === null || (b ?? null) === null ? (a ?? null) === (b ?? null) : wan(a) === wan(b);

const show = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.join('、');
  return String(v);
};

/** What each sheet writes, as the action policy.ts grants. */
const SHEET_ACTIONS: Record<SheetName, Action> = {
  项目台账: 'ledger.write',
  年度计划: 'plan.write',
  月度完成: 'report.write',
  节点: 'milestone.write',
};

/**
 * Imports a workbook (or a 月度完成 CSV): reads and checks every sheet, reports every error at
 * once, and only when there is none writes everything in one transaction, set-based. Projects
 * are matched by 项目编号 and updated; units, areas and categories are created by name; monthly
 * figures become approved reports (a reporter's become submitted ones, which a coordinator
 * reviews). Importing the same workbook again changes nothing. `dryRun` answers the same
 * summary and writes nothing.
 */
export async function importWorkbook(
  db: Db,
  ctx: Ctx,
  file: Buffer,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  // Roles that may not write at all are refused outright; a reporter is checked row by row.
  assertCan(ctx.actor, 'report.write', undefined, () => new AppError('import.not_found', ''));
  const progress = opts.onProgress ?? (() => {});
  progress({ phase: 'read', done: 0, total: 1 });
  const read = await readWorkbook(file, opts.limits);
  progress({ phase: 'read', done: 1, total: 1 });
  const result: ImportResult = {
    ok: false,
    dryRun: opts.dryRun ?? false,
    format: read.format,
    sheets: [],
    summary: {
      projects: { created: 0, updated: 0, unchanged: 0 },
      plans: { created: 0, updated: 0, unchanged: 0 },
      reports: { created: 0, updated: 0, unchanged: 0 },
      milestones: { created: 0, updated: 0, unchanged: 0 },
      refusedRows: 0,
    },
    created: { units: [], areas: [], categories: [] },
    changes: [],
    errors: [],
    errorCount: 0,
  };
  const finish = (issues: ImportIssue[], refused: Set<string>) => {
    result.errorCount = issues.length;
    // A refused cell may hold 32,767 characters; a thousand of them echoed back would make an
    // answer of tens of megabytes. The place and the start of the value are enough to find it.
    result.errors = issues
      .slice(0, MAX_ERRORS)
      .map((i) =>
        i.value !== null && i.value.length > MAX_VALUE_CHARS
          ? { ...i, value: `${i.value.slice(0, MAX_VALUE_CHARS)}…` }
          : i,
      );
    result.summary.refusedRows = refused.size;
    result.ok = issues.length === 0;
    return result;
  };
  if (!read.ok) return finish([read.issue], new Set());

  const grids = new Map<SheetName, Grid>();
  const emptySheets: SheetName[] = [];
  for (const name of SHEET_NAMES) {
    const grid = findSheet(read.sheets, name);
    if (grid && sheetHasData(grid, SHEETS[name])) grids.set(name, { ...grid, name });
    else if (grid) emptySheets.push(name);
  }
  if (grids.size === 0 && emptySheets.length > 0) {
    // The app's own blank template: the sheets are there, only empty. Saying "sheets missing"
    // sends people looking for sheets they can see; say plainly there is nothing to import.
    return finish(
      [
        {
          sheet: null,
          row: null,
          column: null,
          value: null,
          code: 'file.empty',
          reason: `没有可导入的数据：工作表${emptySheets.join('、')}都是空的，请在表头下方填写后再导入`,
          reasonEn: `nothing to import: the sheets ${emptySheets.join(', ')} are empty; fill in rows below their headers, then import`,
        },
      ],
      new Set(),
    );
  }
  if (grids.size === 0) {
    return finish(
      [
        {
          sheet: null,
          row: null,
          column: null,
          value: null,
          code: 'file.no_sheets',
          reason: '工作簿中没有可导入的数据：应有名为项目台账、年度计划、月度完成或节点的工作表',
          reasonEn:
            'nothing to import: no sheet named 项目台账, 年度计划, 月度完成 or 节点 with data',
        },
      ],
      new Set(),
    );
  }
  result.sheets = SHEET_NAMES.filter((n) => grids.has(n));

  const issues: ImportIssue[] = [];
  const refused = new Set<string>();
  const forbidden = (sheet: SheetName) =>
    issues.push({
      sheet,
      row: null,
      column: null,
      value: null,
      code: 'sheet.forbidden',
      reason: '没有修改本工作表数据的权限，不能导入本工作表',
      reasonEn: 'you may not change what this sheet holds, so it cannot be imported',
    });
  // An import may write exactly what its author may write through the API: the same can(),
  // per sheet here and per project row in resolve() (a reporter: their own unit's projects).
  const allowed = Object.fromEntries(
    SHEET_NAMES.map((name) => [name, can(ctx.actor, SHEET_ACTIONS[name])]),
  ) as Record<SheetName, boolean>;
  // A reporter sees only their unit's projects: "not found" and "not yours" must read alike.
  const unitScoped = ctx.actor.unitId !== null;
  for (const name of result.sheets) if (!allowed[name]) forbidden(name);

  const now = yearMonthOf(ctx.now);
  const take = <T>(name: SheetName, parse: (g: Grid) => SheetResult<T>): SheetResult<T> | null => {
    const grid = grids.get(name);
    if (!grid || !allowed[name]) return null;
    const parsed = parse(grid);
    issues.push(...parsed.issues);
    for (const row of parsed.refusedRows) refused.add(`${name}:${row}`);
    return parsed;
  };
  const ledger = take('项目台账', parseLedgerSheet);
  const plans = take('年度计划', parsePlanSheet);
  const reports = take('月度完成', (g) => parseReportSheet(g, now));
  const ms = take('节点', parseMilestoneSheet);
  progress({ phase: 'check', done: 1, total: 3 });

  const outcome = await db.transaction(async (tx) => {
    const existing = await loadProjects(tx, ctx);
    progress({ phase: 'check', done: 2, total: 3 });
    const plan: ImportPlan = {
      newNames: { units: [], areas: [], categories: [] },
      projects: [],
      plans: [],
      reports: [],
      milestones: [],
      reportsApproved: can(ctx.actor, 'report.review'),
    };

    // 项目台账: create or update by code, only the columns the sheet has.
    // Codes on refused ledger rows count as known, so their plans are not refused a second time.
    const ledgerCodes = new Set<string>(ledger?.codes ?? []);
    for (const row of ledger?.rows ?? []) {
      const change = diffProject(existing.byCode.get(row.code) ?? null, row);
      if (!change) {
        result.summary.projects.unchanged++;
        continue;
      }
      result.summary.projects[change.change.action === 'create' ? 'created' : 'updated']++;
      if (result.changes.length < MAX_CHANGES) result.changes.push(change.change);
      plan.projects.push(change.write);
    }
    for (const [kind, key] of [
      ['units', 'ownerUnit'],
      ['areas', 'area'],
      ['categories', 'category'],
    ] as const) {
      const known = existing.names[kind];
      const fresh = new Set<string>();
      for (const p of plan.projects) {
        const name = p.fields[key];
        if (name && !known.has(name)) fresh.add(name);
      }
      plan.newNames[kind] = [...fresh];
      result.created[kind] = [...fresh];
    }

    /** The project a row names: in the database or in this workbook's 项目台账; else an error. */
    const resolve = (
      sheet: SheetName,
      letters: Record<string, string>,
      row: { row: number; code: string },
    ) => {
      const found = existing.byCode.get(row.code);
      const inScope = found ? can(ctx.actor, SHEET_ACTIONS[sheet], found.ownerUnitId) : false;
      if ((found && inScope) || (allowed.项目台账 && ledgerCodes.has(row.code))) {
        return found ?? null;
      }
      issues.push({
        sheet,
        row: row.row,
        column: letters.code ?? null,
        value: row.code,
        code: 'code.unknown',
        reason: unitScoped
          ? `项目编号“${row.code}”不存在或不属于本单位`
          : `项目编号“${row.code}”不存在（台账和本工作簿的项目台账中都没有）`,
        reasonEn: unitScoped
          ? `project code "${row.code}" does not exist or is not your unit's`
          : `project code "${row.code}" does not exist (neither in the ledger nor in this workbook's 项目台账)`,
      });
      refused.add(`${sheet}:${row.row}`);
      return undefined;
    };

    // 年度计划: a first plan, or a revision when the figures differ.
    const planRows: { row: PlanRow; project: ExistingProject | null }[] = [];
    for (const row of plans?.rows ?? []) {
      const project = resolve('年度计划', plans!.letters, row);
      if (project !== undefined) planRows.push({ row, project });
    }
    const currentPlans = await loadPlans(
      tx,
      planRows.flatMap((p) => (p.project ? [p.project.id] : [])),
      [...new Set(planRows.map((p) => p.row.year))],
    );
    for (const { row, project } of planRows) {
      const current = project ? currentPlans.get(`${project.id}:${row.year}`) : undefined;
      if (
        current &&
        sameWan(current.annualTarget, row.annualTarget) &&
        current.timingTargets.every((t, i) => sameWan(t, row.timingTargets[i]))
      ) {
        result.summary.plans.unchanged++;
        continue;
      }
      result.summary.plans[current ? 'updated' : 'created']++;
      plan.plans.push({
        projectCode: row.code,
        year: row.year,
        annualTarget: row.annualTarget,
        timingTargets: row.timingTargets,
        existing: current ? { id: current.id, revision: current.revision } : null,
      });
    }

    // 月度完成: approved reports (or, from a reporter, submitted ones).
    const reportRows: { row: ReportRow; project: ExistingProject | null }[] = [];
    for (const row of reports?.rows ?? []) {
      const project = resolve('月度完成', reports!.letters, row);
      if (project !== undefined) reportRows.push({ row, project });
    }
    const currentReports = await loadReports(
      tx,
      reportRows.flatMap((r) => (r.project ? [r.project.id] : [])),
      [...new Set(reportRows.map((r) => r.row.year))],
    );
    for (const { row, project } of reportRows) {
      const current = project
        ? currentReports.get(`${project.id}:${row.year}:${row.month}`)
        : undefined;
      const merged = {
        investment: row.investment,
        progressPercent:
          row.progressPercent === undefined
            ? (current?.progressPercent ?? null)
            : row.progressPercent,
        progressText:
          row.progressText === undefined ? (current?.progressText ?? null) : row.progressText,
        problems: row.problems === undefined ? (current?.problems ?? null) : row.problems,
      };
      const same =
        current &&
        sameWan(current.investment, merged.investment) &&
        sameWan(current.progressPercent, merged.progressPercent) &&
        (current.progressText ?? null) === merged.progressText &&
        (current.problems ?? null) === merged.problems;
      const settled = plan.reportsApproved
        ? current?.status === 'approved'
        : current?.status === 'submitted' || current?.status === 'approved';
      if (same && settled) {
        result.summary.reports.unchanged++;
        continue;
      }
      if (
        !plan.reportsApproved &&
        current &&
        (current.status === 'submitted' || current.status === 'approved')
      ) {
        issues.push({
          sheet: '月度完成',
          row: row.row,
          column: reports!.letters.investment ?? null,
          value: row.investment,
          code: 'report.locked',
          reason: `${row.year}年${row.month}月月报${current.status === 'approved' ? '已审核通过' : '已提交待审核'}，不能通过导入修改`,
          reasonEn: `the ${row.year}-${row.month} report is already ${current.status}; an import cannot change it`,
        });
        refused.add(`月度完成:${row.row}`);
        continue;
      }
      result.summary.reports[current ? 'updated' : 'created']++;
      plan.reports.push({
        projectCode: row.code,
        year: row.year,
        month: row.month,
        ...merged,
        nextPlan: current?.nextPlan ?? null,
        existing: current ? { id: current.id, status: current.status } : null,
      });
    }

    // 节点: matched by name within the project.
    const milestoneRows: { row: MilestoneRow; project: ExistingProject | null }[] = [];
    for (const row of ms?.rows ?? []) {
      const project = resolve('节点', ms!.letters, row);
      if (project !== undefined) milestoneRows.push({ row, project });
    }
    const currentMilestones = await loadMilestones(
      tx,
      milestoneRows.flatMap((m) => (m.project ? [m.project.id] : [])),
    );
    for (const { row, project } of milestoneRows) {
      const current = project ? currentMilestones.get(`${project.id}:${row.name}`) : undefined;
      const plannedDate =
        row.plannedDate === undefined ? (current?.plannedDate ?? null) : row.plannedDate;
      const actualDate =
        row.actualDate === undefined ? (current?.actualDate ?? null) : row.actualDate;
      if (current && current.plannedDate === plannedDate && current.actualDate === actualDate) {
        result.summary.milestones.unchanged++;
        continue;
      }
      result.summary.milestones[current ? 'updated' : 'created']++;
      plan.milestones.push({
        projectCode: row.code,
        name: row.name,
        plannedDate,
        actualDate,
        existing: current ? { id: current.id, plannedDate: current.plannedDate } : null,
      });
    }
    progress({ phase: 'check', done: 3, total: 3 });

    sortIssues(issues);
    if (issues.length > 0 || result.dryRun) return finish(issues, refused);
    await writeImport(tx, ctx, plan, existing.idByCode, (done, total) =>
      progress({ phase: 'write', done, total }),
    );
    return finish([], refused);
  });
  const { projects: p, reports: r } = outcome.summary;
  if (outcome.ok && !outcome.dryRun && p.created + r.created >= BULK_ROWS)
    await refreshPlannerStats(db);
  return outcome;
}

/** An import that adds this many projects and reports changes the tables' shape for the planner. */
const BULK_ROWS = 1000;

/** Problems in reading order: file, then sheets in workbook order, then rows, then columns. */
function sortIssues(issues: ImportIssue[]) {
  const sheetRank = (s: string | null) => (s === null ? -1 : SHEET_NAMES.indexOf(s as SheetName));
  const colRank = (c: string | null) =>
    c === null ? -1 : c.length * 100 + c.charCodeAt(c.length - 1);
  issues.sort(
    (a, b) =>
      sheetRank(a.sheet) - sheetRank(b.sheet) ||
      (a.row ?? 0) - (b.row ?? 0) ||
      colRank(a.column) - colRank(b.column),
  );
}

function diffProject(
  current: ExistingProject | null,
  row: LedgerRow,
): { write: ProjectWrite; change: ProjectChange } | null {
  const fields: ProjectFields = current
    ? {
        name: current.name,
        area: current.area,
        category: current.category,
        ownerUnit: current.ownerUnit,
        tags: current.tags,
        phase: current.phase,
        totalInvestment: current.totalInvestment,
        plannedStart: current.plannedStart,
        plannedFinish: current.plannedFinish,
        remarks: current.remarks,
      }
    : {
        name: row.name ?? '',
        area: null,
        category: null,
        ownerUnit: null,
        tags: [],
        phase: 'preparation',
        totalInvestment: null,
        plannedStart: null,
        plannedFinish: null,
        remarks: null,
      };
  const changed: FieldChange[] = [];
  const set = <K extends keyof ProjectFields>(key: K, value: ProjectFields[K] | undefined) => {
    if (value === undefined) return;
    const before = fields[key];
    const same =
      key === 'totalInvestment'
        ? sameWan(before as string | null, value as string | null)
        : JSON.stringify(before) === JSON.stringify(value);
    if (!same || !current) {
      if (!current && (value === null || (Array.isArray(value) && value.length === 0))) return;
      changed.push({
        field: key,
        label: FIELD_LABELS[key],
        before: current ? display(key, before) : null,
        after: display(key, value),
      });
      fields[key] = value;
    }
  };
  set('name', row.name ?? undefined);
  set('area', row.area);
  set('category', row.category);
  set('ownerUnit', row.ownerUnit);
  set('tags', row.tags);
  set('phase', row.phase ?? undefined);
  set('totalInvestment', row.totalInvestment);
  set('plannedStart', row.plannedStart);
  set('plannedFinish', row.plannedFinish);
  set('remarks', row.remarks);
  if (current && changed.length === 0) return null;
  return {
    write: { code: row.code, id: current?.id ?? null, fields },
    change: {
      code: row.code,
      name: fields.name,
      action: current ? 'update' : 'create',
      fields: changed,
    },
  };
}

function display(key: keyof ProjectFields, v: unknown): string | null {
  if (key === 'phase' && typeof v === 'string') return PHASE_ZH[v as ProjectPhase];
  if (key === 'totalInvestment' && typeof v === 'string') return wan(v);
  return show(v);
}

async function loadProjects(db: Db, ctx: Ctx) {
  const rows = await projectsWithNames(db, {
    ...ledgerFields,
    ownerUnitId: projects.ownerUnitId,
  }).where(eq(projects.officeId, ctx.actor.officeId));
  const byCode = new Map<string, ExistingProject>();
  const idByCode = new Map<string, number>();
  for (const r of rows) {
    byCode.set(r.code, {
      ...r,
      totalInvestment: r.totalInvestment === null ? null : wan(r.totalInvestment),
    });
    idByCode.set(r.code, r.id);
  }
  const names = async (table: typeof areas | typeof categories | typeof units) =>
    new Set(
      (
        await db
          .select({ name: table.name })
          .from(table)
          .where(eq(table.officeId, ctx.actor.officeId))
      ).map((r) => r.name),
    );
  return {
    byCode,
    idByCode,
    names: {
      units: await names(units),
      areas: await names(areas),
      categories: await names(categories),
    },
  };
}

const chunks = <T>(items: T[], size = 1000): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

async function loadPlans(db: Db, projectIds: number[], years: number[]) {
  const out = new Map<
    string,
    { id: number; annualTarget: string; timingTargets: string[]; revision: number }
  >();
  if (projectIds.length === 0 || years.length === 0) return out;
  for (const ids of chunks([...new Set(projectIds)])) {
    const rows = await db
      .select({
        id: investmentPlans.id,
        projectId: investmentPlans.projectId,
        year: investmentPlans.year,
        annualTarget: investmentPlans.annualTarget,
        timingTargets: investmentPlans.timingTargets,
        revision: investmentPlans.revision,
      })
      .from(investmentPlans)
      .where(and(inArray(investmentPlans.projectId, ids), inArray(investmentPlans.year, years)));
    for (const r of rows) out.set(`${r.projectId}:${r.year}`, r);
  }
  return out;
}

async function loadReports(db: Db, projectIds: number[], years: number[]) {
  const out = new Map<
    string,
    {
      id: number;
      investment: string;
      progressPercent: string | null;
      progressText: string | null;
      problems: string | null;
      nextPlan: string | null;
      status: string;
    }
  >();
  if (projectIds.length === 0 || years.length === 0) return out;
  for (const ids of chunks([...new Set(projectIds)])) {
    const rows = await db
      .select({
        id: monthlyReports.id,
        projectId: monthlyReports.projectId,
        year: monthlyReports.year,
        month: monthlyReports.month,
        investment: monthlyReports.investment,
        progressPercent: monthlyReports.progressPercent,
        progressText: monthlyReports.progressText,
        problems: monthlyReports.problems,
        nextPlan: monthlyReports.nextPlan,
        status: monthlyReports.status,
      })
      .from(monthlyReports)
      .where(and(inArray(monthlyReports.projectId, ids), inArray(monthlyReports.year, years)));
    for (const r of rows) out.set(`${r.projectId}:${r.year}:${r.month}`, r);
  }
  return out;
}

async function loadMilestones(db: Db, projectIds: number[]) {
  const out = new Map<
    string,
    { id: number; plannedDate: string | null; actualDate: string | null }
  >();
  for (const ids of chunks([...new Set(projectIds)])) {
    const rows = await db
      .select({
        id: milestones.id,
        projectId: milestones.projectId,
        name: milestones.name,
        plannedDate: milestones.plannedDate,
        actualDate: milestones.actualDate,
      })
      .from(milestones)
      .where(inArray(milestones.projectId, ids));
    for (const r of rows)
      if (!out.has(`${r.projectId}:${r.name}`)) out.set(`${r.projectId}:${r.name}`, r);
  }
  return out;
}
