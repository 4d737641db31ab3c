/**
 * One simulated person over real HTTP: their own session cookie, CSRF token and address (sent
 * as X-Forwarded-For; the servers here trust one loopback proxy hop). Every answer is timed and
 * recorded, so a test reports requests, errors and percentiles over all of its people.
 */

export type Answer<T = unknown> = { status: number; body: T; ms: number };

/** What a run of requests came to: count, statuses, latencies. */
export class Tally {
  readonly latencies: number[] = [];
  readonly statuses = new Map<number, number>();
  /** transport failures (refused, reset): a server down, not an answer */
  networkErrors = 0;
  /** the 5xx answers seen, with their route, for a failure's message */
  readonly serverErrors: string[] = [];

  record(route: string, status: number, ms: number) {
    this.latencies.push(ms);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status >= 500) this.serverErrors.push(`${status} ${route}`);
  }

  get requests() {
    return this.latencies.length;
  }

  count(pred: (status: number) => boolean): number {
    let n = 0;
    for (const [s, c] of this.statuses) if (pred(s)) n += c;
    return n;
  }

  percentile(p: number): number {
    if (this.latencies.length === 0) return 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  }
}

export class Client {
  private cookie = '';
  private csrf = '';
  constructor(
    public baseURL: string,
    private readonly opts: { ip?: string; tally?: Tally } = {},
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (this.opts.ip) headers['x-forwarded-for'] = this.opts.ip;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(`${this.baseURL}/api${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      if (this.opts.tally) this.opts.tally.networkErrors++;
      throw e;
    }
    const text = await res.text();
    const ms = performance.now() - started;
    this.opts.tally?.record(`${method} ${path.replace(/\d+/g, ':n')}`, res.status, ms);
    const set = res.headers.getSetCookie().find((c) => c.startsWith('tiaodu_session='));
    if (set) this.cookie = set.split(';')[0];
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (an export, an HTML error page): the text itself
    }
    return { status: res.status, body: parsed as T, ms };
  }

  async login(username: string, password: string): Promise<void> {
    const r = await this.request<{ csrfToken?: string }>('POST', '/auth/login', {
      username,
      password,
    });
    if (r.status !== 200 || !r.body.csrfToken) {
      throw new Error(`log-in as ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    this.csrf = r.body.csrfToken;
  }

  /** the same session on another instance (a load balancer sending the next request there) */
  on(baseURL: string): Client {
    const other = new Client(baseURL, this.opts);
    other.cookie = this.cookie;
    other.csrf = this.csrf;
    return other;
  }
}
