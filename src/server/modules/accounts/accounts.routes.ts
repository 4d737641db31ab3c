import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import type { RouteDeps } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { assertCan, capabilitiesOf } from '../../policy.ts';
import { sessionCookieOptions } from './auth.hooks.ts';
import { demoInfo } from './demo-accounts.service.ts';
import { login, loginInput } from './login.service.ts';
import {
  getSecuritySettings,
  securitySettingsPut,
  updateSecuritySettings,
} from './security-settings.service.ts';
import {
  changePassword,
  confirmTotp,
  enrollTotp,
  passwordChangeInput,
  totpConfirmInput,
  totpEnrollInput,
} from './self-service.service.ts';
import { logout, replaceSession, SESSION_COOKIE, type SessionInfo } from './sessions.service.ts';
import {
  createUser,
  resetPassword,
  resetTotp,
  setUserDisabled,
  unlockUser,
  updateUser,
  userCreateInput,
  userPatchInput,
} from './user-admin.service.ts';
import {
  getUser,
  listAssignableUnits,
  listUsers,
  userListQuery,
} from './user-directory.service.ts';

export type LoginRateLimit = { max: number; timeWindowMs: number };

function sessionOf(req: FastifyRequest): SessionInfo {
  if (!req.session) throw new AppError('auth.required', '请先登录', { messageEn: 'log in first' });
  return req.session;
}

const params = z.object({ id });

/** Log-in, log-out, one's own password and second factor. These record their own audit rows. */
export async function authRoutes(
  app: FastifyInstance,
  {
    db,
    loginRateLimit,
    production = false,
  }: RouteDeps & { loginRateLimit: LoginRateLimit; production?: boolean },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const manual = { audit: 'manual' as const };
  r.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: '登录（用户名、密码，已绑定时加动态验证码）',
        body: loginInput,
      },
      config: {
        ...manual,
        public: true,
        csrf: false,
        rateLimit: {
          max: loginRateLimit.max,
          timeWindow: loginRateLimit.timeWindowMs,
          errorResponseBuilder: (_req, ctx) =>
            new AppError(
              'auth.rate_limited',
              `登录尝试过于频繁，请 ${Math.ceil(ctx.ttl / 1000)} 秒后再试`,
              {
                messageEn: 'too many log-in attempts from this address; wait and try again',
              },
            ),
        },
      },
    },
    async (req, reply) => {
      const { token, body } = await login(db, req.ctx, req.body, {
        ip: req.ip,
        userAgent: req.headers['user-agent'],
        production,
      });
      // A new log-in never inherits the browser's old session (session fixation).
      if (req.session) await replaceSession(db, req.ctx, req.session.sessionId);
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(req));
      return body;
    },
  );
  r.get(
    '/auth/me',
    {
      schema: { tags: ['auth'], summary: '当前用户、CSRF 令牌与其权限（网页据此显示菜单和按钮）' },
      config: manual,
    },
    // The web app shows menus and buttons from `capabilities` alone, computed by can().
    async (req) => ({ ...sessionOf(req).body, capabilities: capabilitiesOf(req.ctx.actor) }),
  );
  r.get(
    '/auth/demo',
    {
      schema: { tags: ['auth'], summary: '演示账号（仅演示办公室）' },
      config: { ...manual, public: true },
    },
    (req) => {
      // Production has no demo: the route answers as if it did not exist.
      if (production) {
        throw new AppError('route.not_found', 'GET /api/auth/demo 不存在', {
          messageEn: 'no such route',
        });
      }
      return demoInfo(db, req.ctx.actor.officeId);
    },
  );
  r.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: '退出登录' }, config: { ...manual, public: true } },
    async (req, reply) => {
      if (req.session) await logout(db, req.ctx, req.session, false);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );
  r.post(
    '/auth/logout-all',
    { schema: { tags: ['auth'], summary: '在所有设备上退出登录' }, config: manual },
    async (req, reply) => {
      await logout(db, req.ctx, sessionOf(req), true);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );
  r.post(
    '/auth/password',
    {
      schema: { tags: ['auth'], summary: '修改本人密码', body: passwordChangeInput },
      config: manual,
    },
    async (req, reply) => {
      await changePassword(db, req.ctx, sessionOf(req), req.body);
      return reply.status(204).send();
    },
  );
  r.post(
    '/auth/totp/enroll',
    {
      schema: {
        tags: ['auth'],
        summary: '开始绑定动态验证码（TOTP）；已绑定时更换须带当前密码和验证码',
        body: totpEnrollInput,
      },
      config: manual,
    },
    (req) => enrollTotp(db, req.ctx, sessionOf(req), req.body),
  );
  r.post(
    '/auth/totp/confirm',
    {
      schema: { tags: ['auth'], summary: '输入验证码完成绑定', body: totpConfirmInput },
      config: manual,
    },
    async (req, reply) => {
      await confirmTotp(db, req.ctx, sessionOf(req), req.body);
      return reply.status(204).send();
    },
  );
}

/** Accounts and security policy: the system admin's and the security admin's pages. */
export async function adminRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];
  r.get(
    '/admin/users',
    { schema: { tags, summary: '账号列表', querystring: userListQuery } },
    (req) => listUsers(db, req.ctx, req.query),
  );
  r.post(
    '/admin/users',
    { schema: { tags, summary: '新建账号（系统管理员）', body: userCreateInput } },
    async (req, reply) => reply.status(201).send(await createUser(db, req.ctx, req.body)),
  );
  r.get('/admin/users/:id', { schema: { tags, summary: '账号详情', params } }, (req) =>
    getUser(db, req.ctx, req.params.id),
  );
  r.patch(
    '/admin/users/:id',
    {
      schema: {
        tags,
        summary: '修改账号：系统管理员改姓名和联系方式，安全管理员改角色和单位（需带 version）',
        params,
        body: userPatchInput,
      },
    },
    (req) => updateUser(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/admin/users/:id/reset-password',
    { schema: { tags, summary: '重置密码（生成临时密码，下次登录须修改）', params } },
    (req) => resetPassword(db, req.ctx, req.params.id),
  );
  r.post(
    '/admin/users/:id/unlock',
    { schema: { tags, summary: '解锁账号（安全管理员）', params } },
    (req) => unlockUser(db, req.ctx, req.params.id),
  );
  r.post(
    '/admin/users/:id/disable',
    {
      schema: {
        tags,
        summary: '停用或恢复账号（系统管理员）',
        params,
        body: z.object({ disabled: z.boolean().default(true) }).nullish(),
      },
    },
    (req) => setUserDisabled(db, req.ctx, req.params.id, req.body?.disabled ?? true),
  );
  r.post(
    '/admin/users/:id/reset-totp',
    { schema: { tags, summary: '清除动态验证码绑定（安全管理员）', params } },
    (req) => resetTotp(db, req.ctx, req.params.id),
  );
  r.get('/admin/units', { schema: { tags, summary: '可分配的单位' } }, (req) =>
    listAssignableUnits(db, req.ctx),
  );
  r.get(
    '/admin/security-settings',
    { schema: { tags, summary: '密码、锁定与会话策略' } },
    (req) => {
      assertCan(
        req.ctx.actor,
        'user.read',
        undefined,
        () => new AppError('settings.not_found', ''),
      );
      return getSecuritySettings(db, req.ctx.actor.officeId);
    },
  );
  r.put(
    '/admin/security-settings',
    {
      schema: {
        tags,
        summary: '修改安全策略（安全管理员，需带 version）',
        body: securitySettingsPut,
      },
    },
    (req) => updateSecuritySettings(db, req.ctx, req.body),
  );
}
