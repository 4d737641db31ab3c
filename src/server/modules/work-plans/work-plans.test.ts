import { and, asc, eq, inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject, buildUnit, ctxOf } from '../../../../test/factories.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { auditLog } from '../audit/audit.table.ts';
import { ensureArea } from '../projects/projects.service.ts';
import { periodStats } from '../stats/stats.service.ts';
import { createWorkPlanItem } from './work-plan-items.service.ts';
import { createWorkPlan } from './work-plans.service.ts';
import { workPlanItems } from './work-plans.table.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let sys: () => Ctx;
let unitA: number;
let unitB: number;
let coord: TestLogin;
let leader: TestLogin;
let reporterA: TestLogin;
let reporterB: TestLogin;
let areaId: number;

beforeAll(async () => {
  // 2023-10-10 10:00 in Shanghai
  t = await createTestApp({ auth: 'session', now: new Date('2023-10-10T02:00:00Z') });
  sys = () => ctxOf(t.officeId, t.clock.now);
  unitA = (await buildUnit(t.database.db, sys(), '区建筑工务署')).id;
  unitB = (await buildUnit(t.database.db, sys(), '光明区交通运输局')).id;
  areaId = (await ensureArea(t.database.db, sys(), '光明云谷片区')).row.id;
  await buildProject(t.database.db, sys(), { code: 'YG-1', ownerUnitId: unitA });
  await buildProject(t.database.db, sys(), { code: 'YG-2', ownerUnitId: unitB });
  coord = await t.loginAs('coordinator');
  leader = await t.loginAs('leader');
  reporterA = await t.loginAs('reporter', { unitId: unitA });
  reporterB = await t.loginAs('reporter', { unitId: unitB });
});
afterAll(() => t.close());

const call = (as: TestLogin, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: as.headers,
    ...(payload !== undefined ? { payload } : {}),
  });

function upload(as: TestLogin, url: string, file: Buffer) {
  const boundary = 'tiaodu-work-plan-boundary';
  return t.app.inject({
    method: 'POST',
    url,
    headers: { ...as.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="plan.xlsx"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
}

async function workbook(rows: (string | number | null)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('工作方案任务');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const HEADER = ['序号', '方面', '任务内容', '责任单位', '完成时限', '状态', '进展情况', '关联项目'];

describe('a work plan: themes, items, roll-ups, the unit updates its own items', () => {
  it('runs through the API with roll-ups per theme and unit, scoped per reporter, audited', async () => {
    const created = await call(coord, 'POST', '/api/work-plans', {
      name: '光明云谷片区开发建设工作方案',
      areaId,
      year: 2023,
      themes: ['规划统筹', '道路交通', '产业空间'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const plan = created.json();
    expect(plan).toMatchObject({
      areaName: '光明云谷片区',
      themes: 3,
      items: 0,
      can: ['edit', 'import'],
    });
    const [plan1, roads] = plan.themeList.map((th: { id: number }) => th.id);
    const add = async (body: object) => {
      const res = await call(coord, 'POST', `/api/work-plans/${plan.id}/items`, body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const a1 = await add({
      themeId: plan1,
      content: '完成云谷片区控制性详细规划修编',
      responsibleUnitId: unitA,
      deadline: '2023-09',
      status: 'in_progress',
    });
    const a2 = await add({
      themeId: roads,
      content: '云谷规划一路主线贯通',
      responsibleUnitId: unitA,
      deadline: '2023-12-31',
      projectCodes: ['YG-1'],
    });
    const b1 = await add({
      themeId: roads,
      content: '开通云谷片区公交接驳线路',
      responsibleUnitId: unitB,
      deadline: '2023-06-30',
      status: 'done',
      projectCodes: ['YG-2'],
    });
    expect([a1.seq, a2.seq, b1.seq]).toEqual([1, 2, 3]);
    // past its month and not done: shown as 滞后, computed, never stored
    expect(a1).toMatchObject({
      status: 'in_progress',
      shownStatus: 'delayed',
      statusZh: '滞后',
      overdue: true,
    });
    expect(b1).toMatchObject({ completedOn: '2023-10-10', projects: [{ code: 'YG-2' }] });

    const full = (await call(leader, 'GET', `/api/work-plans/${plan.id}`)).json();
    expect(full).toMatchObject({ items: 3, done: 1, overdue: 1, doneRate: '33.3', can: [] });
    expect(
      full.byTheme.map((r: Record<string, unknown>) => [
        r.key,
        r.items,
        r.done,
        r.overdue,
        r.doneRate,
      ]),
    ).toEqual([
      ['规划统筹', 1, 0, 1, '0.0'],
      ['道路交通', 2, 1, 0, '50.0'],
      ['产业空间', 0, 0, 0, null],
    ]);
    expect(
      full.byUnit.map((r: Record<string, unknown>) => [r.key, r.items, r.done, r.overdue]),
    ).toEqual([
      ['区建筑工务署', 2, 0, 1],
      ['光明区交通运输局', 1, 1, 0],
    ]);
    // a reporter sees its unit's items only, and its totals are of those
    const mine = (await call(reporterA, 'GET', `/api/work-plans/${plan.id}`)).json();
    expect(mine.itemList.map((i: { seq: number }) => i.seq)).toEqual([1, 2]);
    expect(mine).toMatchObject({ items: 2, done: 0, can: [] });
    const listB = (await call(reporterB, 'GET', '/api/work-plans')).json();
    expect(listB.plans).toMatchObject([{ id: plan.id, items: 1, done: 1 }]);
    expect((await call(reporterB, 'GET', `/api/work-plan-items/${a1.id}`)).statusCode).toBe(404);
    expect((await call(reporterA, 'GET', `/api/work-plan-items/${a1.id}`)).json().can).toEqual([
      'progress',
    ]);

    // the unit updates its own item; another unit cannot tell it exists; the leader only reads
    expect(
      (
        await call(reporterB, 'POST', `/api/work-plan-items/${a2.id}/progress`, {
          status: 'done',
          version: 1,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await call(leader, 'POST', `/api/work-plan-items/${a2.id}/progress`, {
          status: 'done',
          version: 1,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await call(reporterA, 'PATCH', `/api/work-plan-items/${a2.id}`, {
          content: '改',
          version: 1,
        })
      ).statusCode,
    ).toBe(403);
    const moved = await call(reporterA, 'POST', `/api/work-plan-items/${a2.id}/progress`, {
      status: 'in_progress',
      progress: '路基完成80%，正在铺设管线',
      version: 1,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      status: 'in_progress',
      version: 2,
      updatedBy: expect.any(String),
    });
    // a stale version is refused and names who changed it
    const stale = await call(coord, 'PATCH', `/api/work-plan-items/${a2.id}`, {
      deadline: '2024-03',
      version: 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toContain('当前版本2');
    const done = await call(reporterA, 'POST', `/api/work-plan-items/${a2.id}/progress`, {
      status: 'done',
      progress: '主线已通车',
      version: 2,
    });
    expect(done.json()).toMatchObject({ status: 'done', completedOn: '2023-10-10', version: 3 });

    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.objectType, 'work_plan_items'), eq(auditLog.objectId, String(a2.id))))
      .orderBy(asc(auditLog.seq));
    expect(
      audit.map((a) => [
        a.action,
        a.before && JSON.parse(a.before).status,
        a.after && JSON.parse(a.after).status,
        a.actorRole,
      ]),
    ).toEqual([
      ['work_plan_items.insert', null, 'not_started', 'coordinator'],
      ['work_plan_items.update', 'not_started', 'in_progress', 'reporter'],
      ['work_plan_items.update', 'in_progress', 'done', 'reporter'],
    ]);

    const stats = await periodStats(t.database.db, sys(), { from: '2023-01-01', to: '2023-12-31' });
    expect(stats.workPlans).toEqual([
      { name: '光明云谷片区开发建设工作方案', area: '光明云谷片区', themes: 3, items: 3, done: 2 },
    ]);
    const h1 = await periodStats(t.database.db, sys(), {
      from: '2023-01-01',
      to: '2023-06-30',
      unit: '光明区交通运输局',
    });
    // done in October: not done by the end of June
    expect(h1.workPlans).toEqual([
      { name: '光明云谷片区开发建设工作方案', area: '光明云谷片区', themes: 3, items: 1, done: 0 },
    ]);
  });

  it('refuses bad input naming the field, and edits themes in order', async () => {
    const bad = async (
      url: string,
      payload: object,
      field: string,
      method: 'POST' | 'PATCH' = 'POST',
    ) => {
      const res = await call(coord, method, url, payload);
      expect([res.statusCode, res.json().error.field], res.body).toEqual([400, field]);
    };
    await bad('/api/work-plans', { name: '方案', year: 2023, areaId: 999999 }, 'areaId');
    await bad('/api/work-plans', { name: '方案', year: 2023, themes: ['甲', '甲'] }, 'themes');
    const plan = await createWorkPlan(t.database.db, sys(), {
      name: '校验方案',
      year: 2023,
      themes: ['甲', '乙'],
    });
    const dup = await call(coord, 'POST', '/api/work-plans', { name: '校验方案', year: 2024 });
    expect(dup.statusCode).toBe(409);
    const url = `/api/work-plans/${plan.id}/items`;
    const ok = {
      themeId: plan.themeList[0]!.id,
      content: '任务',
      responsibleUnitId: unitA,
      deadline: '2023-12',
    };
    await bad(url, { ...ok, deadline: '2023-02-30' }, 'deadline');
    await bad(url, { ...ok, responsibleUnitId: 999999 }, 'responsibleUnitId');
    await bad(url, { ...ok, projectCodes: ['NOPE'] }, 'projectCodes');
    await bad(url, { ...ok, themeId: 999999 }, 'themeId');
    await createWorkPlanItem(t.database.db, sys(), plan.id, ok);
    // rename 甲, move 乙 first, add 丙; removing a theme that holds items is refused
    const [jia, yi] = plan.themeList.map((th) => th.id);
    const edited = await call(coord, 'PATCH', `/api/work-plans/${plan.id}`, {
      themes: [{ id: yi, name: '乙' }, { id: jia, name: '甲方面' }, { name: '丙' }],
      version: 2,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().themeList.map((th: { name: string }) => th.name)).toEqual([
      '乙',
      '甲方面',
      '丙',
    ]);
    await bad(
      `/api/work-plans/${plan.id}`,
      { themes: [{ id: yi, name: '乙' }], version: 3 },
      'themes',
      'PATCH',
    );
    const stale = await call(coord, 'PATCH', `/api/work-plans/${plan.id}`, {
      year: 2024,
      version: 2,
    });
    expect(stale.statusCode).toBe(409);
  });
});

describe('the item list as a workbook', () => {
  it('previews, commits, refuses a bad file whole, and re-imports its own export unchanged', async () => {
    const plan = await createWorkPlan(t.database.db, sys(), {
      name: '导入方案',
      year: 2023,
      themes: ['道路交通'],
    });
    const url = `/api/work-plans/${plan.id}/import`;
    const file = await workbook([
      ['光明云谷片区工作任务清单'],
      HEADER,
      [
        1,
        '道路交通',
        '云谷规划二路完成路面施工',
        '区建筑工务署',
        '2023-11',
        '推进中',
        '基层已完成',
        'YG-1',
      ],
      [
        2,
        '产业空间',
        '云谷二期完成主体结构封顶',
        '区建筑工务署',
        '2023-12-31',
        '未启动',
        null,
        null,
      ],
      [
        3,
        '产业空间',
        '引进人工智能企业不少于10家',
        '光明区交通运输局',
        '2023-06',
        '已完成',
        '已引进12家',
        'YG-1、YG-2',
      ],
    ]);
    const preview = await upload(coord, `${url}?dryRun=true`, file);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      ok: true,
      dryRun: true,
      summary: { created: 3, updated: 0, unchanged: 0 },
      themesCreated: ['产业空间'],
    });
    const count = async () =>
      (await t.database.db.select().from(workPlanItems).where(eq(workPlanItems.planId, plan.id)))
        .length;
    expect(await count()).toBe(0);
    // not the office: refused before the file is read
    expect((await upload(reporterA, url, file)).statusCode).toBe(403);

    const committed = await upload(coord, url, file);
    expect(committed.statusCode, committed.body).toBe(200);
    expect(committed.json().summary).toEqual({ created: 3, updated: 0, unchanged: 0 });
    const after = (await call(coord, 'GET', `/api/work-plans/${plan.id}`)).json();
    expect(after).toMatchObject({ items: 3, done: 1, themes: 2 });
    expect(after.itemList[2].projects.map((p: { code: string }) => p.code)).toEqual([
      'YG-1',
      'YG-2',
    ]);

    // a bad file: every problem with its sheet, row and column, and nothing written
    const badFile = await workbook([
      HEADER,
      [
        1,
        '道路交通',
        '云谷规划二路完成路面施工并通车',
        '区建筑工务署',
        '2023-11',
        '推进中',
        null,
        null,
      ],
      [4, '道路交通', '新任务', '无此单位', '2023-13', '推进中', null, null],
      [5, '道路交通', '另一任务', '区建筑工务署', '2023-12', '已完成', null, 'NOPE-1'],
    ]);
    const refused = await upload(coord, url, badFile);
    expect(refused.statusCode).toBe(422);
    expect(
      refused.json().errors.map((e: Record<string, unknown>) => [e.sheet, e.row, e.column, e.code]),
    ).toEqual([
      ['工作方案任务', 3, 'E', 'deadline.invalid'],
      ['工作方案任务', 4, 'H', 'project.unknown'],
    ]);
    const unknownUnit = await upload(
      coord,
      url,
      await workbook([HEADER, [4, '道路交通', '新任务', '无此单位', '2023-12', null, null, null]]),
    );
    expect(unknownUnit.json().errors).toMatchObject([
      { sheet: '工作方案任务', row: 2, column: 'D', code: 'unit.unknown' },
    ]);
    const unchanged = (await call(coord, 'GET', `/api/work-plans/${plan.id}`)).json();
    expect(unchanged.itemList[0].content).toBe('云谷规划二路完成路面施工');
    expect(unchanged.version).toBe(after.version);

    // export → import: nothing to change
    const exported = await call(reporterA, 'GET', `/api/work-plans/${plan.id}/export`);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('spreadsheetml');
    const full = await call(coord, 'GET', `/api/work-plans/${plan.id}/export`);
    const again = await upload(coord, url, full.rawPayload);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({
      summary: { created: 0, updated: 0, unchanged: 3 },
      changes: [],
    });
    // the reporter's export holds only its unit's rows
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.rowCount).toBe(3);

    // an edited export updates only what changed
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(full.rawPayload as unknown as ArrayBuffer);
    wb2.worksheets[0]!.getCell('F3').value = '已完成';
    const edited = await upload(coord, url, Buffer.from(await wb2.xlsx.writeBuffer()));
    expect(edited.json()).toMatchObject({
      summary: { created: 0, updated: 1, unchanged: 2 },
      changes: [{ seq: 2, action: 'update', fields: ['状态'] }],
    });
    const ids = (
      await t.database.db.select().from(workPlanItems).where(eq(workPlanItems.planId, plan.id))
    ).map((i) => String(i.id));
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.objectType, 'work_plan_items'), inArray(auditLog.objectId, ids)));
    expect(audit.map((a) => a.action).sort()).toEqual([
      'work_plan_items.insert',
      'work_plan_items.insert',
      'work_plan_items.insert',
      'work_plan_items.update',
    ]);
  });
});
