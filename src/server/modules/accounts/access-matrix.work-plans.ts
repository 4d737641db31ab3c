import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { createWorkPlanItem } from '../work-plans/work-plan-items.service.ts';
import { createWorkPlan } from '../work-plans/work-plans.service.ts';
import type { Expect, MatrixRequest as Request, Spec } from './access-matrix.types.ts';

/**
 * The work-plan routes' rows of the route × role × unit matrix (access-matrix.test.ts). Unit A's
 * items say 甲单位项目 and unit B's 乙单位机密, so an item leaking to the other unit's reporter
 * shows; plan names say neither (a plan is seen through any of its items).
 */

export function workPlanSpecs(env: {
  db: () => Db;
  sys: () => Ctx;
  unitA: () => number;
  unitB: () => number;
  base: (over: Partial<Expect>, rest: number) => Expect;
}): Record<string, Spec> {
  const { base } = env;
  let n = 0;
  const read = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 200 }, 403);
  const readA = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 404 }, 403);
  const coord = (ok: number) => base({ coordinator: ok }, 403);
  const plan = () =>
    createWorkPlan(env.db(), env.sys(), {
      name: `矩阵工作方案${++n}`,
      year: 2026,
      themes: ['道路建设', '配套设施'],
    });
  const item = async (planId: number, themeId: number, unitId: number, content: string) =>
    createWorkPlanItem(env.db(), env.sys(), planId, {
      themeId,
      content,
      responsibleUnitId: unitId,
      deadline: '2026-12',
    });
  /** a plan holding one item of unit A only */
  const planA = async () => {
    const p = await plan();
    await item(p.id, p.themeList[0]!.id, env.unitA(), '甲单位项目道路贯通');
    return p;
  };
  const itemA = async () => {
    const p = await plan();
    return item(p.id, p.themeList[0]!.id, env.unitA(), '甲单位项目管线迁改');
  };
  const at =
    (make: () => Promise<{ id: number }>, path: (id: number) => string, payload?: unknown) =>
    async (): Promise<Request> => ({ url: path((await make()).id), payload });

  return {
    'GET /api/work-plans': {
      prepare: async () => {
        const p = await plan();
        await item(p.id, p.themeList[0]!.id, env.unitA(), '甲单位项目征拆');
        await item(p.id, p.themeList[1]!.id, env.unitB(), '乙单位机密事项');
        return { url: '/api/work-plans' };
      },
      expect: read,
    },
    'POST /api/work-plans': {
      prepare: async () => ({
        url: '/api/work-plans',
        payload: { name: `矩阵新方案${++n}`, year: 2026, themes: ['统筹'] },
      }),
      expect: coord(201),
    },
    'GET /api/work-plans/:id': {
      prepare: at(planA, (id) => `/api/work-plans/${id}`),
      expect: readA,
    },
    'PATCH /api/work-plans/:id': {
      prepare: at(planA, (id) => `/api/work-plans/${id}`, { year: 2027, version: 2 }),
      expect: coord(200),
    },
    'POST /api/work-plans/:id/items': {
      prepare: async () => {
        const p = await plan();
        return {
          url: `/api/work-plans/${p.id}/items`,
          payload: {
            themeId: p.themeList[0]!.id,
            content: '新增任务',
            responsibleUnitId: env.unitA(),
            deadline: '2026-11-30',
          },
        };
      },
      expect: coord(201),
    },
    'GET /api/work-plans/:id/export': {
      prepare: at(planA, (id) => `/api/work-plans/${id}/export`),
      expect: readA,
    },
    'POST /api/work-plans/:id/import': {
      // no file: the office gets as far as "upload a file"; nobody else gets that far
      prepare: at(planA, (id) => `/api/work-plans/${id}/import`, {}),
      expect: coord(400),
    },
    'GET /api/work-plan-items/:id': {
      prepare: at(itemA, (id) => `/api/work-plan-items/${id}`),
      expect: readA,
    },
    'PATCH /api/work-plan-items/:id': {
      prepare: at(itemA, (id) => `/api/work-plan-items/${id}`, { content: '改写', version: 1 }),
      expect: base({ coordinator: 200, reporterB: 404 }, 403),
    },
    'POST /api/work-plan-items/:id/progress': {
      prepare: at(itemA, (id) => `/api/work-plan-items/${id}/progress`, {
        status: 'in_progress',
        progress: '甲单位项目推进中',
        version: 1,
      }),
      expect: base({ coordinator: 200, reporterA: 200, reporterB: 404 }, 403),
    },
  };
}
