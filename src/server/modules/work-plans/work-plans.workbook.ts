import { and, eq, inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { isoDateOf } from '../../../domain/periods.ts';
import {
  parseWorkPlanSheet,
  WORK_PLAN_COLUMNS,
  WORK_PLAN_SHEET,
  type WorkPlanColumnKey,
  type WorkPlanImportRow,
} from '../../../domain/work-plan-workbook.ts';
import { WORK_PLAN_STATUS_ZH, type WorkPlanItemStatus } from '../../../domain/work-plans.ts';
import { normalizeWidth } from '../../../domain/workbook-cells.ts';
import type { Grid, ImportIssue } from '../../../domain/workbook-sheets.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { can } from '../../policy.ts';
import type { ExportFile } from '../exports/exports.service.ts';
import { safeText } from '../exports/workbook-style.ts';
import { readWorkbook } from '../imports/workbook-reader.ts';
import { projects } from '../projects/projects.table.ts';
import { units } from '../units/units.table.ts';
import { getWorkPlan, workPlanNotFound } from './work-plans.service.ts';
import {
  workPlanItemProjects,
  workPlanItems,
  workPlans,
  workPlanThemes,
} from './work-plans.table.ts';

export type WorkPlanImportChange = {
  row: number;
  seq: number;
  action: 'create' | 'update';
  content: string;
  /** the columns whose value changes (update only) */
  fields: string[];
};

export type WorkPlanImportResult = {
  ok: boolean;
  dryRun: boolean;
  summary: { created: number; updated: number; unchanged: number };
  /** themes named in the file that the plan does not have yet, created at its end */
  themesCreated: string[];
  changes: WorkPlanImportChange[];
  errors: ImportIssue[];
  errorCount: number;
};

const MAX_ERRORS = 1000;

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

type Existing = {
  id: number;
  seq: number;
  themeId: number;
  content: string;
  responsibleUnitId: number;
  deadline: string;
  status: WorkPlanItemStatus;
  progress: string | null;
  completedOn: string | null;
  version: number;
  projectIds: number[];
};

type Planned = {
  row: WorkPlanImportRow;
  seq: number;
  unitId: number;
  projectIds: number[];
  existing: Existing | null;
  fields: string[];
};

function refuse(errors: ImportIssue[], dryRun: boolean): WorkPlanImportResult {
  return {
    ok: false,
    dryRun,
    summary: { created: 0, updated: 0, unchanged: 0 },
    themesCreated: [],
    changes: [],
    errors: errors.slice(0, MAX_ERRORS),
    errorCount: errors.length,
  };
}

/**
 * Imports a plan's item list from a workbook, all or nothing: every row checked first (units
 * and project codes must exist; themes not yet in the plan are added), every problem reported
 * with its sheet, row and column, and nothing written unless the whole file is good. A row
 * whose 序号 names an existing item updates it; a new 序号 (or none) adds an item. With dryRun
 * the answer is the same preview and nothing is written.
 */
export async function importWorkPlanItems(
  db: Db,
  ctx: Ctx,
  planId: number,
  buf: Buffer,
  opts: { dryRun?: boolean } = {},
): Promise<WorkPlanImportResult> {
  const dryRun = opts.dryRun ?? false;
  if (!can(ctx.actor, 'coordination.write')) throw forbidden();
  const [plan] = await db
    .select()
    .from(workPlans)
    .where(and(eq(workPlans.id, planId), eq(workPlans.officeId, ctx.actor.officeId)));
  if (!plan) throw workPlanNotFound(planId);
  const read = await readWorkbook(buf);
  if (!read.ok) return refuse([read.issue], dryRun);
  if (read.format !== 'xlsx') {
    return refuse(
      [
        {
          sheet: null,
          row: null,
          column: null,
          value: null,
          code: 'file.not_workbook',
          reason: '请上传Excel工作簿（.xlsx）',
          reasonEn: 'upload an Excel workbook (.xlsx)',
        },
      ],
      dryRun,
    );
  }
  const grid = pickSheet(read.sheets);
  const parsed = parseWorkPlanSheet(grid);
  const errors = [...parsed.issues];
  const rows = parsed.rows;

  // one after the other: a transaction's single connection must not run two queries at once
  const themeRows = await db.select().from(workPlanThemes).where(eq(workPlanThemes.planId, planId));
  const existingRows = await db
    .select()
    .from(workPlanItems)
    .where(eq(workPlanItems.planId, planId));
  const unitRows = await db
    .select({ id: units.id, name: units.name })
    .from(units)
    .where(eq(units.officeId, ctx.actor.officeId));
  const codes = [...new Set(rows.flatMap((r) => r.projectCodes))];
  const projectRows =
    codes.length === 0
      ? []
      : await db
          .select({ id: projects.id, code: projects.code })
          .from(projects)
          .where(and(eq(projects.officeId, ctx.actor.officeId), inArray(projects.code, codes)));
  const links =
    existingRows.length === 0
      ? []
      : await db
          .select()
          .from(workPlanItemProjects)
          .where(
            inArray(
              workPlanItemProjects.itemId,
              existingRows.map((r) => r.id),
            ),
          );
  const existingBySeq = new Map<number, Existing>(
    existingRows.map((r) => [
      r.seq,
      {
        ...r,
        projectIds: links
          .filter((l) => l.itemId === r.id)
          .map((l) => l.projectId)
          .sort((a, b) => a - b),
      },
    ]),
  );
  const unitByName = new Map(unitRows.map((u) => [normalizeWidth(u.name).trim(), u.id]));
  const projectByCode = new Map(projectRows.map((p) => [p.code, p.id]));
  const themeByName = new Map(themeRows.map((t) => [t.name, t.id]));
  const letter = (k: WorkPlanColumnKey) => parsed.letters.get(k) ?? null;

  let nextSeq = Math.max(0, ...existingRows.map((r) => r.seq), ...rows.map((r) => r.seq ?? 0));
  const planned: Planned[] = [];
  const themesCreated: string[] = [];
  for (const row of rows) {
    const before = errors.length;
    const unitId = unitByName.get(normalizeWidth(row.unit).trim());
    if (unitId === undefined) {
      errors.push({
        sheet: grid.name,
        row: row.row,
        column: letter('unit'),
        value: row.unit,
        code: 'unit.unknown',
        reason: `责任单位“${row.unit}”不存在，请先在单位管理中添加或改为已有单位名称`,
        reasonEn: `responsible unit "${row.unit}" does not exist`,
      });
    }
    const missing = row.projectCodes.filter((c) => !projectByCode.has(c));
    if (missing.length > 0) {
      errors.push({
        sheet: grid.name,
        row: row.row,
        column: letter('projects'),
        value: row.projectCodes.join('、'),
        code: 'project.unknown',
        reason: `关联项目“${missing.join('、')}”不存在`,
        reasonEn: `linked project "${missing.join(', ')}" does not exist`,
      });
    }
    if (errors.length > before) continue;
    if (!themeByName.has(row.theme) && !themesCreated.includes(row.theme))
      themesCreated.push(row.theme);
    const seq = row.seq ?? ++nextSeq;
    const existing = existingBySeq.get(seq) ?? null;
    const projectIds = row.projectCodes.map((c) => projectByCode.get(c)!).sort((a, b) => a - b);
    const fields: string[] = [];
    if (existing) {
      const themeName = themeRows.find((t) => t.id === existing.themeId)?.name;
      if (themeName !== row.theme) fields.push('方面');
      if (existing.content !== row.content) fields.push('任务内容');
      if (existing.responsibleUnitId !== unitId) fields.push('责任单位');
      if (existing.deadline !== row.deadline) fields.push('完成时限');
      if (existing.status !== row.status) fields.push('状态');
      if ((existing.progress ?? null) !== row.progress) fields.push('进展情况');
      if (existing.projectIds.join(',') !== projectIds.join(',')) fields.push('关联项目');
    }
    planned.push({ row, seq, unitId: unitId!, projectIds, existing, fields });
  }
  if (errors.length > 0) return refuse(errors, dryRun);

  const changes: WorkPlanImportChange[] = planned
    .filter((p) => !p.existing || p.fields.length > 0)
    .map((p) => ({
      row: p.row.row,
      seq: p.seq,
      action: p.existing ? 'update' : 'create',
      content: p.row.content,
      fields: p.fields,
    }));
  const result: WorkPlanImportResult = {
    ok: true,
    dryRun,
    summary: {
      created: planned.filter((p) => !p.existing).length,
      updated: planned.filter((p) => p.existing && p.fields.length > 0).length,
      unchanged: planned.filter((p) => p.existing && p.fields.length === 0).length,
    },
    themesCreated,
    changes,
    errors: [],
    errorCount: 0,
  };
  if (dryRun || changes.length === 0) return result;
  await writeImport(db, ctx, plan.id, plan.version, planned, themeByName, themesCreated);
  return result;
}

const importConflict = () =>
  new AppError('work_plan.conflict', '工作方案在导入期间被修改，请重新导入', {
    messageEn: 'the work plan changed during the import; import again',
  });

async function writeImport(
  db: Db,
  ctx: Ctx,
  planId: number,
  planVersion: number,
  planned: Planned[],
  themeByName: Map<string, number>,
  themesCreated: string[],
) {
  const today = isoDateOf(ctx.now);
  await db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ version: workPlans.version })
      .from(workPlans)
      .where(eq(workPlans.id, planId))
      .for('update');
    // the plan changed since the file was checked: check again rather than write over it
    if (!locked || locked.version !== planVersion) throw importConflict();
    const themes = new Map(themeByName);
    if (themesCreated.length > 0) {
      const start = themes.size;
      const made = await tx
        .insert(workPlanThemes)
        .values(
          themesCreated.map((name, i) => ({
            officeId: ctx.actor.officeId,
            planId,
            position: start + i + 1,
            name,
          })),
        )
        .returning();
      for (const t of made) themes.set(t.name, t.id);
    }
    for (const p of planned) {
      const values = {
        themeId: themes.get(p.row.theme)!,
        content: p.row.content,
        responsibleUnitId: p.unitId,
        deadline: p.row.deadline,
        status: p.row.status,
        progress: p.row.progress,
        updatedBy: ctx.actor.name,
        updatedAt: ctx.now,
      };
      let itemId: number;
      if (p.existing) {
        if (p.fields.length === 0) continue;
        itemId = p.existing.id;
        const updated = await tx
          .update(workPlanItems)
          .set({
            ...values,
            completedOn:
              p.row.status !== 'done'
                ? null
                : p.existing.status === 'done'
                  ? p.existing.completedOn
                  : today,
            version: p.existing.version + 1,
          })
          .where(and(eq(workPlanItems.id, itemId), eq(workPlanItems.version, p.existing.version)))
          .returning({ id: workPlanItems.id });
        // the item changed since the file was checked (a unit's progress): never write over it
        if (updated.length === 0) throw importConflict();
        if (!p.fields.includes('关联项目')) continue;
        await tx.delete(workPlanItemProjects).where(eq(workPlanItemProjects.itemId, itemId));
      } else {
        const [made] = await tx
          .insert(workPlanItems)
          .values({
            ...values,
            officeId: ctx.actor.officeId,
            planId,
            seq: p.seq,
            completedOn: p.row.status === 'done' ? today : null,
            createdAt: ctx.now,
          })
          .returning({ id: workPlanItems.id });
        itemId = made!.id;
      }
      if (p.projectIds.length > 0) {
        await tx.insert(workPlanItemProjects).values(
          p.projectIds.map((projectId) => ({
            officeId: ctx.actor.officeId,
            itemId,
            projectId,
          })),
        );
      }
    }
    await tx
      .update(workPlans)
      .set({ version: planVersion + 1, updatedBy: ctx.actor.name, updatedAt: ctx.now })
      .where(eq(workPlans.id, planId));
  });
}

/** The item sheet by its name, else the only (or first) sheet. */
function pickSheet(sheets: Grid[]): Grid {
  return sheets.find((s) => normalizeWidth(s.name).trim() === WORK_PLAN_SHEET) ?? sheets[0]!;
}

/**
 * The plan's item list (the items the caller may see) in the import's own columns, so the file
 * imports back unchanged. Status is the stored one (滞后 is computed, not a column value).
 */
export async function exportWorkPlanItems(db: Db, ctx: Ctx, planId: number): Promise<ExportFile> {
  const plan = await getWorkPlan(db, ctx, planId);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tiaodu';
  const ws = wb.addWorksheet(WORK_PLAN_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = WORK_PLAN_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  ws.getRow(1).font = { bold: true };
  for (const item of plan.itemList) {
    const row = ws.addRow({
      seq: item.seq,
      theme: safeText(item.themeName),
      content: safeText(item.content),
      unit: safeText(item.responsibleUnitName),
      deadline: item.deadline,
      status: WORK_PLAN_STATUS_ZH[item.status],
      progress: safeText(item.progress),
      projects: safeText(item.projects.map((p) => p.code).join('、')),
    });
    row.alignment = { vertical: 'top', wrapText: true };
  }
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  return { filename: `${plan.name}-任务清单.xlsx`, buffer };
}
