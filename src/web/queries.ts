import { useQuery } from '@tanstack/react-query';
import { yearMonthOf } from '../domain/periods.ts';
import { api } from './api.ts';
import type { Named, Plan, Report, UnitRow } from './types.ts';

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
 * The month the figures are "at" by default: the month of the latest report in the database
 * (an office looking at last year's workbook sees last year), else the current month.
 */
export const latestMonthQuery = {
  queryKey: ['latest-month'],
  queryFn: async () => {
    const [latest] = await api<Report[]>('/reports', { query: { pageSize: 1 } });
    return latest ? { year: latest.year, month: latest.month } : yearMonthOf(new Date());
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
