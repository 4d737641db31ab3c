import type { Command } from 'commander';
import { openDatabase, run, withDb } from '../open.ts';

export function registerMigrate(program: Command) {
  withDb(program.command('migrate').description('执行数据库迁移 / apply migrations')).action(
    (opts) =>
      run(async () => {
        const { database, close } = await openDatabase(opts);
        process.stdout.write(`已迁移 / migrated: ${database.kind} ${database.location}\n`);
        await close();
      }),
  );
}
