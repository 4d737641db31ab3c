import type { Command } from 'commander';
import { backupDatabase, restoreDatabase } from '../../server/modules/backup/backup.service.ts';
import { openDatabase, run, withDb } from '../open.ts';

export function registerBackup(program: Command) {
  withDb(
    program
      .command('backup')
      .description('把整个数据库备份为一个文件 / back up the whole database to a file')
      .requiredOption('-o, --output <file>', '备份文件 / backup file (JSON lines)'),
  ).action((opts) =>
    run(async () => {
      const { database, close } = await openDatabase(opts);
      try {
        const r = await backupDatabase(database.db, opts.output);
        process.stdout.write(
          `已备份 / backed up: ${r.tables} 张表, ${r.rows} 行 → ${opts.output}\n`,
        );
      } finally {
        await close();
      }
    }),
  );
  withDb(
    program
      .command('restore <file>')
      .description(
        '把备份载入空数据库（如从嵌入式库迁到 PostgreSQL）/ restore a backup into an empty database',
      ),
  ).action((file, opts) =>
    run(async () => {
      const { database, close } = await openDatabase(opts);
      try {
        const r = await restoreDatabase(database.db, file);
        process.stdout.write(
          `已恢复 / restored: ${r.tables} 张表, ${r.rows} 行 (${database.kind} ${database.location})\n`,
        );
      } finally {
        await close();
      }
    }),
  );
}
