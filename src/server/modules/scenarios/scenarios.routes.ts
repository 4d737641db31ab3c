import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  scenarioIdParams,
  scenarioInput,
  scenarioListQuery,
  scenarioOut,
  scenarioPreviewInput,
  scenarioResultOut,
  scenarioThroughQuery,
  scenarioUpdateInput,
  suggestionsOut,
} from '../../../contracts/scenarios.ts';
import type { RouteDeps } from '../../app.ts';
import {
  createScenario,
  deleteScenario,
  getScenario,
  listScenarios,
  previewScenario,
  scenarioResult,
  scenarioSuggestions,
  updateScenario,
} from './scenarios.service.ts';

/**
 * What-if scenarios (假设分析, issue 14 item 3). The `business` gate (policy.ts ROUTE_AREAS) keeps
 * leaders off every write; the service lets coordinators write and coordinators and leaders
 * read, never a reporter. The preview is a POST (its changes are a body) and so a write to the
 * gate: a leader reads saved scenarios, a coordinator builds them.
 */
export async function scenarioRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['dispatch'];
  const params = scenarioIdParams;
  r.get(
    '/scenarios',
    {
      schema: {
        tags,
        summary: '假设分析：本办保存的方案',
        querystring: scenarioListQuery,
        response: { 200: z.array(scenarioOut) },
      },
    },
    (req) => listScenarios(db, req.ctx, req.query.year),
  );
  r.get(
    '/scenarios/suggestions',
    {
      schema: {
        tags,
        summary: '假设分析：按剩余计划和近3个月节奏排序，哪些项目加快可补上全年缺口',
        querystring: scenarioThroughQuery,
        response: { 200: suggestionsOut },
      },
    },
    (req) => scenarioSuggestions(db, req.ctx, req.query.through),
  );
  r.post(
    '/scenarios/preview',
    {
      schema: {
        tags,
        summary: '假设分析：不保存，计算方案的全年预计、完成率和预警数',
        body: scenarioPreviewInput,
        response: { 200: scenarioResultOut },
      },
    },
    (req) => previewScenario(db, req.ctx, req.body),
  );
  r.post(
    '/scenarios',
    {
      schema: { tags, summary: '保存方案', body: scenarioInput, response: { 201: scenarioOut } },
    },
    async (req, reply) => reply.status(201).send(await createScenario(db, req.ctx, req.body)),
  );
  r.get(
    '/scenarios/:id',
    { schema: { tags, summary: '方案', params, response: { 200: scenarioOut } } },
    (req) => getScenario(db, req.ctx, req.params.id),
  );
  r.get(
    '/scenarios/:id/result',
    {
      schema: {
        tags,
        summary: '方案的全年预计、完成率和预警数，与基准预测并列',
        params,
        response: { 200: scenarioResultOut },
      },
    },
    (req) => scenarioResult(db, req.ctx, req.params.id),
  );
  r.patch(
    '/scenarios/:id',
    {
      schema: {
        tags,
        summary: '修改方案（版本不符 409）',
        params,
        body: scenarioUpdateInput,
        response: { 200: scenarioOut },
      },
    },
    (req) => updateScenario(db, req.ctx, req.params.id, req.body),
  );
  r.delete(
    '/scenarios/:id',
    {
      schema: {
        tags,
        summary: '删除方案',
        params,
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    (req) => deleteScenario(db, req.ctx, req.params.id),
  );
}
