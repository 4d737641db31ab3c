import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildActionItem,
  buildUnit,
  coordinatorCtx,
  ctxOf,
  reporterCtx,
} from '../../../../test/factories.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { setPlan } from '../plans/plans.service.ts';
import { createProject, ensureArea } from '../projects/projects.service.ts';
import { recordApprovedReports } from '../reports/reports.service.ts';
import { buildBulletin } from './bulletin.service.ts';
import { renderDocx } from './gbt9704-docx.ts';
import type { OfficialDocument } from './official-document.ts';

/**
 * The bulletin of a month states the figures the services compute, for a data set whose
 * figures are known: three projects in two areas, one on target, one in need of attention that
 * has not reported June, one supervised; one action item overdue at the month's end and one
 * that falls overdue only in July.
 */

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let coord: Ctx;
let unitA: number;
let unitB: number;
let leader: TestLogin;
let reporter: TestLogin;

const at = (iso: string) => new Date(`${iso}T10:00:00+08:00`);

/** 12 cumulative timing targets rising evenly to the annual target */
const even = (annual: number) =>
  Array.from({ length: 12 }, (_, m) => ((annual * (m + 1)) / 12).toFixed(2));

beforeAll(async () => {
  t = await createTestApp({ auth: 'session', now: at('2023-07-05') });
  const db = t.database.db;
  coord = coordinatorCtx(t.officeId, t.clock.now);
  const sys = ctxOf(t.officeId, t.clock.now);
  unitA = (await buildUnit(db, coord, '市建筑工务署')).id;
  unitB = (await buildUnit(db, coord, '区建筑工务署')).id;
  const core = (await ensureArea(db, sys, '核心片区')).row.id;
  const valley = (await ensureArea(db, sys, '云谷片区')).row.id;
  const project = (code: string, name: string, areaId: number, ownerUnitId: number) =>
    createProject(db, sys, { code, name, areaId, ownerUnitId, phase: 'construction' });
  const p1 = await project('B-1', '一号道路', core, unitA);
  const p2 = await project('B-2', '二号变电站', core, unitB);
  const p3 = await project('B-3', '给水加压泵站', valley, unitA);
  // timing targets at June: 6000.00, 4000.00, 2500.27
  await setPlan(db, sys, {
    projectId: p1.id,
    year: 2023,
    annualTarget: '12000',
    timingTargets: even(12000),
  });
  await setPlan(db, sys, {
    projectId: p2.id,
    year: 2023,
    annualTarget: '8000',
    timingTargets: even(8000),
  });
  const valleyTargets = even(5000.55);
  valleyTargets[5] = '2500.27';
  await setPlan(db, sys, {
    projectId: p3.id,
    year: 2023,
    annualTarget: '5000.55',
    timingTargets: valleyTargets,
  });
  const months = (projectId: number, n: number, investment: string) =>
    Array.from({ length: n }, (_, i) => ({ projectId, year: 2023, month: i + 1, investment }));
  await db.transaction((tx) =>
    recordApprovedReports(tx, sys, [
      // 6600.00 of 6000.00: 110.0%, on target
      ...months(p1.id, 6, '1100.00'),
      // 3500.00 of 4000.00: 87.5%, attention, and no June report
      ...months(p2.id, 5, '700.00'),
      // 1800.06 of 2500.27: 72.0%, supervised
      ...months(p3.id, 6, '300.01'),
    ]),
  );
  await buildActionItem(db, coord, {
    responsibleUnitId: unitB,
    content: '协调二号变电站电力接入',
    assignedOn: '2023-05-10',
    deadline: '2023-06-20',
  });
  await buildActionItem(db, coord, {
    responsibleUnitId: unitA,
    content: '完成一号道路交通疏解方案',
    assignedOn: '2023-06-01',
    deadline: '2023-07-03',
  });
  leader = await t.loginAs('leader');
  reporter = await t.loginAs('reporter', { unitId: unitA });
});
afterAll(() => t.close());

const allText = (doc: OfficialDocument) =>
  doc.blocks
    .map((b) =>
      b.kind === 'table'
        ? [b.caption, b.unitLine, ...b.columns.map((c) => c.header), ...b.rows.flat()].join('|')
        : b.kind === 'image'
          ? (b.caption ?? '')
          : b.text,
    )
    .join('\n');

async function docxText(buffer: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(buffer);
  const xml = await zip.file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
}

describe('buildBulletin', () => {
  it('states the totals, the areas, the flagged projects, overdue items and missing reports', async () => {
    const doc = await buildBulletin(t.database.db, coord, { month: '2023-06' });
    expect(doc.title).toBe('2023年6月重大项目推进情况通报');
    const text = allText(doc);
    // totals: 25000.55 / 12500.27 / 11900.06 万元, in 亿元 with two decimals in the text
    expect(text).toContain('纳入调度的重大项目共3个');
    expect(text).toContain('年度计划投资2.50亿元');
    expect(text).toContain('1—6月时序目标1.25亿元，累计完成投资1.19亿元，完成率95.2%');
    expect(text).toContain('距时序目标尚差0.06亿元');
    expect(text).toContain('督办项目1个、提请关注项目1个、按期推进项目1个');

    const table = doc.blocks.find((b) => b.kind === 'table' && b.caption?.startsWith('表1'));
    expect(table?.kind === 'table' && table.rows).toEqual([
      ['核心片区', '20,000.00', '10,000.00', '10,100.00', '101.0%', '关注1'],
      ['云谷片区', '5,000.55', '2,500.27', '1,800.06', '72.0%', '督办1'],
      ['合计', '25,000.55', '12,500.27', '11,900.06', '95.2%', '督办1\n关注1'],
    ]);
    expect(table?.kind === 'table' && table.unitLine).toBe('单位：万元');

    const flagged = doc.blocks.find((b) => b.kind === 'table' && b.caption?.startsWith('表2'));
    expect(flagged?.kind === 'table' && flagged.rows.map((r) => r.slice(0, 4))).toEqual([
      ['1', '给水加压泵站', '市建筑工务署', '督办'],
      ['2', '二号变电站', '区建筑工务署', '关注'],
    ]);
    expect(text).toContain('1–6月累计完成1,800.06万元，为时序目标2,500.27万元的72.0%，低于80%');

    // overdue at 30 June: the June item (10 days), not the one due on 3 July
    expect(text).toContain('截至2023年6月30日，逾期未办结的交办事项1项');
    const overdue = doc.blocks.find((b) => b.kind === 'table' && b.caption?.includes('交办事项'));
    expect(overdue?.kind === 'table' && overdue.rows).toEqual([
      ['1', '协调二号变电站电力接入', '区建筑工务署', '2023-06-20', '10'],
    ]);
    expect(text).not.toContain('交通疏解');

    expect(text).toContain('区建筑工务署（1个项目）未报送6月月报');
    expect(doc.signature).toEqual({ issuer: expect.any(String), date: '2023年7月5日' });
  });

  it('renders to a .docx holding the same figures', async () => {
    const doc = await buildBulletin(t.database.db, coord, { month: '2023-06' });
    const text = await docxText(await renderDocx(doc));
    for (const s of [
      '2023年6月重大项目推进情况通报',
      '累计完成投资1.19亿元',
      '11,900.06',
      '督办1关注1',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('is refused to a reporter, who sees one unit only', async () => {
    await expect(
      buildBulletin(t.database.db, reporterCtx(t.officeId, unitA, t.clock.now), {
        month: '2023-06',
      }),
    ).rejects.toMatchObject({ code: 'permission.forbidden' });
  });
});

describe('GET /api/documents/bulletin', () => {
  it('gives a leader the .docx with its Chinese file name', async () => {
    const res = await t.app.inject({
      url: '/api/documents/bulletin?month=2023-06',
      headers: leader.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml.document');
    const cd = String(res.headers['content-disposition']);
    expect(cd).toContain(
      `filename*=UTF-8''${encodeURIComponent('2023年6月重大项目推进情况通报.docx')}`,
    );
    expect(cd).toContain('filename="bulletin-2023-06.docx"');
    expect(await docxText(res.rawPayload)).toContain('累计完成投资1.19亿元');
  });

  it('refuses a reporter with 403', async () => {
    const res = await t.app.inject({
      url: '/api/documents/bulletin?month=2023-06',
      headers: reporter.headers,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('permission.forbidden');
  });

  it('answers a bad month with a 400 naming month', async () => {
    for (const month of ['2023-13', '2023-6', 'june']) {
      const res = await t.app.inject({
        url: `/api/documents/bulletin?month=${month}`,
        headers: leader.headers,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.field).toBe('querystring.month');
      expect(res.json().error.message).toContain('month');
    }
    const none = await t.app.inject({ url: '/api/documents/bulletin', headers: leader.headers });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.field).toBe('querystring.month');
  });

  it('answers format=pdf with a PDF, or 503 pdf.unavailable when LibreOffice is missing', async () => {
    const saved = process.env.TIAODU_SOFFICE;
    process.env.TIAODU_SOFFICE = '/nonexistent/soffice';
    try {
      const res = await t.app.inject({
        url: '/api/documents/bulletin?month=2023-06&format=pdf',
        headers: leader.headers,
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('pdf.unavailable');
      expect(res.json().error.message).toContain('LibreOffice');
      expect(res.json().error.messageEn).toContain('LibreOffice');
    } finally {
      if (saved === undefined) delete process.env.TIAODU_SOFFICE;
      else process.env.TIAODU_SOFFICE = saved;
    }
  });
});
