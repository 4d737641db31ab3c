import type { Expect, MatrixRequest as Request, Spec } from './access-matrix.types.ts';

/**
 * The figure routes' rows of the route × role × unit matrix (access-matrix.test.ts): a project's
 * standing, the ledger's tags, the dashboard's counts and the review queue (issue 12). All read;
 * each answers within the caller's projects, so unit B's reporter never sees unit A's names.
 */
export function figureSpecs(env: {
  projectA: () => Promise<{ code: string }>;
  base: (over: Partial<Expect>, rest: number) => Expect;
}): Record<string, Spec> {
  const { base } = env;
  const read = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 200 }, 403);
  const readA = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 404 }, 403);
  const fixed = (url: string) => async (): Promise<Request> => ({ url });
  return {
    'GET /api/projects/:code/standing': {
      prepare: async () => ({
        url: `/api/projects/${(await env.projectA()).code}/standing?month=2026-10`,
      }),
      expect: readA,
    },
    'GET /api/projects/tags': { prepare: fixed('/api/projects/tags'), expect: read },
    'GET /api/dispatch/counts': {
      prepare: fixed('/api/dispatch/counts?through=2026-10'),
      expect: read,
    },
    'GET /api/reports/review-queue': { prepare: fixed('/api/reports/review-queue'), expect: read },
  };
}
