import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import {
  createRectification,
  reportRectificationDone,
} from '../rectifications/rectifications.service.ts';
import type { Expect, MatrixRequest as Request, Spec } from './access-matrix.types.ts';

/**
 * The rectification routes' rows of the route × role × unit matrix (access-matrix.test.ts).
 * Targets are unit A's tasks, named so that a leak to unit B's reporter shows (甲单位项目); the
 * list prepare also makes one of unit B's (乙单位机密), which unit A's reporter must not see.
 */

export function rectificationSpecs(env: {
  db: () => Db;
  sys: () => Ctx;
  unitA: () => number;
  unitB: () => number;
  base: (over: Partial<Expect>, rest: number) => Expect;
}): Record<string, Spec> {
  const { base } = env;
  const read = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 200 }, 403);
  const readA = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 404 }, 403);
  const coordA = (ok: number) => base({ coordinator: ok, reporterB: 404 }, 403);
  /** the responsible unit's own steps: its reporter only */
  const unitOnlyA = (ok: number) => base({ reporterA: ok, reporterB: 404 }, 403);
  const reporterA = (): Ctx => ({
    ...env.sys(),
    actor: { ...env.sys().actor, role: 'reporter', unitId: env.unitA() },
  });
  const task = (unitId: number, finding: string) =>
    createRectification(env.db(), env.sys(), {
      source: 'inspection',
      sourceName: '2026年区委巡察反馈',
      finding,
      measures: '建立台账，逐项整改',
      responsibleUnitId: unitId,
      deadline: '2026-12-31',
    });
  const taskA = () => task(env.unitA(), '甲单位项目整改问题');
  const reportedA = async () => {
    const t = await taskA();
    return reportRectificationDone(env.db(), reporterA(), t.id, { evidence: '甲单位项目已整改' });
  };
  const at =
    (make: () => Promise<{ id: number }>, path: (id: number) => string, payload?: unknown) =>
    async (): Promise<Request> => ({ url: path((await make()).id), payload });

  return {
    'GET /api/rectifications': {
      prepare: async () => {
        await task(env.unitB(), '乙单位机密整改问题');
        return { url: '/api/rectifications?pageSize=500' };
      },
      expect: read,
    },
    'POST /api/rectifications': {
      prepare: async () => ({
        url: '/api/rectifications',
        payload: {
          source: 'audit',
          sourceName: '审计发现问题',
          finding: '结算滞后',
          measures: '限期结算',
          responsibleUnitId: env.unitA(),
          deadline: '2026-12-31',
        },
      }),
      expect: base({ coordinator: 201 }, 403),
    },
    'GET /api/rectifications/:id': {
      prepare: at(taskA, (id) => `/api/rectifications/${id}`),
      expect: readA,
    },
    'POST /api/rectifications/:id/answer': {
      prepare: at(taskA, (id) => `/api/rectifications/${id}/answer`, { progress: '整改推进中' }),
      expect: unitOnlyA(200),
    },
    'POST /api/rectifications/:id/report-done': {
      prepare: at(taskA, (id) => `/api/rectifications/${id}/report-done`, {
        evidence: '制度已印发',
      }),
      expect: unitOnlyA(200),
    },
    'POST /api/rectifications/:id/close': {
      prepare: at(reportedA, (id) => `/api/rectifications/${id}/close`, {}),
      expect: coordA(200),
    },
    'POST /api/rectifications/:id/send-back': {
      prepare: at(reportedA, (id) => `/api/rectifications/${id}/send-back`, {
        reason: '佐证不足',
      }),
      expect: coordA(200),
    },
  };
}
