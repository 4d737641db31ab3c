import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import {
  createActionItem,
  reportActionItemDone,
  requestExtension,
} from '../action-items/action-items.service.ts';
import { recordActivity } from '../activities/activities.service.ts';
import { createMeeting } from '../meetings/meetings.service.ts';
import { raiseProblem } from '../problems/problems.service.ts';
import type { Expect, MatrixRequest as Request, Spec } from './access-matrix.types.ts';

/**
 * The coordination routes' rows of the route × role × unit matrix (access-matrix.test.ts).
 * Targets are unit A's records, named so that a leak to unit B's reporter shows (甲单位项目);
 * every list prepare also makes one of unit B's (乙单位机密), which unit A's reporter must not see.
 */

export function coordinationSpecs(env: {
  db: () => Db;
  sys: () => Ctx;
  unitA: () => number;
  unitB: () => number;
  projectA: () => Promise<{ id: number }>;
  projectB: () => { id: number };
  base: (over: Partial<Expect>, rest: number) => Expect;
}): Record<string, Spec> {
  const { base } = env;
  const read = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 200 }, 403);
  const readA = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 404 }, 403);
  const coord = (ok: number) => base({ coordinator: ok }, 403);
  const coordA = (ok: number) => base({ coordinator: ok, reporterB: 404 }, 403);
  /** the responsible unit's own steps: its reporter only */
  const unitOnlyA = (ok: number) => base({ reporterA: ok, reporterB: 404 }, 403);
  const reporterA = (): Ctx => ({
    ...env.sys(),
    actor: { ...env.sys().actor, role: 'reporter', unitId: env.unitA() },
  });

  const meetingA = () =>
    createMeeting(env.db(), env.sys(), {
      kind: 'coordination',
      title: '甲单位项目协调会',
      heldOn: '2026-10-20',
      unitIds: [env.unitA()],
    });
  const problemA = async () =>
    raiseProblem(env.db(), env.sys(), {
      projectId: (await env.projectA()).id,
      category: 'land',
      description: '甲单位项目用地未移交',
    });
  const itemA = () =>
    createActionItem(env.db(), env.sys(), {
      responsibleUnitId: env.unitA(),
      content: '甲单位项目交办事项',
      deadline: '2026-12-31',
    });
  const extensionAskedA = async () => {
    const item = await itemA();
    return requestExtension(env.db(), reporterA(), item.id, {
      deadline: '2027-01-31',
      reason: '甲单位项目需延期',
    });
  };
  const reportedA = async () => {
    const item = await itemA();
    return reportActionItemDone(env.db(), reporterA(), item.id, { note: '甲单位项目已办结' });
  };
  /** one record of unit B's for the lists, which unit A's reporter must not see */
  const secretsOfB = async () => {
    const db = env.db();
    const ctx = env.sys();
    await createMeeting(db, ctx, {
      kind: 'task_force',
      title: '乙单位机密会议',
      heldOn: '2026-10-21',
      unitIds: [env.unitB()],
    });
    await raiseProblem(db, ctx, {
      projectId: env.projectB().id,
      category: 'funding',
      description: '乙单位机密问题',
    });
    await createActionItem(db, ctx, {
      responsibleUnitId: env.unitB(),
      content: '乙单位机密事项',
      deadline: '2026-12-31',
    });
  };
  const list = (url: string) => async (): Promise<Request> => {
    await secretsOfB();
    return { url };
  };
  const at =
    (make: () => Promise<{ id: number }>, path: (id: number) => string, payload?: unknown) =>
    async (): Promise<Request> => ({ url: path((await make()).id), payload });

  return {
    'GET /api/meetings': { prepare: list('/api/meetings?pageSize=500'), expect: read },
    'POST /api/meetings': {
      prepare: async () => ({
        url: '/api/meetings',
        payload: { kind: 'regular', title: '例会', heldOn: '2026-10-22', unitIds: [env.unitA()] },
      }),
      expect: coord(201),
    },
    'GET /api/meetings/:id': {
      prepare: at(meetingA, (id) => `/api/meetings/${id}`),
      expect: readA,
    },
    'PATCH /api/meetings/:id': {
      prepare: at(meetingA, (id) => `/api/meetings/${id}`, { version: 1, chair: '署长' }),
      expect: coordA(200),
    },
    'GET /api/problems': { prepare: list('/api/problems?pageSize=500'), expect: read },
    'POST /api/problems': {
      prepare: async () => ({
        url: '/api/problems',
        payload: {
          projectId: (await env.projectA()).id,
          category: 'approval',
          description: '报建手续',
        },
      }),
      expect: coord(201),
    },
    'GET /api/problems/:id': {
      prepare: at(problemA, (id) => `/api/problems/${id}`),
      expect: readA,
    },
    'POST /api/problems/:id/coordinate': {
      prepare: at(problemA, (id) => `/api/problems/${id}/coordinate`, {}),
      expect: coordA(200),
    },
    'POST /api/problems/:id/resolve': {
      prepare: at(problemA, (id) => `/api/problems/${id}/resolve`, { resolution: '已协调解决' }),
      expect: coordA(200),
    },
    'POST /api/problems/:id/escalate': {
      prepare: at(problemA, (id) => `/api/problems/${id}/escalate`, { reason: '提请领导研究' }),
      expect: coordA(200),
    },
    'GET /api/action-items': { prepare: list('/api/action-items?pageSize=500'), expect: read },
    'POST /api/action-items': {
      prepare: async () => ({
        url: '/api/action-items',
        payload: { responsibleUnitId: env.unitA(), content: '交办', deadline: '2026-12-31' },
      }),
      expect: coord(201),
    },
    'GET /api/action-items/:id': {
      prepare: at(itemA, (id) => `/api/action-items/${id}`),
      expect: readA,
    },
    'POST /api/action-items/:id/answer': {
      prepare: at(itemA, (id) => `/api/action-items/${id}/answer`, { progress: '推进中' }),
      expect: unitOnlyA(200),
    },
    'POST /api/action-items/:id/request-extension': {
      prepare: at(itemA, (id) => `/api/action-items/${id}/request-extension`, {
        deadline: '2027-02-28',
        reason: '征拆未完成',
      }),
      expect: unitOnlyA(200),
    },
    'POST /api/action-items/:id/report-done': {
      prepare: at(itemA, (id) => `/api/action-items/${id}/report-done`, { note: '已办结' }),
      expect: unitOnlyA(200),
    },
    'POST /api/action-items/:id/approve-extension': {
      prepare: at(extensionAskedA, (id) => `/api/action-items/${id}/approve-extension`, {}),
      expect: coordA(200),
    },
    'POST /api/action-items/:id/reject-extension': {
      prepare: at(extensionAskedA, (id) => `/api/action-items/${id}/reject-extension`, {
        reason: '不符合延期条件',
      }),
      expect: coordA(200),
    },
    'POST /api/action-items/:id/close': {
      prepare: at(reportedA, (id) => `/api/action-items/${id}/close`, {}),
      expect: coordA(200),
    },
    'POST /api/action-items/:id/send-back': {
      prepare: at(reportedA, (id) => `/api/action-items/${id}/send-back`, { reason: '材料不全' }),
      expect: coordA(200),
    },
    'GET /api/activities': { prepare: list('/api/activities'), expect: read },
    'POST /api/activities': {
      prepare: async () => ({
        url: '/api/activities',
        payload: { kind: 'study', title: '专题学习', heldOn: '2026-10-23' },
      }),
      expect: coord(201),
    },
    'GET /api/activities/:id': {
      prepare: at(
        () =>
          recordActivity(env.db(), env.sys(), {
            kind: 'delegation',
            title: '接待考察团',
            heldOn: '2026-10-24',
          }),
        (id) => `/api/activities/${id}`,
      ),
      // the office's own business: a reporter finds none
      expect: base({ coordinator: 200, leader: 200, reporterA: 404, reporterB: 404 }, 403),
    },
    'GET /api/stats': {
      prepare: list('/api/stats?from=2026-01-01&to=2026-12-31'),
      expect: read,
    },
  };
}
