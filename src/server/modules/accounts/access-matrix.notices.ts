import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { addMilestone } from '../milestones/milestones.service.ts';
import { getNoticeSettings } from '../supervision-notices/notice-settings.ts';
import { answerNotice, issueNotice } from '../supervision-notices/supervision-notices.service.ts';
import type { Expect, MatrixRequest as Request, Spec } from './access-matrix.types.ts';

/**
 * The supervision notices' rows of the route × role × unit matrix (access-matrix.test.ts).
 * Targets are notices addressed to unit A about its projects (甲单位项目); every list prepare also
 * issues one to unit B about its project (乙单位机密), which unit A's reporter must not see.
 */

export function noticeSpecs(env: {
  db: () => Db;
  sys: () => Ctx;
  unitA: () => number;
  unitB: () => number;
  projectA: () => Promise<{ id: number; code: string }>;
  projectB: () => { id: number };
  base: (over: Partial<Expect>, rest: number) => Expect;
}): Record<string, Spec> {
  const { base } = env;
  const read = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 200 }, 403);
  const readA = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 404 }, 403);
  const coord = (ok: number) => base({ coordinator: ok }, 403);
  const coordA = (ok: number) => base({ coordinator: ok, reporterB: 404 }, 403);
  const unitOnlyA = (ok: number) => base({ reporterA: ok, reporterB: 404 }, 403);
  const reporterA = (): Ctx => ({
    ...env.sys(),
    actor: { ...env.sys().actor, role: 'reporter', unitId: env.unitA() },
  });

  const noticeA = async () =>
    issueNotice(env.db(), env.sys(), {
      projectId: (await env.projectA()).id,
      content: '甲单位项目督办：请报送整改措施',
      deadline: '2026-12-31',
    });
  const answeredA = async () => {
    const n = await noticeA();
    return answerNotice(env.db(), reporterA(), n.id, { measures: '甲单位项目整改措施' });
  };
  /** a project of unit A whose start slipped all year: red in October 2026 */
  const redProjectA = async () => {
    const p = await env.projectA();
    await addMilestone(env.db(), env.sys(), {
      projectId: p.id,
      kind: 'start',
      plannedDate: '2026-01-01',
    });
    return p;
  };
  const list = (url: string) => async (): Promise<Request> => {
    await issueNotice(env.db(), env.sys(), {
      projectId: env.projectB().id,
      content: '乙单位机密督办事项',
      deadline: '2026-12-31',
    });
    return { url };
  };
  const at =
    (make: () => Promise<{ id: number }>, path: (id: number) => string, payload?: unknown) =>
    async (): Promise<Request> => ({ url: path((await make()).id), payload });

  return {
    'GET /api/supervision-notices': {
      prepare: list('/api/supervision-notices?pageSize=500'),
      expect: read,
    },
    'POST /api/supervision-notices': {
      prepare: async () => ({
        url: '/api/supervision-notices',
        payload: {
          projectId: (await env.projectA()).id,
          content: '督办',
          deadline: '2026-12-31',
        },
      }),
      expect: coord(201),
    },
    'POST /api/supervision-notices/from-warning': {
      prepare: async () => ({
        url: '/api/supervision-notices/from-warning',
        payload: { projectCode: (await redProjectA()).code, month: '2026-10' },
      }),
      expect: coord(201),
    },
    'GET /api/supervision-notices/proposals': {
      prepare: list('/api/supervision-notices/proposals?month=2026-10'),
      expect: read,
    },
    'GET /api/supervision-notices/:id': {
      prepare: at(noticeA, (id) => `/api/supervision-notices/${id}`),
      expect: readA,
    },
    'POST /api/supervision-notices/:id/answer': {
      prepare: at(noticeA, (id) => `/api/supervision-notices/${id}/answer`, {
        measures: '已制定整改措施',
      }),
      expect: unitOnlyA(200),
    },
    'POST /api/supervision-notices/:id/close': {
      prepare: at(answeredA, (id) => `/api/supervision-notices/${id}/close`, {}),
      expect: coordA(200),
    },
    'POST /api/supervision-notices/:id/send-back': {
      prepare: at(answeredA, (id) => `/api/supervision-notices/${id}/send-back`, {
        reason: '措施不具体',
      }),
      expect: coordA(200),
    },
    'GET /api/settings/notices': {
      prepare: async () => ({ url: '/api/settings/notices' }),
      expect: read,
    },
    'PUT /api/settings/notices': {
      prepare: async () => ({
        url: '/api/settings/notices',
        payload: {
          numberPattern: '光科建督〔{year}〕{n}号',
          attentionMonths: 2,
          // the version now, whoever saved before: this matrix checks access, not staleness
          version: (await getNoticeSettings(env.db(), env.sys())).version,
        },
      }),
      expect: coord(200),
    },
  };
}
