import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cityReportOutput,
  feedTokenCreated,
  feedTokenInput,
  feedTokenView,
} from '../../../contracts/city-feed.ts';
import { id, month, year, yearMonth } from '../../../contracts/common.ts';
import { DISPATCH_LIST_LIMIT, dispatchOutput, dispatchQuery } from '../../../contracts/dispatch.ts';
import { parseYearMonth } from '../../../domain/periods.ts';
import type { RouteDeps } from '../../app.ts';
import { dispatchFigures } from '../dispatch/dispatch.service.ts';
import { sendWorkbook } from '../exports/exports.routes.ts';
import { cityReport, cityReportWorkbook } from './city-report.ts';
import { createFeedToken, listFeedTokens, revokeFeedToken } from './feed-tokens.service.ts';

const monthQuery = z.object({ month: yearMonth.transform((v) => parseYearMonth(v)!) });
/** The feed's own section of the API document, with its own security scheme. */
const feed = { tags: ['feed'], security: [{ feedToken: [] }] };
const feedAccess = { access: 'feed' as const };

/**
 * 署区联动: the read-only feed a higher-level platform pulls every month with a token the system
 * admin made (dispatch figures, the ledger lines of 市重大项目月报, and that report as a workbook),
 * the admin's routes for those tokens, and the same workbook for the office's own staff.
 */
export async function cityFeedRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/admin/feed-tokens',
    {
      schema: {
        tags: ['admin'],
        summary: '数据接口令牌列表（上级平台读取调度数据用）',
        response: { 200: z.array(feedTokenView) },
      },
    },
    (req) => listFeedTokens(db, req.ctx),
  );
  r.post(
    '/admin/feed-tokens',
    {
      schema: {
        tags: ['admin'],
        summary: '新建数据接口令牌（令牌只在此次应答中出现）',
        body: feedTokenInput,
        response: { 200: feedTokenCreated },
      },
    },
    (req) => createFeedToken(db, req.ctx, req.body),
  );
  r.post(
    '/admin/feed-tokens/:id/revoke',
    {
      schema: {
        tags: ['admin'],
        summary: '撤销数据接口令牌（立即失效）',
        params: z.object({ id }),
        response: { 200: feedTokenView },
      },
    },
    (req) => revokeFeedToken(db, req.ctx, req.params.id),
  );

  r.get(
    '/feed/v1/dispatch',
    {
      config: feedAccess,
      schema: {
        ...feed,
        summary: '上级平台：调度数据（年度计划、时序目标、累计完成、预警计数）',
        querystring: dispatchQuery,
        response: { 200: dispatchOutput },
      },
    },
    (req) => {
      const { through, ...filter } = req.query;
      return dispatchFigures(db, req.ctx, { period: through, filter, limit: DISPATCH_LIST_LIMIT });
    },
  );
  r.get(
    '/feed/v1/projects',
    {
      config: feedAccess,
      schema: {
        ...feed,
        summary: '上级平台：市重大项目月报数据（逐项目及合计）',
        querystring: monthQuery,
        response: { 200: cityReportOutput },
      },
    },
    (req) => cityReport(db, req.ctx, req.query.month),
  );
  r.get(
    '/feed/v1/city-report.xlsx',
    {
      config: feedAccess,
      schema: { ...feed, summary: '上级平台：市重大项目月报（Excel）', querystring: monthQuery },
    },
    async (req, reply) =>
      sendWorkbook(reply, await cityReportWorkbook(db, req.ctx, req.query.month)),
  );

  r.get(
    '/exports/city-report',
    {
      schema: {
        tags: ['exports'],
        summary: '导出市重大项目月报（Excel，按市里的列）',
        // the same year and month parameters as the office's other exports
        querystring: z.object({ year, month }),
      },
    },
    async (req, reply) => sendWorkbook(reply, await cityReportWorkbook(db, req.ctx, req.query)),
  );
}
