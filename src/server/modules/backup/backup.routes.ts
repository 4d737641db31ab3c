import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { assertCan } from '../../policy.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { backupDatabase } from './backup.service.ts';

/**
 * The online backup: the whole database, in the format `tiaodu backup` writes and `tiaodu
 * restore` reads, while the server runs. The embedded database is one process's alone, so while
 * `tiaodu serve` holds it this is the only way to a backup; on PostgreSQL it spares a shell on
 * the database host. The system admin's (user.manage): the file holds every account's password
 * hash and every unit's data, so no other duty gets it. Recorded in the audit log before the
 * snapshot is taken, so the backup carries the record of its own download.
 */
export async function backupRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/admin/backup',
    {
      schema: {
        tags: ['admin'],
        summary: '下载整个数据库的备份（系统管理员，可用 tiaodu restore 恢复）',
      },
    },
    async (req, reply) => {
      const ctx = req.ctx;
      assertCan(ctx.actor, 'user.manage', undefined, () => new AppError('backup.not_found', ''));
      await appendAudit(db, ctx, [{ action: 'backup.download', objectType: 'database' }]);
      // Spooled to a file first: the snapshot's transaction then lasts as long as reading the
      // database, not as long as the download (on PGlite every other request waits for it).
      const dir = mkdtempSync(join(tmpdir(), 'tiaodu-backup-'));
      const file = join(dir, 'backup.jsonl');
      let result: { tables: number; rows: number };
      try {
        result = await backupDatabase(db, file);
      } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        await appendAudit(db, ctx, [
          {
            action: 'backup.download',
            objectType: 'database',
            outcome: 'failure',
            detail: (e as Error).message.slice(0, 500),
          },
        ]).catch((err) => req.log.error({ err }, 'audit of a failed backup failed'));
        throw e;
      }
      const stamp = ctx.now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
      const stream = createReadStream(file);
      const cleanup = () => rmSync(dir, { recursive: true, force: true });
      stream.once('close', cleanup);
      reply.raw.once('close', () => {
        stream.destroy();
        cleanup();
      });
      return reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="tiaodu-${stamp}.bak"`)
        .header('x-backup-rows', String(result.rows))
        .send(stream);
    },
  );
}
