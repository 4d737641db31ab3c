import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { createSummary, finalizeSummary, getSummary } from '../documents/summaries.service.ts';
import type { Expect, MatrixRequest as Request, Spec } from './access-matrix.types.ts';

/**
 * The work-summary routes' rows of the route × role × unit matrix (access-matrix.test.ts). A
 * summary is an office-wide document naming every unit's projects: the coordinators write it,
 * the leaders read it, a reporter (one unit) is refused (403), the admin duties too.
 */

export function summarySpecs(env: {
  db: () => Db;
  sys: () => Ctx;
  base: (over: Partial<Expect>, rest: number) => Expect;
}): Record<string, Spec> {
  const { base } = env;
  const read = base({ coordinator: 200, leader: 200 }, 403);
  const coord = (ok: number) => base({ coordinator: ok }, 403);
  // each prepare makes a summary of a period of its own (one per office and period)
  let day = 0;
  const period = () => {
    day++;
    const d = String((day % 28) + 1).padStart(2, '0');
    const m = String(Math.floor(day / 28) + 1).padStart(2, '0');
    return { from: `2025-${m}-${d}`, to: `2025-${m}-${d}` };
  };
  const draft = () => createSummary(env.db(), env.sys(), period());
  const final = async () => {
    const s = await draft();
    return finalizeSummary(env.db(), env.sys(), s.id, { version: s.version });
  };
  const at =
    (make: () => Promise<{ id: number }>, path: (id: number) => string, payload?: unknown) =>
    async (): Promise<Request> => ({ url: path((await make()).id), payload });
  const current = async (make: () => Promise<{ id: number }>) => {
    const s = await make();
    return getSummary(env.db(), env.sys(), s.id);
  };

  return {
    'GET /api/documents/summaries': {
      prepare: async () => {
        await draft();
        return { url: '/api/documents/summaries' };
      },
      expect: read,
    },
    'POST /api/documents/summaries': {
      prepare: async () => ({ url: '/api/documents/summaries', payload: period() }),
      expect: coord(201),
    },
    'GET /api/documents/summaries/:id': {
      prepare: at(draft, (id) => `/api/documents/summaries/${id}`),
      expect: read,
    },
    'PUT /api/documents/summaries/:id/edits': {
      prepare: async () => {
        const s = await current(draft);
        return {
          url: `/api/documents/summaries/${s.id}/edits`,
          payload: { edits: { preface: { added: ['补充说明'] } }, version: s.version },
        };
      },
      expect: coord(200),
    },
    'POST /api/documents/summaries/:id/finalize': {
      prepare: async () => {
        const s = await current(draft);
        return {
          url: `/api/documents/summaries/${s.id}/finalize`,
          payload: { version: s.version },
        };
      },
      expect: coord(200),
    },
    'POST /api/documents/summaries/:id/reopen': {
      prepare: async () => {
        const s = await current(final);
        return { url: `/api/documents/summaries/${s.id}/reopen`, payload: { version: s.version } };
      },
      expect: coord(200),
    },
    'GET /api/documents/summaries/:id/download': {
      prepare: at(draft, (id) => `/api/documents/summaries/${id}/download`),
      expect: read,
    },
  };
}
