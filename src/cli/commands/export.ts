import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseYearMonth } from '../../domain/periods.ts';
import { EXPORT_KINDS, type ExportKind } from '../../server/modules/exports/export-kinds.ts';
import { openDatabase, run, withDb } from '../open.ts';

/** --year 2026 --month 10, or --month 2026-10 alone. */
export function exportPeriod(opts: { year?: string; month?: string }): {
  year?: number;
  month?: number;
} {
  let year = opts.year === undefined ? undefined : Number(opts.year);
  let month: number | undefined;
  if (opts.month !== undefined) {
    const ym = parseYearMonth(opts.month);
    if (ym) {
      if (year !== undefined && year !== ym.year) {
        throw new Error(
          `--year ${opts.year} 与 --month ${opts.month} 不一致 / --year and --month disagree`,
        );
      }
      year = ym.year;
      month = ym.month;
    } else if (
      /^\d{1,2}$/.test(opts.month) &&
      Number(opts.month) >= 1 &&
      Number(opts.month) <= 12
    ) {
      month = Number(opts.month);
    } else {
      throw new Error(`--month 应为1–12或YYYY-MM / --month must be 1–12 or YYYY-MM`);
    }
  }
  if (year !== undefined && (!Number.isInteger(year) || year < 2000 || year > 2100)) {
    throw new Error('--year 应为2000–2100之间的年份 / --year must be a year 2000–2100');
  }
  return { year, month };
}

export function registerExport(program: Command) {
  withDb(
    program
      .command('export')
      .description(
        '导出Excel / export a workbook: ledger 项目台账 | dispatch 调度表 | warnings 预警清单 | template 导入模板',
      )
      .argument('<kind>', EXPORT_KINDS.join(' | '))
      .option('--year <year>', '年度 / year')
      .option('--month <month>', '月份 1–12 或 YYYY-MM / month')
      .option('-o, --output <file>', '输出文件 / output file (default: the suggested name)'),
  ).action((kind: string, opts) =>
    run(async () => {
      if (!(EXPORT_KINDS as readonly string[]).includes(kind)) {
        throw new Error(
          `未知的导出类型“${kind}”，应为 ${EXPORT_KINDS.join('、')} / unknown export kind`,
        );
      }
      const period = exportPeriod(opts);
      const { database, ctx, close } = await openDatabase(opts);
      try {
        const { buildExport } = await import('../../server/modules/exports/exports.service.ts');
        const file = await buildExport(database.db, ctx, { kind: kind as ExportKind, ...period });
        const out = opts.output ?? file.filename;
        await writeFile(out, file.buffer);
        process.stdout.write(`已导出 / exported: ${out}\n`);
      } finally {
        await close();
      }
    }),
  );
}
