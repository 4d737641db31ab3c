import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildActionItem,
  buildMeeting,
  buildRectification,
  coordinatorCtx,
  reporterCtx,
} from '../../../../test/factories.ts';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { closeActionItem, reportActionItemDone } from '../action-items/action-items.service.ts';
import { auditLog } from '../audit/audit.table.ts';
import { systemActor } from '../offices/offices.service.ts';
import { createProject } from '../projects/projects.service.ts';
import { issueNotice } from '../supervision-notices/supervision-notices.service.ts';
import { ensureUnit } from '../units/units.service.ts';
import { classifyFile, cleanFilename } from './attachment-types.ts';
import { contentDisposition } from './attachments.routes.ts';
import { attachments } from './attachments.table.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

let t: TestApp;
let coordinator: TestLogin;
let leader: TestLogin;
let reporterA: TestLogin;
let reporterB: TestLogin;
let unitA: number;
let unitB: number;

const sys = (): Ctx => ({ actor: systemActor(t.officeId), now: t.clock.now });

/** A small PDF: what matters is its first bytes, and that they come back unchanged. */
const PDF = Buffer.concat([
  Buffer.from(
    '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n',
    'latin1',
  ),
  Buffer.from([0, 1, 2, 254, 255]),
]);
/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const OLE = Buffer.concat([
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  Buffer.alloc(504, 0),
]);

/** A minimal zip with the named entries (deflated), enough for the zip guard to walk. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
const DOCX = zip({
  '[Content_Types].xml': '<?xml version="1.0"?><Types/>',
  'word/document.xml': '<?xml version="1.0"?><w:document/>',
});

beforeAll(async () => {
  t = await createTestApp({ auth: 'session' });
  unitA = (await ensureUnit(t.database.db, sys(), '甲建设单位')).unit.id;
  unitB = (await ensureUnit(t.database.db, sys(), '乙建设单位')).unit.id;
  coordinator = await t.loginAs('coordinator');
  leader = await t.loginAs('leader');
  reporterA = await t.loginAs('reporter', { unitId: unitA });
  reporterB = await t.loginAs('reporter', { unitId: unitB });
});
afterAll(() => t.close());

function multipart(fields: Record<string, string | number>, file: Buffer, filename: string) {
  const boundary = `----tiaodu${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
  );
  const payload = Buffer.concat([
    ...parts,
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

type Parent = { parentKind: string; parentId: number };

async function upload(who: TestLogin, parent: Parent, file: Buffer, filename = 'file.pdf') {
  const body = multipart(parent, file, filename);
  return t.app.inject({
    method: 'POST',
    url: '/api/attachments',
    headers: { ...who.headers, 'content-type': body.contentType },
    payload: body.payload,
  });
}
const get = (who: TestLogin, url: string) => t.app.inject({ url, headers: who.headers });
const list = (who: TestLogin, p: Parent) =>
  get(who, `/api/attachments?parentKind=${p.parentKind}&parentId=${p.parentId}`);
const del = (who: TestLogin, id: number) =>
  t.app.inject({ method: 'DELETE', url: `/api/attachments/${id}`, headers: who.headers });

async function itemA(): Promise<Parent> {
  const item = await buildActionItem(t.database.db, sys(), {
    responsibleUnitId: unitA,
    deadline: '2026-12-31',
    assignedOn: '2026-11-01',
  });
  return { parentKind: 'action_item', parentId: item.id };
}

async function rowCount(p: Parent) {
  return (
    await t.database.db
      .select({ id: attachments.id })
      .from(attachments)
      .where(
        and(
          eq(attachments.parentKind, p.parentKind as 'action_item'),
          eq(attachments.parentId, p.parentId),
        ),
      )
  ).length;
}

describe('attachments', () => {
  it('uploads, lists without bytes, and downloads the same bytes as an attachment', async () => {
    const parent = await itemA();
    const res = await upload(reporterA, parent, PDF, '../../会议纪要 1.pdf');
    expect(res.statusCode, res.body).toBe(201);
    const a = res.json();
    expect(a).toMatchObject({
      ...parent,
      contentType: 'application/pdf',
      byteSize: PDF.length,
      originalFilename: '会议纪要 1.pdf',
      sha256: createHash('sha256').update(PDF).digest('hex'),
      canDelete: true,
    });
    expect(a).not.toHaveProperty('bytes');

    const listed = await list(reporterA, parent);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toMatchObject({ canUpload: true, limits: { perRecord: 20 } });
    expect(listed.json().items.map((x: { id: number }) => x.id)).toEqual([a.id]);
    expect(listed.body).not.toMatch(/"bytes"|uploadedById/);
    // the leader reads but may not delete or upload
    const asLeader = (await list(leader, parent)).json();
    expect(asLeader.canUpload).toBe(false);
    expect(asLeader.items[0].canDelete).toBe(false);
    // the office may delete anyone's
    expect((await list(coordinator, parent)).json().items[0].canDelete).toBe(true);

    const file = await get(leader, `/api/attachments/${a.id}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(PDF)).toBe(true);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="____ 1.pdf"; filename*=UTF-8''${encodeURIComponent('会议纪要 1.pdf')}`,
    );
  });

  it('accepts images, Office packages and legacy Office files by their bytes', async () => {
    const parent = await itemA();
    const png = await upload(coordinator, parent, PNG, '现场.png');
    expect(png.json().contentType).toBe('image/png');
    const docx = await upload(coordinator, parent, DOCX, '方案.docx');
    expect(docx.statusCode, docx.body).toBe(201);
    expect(docx.json().contentType).toContain('wordprocessingml');
    const xls = await upload(coordinator, parent, OLE, '台账.xls');
    expect(xls.json().contentType).toBe('application/vnd.ms-excel');
    // no extension: the type's is added
    const bare = await upload(coordinator, parent, PDF, '批复');
    expect(bare.json().originalFilename).toBe('批复.pdf');
  });

  it('refuses wrong magic bytes and a name that disagrees with the content, writing nothing', async () => {
    const parent = await itemA();
    const html = Buffer.from('<!doctype html><script>alert(1)</script>');
    for (const [bytes, name] of [
      [html, 'x.png'],
      [html, 'x.html'],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'x.svg'],
      [PNG, 'x.pdf'],
      [zip({ 'a.txt': 'hello' }), 'x.docx'],
      [OLE, 'x'],
    ] as const) {
      const res = await upload(reporterA, parent, bytes, name);
      expect(res.statusCode, name).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'attachment.unsupported_type',
        field: 'file',
      });
      expect(res.json().error.message).toMatch(/只能上传/);
    }
    expect(await rowCount(parent)).toBe(0);
  });

  it('refuses a file over 20 MB with 413 and writes no row', async () => {
    const parent = await itemA();
    const huge = Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024, 0)]);
    const res = await upload(reporterA, parent, huge, 'huge.pdf');
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'attachment.too_large', field: 'file' });
    expect(await rowCount(parent)).toBe(0);
    expect((await list(reporterA, parent)).json().items).toEqual([]);
  });

  it('refuses the 21st file of a record', async () => {
    const parent = await itemA();
    for (let i = 0; i < 20; i++) {
      expect((await upload(coordinator, parent, PNG, `${i}.png`)).statusCode).toBe(201);
    }
    const res = await upload(coordinator, parent, PNG, '21.png');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('attachment.too_many');
    expect(await rowCount(parent)).toBe(20);
  });

  it("answers 404 to another unit's reporter on list, download, upload and delete", async () => {
    const parent = await itemA();
    const a = (await upload(reporterA, parent, PDF)).json();
    const missing: Parent = { parentKind: 'action_item', parentId: 999_999 };
    for (const p of [parent, missing]) {
      expect((await list(reporterB, p)).statusCode).toBe(404);
      expect((await upload(reporterB, p, PDF)).statusCode).toBe(404);
    }
    expect((await get(reporterB, `/api/attachments/${a.id}/file`)).statusCode).toBe(404);
    expect((await get(reporterB, '/api/attachments/999999/file')).statusCode).toBe(404);
    const other = await del(reporterB, a.id);
    const none = await del(reporterB, 999_999);
    expect([other.statusCode, none.statusCode]).toEqual([404, 404]);
    expect(other.json().error.message.replace(String(a.id), 'X')).toBe(
      none.json().error.message.replace('999999', 'X'),
    );
    expect(await rowCount(parent)).toBe(1);
    // read-only and admin duties
    expect((await upload(leader, parent, PDF)).statusCode).toBe(403);
    expect((await del(leader, a.id)).statusCode).toBe(403);
  });

  it('lets the unit upload while the item is open, and not once it is closed', async () => {
    const parent = await itemA();
    const mine = (await upload(reporterA, parent, PDF, '进展.pdf')).json();
    const theirs = (await upload(coordinator, parent, PDF, '通知.pdf')).json();
    // another's file: only the office or its uploader deletes
    expect((await del(reporterA, theirs.id)).statusCode).toBe(403);
    const unitCtx = reporterCtx(t.officeId, unitA, t.clock.now);
    await reportActionItemDone(t.database.db, unitCtx, parent.parentId, { note: '已办结' });
    // awaiting the office's verification: no longer the unit's turn
    const waiting = await upload(reporterA, parent, PDF);
    expect(waiting.statusCode).toBe(400);
    expect(waiting.json().error.code).toBe('attachment.not_allowed');
    await closeActionItem(t.database.db, coordinatorCtx(t.officeId, t.clock.now), parent.parentId);
    const closed = await upload(reporterA, parent, PDF);
    expect(closed.statusCode).toBe(400);
    expect(closed.json().error).toMatchObject({ code: 'attachment.not_allowed' });
    expect(closed.json().error.message).toMatch(/已销号/);
    const listed = (await list(reporterA, parent)).json();
    expect(listed.canUpload).toBe(false);
    expect(listed.items.every((x: { canDelete: boolean }) => !x.canDelete)).toBe(true);
    expect((await del(reporterA, mine.id)).statusCode).toBe(400);
    // the office still may
    expect((await upload(coordinator, parent, PDF)).statusCode).toBe(201);
    expect((await del(coordinator, mine.id)).statusCode).toBe(204);
  });

  it('follows each parent kind: meetings (attendance), rectifications, notices', async () => {
    const meeting = await buildMeeting(t.database.db, sys(), {
      heldOn: '2026-11-01',
      unitIds: [unitA],
    });
    const m: Parent = { parentKind: 'meeting', parentId: meeting.id };
    expect((await upload(coordinator, m, PDF, '纪要.pdf')).statusCode).toBe(201);
    expect((await upload(reporterA, m, PDF)).statusCode).toBe(403);
    expect((await list(reporterA, m)).json().items).toHaveLength(1);
    expect((await list(reporterB, m)).statusCode).toBe(404);

    const task = await buildRectification(t.database.db, sys(), {
      responsibleUnitId: unitA,
      issuedOn: '2026-11-01',
      deadline: '2026-12-31',
    });
    const r: Parent = { parentKind: 'rectification', parentId: task.id };
    expect((await upload(reporterA, r, PNG, '整改后.png')).statusCode).toBe(201);
    expect((await upload(reporterB, r, PNG)).statusCode).toBe(404);

    const project = await createProject(t.database.db, sys(), {
      code: 'ATT-1',
      name: '附件项目',
      ownerUnitId: unitA,
    });
    const notice = await issueNotice(t.database.db, sys(), {
      projectId: project.id,
      content: '请加快推进',
      deadline: '2026-12-31',
    });
    const n: Parent = { parentKind: 'supervision_notice', parentId: notice.id };
    expect((await upload(reporterA, n, DOCX, '整改措施.docx')).statusCode).toBe(201);
    expect((await list(reporterB, n)).statusCode).toBe(404);
    const bad = await upload(coordinator, { parentKind: 'project', parentId: 1 }, PDF);
    expect(bad.statusCode).toBe(400);
  });

  it('links a file to one of its record’s history rows only', async () => {
    const parent = await itemA();
    const body = (eventId: number) => multipart({ ...parent, eventId }, PDF, 'a.pdf');
    const send = (b: ReturnType<typeof body>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/attachments',
        headers: { ...coordinator.headers, 'content-type': b.contentType },
        payload: b.payload,
      });
    const item = (await get(coordinator, `/api/action-items/${parent.parentId}`)).json();
    const ok = await send(body(item.events[0].id));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().eventId).toBe(item.events[0].id);
    const wrong = await send(body(999_999));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.field).toBe('eventId');
  });

  it('audits upload and deletion with the row but never the bytes', async () => {
    const parent = await itemA();
    const a = (await upload(reporterA, parent, PDF, 'audit.pdf')).json();
    expect((await del(reporterA, a.id)).statusCode).toBe(204);
    expect((await get(reporterA, `/api/attachments/${a.id}/file`)).statusCode).toBe(404);
    expect(await rowCount(parent)).toBe(0);
    const rows = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.objectType, 'attachments'), eq(auditLog.objectId, String(a.id))))
      .orderBy(asc(auditLog.seq));
    expect(rows.map((r) => [r.action, r.route])).toEqual([
      ['attachments.insert', 'POST /api/attachments'],
      ['attachments.delete', 'DELETE /api/attachments/:id'],
    ]);
    const captured = {
      id: a.id,
      parent_kind: 'action_item',
      parent_id: parent.parentId,
      original_filename: 'audit.pdf',
      byte_size: PDF.length,
      sha256: a.sha256,
    };
    expect(rows[0]!.before).toBeNull();
    expect(JSON.parse(rows[0]!.after!)).toMatchObject(captured);
    expect(JSON.parse(rows[1]!.before!)).toMatchObject(captured);
    expect(rows[1]!.after).toBeNull();
    for (const r of rows) expect(`${r.before}${r.after}`).not.toMatch(/"bytes"|\\x25504446/);
  });
});

describe('file names and types', () => {
  it('strips paths, control and direction characters', () => {
    expect(cleanFilename('C:\\fakepath\\a\u0000b\u202Efdp.exe')).toBe('abfdp.exe');
    expect(cleanFilename('../..')).toBeNull();
    expect(cleanFilename('')).toBeNull();
  });
  it('quotes names for Content-Disposition', () => {
    expect(contentDisposition('a"b;c.pdf')).toBe(
      `attachment; filename="a_b_c.pdf"; filename*=UTF-8''a%22b%3Bc.pdf`,
    );
    expect(contentDisposition("it's (1).pdf")).toContain("filename*=UTF-8''it%27s%20%281%29.pdf");
  });
  it('types legacy Office files by their extension', () => {
    expect(classifyFile(OLE, 'a.DOC').contentType).toBe('application/msword');
    expect(() => classifyFile(OLE, 'a.ppt')).toThrow(/不符/);
  });
});
