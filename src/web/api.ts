/**
 * The one way the web app talks to the server: JSON over fetch with the session cookie, the
 * CSRF header on every state-changing request, and errors turned into ApiError with the
 * server's code, message and field so forms can highlight what is wrong.
 */

/** Dates arrive as ISO strings: the server's types with Date replaced by string. */
export type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageEn?: string,
    readonly field?: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

type UnauthorizedListener = (code: string) => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();
/** Called when a request outside /api/auth answers 401: the session has ended. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Query;
  /** multipart upload instead of JSON */
  form?: FormData;
  signal?: AbortSignal;
  /** statuses whose body is an answer, not an error (an import preview with problems is 422) */
  okStatuses?: number[];
};

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? (opts.body !== undefined || opts.form ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.form) {
    body = opts.form;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(`/api${path}`, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试', 'cannot reach the server');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok && !opts.okStatuses?.includes(res.status)) {
    const err = (data as { error?: Record<string, unknown> } | null)?.error;
    const code = typeof err?.code === 'string' ? err.code : `http.${res.status}`;
    const message = typeof err?.message === 'string' ? err.message : `请求失败（${res.status}）`;
    const error = new ApiError(
      res.status,
      code,
      message,
      typeof err?.messageEn === 'string' ? err.messageEn : undefined,
      typeof err?.field === 'string' ? err.field : undefined,
      err ?? {},
    );
    if (res.status === 401 && !path.startsWith('/auth/')) {
      for (const l of unauthorizedListeners) l(code);
    }
    throw error;
  }
  return data as T;
}

/** A download the browser saves itself (exports, templates): a plain link with the cookie. */
export function downloadUrl(path: string, query?: Query): string {
  return withQuery(`/api${path}`, query);
}
