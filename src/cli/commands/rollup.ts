import type { Command } from 'commander';
import { verifyRollups } from '../../server/modules/dispatch/rollups.service.ts';
import { openDatabase, run, withDb } from '../open.ts';

export function registerRollup(program: Command) {
  const rollup = program.command('rollup').description('调度汇总表 / dashboard roll-ups');
  withDb(
    rollup.command('verify').description('从原始月报和计划重算并核对 / recompute and compare'),
  ).action((opts) =>
    run(async () => {
      const { database, close } = await openDatabase(opts);
      try {
        const result = await verifyRollups(database.db);
        for (const d of result.differences) process.stdout.write(`差异 / difference: ${d}\n`);
        process.stdout.write(
          `核对 ${result.checked} 条，差异 ${result.differences.length} 条 / checked ${result.checked}, differences ${result.differences.length}\n`,
        );
        return result.differences.length === 0 ? 0 : 1;
      } finally {
        await close();
      }
    }),
  );
}
