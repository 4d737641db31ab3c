import { Decimal } from 'decimal.js';
import { and, asc, eq, isNull, lte, type SQL, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { PHASE_ZH } from '../../../domain/milestones.ts';
import { formatYearMonth, type YearMonth } from '../../../domain/periods.ts';
import { LEVEL_ZH, type Level } from '../../../domain/warning-rules.ts';
import {
  type ColumnDef,
  SHEETS,
  type SheetName,
  templateHeader,
} from '../../../domain/workbook-sheets.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { assertCan, projectScope } from '../../policy.ts';
import { dispatchFigures, type Figures } from '../dispatch/dispatch.service.ts';
import { milestones } from '../milestones/milestones.table.ts';
import { officeName } from '../offices/offices.service.ts';
import { investmentPlans } from '../plans/plans.table.ts';
import { areas, projects } from '../projects/projects.table.ts';
import { ledgerFields, projectsWithNames } from '../projects/projects-with-names.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { evaluateMonth } from '../warnings/warnings.service.ts';
import { EXPORT_KINDS, type ExportKind } from './export-kinds.ts';
import {
  addRow,
  addSection,
  addStyledSheet,
  type ColumnKind,
  chineseNumeral,
  excelDate,
  num,
  paintLevel,
  type SheetColumn,
  type StyledSheet,
  safeText,
} from './workbook-style.ts';

export { EXPORT_KINDS, type ExportKind };

export type ExportFile = { filename: string; buffer: Buffer };

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Builds one of the workbooks an office sends upward: the ledger (in the import format, so it
 * imports back), the dispatch table and the warnings list for a month, or the blank template.
 * Everything is read through the actor's scope, so a reporter's export holds only their unit.
 */
export async function buildExport(
  db: Db,
  ctx: Ctx,
  opts: { kind: ExportKind; year?: number; month?: number },
): Promise<ExportFile> {
  // The blank template holds no data, so anyone may have it; everything else is read in scope.
  if (opts.kind === 'template')
    return { filename: 'Tiaodu导入模板.xlsx', buffer: await templateWorkbook() };
  assertCan(ctx.actor, 'read', undefined, () => new AppError('export.not_found', ''));
  const period = (): YearMonth => {
    if (!opts.year || !opts.month) {
      throw new AppError('export.period_required', '请指定年度和月份（year、month）', {
        field: 'month',
        messageEn: 'year and month are required for this export',
      });
    }
    return { year: opts.year, month: opts.month };
  };
  switch (opts.kind) {
    case 'ledger':
      return {
        filename: `项目台账${opts.year ? `_${opts.year}` : ''}.xlsx`,
        buffer: await ledgerWorkbook(db, ctx, opts),
      };
    case 'dispatch': {
      const p = period();
      return {
        filename: `调度表_${formatYearMonth(p)}.xlsx`,
        buffer: await dispatchWorkbook(db, ctx, p),
      };
    }
    case 'warnings': {
      const p = period();
      return {
        filename: `预警清单_${formatYearMonth(p)}.xlsx`,
        buffer: await warningsWorkbook(db, ctx, p),
      };
    }
  }
}

function newWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tiaodu 调度';
  wb.created = new Date();
  return wb;
}

async function toBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const KIND_OF: Record<string, ColumnKind> = {
  seq: 'int',
  code: 'text',
  name: 'wrap',
  ownerUnit: 'wrap',
  phase: 'center',
  totalInvestment: 'money',
  plannedStart: 'date',
  plannedFinish: 'date',
  remarks: 'wrap',
  year: 'center',
  annualTarget: 'money',
  month: 'center',
  investment: 'money',
  progressPercent: 'percent',
  progressText: 'wrap',
  problems: 'wrap',
  plannedDate: 'date',
  actualDate: 'date',
};

/** The import columns of a sheet as export columns, with 项目名称 beside the code where it helps. */
function importColumns(
  name: SheetName,
  withProjectName: boolean,
): { keys: string[]; columns: SheetColumn[] } {
  const defs: ColumnDef[] = [];
  for (const c of SHEETS[name].columns) {
    defs.push(c);
    if (withProjectName && c.key === 'code')
      defs.push({ key: 'projectName', header: '项目名称', width: 28 });
  }
  return {
    keys: defs.map((d) => d.key),
    columns: defs.map((d) => ({
      header: templateHeader(d),
      width: d.width ?? 12,
      kind:
        d.key === 'projectName'
          ? 'wrap'
          : (KIND_OF[d.key] ?? (d.unit === '万元' ? 'money' : 'text')),
    })),
  };
}

const UNIT_NOTE = '单位：万元';

async function templateWorkbook(): Promise<Buffer> {
  const wb = newWorkbook();
  const titles: Record<SheetName, string> = {
    项目台账: '项目台账',
    年度计划: '年度固定资产投资计划（时序目标按月累计）',
    月度完成: '月度投资完成情况',
    节点: '项目节点',
  };
  for (const name of ['项目台账', '年度计划', '月度完成', '节点'] as const) {
    const { columns } = importColumns(name, false);
    addStyledSheet(wb, {
      name,
      title: titles[name],
      // 节点 holds dates and names only: a 单位：万元 line above its date columns misleads.
      unit: name === '节点' ? undefined : UNIT_NOTE,
      columns,
      freezeColumns: name === '项目台账' ? 3 : 1,
    });
  }
  const help = wb.addWorksheet('填表说明');
  help.columns = [{ width: 18 }, { width: 100 }];
  const lines: [string, string][] = [
    [
      '工作表',
      '按名称识别：项目台账、年度计划、月度完成、节点；可只保留需要的工作表（只有“月度完成”即为月度更新）。',
    ],
    ['表头', '列按表头文字识别，顺序不限；表头须在前10行内，上方可有标题行和“单位：万元”行。'],
    ['金额', '单位均为万元；可写数字、带千分位的文字（12,345.50）或全角数字。不能为负数。'],
    ['日期', '可写Excel日期、2024-03-05、2024.03.05、2024/3/5或2024年3月5日。'],
    ['月份', '可写2024-03、2024年3月或一个日期。'],
    ['标签', '多个标签用 、 , ， ; ； 或空格分隔，如：六重、市投市建。'],
    ['建设阶段', '前期、在建、竣工或投用。'],
    ['年度计划', '1月…12月填写按月累计的时序目标，逐月不减少，12月等于年度计划投资。'],
    ['形象进度', '0–100之间的百分数。'],
    ['忽略的行', '空行、“一、东湖片区”这样的分组行、小计/合计行不会导入。'],
    [
      '导入规则',
      '按项目编号匹配：已有项目更新，新项目新建；不存在的建设单位、片区、类别自动新建。全部检查通过才导入，有任何错误则一条也不写入；重复导入同一文件不会产生变化。',
    ],
    ['CSV', 'CSV文件只能用于导入月度完成（UTF-8或GBK编码）。'],
  ];
  help.addRow(['填表说明']).font = { name: '宋体', size: 14, bold: true };
  for (const [k, v] of lines) {
    const row = help.addRow([k, v]);
    row.getCell(1).font = { name: '宋体', size: 10, bold: true };
    row.getCell(2).font = { name: '宋体', size: 10 };
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  }
  return toBuffer(wb);
}

type LedgerProject = {
  id: number;
  code: string;
  name: string;
  area: string | null;
  category: string | null;
  ownerUnit: string | null;
  tags: string[];
  phase: keyof typeof PHASE_ZH;
  totalInvestment: string | null;
  plannedStart: string | null;
  plannedFinish: string | null;
  remarks: string | null;
};

async function ledgerWorkbook(
  db: Db,
  ctx: Ctx,
  opts: { year?: number; month?: number },
): Promise<Buffer> {
  const scope = and(projectScope(ctx.actor), isNull(projects.archivedAt));
  const rows: LedgerProject[] = await projectsWithNames(db, ledgerFields)
    .where(scope)
    .orderBy(
      sql`${areas.sortOrder} asc nulls last`,
      sql`${areas.id} asc nulls last`,
      asc(projects.code),
    );
  const office = await officeName(db, ctx.actor.officeId);
  const wb = newWorkbook();
  const stamp = `导出日期：${ctx.now.toISOString().slice(0, 10)}`;

  // 项目台账, grouped by area with a 小计 each and a 合计.
  const ledger = importColumns('项目台账', false);
  const sheet = addStyledSheet(wb, {
    name: '项目台账',
    title: `${office}重大项目台账`,
    note: stamp,
    unit: UNIT_NOTE,
    columns: ledger.columns,
    freezeColumns: 3,
  });
  const groups = new Map<string, LedgerProject[]>();
  for (const p of rows) {
    const key = p.area ?? '未分片区';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(p);
  }
  const at = (key: string) => ledger.keys.indexOf(key);
  const blank = () => ledger.keys.map(() => null as string | number | Date | null);
  let sectionNo = 0;
  let total = new Decimal(0);
  for (const [area, list] of groups) {
    addSection(sheet, `${chineseNumeral(++sectionNo)}、${area}（${list.length}个）`);
    let subtotal = new Decimal(0);
    list.forEach((p, i) => {
      const values = blank();
      values[at('seq')] = i + 1;
      values[at('code')] = safeText(p.code);
      values[at('name')] = safeText(p.name);
      values[at('area')] = safeText(p.area);
      values[at('category')] = safeText(p.category);
      values[at('tags')] = safeText(p.tags.join('、'));
      values[at('ownerUnit')] = safeText(p.ownerUnit);
      values[at('phase')] = PHASE_ZH[p.phase];
      values[at('totalInvestment')] = num(p.totalInvestment);
      values[at('plannedStart')] = excelDate(p.plannedStart);
      values[at('plannedFinish')] = excelDate(p.plannedFinish);
      values[at('remarks')] = safeText(p.remarks);
      if (p.totalInvestment) subtotal = subtotal.plus(p.totalInvestment);
      addRow(sheet, values);
    });
    const sub = blank();
    sub[at('name')] = `小计（${list.length}个）`;
    sub[at('totalInvestment')] = subtotal.toNumber();
    addRow(sheet, sub, 'subtotal');
    total = total.plus(subtotal);
  }
  const sum = blank();
  sum[at('name')] = `合计（${rows.length}个）`;
  sum[at('totalInvestment')] = total.toNumber();
  addRow(sheet, sum, 'total');

  const ids = rows.map((r) => r.id);
  const nameOf = new Map(rows.map((r) => [r.id, r]));
  const inScope: SQL[] = [projectScope(ctx.actor), isNull(projects.archivedAt)];

  // 年度计划
  const planWhere = [...inScope];
  if (opts.year) planWhere.push(eq(investmentPlans.year, opts.year));
  const plans = ids.length
    ? await db
        .select({ plan: investmentPlans })
        .from(investmentPlans)
        .innerJoin(projects, eq(projects.id, investmentPlans.projectId))
        .where(and(...planWhere))
        .orderBy(asc(investmentPlans.year), asc(projects.code))
    : [];
  const planCols = importColumns('年度计划', true);
  const planSheet = addStyledSheet(wb, {
    name: '年度计划',
    title: `${office}${opts.year ? `${opts.year}年` : ''}年度固定资产投资计划`,
    note: '1月至12月为按月累计的时序目标',
    unit: UNIT_NOTE,
    columns: planCols.columns,
    freezeColumns: 2,
  });
  const planTotals = Array.from({ length: 13 }, () => new Decimal(0));
  for (const { plan } of plans) {
    const p = nameOf.get(plan.projectId)!;
    addRow(planSheet, [
      safeText(p.code),
      safeText(p.name),
      plan.year,
      num(plan.annualTarget),
      ...plan.timingTargets.map(num),
    ]);
    planTotals[0] = planTotals[0].plus(plan.annualTarget);
    plan.timingTargets.forEach((t, i) => {
      planTotals[i + 1] = planTotals[i + 1].plus(t);
    });
  }
  addRow(
    planSheet,
    [null, `合计（${plans.length}项）`, null, ...planTotals.map((d) => d.toNumber())],
    'total',
  );

  // 月度完成: approved figures only, the ones that count.
  const reportWhere = [...inScope, eq(monthlyReports.status, 'approved')];
  if (opts.year) reportWhere.push(eq(monthlyReports.year, opts.year));
  if (opts.year && opts.month) reportWhere.push(lte(monthlyReports.month, opts.month));
  const reports = ids.length
    ? await db
        .select({ report: monthlyReports })
        .from(monthlyReports)
        .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
        .where(and(...reportWhere))
        .orderBy(asc(monthlyReports.year), asc(monthlyReports.month), asc(projects.code))
    : [];
  const reportSheet = addStyledSheet(wb, {
    name: '月度完成',
    title: `${office}月度投资完成情况`,
    note: stamp,
    unit: UNIT_NOTE,
    columns: importColumns('月度完成', true).columns,
    freezeColumns: 2,
  });
  let reported = new Decimal(0);
  for (const { report } of reports) {
    const p = nameOf.get(report.projectId)!;
    addRow(reportSheet, [
      safeText(p.code),
      safeText(p.name),
      formatYearMonth(report),
      num(report.investment),
      num(report.progressPercent),
      safeText(report.progressText),
      safeText(report.problems),
    ]);
    reported = reported.plus(report.investment);
  }
  addRow(reportSheet, [null, `合计（${reports.length}条）`, null, reported.toNumber()], 'total');

  // 节点
  const ms = ids.length
    ? await db
        .select({ m: milestones })
        .from(milestones)
        .innerJoin(projects, eq(projects.id, milestones.projectId))
        .where(and(...inScope))
        .orderBy(asc(projects.code), asc(milestones.sortOrder), asc(milestones.id))
    : [];
  const msSheet = addStyledSheet(wb, {
    name: '节点',
    title: `${office}项目节点`,
    note: stamp,
    columns: importColumns('节点', true).columns,
    freezeColumns: 2,
  });
  for (const { m } of ms) {
    const p = nameOf.get(m.projectId)!;
    addRow(msSheet, [
      safeText(p.code),
      safeText(p.name),
      safeText(m.name),
      excelDate(m.plannedDate),
      excelDate(m.actualDate),
    ]);
  }
  return toBuffer(wb);
}

const rate = (v: string | null) => (v === null ? null : new Decimal(v).dividedBy(100).toNumber());
const countsText = (w: Record<Level, number>) =>
  `${LEVEL_ZH.green}${w.green}个、${LEVEL_ZH.yellow}${w.yellow}个、${LEVEL_ZH.red}${w.red}个`;

async function dispatchWorkbook(db: Db, ctx: Ctx, period: YearMonth): Promise<Buffer> {
  const [figures, standings, office] = await Promise.all([
    dispatchFigures(db, ctx, { period }),
    evaluateMonth(db, ctx, { period }),
    officeName(db, ctx.actor.officeId),
  ]);
  const i = period.month - 1;
  const span = period.month === 1 ? '1月' : `1–${period.month}月`;
  const wb = newWorkbook();
  const columns: SheetColumn[] = [
    { header: '序号', width: 6, kind: 'int' },
    { header: '项目编号', width: 13, kind: 'text' },
    { header: '项目名称', width: 30, kind: 'wrap' },
    { header: '建设单位', width: 26, kind: 'wrap' },
    { header: '年度计划投资', width: 13, kind: 'money' },
    { header: `${span}时序目标`, width: 13, kind: 'money' },
    { header: `${span}累计完成`, width: 13, kind: 'money' },
    { header: '时序完成率', width: 10, kind: 'rate' },
    { header: '年度完成率', width: 10, kind: 'rate' },
    { header: '预警等级', width: 10, kind: 'center' },
    { header: '预警原因', width: 46, kind: 'wrap' },
  ];
  const sheet = addStyledSheet(wb, {
    name: '调度表',
    title: `${office}${period.year}年重大项目固定资产投资调度表`,
    note: `截至${period.year}年${period.month}月 · ${countsText(figures.warnings)}`,
    unit: UNIT_NOTE,
    columns,
    freezeColumns: 3,
  });
  const byArea = new Map(figures.byArea.map((a) => [a.area, a]));
  const groups = new Map<string, typeof standings>();
  for (const s of standings) {
    const key = s.area ?? '未分片区';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(s);
  }
  const figureRow = (label: string, f: Figures, style: 'subtotal' | 'total') =>
    addRow(
      sheet,
      [
        null,
        null,
        label,
        null,
        num(f.annualTarget),
        num(f.timingTarget),
        num(f.actual),
        rate(f.rateVsTiming),
        rate(f.rateVsAnnual),
        null,
        countsText(f.warnings),
      ],
      style,
    );
  let sectionNo = 0;
  for (const [area, list] of groups) {
    addSection(sheet, `${chineseNumeral(++sectionNo)}、${area}（${list.length}个）`);
    list.forEach((s, n) => {
      const r = s.rollup;
      const planned = r?.hasPlan ?? false;
      const annual = planned ? r!.annualTarget : null;
      const timing = planned ? r!.timingTargets[i] : null;
      const actual = r ? r.actualCumulative[i] : '0.00';
      const reasons = s.reasons.filter((x) => x.level !== 'green').map((x) => x.zh);
      if (s.overrideLevel) reasons.push(`（人工调整：${s.overrideReason ?? ''}）`);
      const row = addRow(sheet, [
        n + 1,
        safeText(s.code),
        safeText(s.name),
        safeText(s.ownerUnit),
        num(annual),
        num(timing),
        num(actual),
        timing && new Decimal(timing).greaterThan(0)
          ? new Decimal(actual).dividedBy(timing).toNumber()
          : null,
        annual && new Decimal(annual).greaterThan(0)
          ? new Decimal(actual).dividedBy(annual).toNumber()
          : null,
        LEVEL_ZH[s.level],
        safeText(reasons.join('；')),
      ]);
      paintLevel(row.getCell(10), s.level);
    });
    figureRow('小计', byArea.get(area)!, 'subtotal');
  }
  figureRow(`合计（${figures.projects}个）`, figures, 'total');
  return toBuffer(wb);
}

async function warningsWorkbook(db: Db, ctx: Ctx, period: YearMonth): Promise<Buffer> {
  const [standings, office] = await Promise.all([
    evaluateMonth(db, ctx, { period }),
    officeName(db, ctx.actor.officeId),
  ]);
  const counts: Record<Level, number> = { green: 0, yellow: 0, red: 0 };
  for (const s of standings) counts[s.level]++;
  const wb = newWorkbook();
  const sheet: StyledSheet = addStyledSheet(wb, {
    name: '预警清单',
    title: `${office}${period.year}年${period.month}月重大项目预警清单`,
    note: `共${standings.length}个项目：${countsText(counts)}`,
    columns: [
      { header: '序号', width: 6, kind: 'int' },
      { header: '预警等级', width: 10, kind: 'center' },
      { header: '项目编号', width: 13, kind: 'text' },
      { header: '项目名称', width: 28, kind: 'wrap' },
      { header: '所属片区', width: 16, kind: 'wrap' },
      { header: '建设单位', width: 26, kind: 'wrap' },
      { header: '预警原因', width: 50, kind: 'wrap' },
      { header: '调整理由', width: 22, kind: 'wrap' },
    ],
    freezeColumns: 4,
  });
  let sectionNo = 0;
  for (const level of ['red', 'yellow'] as const) {
    const list = standings
      .filter((s) => s.level === level)
      .sort((a, b) => a.code.localeCompare(b.code));
    if (list.length === 0) continue;
    addSection(sheet, `${chineseNumeral(++sectionNo)}、${LEVEL_ZH[level]}项目（${list.length}个）`);
    list.forEach((s, n) => {
      const row = addRow(sheet, [
        n + 1,
        LEVEL_ZH[s.level],
        safeText(s.code),
        safeText(s.name),
        safeText(s.area),
        safeText(s.ownerUnit),
        safeText(
          s.reasons
            .filter((r) => r.level !== 'green')
            .map((r) => r.zh)
            .join('；') || null,
        ),
        safeText(s.overrideReason),
      ]);
      paintLevel(row.getCell(2), s.level);
    });
  }
  addRow(
    sheet,
    [
      null,
      null,
      null,
      `合计（${counts.red + counts.yellow}个）`,
      null,
      null,
      countsText(counts),
      null,
    ],
    'total',
  );
  return toBuffer(wb);
}
