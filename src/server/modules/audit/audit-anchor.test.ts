import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliTarget, createCliTarget } from '../../../../test/cli-harness.ts';
import { createTestApp } from '../../../../test/test-app.ts';
import { type Db, queryRows } from '../../db.ts';
import { verifyAuditChain } from './audit.service.ts';
import {
  ANCHOR_TAG,
  anchorText,
  appendAnchors,
  readAnchorFile,
  readAuditHeads,
  startAnchorWriter,
  verifyAnchors,
} from './audit-anchor.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let dir: string;
let n = 0;

/** Runs SQL around the append-only trigger, as a role that may alter the table could. */
async function tamper(db: Db, statement: ReturnType<typeof sql>) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
  });
}

/** One audited write through the API. */
async function write() {
  n++;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/projects',
    payload: { code: `ANC-${n}`, name: `锚定${n}` },
  });
  expect(res.statusCode, res.body).toBe(201);
}

const lastSeq = async () =>
  Number(
    (
      await queryRows<{ s: string | number }>(
        t.database.db,
        sql`select max(seq) as s from audit_log where office_id = ${t.officeId}`,
      )
    )[0].s,
  );

beforeAll(async () => {
  t = await createTestApp({ as: 'coordinator' });
  dir = mkdtempSync(join(tmpdir(), 'tiaodu-anchor-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the audit chain head anchored outside the database', () => {
  it('catches a tail cut around the trigger that the chain alone cannot see, naming the last anchored row', async () => {
    const db = t.database.db;
    const file = join(dir, 'cut.anchors');
    const logged: string[] = [];
    const writer = startAnchorWriter(db, {
      file,
      intervalMs: 3_600_000,
      everyRows: 1_000_000,
      log: (l) => logged.push(l),
    });
    for (let i = 0; i < 3; i++) await write();
    await writer.flush();
    const anchoredSeq = await lastSeq();
    for (let i = 0; i < 2; i++) await write();
    await writer.stop();
    const end = await lastSeq();
    expect(end).toBeGreaterThan(anchoredSeq);
    // both heads, once each, in the file and in the log
    const { anchors, unreadable } = readAnchorFile(file);
    expect(unreadable).toBe(0);
    expect(anchors.map((a) => a.seq)).toEqual([anchoredSeq, end]);
    expect(logged.filter((l) => l.startsWith(`${ANCHOR_TAG} {`))).toHaveLength(2);
    expect(await verifyAnchors(db, anchors)).toMatchObject({ ok: true, checked: 2 });

    // cut the newest rows, as someone who can switch the trigger off would
    await tamper(
      db,
      sql`delete from audit_log where office_id = ${t.officeId} and seq > ${anchoredSeq - 1}`,
    );
    // the known limit: the chain alone still verifies
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, firstBroken: null });
    const cut = await verifyAnchors(db, anchors);
    expect(cut.ok).toBe(false);
    expect(cut.mismatch).toMatchObject({
      officeId: t.officeId,
      seq: end,
      reason: 'anchor_missing',
      logEndsAt: anchoredSeq - 1,
    });
    expect(cut.mismatch?.message).toContain(`seq ${end}`);

    // the app writes on over the cut: the anchored seq exists again, with another hash
    await write();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const rewritten = await verifyAnchors(db, anchors);
    expect(rewritten.mismatch).toMatchObject({ seq: anchoredSeq, reason: 'anchor_differs' });
  });

  it('anchors after every N rows, and only a head that moved', async () => {
    const db = t.database.db;
    const file = join(dir, 'rows.anchors');
    const writer = startAnchorWriter(db, {
      file,
      intervalMs: 3_600_000,
      everyRows: 3,
      log: () => {},
    });
    await writer.flush();
    await writer.flush();
    expect(readAnchorFile(file).anchors).toHaveLength(1);
    for (let i = 0; i < 3; i++) await write();
    const head = await lastSeq();
    // the count schedules an anchor shortly after the commit; wait for it (no timing asserted)
    await expect
      .poll(() => readAnchorFile(file).anchors.map((a) => a.seq), { timeout: 30_000 })
      .toContain(head);
    await writer.stop();
  });

  it('refuses at start an anchor file it cannot write', () => {
    const file = join(dir, 'no', 'such', 'dir', 'anchors');
    expect(() =>
      startAnchorWriter(t.database.db, { file, intervalMs: 1000, everyRows: 1, log: () => {} }),
    ).toThrow(/ENOENT/);
  });

  it('reads past a torn last line and reads anchors out of a server log', async () => {
    const db = t.database.db;
    const [head] = await readAuditHeads(db);
    const file = join(dir, 'torn.anchors');
    appendAnchors(file, [head]);
    // a crash in the middle of a write
    appendFileSync(file, anchorText(head).slice(0, 30));
    appendAnchors(file, [head]);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(4);
    const read = readAnchorFile(file);
    expect(read).toMatchObject({ unreadable: 1 });
    expect(read.anchors).toHaveLength(2);
    expect((await verifyAnchors(db, read.anchors)).ok).toBe(true);

    const log = join(dir, 'server.log');
    writeFileSync(
      log,
      `Tiaodu 调度 已启动 / is running\n{"level":30,"msg":"request completed"}\n${ANCHOR_TAG} ${anchorText(head)}\n`,
    );
    const fromLog = readAnchorFile(log);
    expect(fromLog.anchors).toEqual([head]);
    // a JSON log line that is not an anchor counts as unreadable, never as an anchor
    expect(fromLog.unreadable).toBe(1);
  });
});

describe('tiaodu audit anchor / verify --anchor', () => {
  let target: CliTarget;
  beforeAll(async () => {
    // In-process commands; the cut tail's exit code is checked on a real process.
    target = await createCliTarget('tiaodu-anchor', { inProcess: true });
  });
  afterAll(() => target?.cleanup());

  it('prints the head, and exits 1 naming the last anchored row once the tail is cut', async () => {
    for (const u of ['anc-sys', 'anc-sec', 'anc-audit']) {
      const role = { 'anc-sys': 'sysadmin', 'anc-sec': 'secadmin', 'anc-audit': 'auditadmin' }[u]!;
      const r = await target.tiaodu('users', 'create-admin', '--username', u, '--role', role);
      expect(r.code, r.stderr).toBe(0);
    }
    const anchor = await target.tiaodu('audit', 'anchor');
    expect(anchor.code, anchor.stderr).toBe(0);
    const head = JSON.parse(anchor.stdout.trim());
    expect(head).toMatchObject({ officeId: expect.any(Number), seq: 3 });
    expect(head.hash).toMatch(/^[0-9a-f]{64}$/);
    const file = join(target.dir, 'anchors.jsonl');
    writeFileSync(file, anchor.stdout);

    const intact = await target.tiaodu('audit', 'verify', '--anchor', file);
    expect(intact.code, intact.stdout + intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/all 1 anchored heads present/);

    const d = await target.open();
    await tamper(d.db, sql`delete from audit_log where seq >= 2`);
    await d.close();
    const plain = await target.tiaodu('audit', 'verify');
    expect(plain.code, plain.stdout).toBe(0);
    const anchored = await target.spawned('audit', 'verify', '--anchor', file);
    expect(anchored.code, anchored.stdout + anchored.stderr).toBe(1);
    expect(anchored.stdout).toContain('seq 3');
    expect(anchored.stdout).toMatch(/ends at seq 1/);
    const json = await target.tiaodu('audit', 'verify', '--anchor', file, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      anchors: { mismatch: { seq: 3, reason: 'anchor_missing', logEndsAt: 1 } },
    });

    const missing = await target.tiaodu('audit', 'verify', '--anchor', join(target.dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such anchor file/);
  });
});
