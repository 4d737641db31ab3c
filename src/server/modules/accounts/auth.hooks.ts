import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, Clock, Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { assertRouteAllowed } from '../../policy.ts';
import { authenticateSession, SESSION_COOKIE, type SessionInfo } from './accounts.service.ts';
import { safeEqual } from './crypto.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** the log-in behind the request; null on public routes and with a fixed resolveActor */
    session: SessionInfo | null;
  }
  interface FastifyContextConfig {
    /** reachable without a session (log-in, demo, log-out) */
    public?: boolean;
    /** no CSRF token needed (log-in only: there is no session yet) */
    csrf?: false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function anonymousActor(officeId: number): Actor {
  return { id: 'anonymous', name: '匿名', role: 'anonymous', officeId, unitId: null };
}

const isApi = (url: string) => url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');

/**
 * Decides who every /api request acts as, before anything else runs: the session cookie's user
 * (401 without one, except on public routes), the CSRF header on every state-changing request,
 * the forced password change or TOTP enrolment, then the policy's route gate. With
 * `resolveActor` (tests, tools) that function decides instead, and sessions and CSRF are skipped.
 */
export function registerAuth(
  app: FastifyInstance,
  opts: {
    db: Db;
    clock: Clock;
    officeId: number;
    resolveActor?: (request: FastifyRequest) => Promise<Actor>;
  },
): void {
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request, reply) => {
    if (!isApi(request.url) || request.url.startsWith('/api/docs')) return;
    const route = request.routeOptions.url;
    const info = {
      id: request.id,
      ip: request.ip,
      route: `${request.method} ${route ?? request.url.split('?')[0]}`,
    };
    const now = opts.clock();
    if (opts.resolveActor) {
      request.ctx = { actor: await opts.resolveActor(request), now, request: info };
      if (route) assertRouteAllowed(request.ctx.actor, request.method, route);
      return;
    }
    request.ctx = { actor: anonymousActor(opts.officeId), now, request: info } satisfies Ctx;
    const config = request.routeOptions.config ?? {};
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const found = await authenticateSession(opts.db, token, request.ctx);
      if ('ended' in found) {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        if (!config.public) {
          throw new AppError('auth.session_expired', '登录已过期，请重新登录', {
            messageEn: 'your session has ended; log in again',
          });
        }
      } else {
        request.session = found;
        request.ctx = { actor: found.actor, now, request: info };
      }
    }
    const session = request.session;
    if (!session) {
      if (config.public) return;
      throw new AppError('auth.required', '请先登录', { messageEn: 'log in first' });
    }
    if (!SAFE_METHODS.has(request.method) && config.csrf !== false) {
      const header = request.headers['x-csrf-token'];
      if (typeof header !== 'string' || !safeEqual(header, session.body.csrfToken)) {
        throw new AppError('auth.csrf_invalid', '请求缺少有效的安全令牌，请刷新页面后重试', {
          messageEn: 'missing or wrong CSRF token; reload the page',
        });
      }
    }
    if (session.restriction && !(route ?? '').startsWith('/api/auth/')) {
      throw session.restriction === 'password'
        ? new AppError('auth.password_change_required', '请先修改密码', {
            messageEn: 'change your password first',
          })
        : new AppError('auth.totp_enrollment_required', '管理员账号须先绑定动态验证码', {
            messageEn: 'admin accounts must enrol a TOTP authenticator first',
          });
    }
    if (route) assertRouteAllowed(session.actor, request.method, route);
  });
}

/** The session cookie: HttpOnly, SameSite=Lax, Secure when the request came over HTTPS. */
export function sessionCookieOptions(request: FastifyRequest) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
  };
}
