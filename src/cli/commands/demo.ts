import type { Command } from 'commander';
import { openDatabase, run, withDb } from '../open.ts';

export function registerDemo(program: Command) {
  withDb(
    program
      .command('demo')
      .description('载入演示办公室（仅空库）/ load the demo office into an empty database'),
  ).action((opts) =>
    run(async () => {
      const { loadDemo } = await import('../../demo/demo-office.ts');
      const { database, close } = await openDatabase(opts);
      try {
        const started = Date.now();
        const summary = await loadDemo(database.db, {
          onProgress: (step) => process.stderr.write(`… ${step}\n`),
        });
        process.stdout.write(
          `已载入演示办公室 / demo loaded: ${summary.office}, ${summary.projects} 个项目, ${summary.reports} 份月报 (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
        );
      } finally {
        await close();
      }
    }),
  );
}
