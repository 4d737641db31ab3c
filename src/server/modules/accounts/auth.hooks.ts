import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, Clock, Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { assertRouteAllowed, type RouteAccess, routeAccessOf } from '../../policy.ts';
import { authenticateFeedToken } from '../city-feed/feed-tokens.service.ts';
import { safeEqual } from './crypto.ts';
import { authenticateSession, SESSION_COOKIE, type SessionInfo } from './sessions.service.ts';

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
    /**
     * who may reach the route; when absent it comes from the route pattern's area in policy.ts
     * (or `public`). Set on every route at registration: a route without one fails at start-up.
     */
    access?: RouteAccess;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function anonymousActor(officeId: number): Actor {
  return { id: 'anonymous', name: '匿名', role: 'anonymous', officeId, unitId: null };
}

const notFound = (method: string, url: string) =>
  new AppError('route.not_found', `${method} ${url} 不存在`, { messageEn: 'no such route' });

/**
 * Deny by default: every route gets its access when registered (its own `config.access`, or its
 * pattern's area in policy.ts), or the app does not start. Called first thing in buildApp, so
 * the docs' and the web app's routes get theirs too.
 */
export function registerRouteAccess(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const access = routeAccessOf(route.url, route.config);
    if (!access) {
      throw new Error(
        `路由 ${[route.method].flat().join(',')} ${route.url} 未声明访问规则 / route ${route.url} declares no access: give it config.access or add its area to ROUTE_AREAS in src/server/policy.ts`,
      );
    }
    route.config = { ...route.config, access };
  });
  // Nothing of a user stays in a browser's or a proxy's cache after they leave a shared PC;
  // the web app's own files say otherwise for themselves.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/**
 * Decides who every API request acts as, before anything else runs, from the route the request
 * matched (its pattern and declared access), never from the URL string: the router decodes
 * `/%61pi/…`, so a URL test would let such a request reach its handler unchecked. Then: the
 * session cookie's user (401 without one, except on public routes), the CSRF header on every
 * state-changing request, the forced password change or TOTP enrolment, then the policy's
 * area gate. With `resolveActor` (tests, tools) that function decides who acts instead, and
 * sessions and CSRF are skipped. A request matching no route goes on to the 404 handler.
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
    const route = request.routeOptions.url;
    if (route === undefined) return;
    const config = request.routeOptions.config;
    const access = config.access;
    // Cannot happen (onRoute sets it on every route); if it ever does, nothing is served.
    if (!access) throw notFound(request.method, route);
    if (access === 'open') return;
    const info = { id: request.id, ip: request.ip, route: `${request.method} ${route}` };
    const now = opts.clock();
    if (access === 'feed') {
      // A higher-level platform's token, whatever else the request carries: no session, no
      // cookie is read here, and a token opens no other route (policy.ts).
      request.ctx = { actor: anonymousActor(opts.officeId), now, request: info };
      request.ctx = {
        ...request.ctx,
        actor: await authenticateFeedToken(opts.db, request.headers.authorization, request.ctx),
      };
      assertRouteAllowed(request.ctx.actor, request.method, route, access);
      return;
    }
    if (opts.resolveActor) {
      request.ctx = { actor: await opts.resolveActor(request), now, request: info };
      assertRouteAllowed(request.ctx.actor, request.method, route, access);
      return;
    }
    request.ctx = { actor: anonymousActor(opts.officeId), now, request: info } satisfies Ctx;
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const found = await authenticateSession(opts.db, token, request.ctx);
      if ('ended' in found) {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        if (access !== 'public') {
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
      if (access === 'public') return;
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
    // One's own account (change the password, enrol TOTP, log out) stays reachable.
    if (session.restriction && access !== 'self' && access !== 'public') {
      throw session.restriction === 'password'
        ? new AppError('auth.password_change_required', '请先修改密码', {
            messageEn: 'change your password first',
          })
        : new AppError('auth.totp_enrollment_required', '管理员账号须先绑定动态验证码', {
            messageEn: 'admin accounts must enrol a TOTP authenticator first',
          });
    }
    assertRouteAllowed(session.actor, request.method, route, access);
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
