import { Decimal } from 'decimal.js';
import { and, eq, inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { percent, subtractWan, sumWan, type Wan } from '../../../domain/money.ts';
import type { YearMonth } from '../../../domain/periods.ts';
import type { Level } from '../../../domain/warning-rules.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { addRow, addStyledSheet, num, safeText } from '../exports/workbook-style.ts';
import { officeName } from '../offices/offices.service.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { evaluateMonth } from '../warnings/warnings.service.ts';

/**
 * One line of 市重大项目月报, the monthly report the district sends up to the city: the project,
 * its owner, the year's plan, the month's and the cumulative investment, the rate against the
 * plan, and the month's approved progress text and problems. Nobody's personal data.
 */
export type CityReportRow = {
  code: string;
  name: string;
  ownerUnit: string | null;
  area: string | null;
  category: string | null;
  tags: string[];
  annualTarget: Wan | null;
  monthActual: Wan;
  cumulative: Wan;
  /** cumulative over the annual plan, percent with one decimal, null without a plan */
  rate: string | null;
  level: Level;
  progressText: string | null;
  problems: string | null;
};

export type CityReport = {
  office: string;
  year: number;
  month: number;
  rows: CityReportRow[];
  total: {
    projects: number;
    annualTarget: Wan;
    monthActual: Wan;
    cumulative: Wan;
    rate: string | null;
  };
};

export async function cityReport(db: Db, ctx: Ctx, period: YearMonth): Promise<CityReport> {
  const standings = await evaluateMonth(db, ctx, { period });
  const texts = standings.length
    ? await db
        .select({
          projectId: monthlyReports.projectId,
          progressText: monthlyReports.progressText,
          problems: monthlyReports.problems,
        })
        .from(monthlyReports)
        .where(
          and(
            eq(monthlyReports.officeId, ctx.actor.officeId),
            eq(monthlyReports.year, period.year),
            eq(monthlyReports.month, period.month),
            eq(monthlyReports.status, 'approved'),
            inArray(
              monthlyReports.projectId,
              standings.map((s) => s.projectId),
            ),
          ),
        )
    : [];
  const textOf = new Map(texts.map((t) => [t.projectId, t]));
  const office = await officeName(db, ctx.actor.officeId);
  const i = period.month - 1;
  const rows = standings.map((s): CityReportRow => {
    const r = s.rollup;
    const cumulative = r ? r.actualCumulative[i] : '0.00';
    const before = r && i > 0 ? r.actualCumulative[i - 1] : '0.00';
    const annualTarget = r?.hasPlan ? r.annualTarget : null;
    const t = textOf.get(s.projectId);
    return {
      code: s.code,
      name: s.name,
      ownerUnit: s.ownerUnit,
      area: s.area,
      category: s.category,
      tags: s.tags,
      annualTarget,
      monthActual: subtractWan(cumulative, before),
      cumulative,
      rate: annualTarget === null ? null : percent(cumulative, annualTarget),
      level: s.level,
      progressText: t?.progressText ?? null,
      problems: t?.problems ?? null,
    };
  });
  const annualTarget = sumWan(rows.map((r) => r.annualTarget));
  const cumulative = sumWan(rows.map((r) => r.cumulative));
  return {
    office,
    year: period.year,
    month: period.month,
    rows,
    total: {
      projects: rows.length,
      annualTarget,
      monthActual: sumWan(rows.map((r) => r.monthActual)),
      cumulative,
      rate: percent(cumulative, annualTarget),
    },
  };
}

const rateCell = (rate: string | null) =>
  rate === null ? null : new Decimal(rate).dividedBy(100).toNumber();

/** The city's column layout, in the house style of every Tiaodu workbook. */
export async function cityReportWorkbook(
  db: Db,
  ctx: Ctx,
  period: YearMonth,
): Promise<{ filename: string; buffer: Buffer }> {
  const report = await cityReport(db, ctx, period);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tiaodu 调度';
  wb.created = ctx.now;
  const span = period.month === 1 ? '1月' : `1–${period.month}月`;
  const sheet = addStyledSheet(wb, {
    name: '市重大项目月报',
    title: `${report.office}${period.year}年${period.month}月市重大项目月报`,
    note: `报送单位：${report.office} · 共${report.total.projects}个项目`,
    unit: '单位：万元',
    columns: [
      { header: '序号', width: 6, kind: 'int' },
      { header: '项目名称', width: 30, kind: 'wrap' },
      { header: '建设单位', width: 24, kind: 'wrap' },
      { header: `${period.year}年计划投资`, width: 14, kind: 'money' },
      { header: `${period.month}月完成投资`, width: 13, kind: 'money' },
      { header: `${span}累计完成投资`, width: 14, kind: 'money' },
      { header: '年度计划完成率', width: 12, kind: 'rate' },
      { header: '形象进度', width: 40, kind: 'wrap' },
      { header: '存在问题', width: 34, kind: 'wrap' },
    ],
    freezeColumns: 2,
  });
  report.rows.forEach((r, n) => {
    addRow(sheet, [
      n + 1,
      safeText(r.name),
      safeText(r.ownerUnit),
      num(r.annualTarget),
      num(r.monthActual),
      num(r.cumulative),
      rateCell(r.rate),
      safeText(r.progressText),
      safeText(r.problems),
    ]);
  });
  addRow(
    sheet,
    [
      null,
      `合计（${report.total.projects}个）`,
      null,
      num(report.total.annualTarget),
      num(report.total.monthActual),
      num(report.total.cumulative),
      rateCell(report.total.rate),
      null,
      null,
    ],
    'total',
  );
  return {
    filename: `市重大项目月报-${period.year}年${period.month}月.xlsx`,
    buffer: Buffer.from(await wb.xlsx.writeBuffer()),
  };
}
