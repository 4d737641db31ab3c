import type { Command } from 'commander';
import { LEVEL_ZH, LEVELS, type Level } from '../../domain/warning-rules.ts';
import { evaluateMonth, snapshotWarnings } from '../../server/modules/warnings/warnings.service.ts';
import { openDatabase, run, withDb } from '../open.ts';
import { renderTable } from '../table.ts';
import { filterOf, filterOptions, periodOption } from './dashboard.ts';

export function registerWarnings(program: Command) {
  withDb(
    filterOptions(
      program
        .command('warnings')
        .description('某月项目预警及原因 / warning levels and reasons for a month')
        .option('--year <year>', '年度 / year')
        .requiredOption('--month <YYYY-MM>', '月份 / month')
        .option('--level <level>', 'green | yellow | red')
        .option('--snapshot', '同时记录本月预警快照（研判）/ also record the month snapshot')
        .option('--json', '输出 JSON / print JSON'),
    ),
  ).action((opts) =>
    run(async () => {
      const period = periodOption(opts);
      if (opts.level && !LEVELS.includes(opts.level)) {
        throw new Error(`--level 应为 green、yellow 或 red / --level must be green, yellow or red`);
      }
      const { database, ctx, close } = await openDatabase(opts);
      try {
        if (opts.snapshot) await snapshotWarnings(database.db, ctx, { period });
        const all = await evaluateMonth(database.db, ctx, { period, filter: filterOf(opts) });
        const rows = all
          .filter((s) => !opts.level || s.level === (opts.level as Level))
          .map(({ rollup: _r, ...s }) => s);
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ month: opts.month, projects: rows }, null, 2)}\n`,
          );
          return;
        }
        process.stdout.write(
          `${renderTable(
            ['等级', '项目编号', '项目名称', '片区', '原因'],
            rows.map((s) => [
              LEVEL_ZH[s.level] + (s.overrideLevel ? '（调整）' : ''),
              s.code,
              s.name,
              s.area ?? '',
              [
                ...s.reasons.filter((r) => r.level !== 'green').map((r) => r.zh),
                ...(s.overrideReason ? [`调整理由：${s.overrideReason}`] : []),
              ].join('；'),
            ]),
          )}\n共 ${rows.length} 个项目\n`,
        );
      } finally {
        await close();
      }
    }),
  );
}
