import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { version } from '../../../contracts/common.ts';
import {
  projectInput,
  projectListOutput,
  projectListQuery,
  projectPatch,
  projectStandingOutput,
  projectStandingQuery,
  projectTagsOutput,
} from '../../../contracts/projects.ts';
import type { RouteDeps } from '../../app.ts';
import { listLedger, listProjectTags, projectStanding } from './ledger.service.ts';
import {
  createProject,
  getProjectByCode,
  setProjectArchived,
  updateProject,
} from './projects.service.ts';

export const codeParams = z.object({ code: z.string().min(1).max(64) });

export async function projectRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/projects',
    {
      schema: {
        tags: ['ledger'],
        summary: '项目台账（筛选、排序、分页）；带 month 时每行有当月数据和预警等级',
        querystring: projectListQuery,
        response: { 200: projectListOutput },
      },
    },
    (req) => listLedger(db, req.ctx, req.query),
  );
  r.get(
    '/projects/tags',
    {
      schema: {
        tags: ['ledger'],
        summary: '项目标签（本人可见的未归档项目，去重排序）',
        response: { 200: projectTagsOutput },
      },
    },
    (req) => listProjectTags(db, req.ctx),
  );
  r.get(
    '/projects/:code/standing',
    {
      schema: {
        tags: ['warnings'],
        summary: '项目某月预警等级、原因和调整（只计算该项目）',
        params: codeParams,
        querystring: projectStandingQuery,
        response: { 200: projectStandingOutput },
      },
    },
    (req) => projectStanding(db, req.ctx, req.params.code, req.query.month),
  );
  r.post(
    '/projects',
    { schema: { tags: ['ledger'], summary: '新建项目', body: projectInput } },
    async (req, reply) => reply.status(201).send(await createProject(db, req.ctx, req.body)),
  );
  r.get(
    '/projects/:code',
    { schema: { tags: ['ledger'], summary: '项目详情', params: codeParams } },
    (req) => getProjectByCode(db, req.ctx, req.params.code),
  );
  r.patch(
    '/projects/:code',
    {
      schema: {
        tags: ['ledger'],
        summary: '修改项目（需带 version）',
        params: codeParams,
        body: projectPatch,
      },
    },
    async (req) => {
      const project = await getProjectByCode(db, req.ctx, req.params.code);
      return updateProject(db, req.ctx, project.id, req.body);
    },
  );
  r.post(
    '/projects/:code/archive',
    {
      schema: {
        tags: ['ledger'],
        summary: '归档或恢复项目（不删除）',
        params: codeParams,
        body: z.object({ archived: z.boolean(), version }),
      },
    },
    async (req) => {
      const project = await getProjectByCode(db, req.ctx, req.params.code);
      return setProjectArchived(db, req.ctx, project.id, req.body.archived, req.body.version);
    },
  );
}
