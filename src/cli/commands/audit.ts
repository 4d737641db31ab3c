import type { Command } from 'commander';
import { verifyAuditChain } from '../../server/modules/audit/audit.service.ts';
import { openDatabase, run, withDb } from '../open.ts';

export function registerAudit(program: Command) {
  const audit = program.command('audit').description('审计日志 / audit log');
  withDb(
    audit
      .command('verify')
      .description(
        '核验审计日志的 HMAC-SM3 链，发现改动或删除时以 1 退出并指出第一条 / check the HMAC-SM3 chain; exit 1 naming the first broken row',
      )
      .option('--json', '输出 JSON / print JSON'),
  ).action((opts) =>
    run(async () => {
      const { database, close } = await openDatabase(opts);
      try {
        const result = await verifyAuditChain(database.db);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        } else if (result.firstBroken) {
          const b = result.firstBroken;
          process.stdout.write(
            `审计链断裂 / audit chain broken at row id ${b.id} (office ${b.officeId}, seq ${b.seq}): ${b.message}\n已核验 ${result.checked} 条 / checked ${result.checked}\n`,
          );
        } else {
          process.stdout.write(`审计链完好 / audit chain intact: ${result.checked} 条 / rows\n`);
        }
        return result.ok ? 0 : 1;
      } finally {
        await close();
      }
    }),
  );
}
