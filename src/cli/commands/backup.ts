import type { Command } from 'commander';
import { DataDirInUseError } from '../../server/db.ts';
import { readEnv } from '../../server/env.ts';
import { isProduction } from '../../server/modules/accounts/demo-accounts.service.ts';
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
      const { database, close } = await openDatabase(opts).catch((e) => {
        throw e instanceof DataDirInUseError ? new Error(onlineBackupHint(e)) : e;
      });
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
        const r = await restoreDatabase(database.db, file, { production: isProduction(readEnv()) });
        process.stdout.write(
          `已恢复 / restored: ${r.tables} 张表, ${r.rows} 行 (${database.kind} ${database.location})\n`,
        );
        if (r.demoDisabled.length > 0) {
          process.stdout.write(
            `生产模式：备份中的演示账号（公开密码）已停用 / production: the backup's demo accounts (published password) are disabled: ${r.demoDisabled.join(', ')}\n` +
              '如需管理员账号 / for an admin account:  npx tiaodu users create-admin --username <name>\n',
          );
        }
      } finally {
        await close();
      }
    }),
  );
}

/**
 * The embedded database is one process's alone: while `tiaodu serve` holds it, the backup comes
 * from the server itself. Says how, with the address the server most likely listens on.
 */
function onlineBackupHint(e: DataDirInUseError): string {
  return [
    e.message,
    '运行中的服务可在线备份：系统管理员在“用户管理”页点“下载备份”，或 / the running server gives its backup online: the system admin\'s "Download backup" on the Users page, or (README: backups):',
    `  curl -c jar -H 'content-type: application/json' -d '{"username":"…","password":"…","totp":"…"}' http://localhost:3000/api/auth/login`,
    '  curl -b jar -o office.bak http://localhost:3000/api/admin/backup',
  ].join('\n');
}
