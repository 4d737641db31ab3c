import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { createScenario } from '../scenarios/scenarios.service.ts';
import type { Expect, Spec } from './access-matrix.types.ts';

/**
 * The what-if scenarios' rows of the route × role × unit matrix (access-matrix.test.ts). A
 * scenario names every unit's projects: coordinators build them, leaders read them, a reporter
 * (one unit) neither. The preview is a POST, so the gate keeps leaders off it like every write.
 */
export function scenarioSpecs(env: {
  db: () => Db;
  sys: () => Ctx;
  base: (over: Partial<Expect>, rest: number) => Expect;
}): Record<string, Spec> {
  const { base } = env;
  const read = base({ coordinator: 200, leader: 200 }, 403);
  const write = (ok: number) => base({ coordinator: ok }, 403);
  let n = 0;
  const saved = () =>
    createScenario(env.db(), env.sys(), {
      name: `方案${++n}`,
      through: '2026-10',
      changes: { projects: [], milestones: [] },
    });
  const changes = { projects: [], milestones: [] };
  return {
    'GET /api/scenarios': {
      prepare: async () => {
        await saved();
        return { url: '/api/scenarios?year=2026' };
      },
      expect: read,
    },
    'GET /api/scenarios/suggestions': {
      prepare: async () => ({ url: '/api/scenarios/suggestions?through=2026-10' }),
      expect: read,
    },
    'POST /api/scenarios/preview': {
      prepare: async () => ({
        url: '/api/scenarios/preview',
        payload: { through: '2026-10', changes },
      }),
      expect: write(200),
    },
    'POST /api/scenarios': {
      prepare: async () => ({
        url: '/api/scenarios',
        payload: { name: `新方案${++n}`, through: '2026-10', changes },
      }),
      expect: write(201),
    },
    'GET /api/scenarios/:id': {
      prepare: async () => ({ url: `/api/scenarios/${(await saved()).id}` }),
      expect: read,
    },
    'GET /api/scenarios/:id/result': {
      prepare: async () => ({ url: `/api/scenarios/${(await saved()).id}/result` }),
      expect: read,
    },
    'PATCH /api/scenarios/:id': {
      prepare: async () => ({
        url: `/api/scenarios/${(await saved()).id}`,
        payload: { name: `改名${++n}`, version: 1 },
      }),
      expect: write(200),
    },
    'DELETE /api/scenarios/:id': {
      prepare: async () => ({ url: `/api/scenarios/${(await saved()).id}` }),
      expect: write(200),
    },
  };
}
