import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { auditFailure, withAudit } from './audit.service.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'manual': the route records its own audit rows (log-in must record a failure it answers) */
    audit?: 'manual';
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function statusOf(e: unknown): number {
  if (e instanceof AppError) return e.status;
  const s = (e as { statusCode?: number }).statusCode;
  if (typeof s === 'number') return s;
  return (e as { name?: string }).name === 'ZodError' ? 400 : 500;
}

function codeOf(e: unknown): string {
  if (e instanceof AppError) return e.code;
  const c = (e as { code?: unknown }).code;
  return typeof c === 'string' ? c : 'internal';
}

/**
 * Every state-changing /api request runs in one transaction in which the business tables'
 * triggers capture each row change; the changes are appended to the audit log, with the actor,
 * IP and route, before the commit (see withAudit). A request that fails is rolled back and
 * recorded as a failure. The answer leaves only after the commit, so a client that reads right
 * after a write sees it, also on a pooled PostgreSQL.
 */
export function registerAuditHooks(app: FastifyInstance, opts: { db: Db }): void {
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (!route.url?.startsWith('/api/') || !methods.some((m) => WRITE_METHODS.has(m))) return;
    if (route.config?.audit === 'manual') return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = async function audited(request, reply) {
      // A handler that calls reply.send() inside the transaction has its answer held until the
      // commit. The reply is also a thenable that settles once sent; hiding `then` meanwhile
      // lets the handler's promise settle without waiting for an answer that waits for it.
      const r = reply as unknown as Record<'send' | 'then', unknown>;
      let held: { payload: unknown } | undefined;
      r.send = (payload?: unknown) => {
        held = { payload };
        return reply;
      };
      // biome-ignore lint/suspicious/noThenProperty: hides Reply#then (see above), restored below
      r.then = undefined;
      const restore = () => {
        delete r.send;
        delete r.then;
      };
      let result: unknown;
      try {
        result = await withAudit(
          opts.db,
          request.ctx,
          async () => handler.call(this, request, reply),
          {
            outcome: () =>
              reply.statusCode >= 400
                ? { outcome: 'failure', detail: `${reply.statusCode}` }
                : { outcome: 'success' },
          },
        );
      } catch (e) {
        restore();
        await auditFailure(opts.db, request.ctx, codeOf(e), statusOf(e)).catch((err) =>
          request.log.error({ err }, 'audit of a failed request failed'),
        );
        throw e;
      }
      restore();
      return held ? reply.send(held.payload) : result;
    };
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // The auth hook sets ctx on the API routes only (by the matched route, whatever the URL's
    // spelling), so this covers `/%61pi/…` too.
    const ctx = request.ctx;
    const failed =
      reply.statusCode >= 400 && (WRITE_METHODS.has(request.method) || reply.statusCode === 403);
    // Failures before any handler (CSRF, route gate, validation) by someone who is logged in.
    if (failed && ctx?.request && !ctx.request.audited && ctx.actor.role !== 'anonymous') {
      let code = 'error';
      try {
        code = JSON.parse(String(payload)).error?.code ?? code;
      } catch {
        // not JSON
      }
      await auditFailure(opts.db, ctx, code, reply.statusCode).catch((err) =>
        request.log.error({ err }, 'audit of a refused request failed'),
      );
    }
    return payload;
  });
}
