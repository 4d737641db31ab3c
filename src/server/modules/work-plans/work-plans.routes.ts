import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id } from '../../../contracts/common.ts';
import {
  workPlanImportQuery,
  workPlanInput,
  workPlanItemInput,
  workPlanItemUpdateInput,
  workPlanListQuery,
  workPlanProgressInput,
  workPlanUpdateInput,
} from '../../../contracts/work-plans.ts';
import type { RouteDeps } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { can } from '../../policy.ts';
import { sendWorkbook } from '../exports/exports.routes.ts';
import { WORKBOOK_LIMITS } from '../imports/zip-guard.ts';
import {
  createWorkPlanItem,
  updateWorkPlanItem,
  updateWorkPlanProgress,
} from './work-plan-items.service.ts';
import {
  createWorkPlan,
  getWorkPlan,
  getWorkPlanItem,
  listWorkPlans,
  updateWorkPlan,
} from './work-plans.service.ts';
import { exportWorkPlanItems, importWorkPlanItems } from './work-plans.workbook.ts';

const params = z.object({ id });
const tags = ['work-plans'];

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

const noFile = () =>
  new AppError('import.no_file', '请上传文件（multipart/form-data，字段名 file）', {
    field: 'file',
    messageEn: 'upload a file as multipart/form-data in the field "file"',
  });

export async function workPlanRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/work-plans',
    {
      schema: {
        tags,
        summary: '工作方案列表（含任务数、完成数、逾期数、完成率；填报员只统计本单位任务）',
        querystring: workPlanListQuery,
      },
    },
    (req) => listWorkPlans(db, req.ctx, req.query),
  );
  r.post(
    '/work-plans',
    { schema: { tags, summary: '新建工作方案（含方面）', body: workPlanInput } },
    async (req, reply) => reply.status(201).send(await createWorkPlan(db, req.ctx, req.body)),
  );
  r.get(
    '/work-plans/:id',
    {
      schema: {
        tags,
        summary: '工作方案：方面、任务、按方面和责任单位的汇总（滞后由服务器判定）',
        params,
      },
    },
    (req) => getWorkPlan(db, req.ctx, req.params.id),
  );
  r.patch(
    '/work-plans/:id',
    { schema: { tags, summary: '修改工作方案及其方面', params, body: workPlanUpdateInput } },
    (req) => updateWorkPlan(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/work-plans/:id/items',
    {
      schema: {
        tags,
        summary: '新增任务',
        params,
        body: workPlanItemInput.extend({ planVersion: z.number().int().positive().optional() }),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await createWorkPlanItem(db, req.ctx, req.params.id, req.body)),
  );
  r.get(
    '/work-plans/:id/export',
    { schema: { tags, summary: '导出任务清单（.xlsx，与导入格式相同）', params } },
    async (req, reply) =>
      sendWorkbook(reply, await exportWorkPlanItems(db, req.ctx, req.params.id)),
  );
  r.get(
    '/work-plan-items/:id',
    { schema: { tags, summary: '一项任务；can 为当前用户可做的操作', params } },
    (req) => getWorkPlanItem(db, req.ctx, req.params.id),
  );
  r.patch(
    '/work-plan-items/:id',
    { schema: { tags, summary: '修改任务（统筹）', params, body: workPlanItemUpdateInput } },
    (req) => updateWorkPlanItem(db, req.ctx, req.params.id, req.body),
  );
  r.post(
    '/work-plan-items/:id/progress',
    {
      schema: {
        tags,
        summary: '更新任务状态和进展（责任单位或统筹）',
        params,
        body: workPlanProgressInput,
      },
    },
    (req) => updateWorkPlanProgress(db, req.ctx, req.params.id, req.body),
  );
  // Multipart only in this scope, with the ledger import's limits.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: {
        fileSize: WORKBOOK_LIMITS.fileBytes,
        files: 1,
        fields: 5,
        parts: 6,
        fieldSize: 1024,
      },
    });
    const s = scope.withTypeProvider<ZodTypeProvider>();
    s.post(
      '/work-plans/:id/import',
      {
        schema: {
          tags,
          summary:
            '导入任务清单（.xlsx）；dryRun=true 只预览不写入。全部通过返回200，有错误返回422且不写入任何数据',
          consumes: ['multipart/form-data'],
          params,
          querystring: workPlanImportQuery,
        },
      },
      async (req, reply) => {
        // refuse before reading an upload the caller may not import anyway
        if (!can(req.ctx.actor, 'coordination.write')) throw forbidden();
        if (!req.isMultipart()) throw noFile();
        const part = await req.file();
        if (part?.fieldname !== 'file') throw noFile();
        let buffer: Buffer;
        try {
          buffer = await part.toBuffer();
        } catch (e) {
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            throw new AppError('file.too_large', '文件过大', {
              field: 'file',
              messageEn: 'the file is too large',
            });
          }
          throw e;
        }
        const result = await importWorkPlanItems(db, req.ctx, req.params.id, buffer, {
          dryRun: req.query.dryRun,
        });
        return reply.status(result.ok ? 200 : 422).send(result);
      },
    );
  });
}
