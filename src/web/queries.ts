import { useQuery } from '@tanstack/react-query';
import type { DefaultPeriod } from '../contracts/dispatch.ts';
import type { YearMonth } from '../domain/periods.ts';
import { api } from './api.ts';
import type { Named, Plan, UnitRow } from './types.ts';

/** Lists that filters need everywhere; they change rarely. */
export function useAreas() {
  return useQuery({
    queryKey: ['areas'],
    queryFn: () => api<Named[]>('/areas'),
    staleTime: 300_000,
  });
}
export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: () => api<Named[]>('/categories'),
    staleTime: 300_000,
  });
}
export function useUnits() {
  return useQuery({
    queryKey: ['units'],
    queryFn: () => api<UnitRow[]>('/units'),
    staleTime: 300_000,
  });
}

/** The office's own name, from its unit of kind "office" when there is one. */
export function useOfficeName(fallback: string): string {
  const units = useUnits();
  return units.data?.find((u) => u.kind === 'office')?.name ?? fallback;
}

/**
 * The month every page opens on, from the server (GET /api/dispatch/default-period): the
 * latest month with approved figures in a year that has plans, the same for every user; a
 * draft or a submitted report never moves it (issue 15 item 1).
 */
export const latestMonthQuery = {
  queryKey: ['latest-month'],
  queryFn: async (): Promise<YearMonth> => {
    const p = await api<DefaultPeriod>('/dispatch/default-period');
    return { year: p.year, month: p.month };
  },
  staleTime: 300_000,
};

export function useLatestMonth() {
  return useQuery(latestMonthQuery);
}

/**
 * A project's plan for a year, or null when it has none: asks which years have plans first, so
 * a missing plan is an answer and not a 404 in the console.
 */
export async function planOrNull(
  code: string,
  year: number,
  signal?: AbortSignal,
): Promise<Plan | null> {
  const path = `/projects/${encodeURIComponent(code)}/plans`;
  const years = await api<number[]>(path, { signal });
  return years.includes(year) ? api<Plan>(`${path}/${year}`, { signal }) : null;
}
