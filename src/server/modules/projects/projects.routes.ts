import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { version } from '../../../contracts/common.ts';
import { projectInput, projectListQuery, projectPatch } from '../../../contracts/projects.ts';
import type { RouteDeps } from '../../app.ts';
import {
  createProject,
  getProjectByCode,
  listProjects,
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
        summary: '项目台账（筛选、排序、分页）',
        querystring: projectListQuery,
      },
    },
    (req) => listProjects(db, req.ctx, req.query),
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
