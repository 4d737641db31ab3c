import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app.ts';
import { inboxOf } from './inbox.service.ts';

export async function inboxRoutes(app: FastifyInstance, { db }: RouteDeps) {
  app.get(
    '/inbox',
    {
      // one's own inbox: every logged-in person has one (the admin duties' is empty)
      config: { access: 'self' },
      schema: { tags: ['inbox'], summary: '我的待办：需要当前用户处理的事项，最急的在前' },
    },
    (req) => inboxOf(db, req.ctx),
  );
}
