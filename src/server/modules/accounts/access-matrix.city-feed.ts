import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { createFeedToken } from '../city-feed/feed-tokens.service.ts';
import type { Expect, Spec } from './access-matrix.types.ts';

/**
 * The city feed's rows of the route × role × unit matrix (access-matrix.test.ts). The feed
 * answers a feed token only: every session, whatever its role, is 401 there (city-feed.test.ts
 * proves the token opens nothing else). Its tokens are the system admin's; 市重大项目月报 names
 * every unit's projects, so the office's own export of it is the coordinators' and leaders'.
 */
export function cityFeedSpecs(env: {
  db: () => Db;
  sys: () => Ctx;
  base: (over: Partial<Expect>, rest: number) => Expect;
}): Record<string, Spec> {
  const { base } = env;
  const feed = base({}, 401);
  const admin = (ok: number) => base({ sysadmin: ok }, 403);
  let n = 0;
  const token = () => createFeedToken(env.db(), env.sys(), { name: `市平台${++n}` });
  return {
    'GET /api/feed/v1/dispatch': {
      prepare: async () => ({ url: '/api/feed/v1/dispatch?through=2026-10' }),
      expect: feed,
    },
    'GET /api/feed/v1/projects': {
      prepare: async () => ({ url: '/api/feed/v1/projects?month=2026-10' }),
      expect: feed,
    },
    'GET /api/feed/v1/city-report.xlsx': {
      prepare: async () => ({ url: '/api/feed/v1/city-report.xlsx?month=2026-10' }),
      expect: feed,
    },
    'GET /api/exports/city-report': {
      prepare: async () => ({ url: '/api/exports/city-report?year=2026&month=10' }),
      expect: base({ coordinator: 200, leader: 200 }, 403),
    },
    'GET /api/admin/feed-tokens': {
      prepare: async () => {
        await token();
        return { url: '/api/admin/feed-tokens' };
      },
      expect: admin(200),
    },
    'POST /api/admin/feed-tokens': {
      prepare: async () => ({ url: '/api/admin/feed-tokens', payload: { name: '市平台' } }),
      expect: admin(200),
    },
    'POST /api/admin/feed-tokens/:id/revoke': {
      prepare: async () => ({
        url: `/api/admin/feed-tokens/${(await token()).feedToken.id}/revoke`,
      }),
      expect: admin(200),
    },
  };
}
