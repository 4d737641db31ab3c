import { once } from 'node:events';
import { createDeflateRaw } from 'node:zlib';
import { asc, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildXlsx,
  day,
  LEDGER_HEADER,
  multipartBody,
  PLAN_HEADER,
  type TestSheet,
  zipOf,
} from '../../../../test/fixtures/workbooks.ts';
import { createTestApp } from '../../../../test/test-app.ts';
import { createTestDatabase, testContext } from '../../../../test/test-db.ts';
import { formatIssue } from '../../../domain/workbook-sheets.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { verifyRollups } from '../dispatch/rollups.service.ts';
import { projectYearRollups } from '../dispatch/rollups.table.ts';
import { buildExport } from '../exports/exports.service.ts';
import { milestoneChanges, milestones } from '../milestones/milestones.table.ts';
import { investmentPlans, planRevisions } from '../plans/plans.table.ts';
import { listProjects } from '../projects/projects.service.ts';
import { projects } from '../projects/projects.table.ts';
import { returnReport } from '../reports/reports.service.ts';
import { monthlyReports, reportTransitions } from '../reports/reports.table.ts';
import { ensureUnit } from '../units/units.service.ts';
import { type ImportResult, importWorkbook } from './imports.service.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
let t: TestApp;
let db: Db;
let ctx: Ctx;
beforeAll(async () => {
  t = await createTestApp();
  db = t.database.db;
  ctx = await testContext(t.database);
});
afterAll(() => t.close());

const REPORT_HEADER = [
  '项目编号',
  '月份',
  '本月完成投资（万元）',
  '形象进度（%）',
  '进展情况',
  '存在问题',
];
const cumulative = (step: number, to = 12) => Array.from({ length: to }, (_, i) => step * (i + 1));

/** A workbook as an office makes it by hand: titles, unit lines, sections, subtotals, mixed spellings. */
function messySheets(prefix = 'GM'): TestSheet[] {
  const p = (n: number) => `${prefix}-00${n}`;
  return [
    {
      name: '项目台账',
      merges: ['A1:L1', 'A4:L4', 'A10:L10'],
      rows: [
        ['2026年重大项目台账'],
        [null, null, null, null, null, null, null, null, null, null, '单位：万元'],
        // Shuffled columns, half-width brackets, a line break and spaces in headers.
        [
          '序号',
          '项目名称',
          ' 项目编号 ',
          '所属片区',
          '项目类别',
          '标签',
          '建设单位',
          '建设阶段',
          '总投资(万元)',
          '计划开工\n时间',
          '计划竣工时间',
          '备注',
        ],
        ['一、东湖片区'],
        [
          1,
          '东湖一号路',
          p(1),
          '东湖片区',
          '市政道路',
          '六重、市投市建',
          '区建筑工务署',
          '在建',
          12345.5,
          day('2024-03-05'),
          '2025/12/31',
          '  备注一  ',
        ],
        [
          2,
          ' 东湖医院 ',
          `  ${p(2)} `,
          '东湖片区',
          '医疗卫生',
          '六重, 区投',
          '市建筑工务署',
          '前期',
          '12,345.50',
          '2024.03.05',
          '2026年6月30日',
          null,
        ],
        [
          3,
          '东湖公园',
          p(3),
          '东湖片区',
          '公园绿地',
          'A；B C',
          '区建筑工务署',
          '竣工',
          '１２３４５．５',
          '2024年3月5日',
          20251231,
          null,
        ],
        [null, '小计', null, null, null, null, null, null, 37036.5],
        [],
        ['二、西湖片区'],
        [
          1,
          '西湖学校',
          p(4),
          '西湖片区',
          '教育设施',
          null,
          '新单位甲',
          '投用',
          ' 500 ',
          '2024-3-5',
          null,
          null,
        ],
        [null, '合计', null, null, null, null, null, null, 37536.5],
      ],
    },
    {
      name: '年度计划',
      // A two-row header: 时序目标 merged above 1月…12月, the other headers merged down.
      merges: ['A2:A3', 'B2:B3', 'C2:C3', 'D2:O2'],
      rows: [
        ['2026年度投资计划'],
        ['项目编号', '年度', '年度计划投资（万元）', '时序目标（按月累计）'],
        [null, null, null, ...Array.from({ length: 12 }, (_, i) => `${i + 1}月`)],
        [p(1), 2026, '1,200', ...cumulative(100)],
        [p(2), '2026年', 600, ...cumulative(50).map(String)],
      ],
    },
    {
      name: '月度完成',
      rows: [
        ['2026年月度投资完成情况'],
        [null, null, null, null, null, '单位：万元'],
        REPORT_HEADER,
        [p(1), '2026-03', 120.5, 30, '路基施工', null],
        [p(1), '2026年4月', '1,000', '35%', '  ', '征地'],
        [p(2), day('2026-04-15'), '１００', { v: 0.5, numFmt: '0%' }, null, null],
        [p(2), '2026-05', '0', null, null, null],
      ],
    },
    {
      name: '节点',
      rows: [
        ['项目编号', '节点名称', '计划日期', '实际日期'],
        [p(1), '开工', day('2024-03-05'), '2024/3/10'],
        [p(1), '主体封顶', '2025-06-30', null],
        [p(2), '立项', '2023年1月5日', '2023.01.05'],
      ],
    },
  ];
}

async function run(
  sheets: TestSheet[],
  opts: { dryRun?: boolean; as?: Ctx } = {},
): Promise<ImportResult> {
  return importWorkbook(db, opts.as ?? ctx, await buildXlsx(sheets), { dryRun: opts.dryRun });
}

async function projectRow(code: string) {
  const list = await listProjects(db, ctx, { q: code, archived: 'include' });
  return list.items.find((p) => p.code === code);
}

/** Everything an import could touch, to prove a refused or repeated import changed nothing. */
async function snapshot() {
  const tally = async (
    table: typeof reportTransitions | typeof planRevisions | typeof milestoneChanges,
  ) => (await db.select({ n: count() }).from(table))[0].n;
  return {
    projects: await db
      .select({ id: projects.id, v: projects.version, u: projects.updatedAt })
      .from(projects)
      .orderBy(asc(projects.id)),
    reports: await db
      .select({ id: monthlyReports.id, v: monthlyReports.version })
      .from(monthlyReports)
      .orderBy(asc(monthlyReports.id)),
    plans: await db
      .select({ id: investmentPlans.id, v: investmentPlans.version })
      .from(investmentPlans)
      .orderBy(asc(investmentPlans.id)),
    milestones: await db
      .select({ id: milestones.id, v: milestones.version })
      .from(milestones)
      .orderBy(asc(milestones.id)),
    transitions: await tally(reportTransitions),
    revisions: await tally(planRevisions),
    changes: await tally(milestoneChanges),
    rollups: await db.select().from(projectYearRollups).orderBy(asc(projectYearRollups.projectId)),
  };
}

describe('a messy hand-made workbook', () => {
  let first: ImportResult;
  beforeAll(async () => {
    first = await run(messySheets());
  });

  it('imports every sheet, creating units, areas and categories by name', () => {
    expect(first.errors).toEqual([]);
    expect(first.ok).toBe(true);
    expect(first.sheets).toEqual(['项目台账', '年度计划', '月度完成', '节点']);
    expect(first.summary).toEqual({
      projects: { created: 4, updated: 0, unchanged: 0 },
      plans: { created: 2, updated: 0, unchanged: 0 },
      reports: { created: 4, updated: 0, unchanged: 0 },
      milestones: { created: 3, updated: 0, unchanged: 0 },
      refusedRows: 0,
    });
    expect(first.created.units.sort()).toEqual(['区建筑工务署', '市建筑工务署', '新单位甲'].sort());
    expect(first.created.areas).toEqual(['东湖片区', '西湖片区']);
    expect(first.created.categories).toEqual(['市政道路', '医疗卫生', '公园绿地', '教育设施']);
  });

  it('reads numbers, separators, full-width digits, every date spelling, tags and trims spaces', async () => {
    expect(await projectRow('GM-001')).toMatchObject({
      name: '东湖一号路',
      areaName: '东湖片区',
      categoryName: '市政道路',
      tags: ['六重', '市投市建'],
      ownerUnitName: '区建筑工务署',
      phase: 'construction',
      totalInvestment: '12345.50',
      plannedStart: '2024-03-05',
      plannedFinish: '2025-12-31',
      remarks: '备注一',
    });
    expect(await projectRow('GM-002')).toMatchObject({
      name: '东湖医院',
      tags: ['六重', '区投'],
      phase: 'preparation',
      totalInvestment: '12345.50',
      plannedStart: '2024-03-05',
      plannedFinish: '2026-06-30',
      remarks: null,
    });
    expect(await projectRow('GM-003')).toMatchObject({
      tags: ['A', 'B', 'C'],
      phase: 'completed',
      totalInvestment: '12345.50',
      plannedStart: '2024-03-05',
      plannedFinish: '2025-12-31',
    });
    expect(await projectRow('GM-004')).toMatchObject({
      areaName: '西湖片区',
      ownerUnitName: '新单位甲',
      phase: 'in_use',
      totalInvestment: '500.00',
      plannedStart: '2024-03-05',
      plannedFinish: null,
    });
  });

  it('reads plans under a two-row header, with start-of-year plan and first revision', async () => {
    const rows = await db
      .select({ code: projects.code, plan: investmentPlans })
      .from(investmentPlans)
      .innerJoin(projects, eq(projects.id, investmentPlans.projectId))
      .where(eq(investmentPlans.year, 2026))
      .orderBy(asc(projects.code));
    expect(
      rows.map((r) => [
        r.code,
        r.plan.annualTarget,
        r.plan.timingTargets[2],
        r.plan.timingTargets[11],
        r.plan.revision,
      ]),
    ).toEqual([
      ['GM-001', '1200.00', '300.00', '1200.00', 1],
      ['GM-002', '600.00', '150.00', '600.00', 1],
    ]);
    expect(rows[0].plan.initialTimingTargets).toEqual(rows[0].plan.timingTargets);
    const revisions = await db.select().from(planRevisions);
    expect(revisions.every((r) => r.reason === '年初计划（Excel导入）')).toBe(true);
  });

  it('records monthly figures as approved reports from the import, months and progress in every form', async () => {
    const rows = await db
      .select({ code: projects.code, r: monthlyReports })
      .from(monthlyReports)
      .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
      .orderBy(asc(projects.code), asc(monthlyReports.month));
    expect(
      rows.map(({ code, r }) => [
        code,
        r.month,
        r.investment,
        r.progressPercent,
        r.progressText,
        r.problems,
        r.status,
        r.source,
      ]),
    ).toEqual([
      ['GM-001', 3, '120.50', '30.00', '路基施工', null, 'approved', 'import'],
      ['GM-001', 4, '1000.00', '35.00', null, '征地', 'approved', 'import'],
      ['GM-002', 4, '100.00', '50.00', null, null, 'approved', 'import'],
      ['GM-002', 5, '0.00', null, null, null, 'approved', 'import'],
    ]);
  });

  it('keeps milestones with their standard kinds and the roll-ups agree with the raw rows', async () => {
    const rows = await db
      .select({ code: projects.code, m: milestones })
      .from(milestones)
      .innerJoin(projects, eq(projects.id, milestones.projectId))
      .orderBy(asc(milestones.id));
    expect(rows.map(({ code, m }) => [code, m.kind, m.name, m.plannedDate, m.actualDate])).toEqual([
      ['GM-001', 'start', '开工', '2024-03-05', '2024-03-10'],
      ['GM-001', 'topping_out', '主体封顶', '2025-06-30', null],
      ['GM-002', 'approval', '立项', '2023-01-05', '2023-01-05'],
    ]);
    expect((await verifyRollups(db)).differences).toEqual([]);
    const [r] = await db
      .select()
      .from(projectYearRollups)
      .innerJoin(projects, eq(projects.id, projectYearRollups.projectId))
      .where(eq(projects.code, 'GM-001'));
    expect(r.project_year_rollups.actualCumulative.slice(2, 5)).toEqual([
      '120.50',
      '1120.50',
      '1120.50',
    ]);
  });

  it('is idempotent: the same workbook again changes nothing at all', async () => {
    const before = await snapshot();
    const again = await run(messySheets());
    expect(again.ok).toBe(true);
    expect(again.summary).toEqual({
      projects: { created: 0, updated: 0, unchanged: 4 },
      plans: { created: 0, updated: 0, unchanged: 2 },
      reports: { created: 0, updated: 0, unchanged: 4 },
      milestones: { created: 0, updated: 0, unchanged: 3 },
      refusedRows: 0,
    });
    expect(again.created).toEqual({ units: [], areas: [], categories: [] });
    expect(again.changes).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('updates matched projects field by field and lists each change; plans become revisions', async () => {
    const sheets = messySheets();
    sheets[0].rows[4][8] = 13000; // GM-001 总投资
    sheets[0].rows[4][5] = '六重'; // GM-001 标签
    sheets[1].rows[3][14] = 1200; // unchanged December
    sheets[1].rows[3][5] = 250; // GM-001 3月 300 → 250
    sheets[2].rows[3][2] = 130; // GM-001 2026-03 120.5 → 130
    sheets[3].rows[2][2] = '2025-09-30'; // 主体封顶 moved
    const result = await run(sheets);
    expect(result.ok, JSON.stringify(result.errors)).toBe(true);
    expect(result.summary.projects).toEqual({ created: 0, updated: 1, unchanged: 3 });
    expect(result.summary.plans).toEqual({ created: 0, updated: 1, unchanged: 1 });
    expect(result.summary.reports).toEqual({ created: 0, updated: 1, unchanged: 3 });
    expect(result.summary.milestones).toEqual({ created: 0, updated: 1, unchanged: 2 });
    expect(result.changes).toEqual([
      {
        code: 'GM-001',
        name: '东湖一号路',
        action: 'update',
        fields: [
          { field: 'tags', label: '标签', before: '六重、市投市建', after: '六重' },
          {
            field: 'totalInvestment',
            label: '总投资（万元）',
            before: '12345.50',
            after: '13000.00',
          },
        ],
      },
    ]);
    const [plan] = await db
      .select({ plan: investmentPlans })
      .from(investmentPlans)
      .innerJoin(projects, eq(projects.id, investmentPlans.projectId))
      .where(eq(projects.code, 'GM-001'));
    expect(plan.plan).toMatchObject({ revision: 2, version: 2 });
    expect(plan.plan.timingTargets[2]).toBe('250.00');
    expect(plan.plan.initialTimingTargets[2]).toBe('300.00');
    const moved = await db.select().from(milestoneChanges);
    expect(moved.map((m) => [m.oldPlannedDate, m.newPlannedDate, m.reason])).toEqual([
      ['2025-06-30', '2025-09-30', 'Excel导入调整'],
    ]);
    expect((await verifyRollups(db)).differences).toEqual([]);
    // Back to the original figures for the tests below.
    expect((await run(messySheets())).ok).toBe(true);
  });

  it('leaves fields of absent columns as they are', async () => {
    const result = await run([
      {
        name: '项目台账',
        rows: [
          ['项目编号', '项目名称', '总投资'],
          ['GM-003', '东湖公园（改名）', '12345.5'],
        ],
      },
    ]);
    expect(result.summary.projects).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(result.changes[0].fields.map((f) => f.field)).toEqual(['name']);
    expect(await projectRow('GM-003')).toMatchObject({
      name: '东湖公园（改名）',
      tags: ['A', 'B', 'C'],
      phase: 'completed',
      categoryName: '公园绿地',
    });
  });

  it('a dry run answers the same summary and writes nothing', async () => {
    const before = await snapshot();
    const result = await run(messySheets('DRY'), { dryRun: true });
    expect(result).toMatchObject({ ok: true, dryRun: true });
    expect(result.summary.projects.created).toBe(4);
    expect(result.summary.reports.created).toBe(4);
    expect(result.changes).toHaveLength(4);
    expect(await snapshot()).toEqual(before);
  });

  it('takes the area from section rows when there is no 所属片区 column, and finds sheets by a name containing theirs', async () => {
    const result = await run([
      {
        name: '2026年项目台账（汇总）',
        rows: [
          ['序号', '项目编号', '项目名称', '总投资（万元）'],
          ['（一）北湖片区'],
          [1, 'SEC-1', '北湖路', 10],
          ['合计', null, null, 10],
          ['二、南湖片区'],
          [1, 'SEC-2', '南湖路', 20],
          ['注：本表由区建筑工务署填报'],
        ],
      },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.sheets).toEqual(['项目台账']);
    expect(await projectRow('SEC-1')).toMatchObject({
      areaName: '北湖片区',
      totalInvestment: '10.00',
    });
    expect(await projectRow('SEC-2')).toMatchObject({ areaName: '南湖片区' });
  });

  it('a workbook with only 月度完成 is a monthly update', async () => {
    const result = await run([
      { name: '月度完成', rows: [REPORT_HEADER, ['GM-004', '2026-06', 88]] },
    ]);
    expect(result.ok).toBe(true);
    expect(result.sheets).toEqual(['月度完成']);
    expect(result.summary.reports).toEqual({ created: 1, updated: 0, unchanged: 0 });
  });
});

describe('a broken workbook', () => {
  const broken = (): TestSheet[] => [
    {
      name: '项目台账',
      rows: [
        LEDGER_HEADER,
        [1, 'E-001', '正常项目', '东湖片区'],
        [2, 'E-001', '重复编号'],
        [3, 'E-003', '日期错', null, null, null, null, null, null, '2024-02-30', '下个月'],
        [4, 'E-005', '负数', null, null, null, null, null, -5],
        [5, 'E-006', '顺序错', null, null, null, null, null, null, '2025-01-01', '2024-01-01'],
        [6, 'E-007', '阶段错', null, null, null, null, '暂停'],
        [7, 'E-008', null, '东湖片区'],
        [8, null, '没有编号', '东湖片区'],
      ],
    },
    {
      name: '年度计划',
      rows: [
        PLAN_HEADER,
        ['E-001', 2026, 1200, 100, 200, 300, 250, 500, 600, 700, 800, 900, 1000, 1100, 1200],
        ['NOPE', 2026, 1200, ...cumulative(100)],
        ['E-001', 2027, 1200, ...cumulative(100, 11), 1300],
      ],
    },
    {
      name: '月度完成',
      rows: [
        ['月度完成情况'],
        ['单位：万元'],
        REPORT_HEADER,
        ['E-001', '2026-03', 10, 50],
        ['E-001', '2026-04', -120.5],
        ['E-001', '2026-05', 10, 120],
        ['E-001', '2027-01', 10],
        ['E-001', '三月', 10],
        ['E-001', '2026-03', 20],
        ['E-001', '2026-06', 'abc'],
      ],
    },
    {
      name: '节点',
      rows: [
        ['项目编号', '计划日期', '实际日期'],
        ['E-001', '2024-01-01'],
      ],
    },
  ];

  it('is refused with every error at once, each with its sheet, row, column, value and reason', async () => {
    const before = await snapshot();
    const result = await run(broken());
    expect(result.ok).toBe(false);
    const where = result.errors.map((e) => [`${e.sheet}!${e.column ?? ''}${e.row ?? ''}`, e.code]);
    expect(where).toEqual([
      ['项目台账!B3', 'row.duplicate'],
      ['项目台账!J4', 'date.impossible'],
      ['项目台账!K4', 'date.invalid'],
      ['项目台账!I5', 'amount.negative'],
      ['项目台账!K6', 'dates.order'],
      ['项目台账!H7', 'phase.invalid'],
      ['项目台账!C8', 'name.required'],
      ['项目台账!B9', 'code.required'],
      ['年度计划!G2', 'plan.timing_decreasing'],
      ['年度计划!A3', 'code.unknown'],
      ['年度计划!O4', 'plan.december_mismatch'],
      ['月度完成!C5', 'amount.negative'],
      ['月度完成!D6', 'progress.range'],
      ['月度完成!B7', 'month.future'],
      ['月度完成!B8', 'month.invalid'],
      ['月度完成!A9', 'row.duplicate'],
      ['月度完成!C10', 'amount.invalid'],
      ['节点!1', 'column.missing'],
    ]);
    const lines = result.errors.map((e) => formatIssue(e));
    expect(lines).toContain('月度完成!C5 "-120.5": 本月完成投资不能为负数');
    expect(lines).toContain('项目台账!B3 "E-001": 项目编号“E-001”重复，已在第2行出现');
    expect(lines).toContain('项目台账!J4 "2024-02-30": 计划开工时间：日期“2024-02-30”不存在');
    expect(lines).toContain(
      '年度计划!A3 "NOPE": 项目编号“NOPE”不存在（台账和本工作簿的项目台账中都没有）',
    );
    expect(lines).toContain('节点!1 "节点名称": 缺少必需的列“节点名称”');
    expect(lines).toContain('月度完成!D6 "120": 形象进度应在0–100%之间');
    expect(result.errors.every((e) => e.reason && e.reasonEn)).toBe(true);
    expect(formatIssue(result.errors[11], 'en')).toBe(
      '月度完成!C5 "-120.5": investment of the month must not be negative',
    );
    expect(result.summary.refusedRows).toBe(16);
    expect(result.errorCount).toBe(18);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses amounts in another unit than 万元', async () => {
    const result = await run([
      {
        name: '项目台账',
        rows: [['单位：元'], ['项目编号', '项目名称', '总投资（亿元）'], ['U-1', '单位不对', 3]],
      },
    ]);
    expect(result.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [1, 'A', 'column.unit'],
      [2, 'C', 'column.unit'],
    ]);
  });

  it('refuses a workbook without any sheet it knows', async () => {
    const result = await run([{ name: 'Sheet1', rows: [['随便', '什么']] }]);
    expect(result.errors.map((e) => e.code)).toEqual(['file.no_sheets']);
  });
});

describe('who may import what', () => {
  let mine: number;
  let reporter: Ctx;
  beforeAll(async () => {
    const { unit } = await ensureUnit(db, ctx, '本单位');
    await ensureUnit(db, ctx, '别的单位');
    const result = await run([
      {
        name: '项目台账',
        rows: [
          ['项目编号', '项目名称', '建设单位'],
          ['R-MINE', '本单位项目', '本单位'],
          ['R-OTHER', '别的单位项目', '别的单位'],
        ],
      },
      { name: '年度计划', rows: [PLAN_HEADER, ['R-MINE', 2026, 1200, ...cumulative(100)]] },
    ]);
    expect(result.ok).toBe(true);
    mine = unit.id;
    reporter = await testContext(t.database, { role: 'reporter', unitId: mine });
  });

  it("a reporter may import only their own unit's 月度完成 and 节点; everything else is refused, nothing written", async () => {
    const before = await snapshot();
    const result = await run(
      [
        {
          name: '项目台账',
          rows: [
            ['项目编号', '项目名称'],
            ['R-NEW', '填报员新建'],
          ],
        },
        {
          name: '月度完成',
          rows: [
            REPORT_HEADER,
            ['R-MINE', '2026-01', 10],
            ['R-OTHER', '2026-01', 10],
            ['R-NONE', '2026-01', 10],
          ],
        },
      ],
      { as: reporter },
    );
    expect(result.errors.map((e) => formatIssue(e))).toEqual([
      '项目台账: 没有修改本工作表数据的权限，不能导入本工作表',
      '月度完成!A3 "R-OTHER": 项目编号“R-OTHER”不存在或不属于本单位',
      '月度完成!A4 "R-NONE": 项目编号“R-NONE”不存在或不属于本单位',
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it("a reporter's own figures are submitted for review, not approved", async () => {
    const result = await run(
      [{ name: '月度完成', rows: [REPORT_HEADER, ['R-MINE', '2026-01', 10, 5]] }],
      { as: reporter },
    );
    expect(result.ok, JSON.stringify(result.errors)).toBe(true);
    expect(result.summary.reports).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const [r] = await db
      .select({ r: monthlyReports })
      .from(monthlyReports)
      .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
      .where(eq(projects.code, 'R-MINE'));
    expect(r.r).toMatchObject({ status: 'submitted', source: 'import', investment: '10.00' });
    expect((await verifyRollups(db)).differences).toEqual([]);
    // Unchanged figures are not an error; changed ones cannot overwrite a submitted report.
    expect(
      (
        await run([{ name: '月度完成', rows: [REPORT_HEADER, ['R-MINE', '2026-01', 10, 5]] }], {
          as: reporter,
        })
      ).ok,
    ).toBe(true);
    const changed = await run(
      [{ name: '月度完成', rows: [REPORT_HEADER, ['R-MINE', '2026-01', 12]] }],
      { as: reporter },
    );
    expect(changed.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, 'C', 'report.locked'],
    ]);
    // Returned by the coordinator, the figures may come again; the transition says from what.
    await returnReport(db, ctx, r.r.id, { reason: '数据有误' });
    const again = await run(
      [{ name: '月度完成', rows: [REPORT_HEADER, ['R-MINE', '2026-01', 12]] }],
      { as: reporter },
    );
    expect(again.ok, JSON.stringify(again.errors)).toBe(true);
    expect(again.summary.reports).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const moves = await db
      .select({ from: reportTransitions.fromStatus, to: reportTransitions.toStatus })
      .from(reportTransitions)
      .where(eq(reportTransitions.reportId, r.r.id))
      .orderBy(asc(reportTransitions.id));
    expect(moves.map((m) => `${m.from}→${m.to}`)).toEqual([
      'null→submitted',
      'submitted→returned',
      'returned→submitted',
    ]);
  });

  it("a reporter imports their own unit's 节点, as policy.ts lets them write milestones", async () => {
    const header = ['项目编号', '节点名称', '计划日期', '实际日期'];
    const refused = await run(
      [
        {
          name: '节点',
          rows: [
            header,
            ['R-MINE', '开工', '2026-03-01', null],
            ['R-OTHER', '开工', '2026-03-01', null],
          ],
        },
      ],
      { as: reporter },
    );
    expect(refused.errors.map((e) => formatIssue(e))).toEqual([
      '节点!A3 "R-OTHER": 项目编号“R-OTHER”不存在或不属于本单位',
    ]);
    const result = await run(
      [{ name: '节点', rows: [header, ['R-MINE', '开工', '2026-03-01', null]] }],
      { as: reporter },
    );
    expect(result.ok, JSON.stringify(result.errors)).toBe(true);
    expect(result.summary.milestones).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const rows = await db
      .select({ name: milestones.name, plannedDate: milestones.plannedDate })
      .from(milestones)
      .innerJoin(projects, eq(projects.id, milestones.projectId))
      .where(eq(projects.code, 'R-MINE'));
    expect(rows).toEqual([{ name: '开工', plannedDate: '2026-03-01' }]);
  });

  it('a leader may not import at all', async () => {
    const leader = await testContext(t.database, { role: 'leader' });
    await expect(
      run([{ name: '月度完成', rows: [REPORT_HEADER, ['R-MINE', '2026-02', 1]] }], { as: leader }),
    ).rejects.toMatchObject({
      code: 'permission.forbidden',
    });
  });
});

describe('files that are not workbooks, or are hostile', () => {
  const codeOf = async (buf: Buffer) => {
    const r = await importWorkbook(db, ctx, buf);
    expect(r.ok).toBe(false);
    return r.errors.map((e) => e.code);
  };
  const workbookXml = { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') };

  it('refuses a zip bomb, whether its headers lie about the size or not', async () => {
    const deflate = createDeflateRaw({ level: 9 });
    const parts: Buffer[] = [];
    deflate.on('data', (c: Buffer) => parts.push(c));
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < 210; i++) deflate.write(zeros);
    deflate.end();
    await once(deflate, 'end');
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const lying = zipOf([
      workbookXml,
      {
        name: 'xl/worksheets/sheet1.xml',
        data: Buffer.alloc(0),
        deflated: bomb,
        declaredSize: 1000,
      },
    ]);
    expect(await codeOf(lying)).toEqual(['file.too_large_uncompressed']);
    const honest = zipOf([
      workbookXml,
      {
        name: 'xl/worksheets/sheet1.xml',
        data: Buffer.alloc(0),
        deflated: bomb,
        declaredSize: 210 * 1024 * 1024,
      },
    ]);
    expect(await codeOf(honest)).toEqual(['file.too_large_uncompressed']);
  });

  it('refuses too many zip entries, XML entities, encrypted or old .xls files and damaged zips', async () => {
    const many = zipOf([
      workbookXml,
      ...Array.from({ length: 2001 }, (_, i) => ({
        name: `x/${i}.xml`,
        data: Buffer.from('<a/>'),
      })),
    ]);
    expect(await codeOf(many)).toEqual(['file.too_many_entries']);
    const xxe = zipOf([
      {
        name: 'xl/workbook.xml',
        data: Buffer.from(
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><workbook>&e;</workbook>',
        ),
      },
    ]);
    expect(await codeOf(xxe)).toEqual(['file.unsafe']);
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]);
    expect(await codeOf(ole)).toEqual(['file.xls']);
    const real = await buildXlsx(messySheets('TRUNC'));
    expect(await codeOf(real.subarray(0, Math.floor(real.length / 2)))).toEqual(['file.corrupt']);
  });

  it('refuses files that are not workbooks with a sentence that says so', async () => {
    const docx = zipOf([{ name: 'word/document.xml', data: Buffer.from('<w:document/>') }]);
    expect(await codeOf(docx)).toEqual(['file.not_workbook']);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(await codeOf(png)).toEqual(['file.not_workbook']);
    expect(await codeOf(Buffer.from('这只是一段文字，不是表格。\n第二行'))).toEqual([
      'file.not_workbook',
    ]);
    expect(await codeOf(Buffer.alloc(0))).toEqual(['file.not_workbook']);
    const r = await importWorkbook(db, ctx, png);
    expect(formatIssue(r.errors[0])).toBe('文件不是Excel工作簿（.xlsx），也不是月度完成CSV');
  });

  it('refuses a file over the size limit', async () => {
    const r = await importWorkbook(db, ctx, Buffer.alloc(1024), {
      limits: { fileBytes: 1000, uncompressedBytes: 1e6, entries: 10 },
    });
    expect(r.errors.map((e) => e.code)).toEqual(['file.too_large']);
  });
});

describe('CSV for 月度完成', () => {
  it('reads UTF-8 with a BOM', async () => {
    const csv = Buffer.from(
      '\uFEFF项目编号,月份,本月完成投资（万元）,形象进度（%）\r\nGM-003,2026-07,"1,234.50",40%\r\n',
    );
    const r = await importWorkbook(db, ctx, csv);
    expect(r).toMatchObject({ ok: true, format: 'csv', sheets: ['月度完成'] });
    expect(r.summary.reports.created).toBe(1);
  });

  it('reads GBK as Excel saves it on a Chinese Windows, and reports errors by line and column', async () => {
    // 项目编号,月份,本月完成投资（万元）,进展情况 / GM-1,2026年3月,"1,234.50",主体结构施工 in GBK
    const gbk = Buffer.from(
      'cfeec4bfb1e0bac52cd4c2b7dd2cb1bed4c2cdeab3c9cdb6d7caa3a8cdf2d4aaa3a92cbdf8d5b9c7e9bff60d0a474d2d312c32303236c4ea33d4c22c22312c3233342e3530222cd6f7cce5bde1b9b9caa9b9a40d0a',
      'hex',
    );
    const r = await importWorkbook(db, ctx, gbk);
    expect(r.format).toBe('csv');
    expect(r.errors.map((e) => formatIssue(e))).toEqual([
      '月度完成!A2 "GM-1": 项目编号“GM-1”不存在（台账和本工作簿的项目台账中都没有）',
    ]);
  });

  it('a NUL past the first 8 KB is refused at its cell, nothing written', async () => {
    const long = '说明'.repeat(300);
    const lines = Array.from(
      { length: 11 },
      (_, i) => `GM-003,2025-${String(i + 1).padStart(2, '0')},1,${long}`,
    );
    const csv = Buffer.from(
      `项目编号,月份,本月完成投资（万元）,进展情况\r\n${lines.join('\r\n')}\r\nGM-003,2025-12,2,a\u0000b\r\n`,
    );
    const before = await db.select({ id: monthlyReports.id }).from(monthlyReports);
    const r = await importWorkbook(db, ctx, csv);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => formatIssue(e))).toEqual([
      '月度完成!D13: 单元格含有空字符（\\u0000），请检查文件是否损坏或另存为UTF-8 CSV',
    ]);
    expect(await db.select({ id: monthlyReports.id }).from(monthlyReports)).toHaveLength(
      before.length,
    );
  });

  it('a CSV with other columns is refused as not a 月度完成 CSV', async () => {
    const r = await importWorkbook(db, ctx, Buffer.from('项目编号,项目名称,总投资\nX,Y,1\n'));
    expect(r.errors.map((e) => e.code)).toEqual(['file.not_workbook']);
  });
});

describe('round trip: export → import → the same data', () => {
  it('the exported ledger imports into an empty office as the same projects, plans, reports and milestones', async () => {
    const file = await buildExport(db, ctx, { kind: 'ledger' });
    // Into the same office: nothing changes.
    const same = await importWorkbook(db, ctx, file.buffer);
    expect(same.ok, JSON.stringify(same.errors.slice(0, 3))).toBe(true);
    for (const k of ['projects', 'plans', 'reports', 'milestones'] as const) {
      expect(same.summary[k].created + same.summary[k].updated, k).toBe(0);
    }
    // Into a new office: the same data.
    const other = await createTestDatabase();
    try {
      const otherCtx = await testContext(other);
      const fresh = await importWorkbook(other.db, otherCtx, file.buffer);
      expect(fresh.ok, JSON.stringify(fresh.errors.slice(0, 3))).toBe(true);
      const dump = async (d: Db, c: Ctx) => ({
        projects: (await d.select().from(projects).orderBy(asc(projects.code))).map(
          ({
            id,
            officeId,
            areaId,
            categoryId,
            ownerUnitId,
            createdAt,
            updatedAt,
            version,
            ...p
          }) => p,
        ),
        views: (await listProjects(d, c, { pageSize: 500 })).items.map((p) => [
          p.code,
          p.areaName,
          p.categoryName,
          p.ownerUnitName,
        ]),
        plans: await d
          .select({
            code: projects.code,
            year: investmentPlans.year,
            a: investmentPlans.annualTarget,
            t: investmentPlans.timingTargets,
          })
          .from(investmentPlans)
          .innerJoin(projects, eq(projects.id, investmentPlans.projectId))
          .orderBy(asc(projects.code), asc(investmentPlans.year)),
        reports: await d
          .select({
            code: projects.code,
            y: monthlyReports.year,
            m: monthlyReports.month,
            i: monthlyReports.investment,
            p: monthlyReports.progressPercent,
            t: monthlyReports.progressText,
            q: monthlyReports.problems,
            s: monthlyReports.status,
          })
          .from(monthlyReports)
          .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
          .where(eq(monthlyReports.status, 'approved'))
          .orderBy(asc(projects.code), asc(monthlyReports.year), asc(monthlyReports.month)),
        milestones: await d
          .select({
            code: projects.code,
            n: milestones.name,
            k: milestones.kind,
            p: milestones.plannedDate,
            a: milestones.actualDate,
          })
          .from(milestones)
          .innerJoin(projects, eq(projects.id, milestones.projectId))
          .orderBy(asc(projects.code), asc(milestones.sortOrder), asc(milestones.id)),
      });
      const a = await dump(db, ctx);
      const b = await dump(other.db, otherCtx);
      expect(a.projects.length).toBeGreaterThan(5);
      expect(a.reports.length).toBeGreaterThan(5);
      expect(b).toEqual(a);
    } finally {
      await other.close();
    }
  });

  it('formula-like text is escaped in the export and comes back unchanged', async () => {
    const r = await run([
      {
        name: '项目台账',
        rows: [
          ['项目编号', '项目名称', '备注'],
          ['F-1', '=HYPERLINK("http://x","点我")', '+1 -2 @3'],
        ],
      },
    ]);
    expect(r.ok).toBe(true);
    const file = await buildExport(db, ctx, { kind: 'ledger' });
    const again = await importWorkbook(db, ctx, file.buffer);
    expect(again.ok).toBe(true);
    expect(again.summary.projects.updated).toBe(0);
    expect(await projectRow('F-1')).toMatchObject({
      name: '=HYPERLINK("http://x","点我")',
      remarks: '+1 -2 @3',
    });
  });
});

describe('HTTP', () => {
  const post = async (file: Buffer, query = '', field = 'file') => {
    const { payload, headers } = multipartBody(file, { field });
    return t.app.inject({ method: 'POST', url: `/api/imports${query}`, payload, headers });
  };

  it('previews with dryRun=true (200, nothing written) and imports without it', async () => {
    const book = await buildXlsx([
      {
        name: '项目台账',
        rows: [
          ['项目编号', '项目名称'],
          ['H-1', 'HTTP项目'],
        ],
      },
    ]);
    const preview = await post(book, '?dryRun=true');
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      ok: true,
      dryRun: true,
      summary: { projects: { created: 1 } },
    });
    expect(await projectRow('H-1')).toBeUndefined();
    const done = await post(book);
    expect(done.statusCode).toBe(200);
    expect(await projectRow('H-1')).toMatchObject({ name: 'HTTP项目' });
  });

  it('answers 422 with every error for a refused import', async () => {
    const res = await post(
      await buildXlsx([{ name: '月度完成', rows: [REPORT_HEADER, ['H-1', '2026-03', -1]] }]),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      ok: false,
      errors: [
        { sheet: '月度完成', row: 2, column: 'C', value: '-1', reason: '本月完成投资不能为负数' },
      ],
    });
  });

  it('answers 400 without a file and 413 above the size limit', async () => {
    const none = await t.app.inject({ method: 'POST', url: '/api/imports', payload: {} });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('import.no_file');
    const wrongField = await post(Buffer.from('x'), '', 'upload');
    expect(wrongField.statusCode).toBe(400);
    const big = await post(Buffer.alloc(21 * 1024 * 1024));
    expect(big.statusCode).toBe(413);
    expect(big.json().errors[0].code).toBe('file.too_large');
  });

  it('serves the blank template', async () => {
    const res = await t.app.inject({ url: '/api/imports/template' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''");
    // The blank template is "nothing to import", said plainly, not "sheets missing".
    const r = await importWorkbook(db, ctx, res.rawPayload, { dryRun: true });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.code)).toEqual(['file.empty']);
    expect(r.errors[0]!.reason).toBe(
      '没有可导入的数据：工作表项目台账、年度计划、月度完成、节点都是空的，请在表头下方填写后再导入',
    );
    expect(r.errors[0]!.reasonEn).toMatch(/^nothing to import: the sheets 项目台账, 年度计划/);
  });
});
