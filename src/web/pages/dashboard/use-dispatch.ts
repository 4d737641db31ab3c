import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { formatYearMonth, parseYearMonth } from '../../../domain/periods.ts';
import { api } from '../../api.ts';
import { useLatestMonth } from '../../queries.ts';
import type { Dispatch } from '../../types.ts';

/** The dashboard's filters live in the address, so a view can be bookmarked and shared. */
export type DispatchFilters = {
  year: number;
  month: number;
  area?: string;
  tag?: string;
  unitId?: number;
  category?: string;
};

export function useDispatchFilters(): {
  filters: DispatchFilters | null;
  setFilters: (patch: Partial<DispatchFilters>) => void;
} {
  const [params, setParams] = useSearchParams();
  const latest = useLatestMonth();
  const filters = useMemo((): DispatchFilters | null => {
    const through = parseYearMonth(params.get('through') ?? '');
    const base = through ?? latest.data;
    if (!base) return latest.isError ? { ...thisMonth() } : null;
    const unitId = Number(params.get('unitId'));
    return {
      year: base.year,
      month: base.month,
      area: params.get('area') ?? undefined,
      tag: params.get('tag') ?? undefined,
      unitId: Number.isInteger(unitId) && unitId > 0 ? unitId : undefined,
      category: params.get('category') ?? undefined,
    };
  }, [params, latest.data, latest.isError]);

  const setFilters = useCallback(
    (patch: Partial<DispatchFilters>) => {
      const next = { ...(filters ?? thisMonth()), ...patch };
      const p = new URLSearchParams();
      p.set('through', formatYearMonth(next));
      if (next.area) p.set('area', next.area);
      if (next.tag) p.set('tag', next.tag);
      if (next.unitId) p.set('unitId', String(next.unitId));
      if (next.category) p.set('category', next.category);
      setParams(p, { replace: true });
    },
    [filters, setParams],
  );
  return { filters, setFilters };
}

function thisMonth() {
  const d = new Date();
  return { year: d.getFullYear(), month: d.getMonth() + 1 };
}

export function dispatchQuery(f: DispatchFilters) {
  return {
    through: formatYearMonth(f),
    area: f.area,
    tag: f.tag,
    unitId: f.unitId,
    category: f.category,
  };
}

export function useDispatch(f: DispatchFilters | null, refetchInterval?: number) {
  return useQuery({
    queryKey: ['dispatch', f],
    queryFn: ({ signal }) => api<Dispatch>('/dispatch', { query: dispatchQuery(f!), signal }),
    enabled: f !== null,
    placeholderData: keepPreviousData,
    refetchInterval,
  });
}
