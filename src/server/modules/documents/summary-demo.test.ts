import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testContext } from '../../../../test/test-db.ts';
import { loadDemo } from '../../../demo/demo-office.ts';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db.ts';
import { renderDocx } from './gbt9704-docx.ts';
import { buildSummary } from './summary.service.ts';
import { summaryToDocument } from './summary-document.ts';

/** The demo office's 2023 half-year summary states the seed's figures, read from the data. */
let database: Database;
let ctx: Ctx;
beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemo(database.db);
  ctx = await testContext(database, { role: 'coordinator' });
});
afterAll(() => database?.close());

describe('the demo office H1 2023 summary', () => {
  it('says what the seed says', async () => {
    const model = await buildSummary(database.db, ctx, { from: '2023-01-01', to: '2023-06-30' });
    expect(model.title).toBe('光明区科学城开发建设署2023年上半年工作总结和下半年工作计划');
    const zip = await JSZip.loadAsync(await renderDocx(summaryToDocument(model)));
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(text).toContain(
      '光明科学城核心片区。梳理重点项目59个，围绕年度208.80亿元的固投任务，多措并举，加强督办，上半年累计完成投资104.91亿元，超额完成固定资产投资时序任务',
    );
    expect(text).toContain('组织召开专责小组会议6次，协调解决问题21个，形成交办事项47项');
    expect(text).toContain('督办滞后项目2个、提请关注项目4个、推动按期建设项目31个');
    expect(text).toContain('12个市投市建项目1-5月固投完成额16.20亿元，较年初计划提升40%');
    expect(text).toContain('接待调研考察团155批次');
    expect(text).toContain('专题学习34次');
    expect(text).toContain('围绕6个方面，细化任务74项');
  });
});
