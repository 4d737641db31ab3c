import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { yearMonth } from '../../../contracts/common.ts';
import { thresholdsOutput, warningsOutput, warningsQuery } from '../../../contracts/dispatch.ts';
import { parseYearMonth } from '../../../domain/periods.ts';
import { worstFirst } from '../../../domain/warning-rules.ts';
import type { RouteDeps } from '../../app.ts';
import { storedStandings } from '../dispatch/levels.service.ts';
import { getProjectByCode } from '../projects/projects.service.ts';
import { withNoticeLinks } from '../supervision-notices/supervision-notices.service.ts';
import {
  getThresholds,
  overrideInput,
  overrideWarning,
  setThresholds,
  snapshotWarnings,
  thresholdsInput,
  warningHistory,
} from './warnings.service.ts';

export async function warningRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/warnings',
    {
      schema: {
        tags: ['warnings'],
        summary: '某月各项目预警等级及原因',
        querystring: warningsQuery,
        response: { 200: warningsOutput },
      },
    },
    async (req) => {
      const { month, level, ...filter } = req.query;
      // the stored levels, the rule run only for projects changed since (levels.service.ts)
      const all = await storedStandings(db, req.ctx, { period: month, filter });
      // worst first: the list's order is decided here, once, so it follows every override
      const list = all.filter((s) => !level || s.level === level).sort(worstFirst);
      // each warning shows its supervision notice, and whether the caller may issue one
      return withNoticeLinks(db, req.ctx, month, list);
    },
  );
  r.post(
    '/warnings/snapshot',
    {
      schema: {
        tags: ['warnings'],
        summary: '研判：记录某月全部项目的预警快照',
        body: z.object({ month: yearMonth }),
      },
    },
    (req) => snapshotWarnings(db, req.ctx, { period: parseYearMonth(req.body.month)! }),
  );
  r.post(
    '/warnings/override',
    { schema: { tags: ['warnings'], summary: '调整预警等级（须写明理由）', body: overrideInput } },
    async (req) => {
      const { rollup: _r, ...s } = await overrideWarning(db, req.ctx, req.body);
      return s;
    },
  );
  r.get(
    '/projects/:code/warnings',
    {
      schema: {
        tags: ['warnings'],
        summary: '项目预警历史',
        params: z.object({ code: z.string() }),
      },
    },
    async (req) => {
      const project = await getProjectByCode(db, req.ctx, req.params.code);
      return warningHistory(db, req.ctx, project.id);
    },
  );
  r.get(
    '/settings/warnings',
    {
      schema: { tags: ['warnings'], summary: '预警阈值', response: { 200: thresholdsOutput } },
    },
    (req) => getThresholds(db, req.ctx),
  );
  r.put(
    '/settings/warnings',
    {
      schema: {
        tags: ['warnings'],
        summary: '修改预警阈值',
        body: thresholdsInput,
        response: { 200: thresholdsOutput },
      },
    },
    (req) => setThresholds(db, req.ctx, req.body),
  );
}
