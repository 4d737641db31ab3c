import { useSearchParams } from 'react-router';

/** The query string with the patch applied: a value sets its parameter, null or undefined removes it. */
export function patchParams(
  params: URLSearchParams,
  patch: Record<string, string | null | undefined>,
): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(patch)) v == null ? next.delete(k) : next.set(k, v);
  return next;
}

/**
 * A list page's filters, kept in its URL (shareable, kept on reload): the parameters and a
 * setter that patches them in place, without a new history entry per click.
 */
export function useUrlParams(): [
  URLSearchParams,
  (patch: Record<string, string | null | undefined>) => void,
] {
  const [params, setParams] = useSearchParams();
  return [params, (patch) => setParams(patchParams(params, patch), { replace: true })];
}
