import { open } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { formatIssue } from '../../domain/workbook-sheets.ts';
import type { Db } from '../../server/db.ts';
import type {
  ImportProgress,
  ImportResult,
  Tally,
} from '../../server/modules/imports/imports.service.ts';
import { WORKBOOK_LIMITS } from '../../server/modules/imports/zip-guard.ts';
import { openDatabase, run, withDb } from '../open.ts';

const PHASE_ZH: Record<ImportProgress['phase'], string> = {
  read: '读取',
  check: '检查',
  write: '写入',
};

/** Reads at most one byte past the limit, so a huge file is refused without loading it. */
async function readLimited(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(limit + 1);
    let length = 0;
    while (length < buf.length) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buf.subarray(0, length);
  } finally {
    await handle.close();
  }
}

const tally = (zh: string, t: Tally) =>
  `${zh} 新建 ${t.created}、更新 ${t.updated}、未变 ${t.unchanged}`;

export function renderImport(result: ImportResult): string {
  const lines: string[] = [];
  if (!result.ok) {
    for (const e of result.errors) lines.push(formatIssue(e));
    if (result.errorCount > result.errors.length) {
      lines.push(`……另有 ${result.errorCount - result.errors.length} 处错误未列出`);
    }
    lines.push(
      `共 ${result.errorCount} 处错误（${result.summary.refusedRows} 行），未导入任何数据 / ${result.errorCount} errors, nothing imported`,
    );
    return `${lines.join('\n')}\n`;
  }
  const s = result.summary;
  lines.push(
    result.dryRun ? '预览，未写入任何数据 / dry run, nothing written:' : '已导入 / imported:',
    `  ${tally('项目', s.projects)}`,
    `  ${tally('年度计划', s.plans)}`,
    `  ${tally('月度完成', s.reports)}`,
    `  ${tally('节点', s.milestones)}`,
  );
  for (const [zh, names] of [
    ['新建单位', result.created.units],
    ['新建片区', result.created.areas],
    ['新建类别', result.created.categories],
  ] as const) {
    if (names.length > 0) lines.push(`  ${zh}：${names.join('、')}`);
  }
  const updates = result.changes.filter((c) => c.action === 'update');
  for (const c of updates.slice(0, 50)) {
    lines.push(
      `  更新 ${c.code} ${c.name}：${c.fields.map((f) => `${f.label} ${f.before ?? '空'} → ${f.after ?? '空'}`).join('；')}`,
    );
  }
  if (updates.length > 50) lines.push(`  ……另有 ${updates.length - 50} 个项目更新`);
  return `${lines.join('\n')}\n`;
}

export function registerImport(program: Command) {
  withDb(
    program
      .command('import')
      .description(
        '导入工作簿（项目台账、年度计划、月度完成、节点）或月度完成CSV / import a workbook',
      )
      .argument('<file>', '.xlsx 工作簿或 .csv / workbook or CSV file')
      .option('--dry-run', '只检查并预览，不写入 / check and preview, write nothing')
      .option('--json', '输出 JSON / print JSON'),
  ).action((file: string, opts) =>
    run(async () => {
      const buffer = await readLimited(file, WORKBOOK_LIMITS.fileBytes);
      // Loaded when importing only (the workbook reader is heavy; other commands start faster).
      const [{ importWorkbook }, { withAudit }] = await Promise.all([
        import('../../server/modules/imports/imports.service.ts'),
        import('../../server/modules/audit/audit.service.ts'),
      ]);
      const { database, ctx, close } = await openDatabase(opts);
      const bar =
        process.stderr.isTTY && !opts.json
          ? new cliProgress.SingleBar(
              {
                format: '{phase} [{bar}] {percentage}% {value}/{total}',
                stream: process.stderr,
                hideCursor: true,
              },
              cliProgress.Presets.shades_classic,
            )
          : null;
      let phase: ImportProgress['phase'] | null = null;
      try {
        let outcome: ImportResult | undefined;
        const work = async (db: Db) => {
          outcome = await importWorkbook(db, ctx, buffer, {
            dryRun: Boolean(opts.dryRun),
            onProgress: (p) => {
              if (!bar) return;
              if (p.phase !== phase) {
                if (phase) bar.stop();
                phase = p.phase;
                bar.start(Math.max(p.total, 1), p.done, { phase: PHASE_ZH[p.phase] });
              } else bar.update(p.done);
            },
          });
          return outcome;
        };
        // A real import is audited like one through the API: every row it changes, with the actor.
        const result = opts.dryRun
          ? await work(database.db)
          : await withAudit(database.db, ctx, work, {
              outcome: () =>
                outcome?.ok
                  ? { outcome: 'success' }
                  : {
                      outcome: 'failure',
                      detail: `import refused: ${outcome?.errorCount ?? 0} errors`,
                    },
            });
        bar?.stop();
        process.stdout.write(
          opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderImport(result),
        );
        return result.ok ? 0 : 1;
      } finally {
        bar?.stop();
        await close();
      }
    }),
  );
}
