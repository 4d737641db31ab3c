import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyAuditChain } from '../../server/modules/audit/audit.service.ts';
import {
  anchorText,
  readAnchorFile,
  readAuditHeads,
  verifyAnchors,
} from '../../server/modules/audit/audit-anchor.ts';
import { openDatabase, run, withDb } from '../open.ts';

export function registerAudit(program: Command) {
  const audit = program.command('audit').description('审计日志 / audit log');
  withDb(
    audit
      .command('verify')
      .description(
        '核验审计日志的 HMAC-SM3 链，发现改动或删除时以 1 退出并指出第一条 / check the HMAC-SM3 chain; exit 1 naming the first broken row',
      )
      .option(
        '--anchor <file>',
        '另核对锚定文件（TIAODU_AUDIT_ANCHOR_FILE 或服务日志）中的每个链头：日志在锚定行之前结束或该行不同时以 1 退出 / also check the heads anchored in FILE (TIAODU_AUDIT_ANCHOR_FILE or the server log): exit 1 when the log ends before an anchored row or differs there',
      )
      .option('--json', '输出 JSON / print JSON'),
  ).action((opts) =>
    run(async () => {
      // Read the anchors first: a wrong path is a usage error (2), not a broken log.
      const anchorFile = opts.anchor as string | undefined;
      if (anchorFile !== undefined && !existsSync(anchorFile)) {
        throw new Error(`锚定文件不存在 / no such anchor file: ${anchorFile}`);
      }
      const read = anchorFile ? readAnchorFile(anchorFile) : null;
      if (read && read.anchors.length === 0) {
        throw new Error(`锚定文件中没有链头 / no anchors in ${anchorFile}`);
      }
      const { database, close } = await openDatabase(opts);
      try {
        const result = await verifyAuditChain(database.db);
        const anchors = read ? await verifyAnchors(database.db, read.anchors) : null;
        const ok = result.ok && (anchors?.ok ?? true);
        if (opts.json) {
          const out = anchors
            ? { ...result, ok, anchors: { ...anchors, unreadable: read!.unreadable } }
            : result;
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return ok ? 0 : 1;
        }
        if (result.firstBroken) {
          const b = result.firstBroken;
          process.stdout.write(
            `审计链断裂 / audit chain broken at row id ${b.id} (office ${b.officeId}, seq ${b.seq}): ${b.message}\n已核验 ${result.checked} 条 / checked ${result.checked}\n`,
          );
        } else {
          process.stdout.write(`审计链完好 / audit chain intact: ${result.checked} 条 / rows\n`);
        }
        if (anchors?.mismatch) {
          const m = anchors.mismatch;
          process.stdout.write(
            `与锚定不符 / anchor mismatch at office ${m.officeId}, seq ${m.seq}: ${m.message}\n`,
          );
        } else if (anchors) {
          process.stdout.write(
            `锚定的 ${anchors.checked} 个链头均在且一致 / all ${anchors.checked} anchored heads present and unchanged\n`,
          );
        }
        if (read && read.unreadable > 0) {
          process.stdout.write(
            `跳过无法读取的锚定行 / skipped unreadable anchor lines: ${read.unreadable}\n`,
          );
        }
        return ok ? 0 : 1;
      } finally {
        await close();
      }
    }),
  );
  withDb(
    audit
      .command('anchor')
      .description(
        '打印审计链当前链头（每个办公室一行 JSON：seq 与 HMAC-SM3），可追加到库外的锚定文件 / print the chain head of each office (one JSON line: seq and HMAC-SM3), to append to an anchor file kept outside the database',
      ),
  ).action((opts) =>
    run(async () => {
      const { database, close } = await openDatabase(opts);
      try {
        for (const head of await readAuditHeads(database.db)) {
          process.stdout.write(`${anchorText(head)}\n`);
        }
      } finally {
        await close();
      }
    }),
  );
}
