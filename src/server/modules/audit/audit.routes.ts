import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { assertCan } from '../../policy.ts';
import { auditQuery, exportAuditCsv, searchAudit, verifyAuditChain } from './audit.service.ts';

/** The audit admin's pages: search, export and chain check of the office's audit log. */
export async function auditRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];
  r.get(
    '/audit',
    { schema: { tags, summary: '审计日志查询（审计管理员）', querystring: auditQuery } },
    (req) => searchAudit(db, req.ctx, req.query),
  );
  r.get(
    '/audit/export',
    { schema: { tags, summary: '导出审计日志 CSV（审计管理员）', querystring: auditQuery } },
    async (req, reply) => {
      const { csv, truncated } = await exportAuditCsv(db, req.ctx, req.query);
      const day = req.ctx.now.toISOString().slice(0, 10).replaceAll('-', '');
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${day}.csv"`)
        .header('x-truncated', String(truncated))
        .send(csv);
    },
  );
  r.get('/audit/verify', { schema: { tags, summary: '核验审计日志 HMAC-SM3 链' } }, (req) => {
    assertCan(req.ctx.actor, 'audit.read', undefined, () => new AppError('audit.not_found', ''));
    return verifyAuditChain(db, { officeId: req.ctx.actor.officeId });
  });
}
