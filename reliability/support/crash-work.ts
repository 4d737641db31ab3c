/**
 * What the crash test (crash.test.ts) needs besides the shared support: a seeded random source,
 * so a failing run can be replayed from its printed seed, the workbook each cycle imports, and
 * the ledger of writes the server acknowledged, which the test holds the restarted server to.
 */
import {
  buildXlsx,
  LEDGER_HEADER,
  PLAN_HEADER,
  type TestCell,
} from '../../test/fixtures/workbooks.ts';

export { prng } from './prng.ts';

/** The name every project of one cycle's import starts with, so one search finds the batch. */
export const batchName = (cycle: number) => `崩溃导入第${cycle}批`;
export const batchCode = (cycle: number, i: number) => `K${cycle}-${i}`;

/**
 * One cycle's workbook: `rows` new projects K{cycle}-{i} of an existing unit and area, each with
 * this year's plan. All of it lands in one import transaction, so after a crash the batch is
 * there whole or not at all.
 */
export function batchWorkbook(o: {
  cycle: number;
  rows: number;
  year: number;
  unit: string;
  area: string;
}): Promise<Buffer> {
  const ledger: TestCell[][] = [[`${o.year}年重大项目台账`], ['单位：万元'], LEDGER_HEADER];
  const plans: TestCell[][] = [PLAN_HEADER];
  for (let i = 1; i <= o.rows; i++) {
    const annual = 600 + (i % 29) * 12;
    ledger.push([
      i,
      batchCode(o.cycle, i),
      `${batchName(o.cycle)}-${i}`,
      o.area,
      '崩溃测试类',
      '六重',
      o.unit,
      '在建',
      `${annual * 4}.00`,
      `${o.year - 1}-03-01`,
      `${o.year + 1}-12-31`,
      null,
    ]);
    plans.push([
      batchCode(o.cycle, i),
      o.year,
      annual,
      ...Array.from({ length: 12 }, (_, m) => Math.round(((annual * (m + 1)) / 12) * 100) / 100),
    ]);
  }
  return buildXlsx([
    { name: '项目台账', rows: ledger },
    { name: '年度计划', rows: plans },
  ]);
}

/** A report as the API shows it; the fields a crash must not lose. */
export type ReportState = {
  id: number;
  projectId: number;
  year: number;
  month: number;
  version: number;
  status: string;
  investment: string;
  progressPercent: string | null;
};

export type ReportWrite = 'save' | 'submit' | 'approve' | 'return';

/** What a write in flight will leave behind if it committed before the crash. */
export type Expected = { kind: ReportWrite; status: string; investment?: string };

/** One project's report for one month, as the test's people last heard of it. */
export type Slot = {
  key: string;
  projectId: number;
  year: number;
  month: number;
  /** the state from the last acknowledged write (or the last check after a restart) */
  acked: ReportState | null;
  /** a write sent but not answered when the server died: it may or may not have committed */
  pending: Expected | null;
  /** someone is working on it right now */
  busy: boolean;
};

export const slotKey = (projectId: number, year: number, month: number) =>
  `${projectId}:${year}-${month}`;

/** Amounts compare as decimals: "12.5" and "12.50" are the same money. */
export const sameAmount = (a: string | null | undefined, b: string | null | undefined) =>
  a == null || b == null ? a == null && b == null : Number(a).toFixed(2) === Number(b).toFixed(2);

export function toState(v: Record<string, unknown>): ReportState {
  return {
    id: Number(v.id),
    projectId: Number(v.projectId),
    year: Number(v.year),
    month: Number(v.month),
    version: Number(v.version),
    status: String(v.status),
    investment: String(v.investment),
    progressPercent: v.progressPercent == null ? null : String(v.progressPercent),
  };
}

/**
 * Holds a report found after a restart to what was acknowledged before the crash: the same
 * version and values, or (only when a write was in flight) exactly one version on with what
 * that write would have made of it. Returns what is wrong, or null.
 */
export function judgeSlot(slot: Slot, found: ReportState | undefined): string | null {
  const { acked, pending } = slot;
  const where = `report ${slot.key}`;
  if (!acked) {
    if (!found) return null;
    if (pending?.kind === 'save' && found.version === 1 && found.status === 'draft') {
      return sameAmount(found.investment, pending.investment)
        ? null
        : `${where}: unacknowledged first save left ${found.investment}, sent ${pending.investment}`;
    }
    return `${where}: exists (v${found.version} ${found.status}) though no write of it was sent`;
  }
  if (!found) return `${where}: acknowledged v${acked.version} ${acked.status} is gone`;
  if (found.id !== acked.id) return `${where}: id ${found.id}, acknowledged ${acked.id}`;
  if (found.version === acked.version) {
    if (found.status !== acked.status)
      return `${where} v${found.version}: status ${found.status}, acknowledged ${acked.status}`;
    if (!sameAmount(found.investment, acked.investment))
      return `${where} v${found.version}: investment ${found.investment}, acknowledged ${acked.investment}`;
    if (!sameAmount(found.progressPercent, acked.progressPercent))
      return `${where} v${found.version}: progress ${found.progressPercent}, acknowledged ${acked.progressPercent}`;
    return null;
  }
  if (pending && found.version === acked.version + 1) {
    if (found.status !== pending.status)
      return `${where}: in-flight ${pending.kind} left status ${found.status}, expected ${pending.status}`;
    if (pending.investment !== undefined && !sameAmount(found.investment, pending.investment))
      return `${where}: in-flight save left ${found.investment}, sent ${pending.investment}`;
    return null;
  }
  return `${where}: v${found.version} ${found.status}, acknowledged v${acked.version} ${acked.status}${pending ? ` (+ ${pending.kind} in flight)` : ''}`;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/**
 * A multipart upload with a session of its own: Client speaks JSON only and keeps its cookie
 * private, and an import is one person's upload like any other.
 */
export class Uploader {
  private cookie = '';
  private csrf = '';
  constructor(private readonly ip: string) {}

  async login(baseURL: string, username: string, password: string): Promise<void> {
    const res = await fetch(`${baseURL}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': this.ip },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as { csrfToken?: string };
    const set = res.headers.getSetCookie().find((c) => c.startsWith('tiaodu_session='));
    if (res.status !== 200 || !body.csrfToken || !set) {
      throw new Error(`log-in as ${username}: ${res.status} ${JSON.stringify(body)}`);
    }
    this.cookie = set.split(';')[0];
    this.csrf = body.csrfToken;
  }

  /** Posts `file` as the form field "file"; throws when the server is gone (no answer). */
  upload(baseURL: string, path: string, file: Buffer, filename: string): Promise<Response> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)]), filename);
    return fetch(`${baseURL}/api${path}`, {
      method: 'POST',
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, 'x-forwarded-for': this.ip },
      body: form,
    });
  }
}
