import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestLogin } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { auditLog } from '../audit/audit.table.ts';
import { systemActor } from '../offices/offices.service.ts';
import { createProject } from '../projects/projects.service.ts';
import { ensureUnit } from '../units/units.service.ts';
import { approveReport, saveReport, submitReport } from './reports.service.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let t: TestApp;
let coordinator: TestLogin;
let reporterA: TestLogin;
let reporterB: TestLogin;
let leader: TestLogin;
let unitA: number;
let n = 0;

const sys = (): Ctx => ({ actor: systemActor(t.officeId), now: t.clock.now });

beforeAll(async () => {
  t = await createTestApp({ auth: 'session' });
  unitA = (await ensureUnit(t.database.db, sys(), '甲建设单位')).unit.id;
  const unitB = (await ensureUnit(t.database.db, sys(), '乙建设单位')).unit.id;
  coordinator = await t.loginAs('coordinator');
  leader = await t.loginAs('leader');
  reporterA = await t.loginAs('reporter', { unitId: unitA });
  reporterB = await t.loginAs('reporter', { unitId: unitB });
});
afterAll(() => t.close());

async function draft(): Promise<number> {
  n++;
  const project = await createProject(t.database.db, sys(), {
    code: `PH-${n}`,
    name: `照片项目${n}`,
    ownerUnitId: unitA,
  });
  const report = await saveReport(t.database.db, sys(), {
    projectId: project.id,
    year: 2026,
    month: 10,
    investment: '10',
    version: 0,
  });
  return report.id;
}

function multipart(file: Buffer, filename: string, field = 'file', type = 'image/png') {
  const boundary = `----tiaodu${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(
  who: TestLogin,
  reportId: number,
  file: Buffer,
  filename = 'site.png',
  field = 'file',
) {
  const body = multipart(file, filename, field);
  return t.app.inject({
    method: 'POST',
    url: `/api/reports/${reportId}/photos`,
    headers: { ...who.headers, 'content-type': body.contentType },
    payload: body.payload,
  });
}

const get = (who: TestLogin, url: string) => t.app.inject({ url, headers: who.headers });

describe('report photos', () => {
  it('uploads a PNG, lists it, serves its bytes and a thumbnail', async () => {
    const reportId = await draft();
    const res = await upload(reporterA, reportId, PNG, '../现场 1.png');
    expect(res.statusCode, res.body).toBe(201);
    const photo = res.json();
    expect(photo).toMatchObject({
      reportId,
      contentType: 'image/png',
      byteSize: PNG.length,
      width: 1,
      height: 1,
      originalFilename: '现场 1.png',
    });
    expect(photo).not.toHaveProperty('bytes');

    const list = await get(reporterA, `/api/reports/${reportId}/photos`);
    expect(list.statusCode).toBe(200);
    expect(list.json().map((p: { id: number }) => p.id)).toEqual([photo.id]);
    expect(JSON.stringify(list.json())).not.toMatch(/thumbnail|"bytes"/);

    const original = await get(leader, `/api/report-photos/${photo.id}`);
    expect(original.statusCode).toBe(200);
    expect(original.headers['content-type']).toBe('image/png');
    expect(original.headers['x-content-type-options']).toBe('nosniff');
    expect(original.rawPayload.equals(PNG)).toBe(true);

    const thumb = await get(reporterA, `/api/report-photos/${photo.id}/thumbnail`);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.headers['x-content-type-options']).toBe('nosniff');
    expect((await sharp(thumb.rawPayload).metadata()).format).toBe('jpeg');
  });

  it('makes thumbnails of at most 320 px a side', async () => {
    const reportId = await draft();
    const big = await sharp({
      create: { width: 1200, height: 600, channels: 3, background: '#3a7' },
    })
      .jpeg()
      .toBuffer();
    const res = await upload(coordinator, reportId, big, 'big.jpg');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ contentType: 'image/jpeg', width: 1200, height: 600 });
    const thumb = await get(coordinator, `/api/report-photos/${res.json().id}/thumbnail`);
    const meta = await sharp(thumb.rawPayload).metadata();
    expect([meta.width, meta.height]).toEqual([320, 160]);
  });

  it('accepts an image of several MB, above the 2 MB JSON body limit', async () => {
    const reportId = await draft();
    const side = 1500;
    const noise = Buffer.alloc(side * side * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const png = await sharp(noise, { raw: { width: side, height: side, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(png.length).toBeGreaterThan(5 * 1024 * 1024);
    const res = await upload(reporterA, reportId, png, 'noise.png');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ byteSize: png.length, width: side, height: side });
    const back = await get(reporterA, `/api/report-photos/${res.json().id}`);
    expect(back.rawPayload.equals(png)).toBe(true);
  });

  it('checks the type by content: a text file named .png is refused', async () => {
    const reportId = await draft();
    const res = await upload(reporterA, reportId, Buffer.from('hello, not an image\n'), 'x.png');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'photo.unsupported_type', field: 'file' });
    // PNG magic with nothing decodable behind it
    const fake = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(64, 1)]);
    const broken = await upload(reporterA, reportId, fake, 'y.png');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toMatchObject({ code: 'photo.invalid_image', field: 'file' });
    // another field name
    const wrongField = await upload(reporterA, reportId, PNG, 'z.png', 'image');
    expect(wrongField.statusCode).toBe(400);
    expect(wrongField.json().error.field).toBe('file');
    expect((await get(reporterA, `/api/reports/${reportId}/photos`)).json()).toEqual([]);
  });

  it('refuses an image over 10 MB with 413', async () => {
    const reportId = await draft();
    const huge = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024, 0)]);
    const res = await upload(reporterA, reportId, huge, 'huge.png');
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'photo.too_large', field: 'file' });
    expect((await get(reporterA, `/api/reports/${reportId}/photos`)).json()).toEqual([]);
  });

  it("hides another unit's report and photos (404) and keeps leaders read-only (403)", async () => {
    const reportId = await draft();
    const photo = (await upload(reporterA, reportId, PNG)).json();
    expect((await upload(reporterB, reportId, PNG)).statusCode).toBe(404);
    expect((await get(reporterB, `/api/reports/${reportId}/photos`)).statusCode).toBe(404);
    expect((await get(reporterB, `/api/report-photos/${photo.id}`)).statusCode).toBe(404);
    expect((await get(reporterB, `/api/report-photos/${photo.id}/thumbnail`)).statusCode).toBe(404);
    const delB = await t.app.inject({
      method: 'DELETE',
      url: `/api/report-photos/${photo.id}`,
      headers: reporterB.headers,
    });
    expect(delB.statusCode).toBe(404);
    expect((await upload(leader, reportId, PNG)).statusCode).toBe(403);
    const delLeader = await t.app.inject({
      method: 'DELETE',
      url: `/api/report-photos/${photo.id}`,
      headers: leader.headers,
    });
    expect(delLeader.statusCode).toBe(403);
    expect((await get(reporterA, `/api/reports/${reportId}/photos`)).json()).toHaveLength(1);
  });

  it('changes photos only while the report is a draft or returned', async () => {
    const reportId = await draft();
    const photo = (await upload(reporterA, reportId, PNG)).json();
    await submitReport(t.database.db, sys(), reportId);
    const whileSubmitted = await upload(reporterA, reportId, PNG);
    expect(whileSubmitted.statusCode).toBe(400);
    expect(whileSubmitted.json().error.code).toBe('report.not_allowed');
    await approveReport(t.database.db, sys(), reportId);
    const approved = await upload(reporterA, reportId, PNG);
    expect(approved.statusCode).toBe(400);
    expect(approved.json().error).toMatchObject({ code: 'report.not_allowed', status: 'approved' });
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/report-photos/${photo.id}`,
      headers: reporterA.headers,
    });
    expect(del.statusCode).toBe(400);
    expect(del.json().error.code).toBe('report.not_allowed');
    // the approved report still shows its photo
    expect((await get(leader, `/api/report-photos/${photo.id}`)).statusCode).toBe(200);
  });

  it('deletes a photo of a draft', async () => {
    const reportId = await draft();
    const photo = (await upload(reporterA, reportId, PNG)).json();
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/report-photos/${photo.id}`,
      headers: reporterA.headers,
    });
    expect(del.statusCode).toBe(204);
    expect((await get(reporterA, `/api/report-photos/${photo.id}`)).statusCode).toBe(404);
    expect((await get(reporterA, `/api/reports/${reportId}/photos`)).json()).toEqual([]);
  });

  it('audits upload and deletion with photo, report and project ids, never the bytes', async () => {
    const reportId = await draft();
    const photo = (await upload(reporterA, reportId, PNG, 'audit.png')).json();
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/report-photos/${photo.id}`,
      headers: reporterA.headers,
    });
    expect(del.statusCode).toBe(204);
    const rows = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.objectType, 'report_photos'), eq(auditLog.objectId, String(photo.id))))
      .orderBy(asc(auditLog.seq));
    expect(rows.map((r) => [r.action, r.route])).toEqual([
      ['report_photos.insert', 'POST /api/reports/:id/photos'],
      ['report_photos.delete', 'DELETE /api/report-photos/:photoId'],
    ]);
    const { projectId } = (await get(reporterA, `/api/reports/${reportId}`)).json();
    const sha256 = createHash('sha256').update(PNG).digest('hex');
    const captured = {
      id: photo.id,
      report_id: reportId,
      project_id: projectId,
      original_filename: 'audit.png',
      byte_size: PNG.length,
      sha256,
    };
    expect(rows[0].before).toBeNull();
    expect(JSON.parse(rows[0].after!)).toMatchObject(captured);
    // the value before the deletion, as for every other record
    expect(JSON.parse(rows[1].before!)).toMatchObject(captured);
    expect(rows[1].after).toBeNull();
    for (const r of rows) {
      expect(r.actorId).toBeTruthy();
      expect(`${r.before}${r.after}`).not.toMatch(/"bytes"|"thumbnail"|\\x89504e47/);
    }
  });
});
