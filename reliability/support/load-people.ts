/**
 * The people of the load tests (reliability/load.test.ts), each an async loop until a deadline
 * over real HTTP: reporters filing the year's months, coordinators reviewing, dashboard readers,
 * a coordinator importing a workbook again and again. Every acknowledged write is logged on the
 * client side, so afterwards the database can be held to exactly what the server said it did.
 */
import { sql } from 'drizzle-orm';
import { wan } from '../../src/domain/money.ts';
import { type Db, queryRows } from '../../src/server/db.ts';
import {
  buildXlsx,
  LEDGER_HEADER,
  PLAN_HEADER,
  type TestCell,
} from '../../test/fixtures/workbooks.ts';
import type { Tally } from './client.ts';
import { PASSWORD } from './office.ts';
import { prng } from './prng.ts';

/** What a run shares: where, until when, and what everyone saw. */
export type Run = {
  baseURL: string;
  year: number;
  /** this month: reporters file months 1..month */
  month: number;
  /** Date.now() after which nobody starts anything new */
  until: number;
  /** a request not answered in this time is a hang: the test fails naming the route */
  timeoutMs: number;
  tally: Tally;
  log: WriteLog;
  /** answers no person expects (a 4xx other than a 409 race, a failed import), in words */
  unexpected: string[];
  /** requests that got no answer within timeoutMs, by route */
  hangs: string[];
  /** latencies by route, to name the slow ones in the printed figures */
  byRoute: Map<string, number[]>;
};

export type Ack = {
  reportId: number;
  action: 'save' | 'submit' | 'approve' | 'return';
  version: number;
  investment: string;
  status: string;
};

/** Every acknowledged (2xx) report write, in the order the answers came. */
export class WriteLog {
  readonly acks: Ack[] = [];
  /** committed imports: the investment each one gave each project's month */
  readonly imports: { codes: Map<string, string[]> }[] = [];
  add(a: Ack) {
    this.acks.push(a);
  }
}

type ReportAnswer = {
  id: number;
  version: number;
  investment: string;
  status: string;
  projectId?: number;
  month?: number;
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A random amount in 万元 as a decimal string built from integers (no float ever summed). */
function amount(random: () => number): string {
  const cents = 10_000 + Math.floor(random() * 90_000_000);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * One person's session, like client.ts's Client (cookie, CSRF, X-Forwarded-For, every answer
 * in the tally) but with a deadline on every request, so a hang ends the person and fails the
 * test with the route named, and with a multipart upload for the import.
 */
export class Person {
  private cookie = '';
  private csrf = '';
  constructor(
    private readonly run: Run,
    readonly username: string,
    private readonly ip: string,
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    form?: FormData,
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const route = `${method} ${path.replace(/\?.*/, '').replace(/\d+/g, ':n')}`;
    const started = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.run.baseURL}/api${path}`, {
        method,
        headers,
        body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
        signal: AbortSignal.timeout(this.run.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        this.run.hangs.push(`${route} (${this.username}) no answer in ${this.run.timeoutMs} ms`);
        throw new Hang(route);
      }
      this.run.tally.networkErrors++;
      this.run.unexpected.push(`${route} (${this.username}): ${String(e)}`);
      throw e;
    }
    const ms = performance.now() - started;
    this.run.tally.record(route, res.status, ms);
    const seen = this.run.byRoute.get(route) ?? [];
    seen.push(ms);
    this.run.byRoute.set(route, seen);
    const set = res.headers.getSetCookie().find((c) => c.startsWith('tiaodu_session='));
    if (set) this.cookie = set.split(';')[0];
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: the text itself
    }
    return { status: res.status, body: parsed as T };
  }

  async login(): Promise<this> {
    const r = await this.request<{ csrfToken?: string }>('POST', '/auth/login', {
      username: this.username,
      password: PASSWORD,
    });
    if (r.status !== 200 || !r.body.csrfToken) {
      throw new Error(`log-in as ${this.username}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    this.csrf = r.body.csrfToken;
    return this;
  }

  /** Notes an answer no one should get here, for the test's failure message. */
  odd(what: string, r: { status: number; body: unknown }) {
    this.run.unexpected.push(
      `${what} (${this.username}): ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`,
    );
  }
}

/** Thrown when a request got no answer in time: the person stops, the test fails. */
export class Hang extends Error {}

/** Runs a person's loop; a hang ends that person (it is already recorded), anything else too. */
export async function person(run: Run, loop: () => Promise<void>): Promise<void> {
  try {
    await loop();
  } catch (e) {
    if (e instanceof Hang) return;
    if (run.tally.networkErrors > 0) return;
    run.unexpected.push(`a person stopped: ${(e as Error).stack ?? String(e)}`);
  }
}

const ok = (s: number) => s >= 200 && s < 300;

/** Logs a 2xx report answer as an acknowledged write. */
function ack(run: Run, action: Ack['action'], r: { body: ReportAnswer }) {
  run.log.add({
    reportId: r.body.id,
    action,
    version: r.body.version,
    investment: wan(r.body.investment),
    status: r.body.status,
  });
}

/**
 * A unit's reporter on deadline day: for each month of the year up to this one, a draft,
 * sometimes a second save, then the submit; after that (and whenever the months are done) the
 * reports a coordinator returned are corrected and handed in again.
 */
export function reporter(
  run: Run,
  p: Person,
  projectIds: number[],
  seed: number,
): () => Promise<void> {
  const random = prng(seed);
  return async () => {
    const todo: { projectId: number; month: number }[] = [];
    for (let m = 1; m <= run.month; m++)
      for (const projectId of projectIds) todo.push({ projectId, month: m });
    while (Date.now() < run.until) {
      const next = todo.shift();
      if (next) {
        await fileMonth(run, p, random, next);
        continue;
      }
      const returned = await p.request<ReportAnswer[]>(
        'GET',
        `/reports?status=returned&year=${run.year}`,
      );
      if (!ok(returned.status)) {
        p.odd('GET /reports?status=returned', returned);
        await pause(500);
        continue;
      }
      for (const r of returned.body) {
        if (Date.now() >= run.until) break;
        await correct(run, p, random, r);
      }
      if (returned.body.length === 0) await pause(200 + random() * 300);
    }
  };
}

async function fileMonth(
  run: Run,
  p: Person,
  random: () => number,
  at: { projectId: number; month: number },
) {
  const form = (version: number) => ({
    projectId: at.projectId,
    year: run.year,
    month: at.month,
    investment: amount(random),
    progressPercent: Math.min(100, at.month * 8),
    progressText: `第${at.month}月按计划推进`,
    version,
  });
  let saved = await p.request<ReportAnswer>('POST', '/reports', form(0));
  if (!ok(saved.status)) {
    // Nobody else writes a reporter's month; anything but 2xx here is worth a look.
    p.odd('POST /reports (new)', saved);
    return;
  }
  ack(run, 'save', saved);
  if (random() < 0.4 && Date.now() < run.until) {
    const again = await p.request<ReportAnswer>('POST', '/reports', form(saved.body.version));
    if (!ok(again.status)) return p.odd('POST /reports (edit)', again);
    ack(run, 'save', again);
    saved = again;
  }
  if (Date.now() >= run.until) return;
  await submit(run, p, saved.body);
}

async function submit(run: Run, p: Person, r: ReportAnswer) {
  let version = r.version;
  for (let attempt = 0; attempt < 3; attempt++) {
    const s = await p.request<ReportAnswer>('POST', `/reports/${r.id}/submit`, { version });
    if (ok(s.status)) return ack(run, 'submit', s);
    if (s.status !== 409) return p.odd('POST /reports/:id/submit', s);
    // Someone changed it first: read it again and go on from what it is now.
    const now = await reread(p, r.id);
    if (!now || (now.status !== 'draft' && now.status !== 'returned')) return;
    version = now.version;
  }
}

/** A returned report: the reporter changes the figure and hands it in again. */
async function correct(run: Run, p: Person, random: () => number, r: ReportAnswer) {
  const edited = await p.request<ReportAnswer>('POST', '/reports', {
    projectId: r.projectId,
    year: run.year,
    month: r.month,
    investment: amount(random),
    progressPercent: Math.min(100, (r.month ?? 1) * 8),
    progressText: '已按退回意见核实修改',
    version: r.version,
  });
  if (edited.status === 409) return; // changed meanwhile: the next look at the list re-reads it
  if (!ok(edited.status)) return p.odd('POST /reports (correct)', edited);
  ack(run, 'save', edited);
  await submit(run, p, edited.body);
}

async function reread(p: Person, id: number): Promise<ReportAnswer | null> {
  const r = await p.request<ReportAnswer>('GET', `/reports/${id}`);
  if (!ok(r.status)) {
    p.odd('GET /reports/:id', r);
    return null;
  }
  return r.body;
}

type QueueItem = { id: number; version: number; status: string };

/**
 * A coordinator working through the review queue: a page of it (not always the first, so five
 * coordinators do not all race for the same reports), then approve most, return some with a
 * reason. A 409 is another coordinator who was quicker: re-read, and act again if still due.
 */
export function reviewer(run: Run, p: Person, seed: number): () => Promise<void> {
  const random = prng(seed);
  return async () => {
    let pages = 1;
    while (Date.now() < run.until) {
      const page = 1 + Math.floor(random() * pages);
      const q = await p.request<{ total: number; items: QueueItem[] }>(
        'GET',
        `/reports/review-queue?page=${page}&pageSize=20`,
      );
      if (!ok(q.status)) {
        p.odd('GET /reports/review-queue', q);
        await pause(500);
        continue;
      }
      pages = Math.max(1, Math.ceil(q.body.total / 20));
      if (q.body.items.length === 0) {
        await pause(100 + random() * 200);
        continue;
      }
      const items = [...q.body.items].sort(() => random() - 0.5).slice(0, 5);
      for (const item of items) {
        if (Date.now() >= run.until) break;
        await review(run, p, random, item);
      }
    }
  };
}

async function review(run: Run, p: Person, random: () => number, item: QueueItem) {
  const giveBack = random() < 0.15;
  let version = item.version;
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = giveBack
      ? await p.request<ReportAnswer>('POST', `/reports/${item.id}/return`, {
          reason: '本月完成投资与形象进度不匹配，请核实后重新报送',
          version,
        })
      : await p.request<ReportAnswer>('POST', `/reports/${item.id}/approve`, { version });
    if (ok(r.status)) return ack(run, giveBack ? 'return' : 'approve', r);
    if (r.status !== 409) return p.odd(`POST /reports/:id/${giveBack ? 'return' : 'approve'}`, r);
    const now = await reread(p, item.id);
    if (now?.status !== 'submitted') return;
    version = now.version;
  }
}

/** The leader or a coordinator watching the dashboard, its counts and the month's warnings. */
export function dashboardReader(run: Run, p: Person, seed: number): () => Promise<void> {
  const random = prng(seed);
  const ym = `${run.year}-${String(run.month).padStart(2, '0')}`;
  return async () => {
    while (Date.now() < run.until) {
      for (const path of [
        `/dispatch?through=${ym}`,
        `/dispatch/counts?through=${ym}`,
        `/warnings?month=${ym}`,
      ]) {
        const r = await p.request('GET', path);
        if (!ok(r.status)) p.odd(`GET ${path}`, r);
      }
      await pause(random() * 500);
    }
  };
}

/** The codes of the projects the importer's workbook carries (none of the reporters'). */
export const importCodes = (n: number) =>
  Array.from({ length: n }, (_, i) => `IMP-${String(i + 1).padStart(3, '0')}`);

/**
 * The office's own workbook of `codes` projects with this year's plans and the months up to
 * this one; round `round` changes every month's figure, so each commit really writes.
 */
async function importWorkbook(
  run: Run,
  codes: string[],
  round: number,
): Promise<{ file: Buffer; figures: Map<string, string[]> }> {
  const ledger: TestCell[][] = [[`${run.year}年重大项目台账`], ['单位：万元'], LEDGER_HEADER];
  const plans: TestCell[][] = [PLAN_HEADER];
  const reports: TestCell[][] = [
    ['项目编号', '月份', '本月完成投资（万元）', '形象进度（%）', '进展情况'],
  ];
  const milestones: TestCell[][] = [['项目编号', '节点名称', '计划日期', '实际日期']];
  const figures = new Map<string, string[]>();
  codes.forEach((code, i) => {
    ledger.push([
      i + 1,
      code,
      `导入项目${i + 1}号`,
      '导入片区',
      '市政',
      '区投',
      `导入单位${(i % 3) + 1}`,
      '在建',
      '60000.00',
      `${run.year - 1}-03-01`,
      `${run.year + 1}-12-31`,
      null,
    ]);
    plans.push([code, run.year, 12000, ...Array.from({ length: 12 }, (_, m) => (m + 1) * 1000)]);
    const months: string[] = [];
    for (let m = 1; m <= run.month; m++) {
      // distinct per round, project and month, in whole cents
      const investment = `${900 + m * 10 + i}.${String(round % 100).padStart(2, '0')}`;
      months.push(wan(investment));
      reports.push([
        code,
        `${run.year}-${String(m).padStart(2, '0')}`,
        investment,
        Math.min(100, 8 * m),
        '按计划推进',
      ]);
    }
    figures.set(code, months);
    milestones.push([code, '开工', `${run.year - 1}-03-01`, `${run.year - 1}-03-15`]);
  });
  const file = await buildXlsx([
    { name: '项目台账', rows: ledger },
    { name: '年度计划', rows: plans },
    { name: '月度完成', rows: reports },
    { name: '节点', rows: milestones },
  ]);
  return { file, figures };
}

/**
 * A coordinator importing the office's workbook again and again through the real route: the
 * preview (dryRun) first, then the commit, each round with new figures for every month.
 */
export function importer(run: Run, p: Person, codes: string[]): () => Promise<void> {
  return async () => {
    for (let round = 1; Date.now() < run.until; round++) {
      const { file, figures } = await importWorkbook(run, codes, round);
      const upload = () => {
        const form = new FormData();
        form.append(
          'file',
          new Blob([new Uint8Array(file)], {
            type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          }),
          'office.xlsx',
        );
        return form;
      };
      const preview = await p.request<{ ok: boolean }>(
        'POST',
        '/imports?dryRun=true',
        undefined,
        upload(),
      );
      if (!ok(preview.status) || !preview.body.ok) {
        p.odd('POST /imports?dryRun=true', preview);
        await pause(500);
        continue;
      }
      const commit = await p.request<{ ok: boolean }>('POST', '/imports', undefined, upload());
      if (!ok(commit.status) || !commit.body.ok) {
        p.odd('POST /imports', commit);
        await pause(500);
        continue;
      }
      run.log.imports.push({ codes: figures });
    }
  };
}

/** What the stored reports say against the write log, in words, with the two counts printed. */
export async function checkWrites(
  db: Db,
  officeId: number,
  log: WriteLog,
): Promise<{ problems: string[]; lost: number; duplicates: number }> {
  const problems: string[] = [];
  let lost = 0;
  let duplicates = 0;
  const stored = await queryRows<{
    id: number;
    code: string;
    month: number;
    status: string;
    version: number;
    investment: string;
    source: string;
  }>(
    db,
    sql`select r.id, p.code, r.month, r.status, r.version, r.investment::text as investment,
          r.source
        from monthly_reports r join projects p on p.id = r.project_id
        where r.office_id = ${officeId}`,
  );
  const transitions = await queryRows<{ report_id: number; action: string; n: number }>(
    db,
    sql`select report_id, action, count(*)::int as n from report_transitions
        where office_id = ${officeId} group by report_id, action`,
  );
  const moves = new Map<number, Map<string, number>>();
  for (const t of transitions) {
    const m = moves.get(t.report_id) ?? new Map<string, number>();
    m.set(t.action, t.n);
    moves.set(t.report_id, m);
  }
  const doubled = await queryRows<{ project_id: number; year: number; month: number; n: number }>(
    db,
    sql`select project_id, year, month, count(*)::int as n from monthly_reports
        where office_id = ${officeId} group by project_id, year, month having count(*) > 1`,
  );
  for (const d of doubled) {
    duplicates++;
    problems.push(`${d.n} reports for project ${d.project_id} ${d.year}-${d.month}`);
  }

  // Form reports: the stored row is the acknowledged write with the highest version, and each
  // acknowledged version was given once (two answers with one version: a write applied over
  // another, or one answered twice).
  const byReport = new Map<number, Ack[]>();
  for (const a of log.acks) byReport.set(a.reportId, [...(byReport.get(a.reportId) ?? []), a]);
  const storedById = new Map(stored.map((s) => [s.id, s]));
  for (const [id, acks] of byReport) {
    const row = storedById.get(id);
    if (!row) {
      lost++;
      problems.push(`report ${id} was acknowledged ${acks.length} times but is not stored`);
      continue;
    }
    const versions = acks.map((a) => a.version);
    if (new Set(versions).size !== versions.length) {
      duplicates++;
      problems.push(`report ${id}: one version acknowledged twice (${versions.join(',')})`);
    }
    const last = acks.reduce((a, b) => (b.version > a.version ? b : a));
    const now = { status: row.status, version: row.version, investment: wan(row.investment) };
    const want = { status: last.status, version: last.version, investment: last.investment };
    if (JSON.stringify(now) !== JSON.stringify(want)) {
      lost++;
      problems.push(
        `report ${id} is ${JSON.stringify(now)}, its last acknowledged write ${JSON.stringify(want)}`,
      );
    }
    const m = moves.get(id) ?? new Map<string, number>();
    for (const action of ['create', 'submit', 'approve', 'return'] as const) {
      const acked = action === 'create' ? 1 : acks.filter((a) => a.action === action).length;
      const rows = m.get(action) ?? 0;
      if (rows !== acked) {
        if (rows > acked) duplicates++;
        else lost++;
        problems.push(`report ${id}: ${rows} ${action} transitions, ${acked} acknowledged`);
      }
    }
  }

  // Imported reports: each committed import changed every month's figure, so each report holds
  // the last commit's figure, at version = commits, with one import transition per commit.
  const commits = log.imports.length;
  const last = log.imports.at(-1);
  for (const row of stored) {
    if (byReport.has(row.id)) continue;
    const figures = last?.codes.get(row.code);
    if (!figures) {
      problems.push(`report ${row.id} (${row.code} month ${row.month}) was never acknowledged`);
      continue;
    }
    const want = { status: 'approved', version: commits, investment: figures[row.month - 1] };
    const now = { status: row.status, version: row.version, investment: wan(row.investment) };
    if (JSON.stringify(now) !== JSON.stringify(want)) {
      lost++;
      problems.push(
        `imported report ${row.code} month ${row.month} is ${JSON.stringify(now)} after ${commits} commits, want ${JSON.stringify(want)}`,
      );
    }
    const rows = moves.get(row.id)?.get('import') ?? 0;
    if (rows !== commits) {
      if (rows > commits) duplicates++;
      else lost++;
      problems.push(
        `imported report ${row.code} month ${row.month}: ${rows} import transitions, ${commits} commits`,
      );
    }
  }
  if (last) {
    const months = [...last.codes.values()].reduce((n, f) => n + f.length, 0);
    const imported = stored.filter((s) => !byReport.has(s.id) && last.codes.has(s.code)).length;
    if (imported !== months) {
      lost += months - imported;
      problems.push(`${imported} imported reports stored, the workbook has ${months}`);
    }
  }
  return { problems, lost, duplicates };
}

/** The printed figures of a load run (never asserted: CI's machine is shared and loaded). */
export function loadFigures(
  run: Run,
  o: { people: number; seconds: number; lost: number; duplicates: number },
): Record<string, string | number> {
  const t = run.tally;
  const p99 = t.percentile(99);
  const elapsed = o.seconds;
  return {
    people: o.people,
    seconds: elapsed,
    requests: t.requests,
    requestsPerSecond: (t.requests / elapsed).toFixed(1),
    s2xx: t.count((s) => s >= 200 && s < 300),
    s4xx: t.count((s) => s >= 400 && s < 500),
    s409: t.count((s) => s === 409),
    s5xx: t.count((s) => s >= 500),
    networkErrors: t.networkErrors,
    hangs: run.hangs.length,
    p50ms: Math.round(t.percentile(50)),
    p95ms: Math.round(t.percentile(95)),
    p99ms: Math.round(p99),
    acknowledgedWrites: run.log.acks.length,
    importsCommitted: run.log.imports.length,
    rowsLost: o.lost,
    duplicates: o.duplicates,
    p99Goal500ms: p99 <= 500 ? 'met' : 'missed',
    slowestRoutesP95: slowest(run.byRoute),
  };
}

/** The three routes slowest at p95, as `GET_/dispatch:812ms/n=40`, for a reader of the log. */
function slowest(byRoute: Map<string, number[]>): string {
  const p95 = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  };
  return [...byRoute]
    .map(([route, xs]) => ({ route, ms: p95(xs), n: xs.length }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3)
    .map((r) => `${r.route.replace(' ', '_')}:${Math.round(r.ms)}ms/n=${r.n}`)
    .join(',');
}
