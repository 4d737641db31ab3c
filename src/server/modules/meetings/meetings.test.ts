import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMeeting,
  buildProject,
  buildUnit,
  coordinatorCtx,
  ctxOf,
  reporterCtx,
} from '../../../../test/factories.ts';
import { createTestDatabase } from '../../../../test/test-db.ts';
import { minutesParagraphs, normalizeMinutes } from '../../../domain/meetings.ts';
import type { Ctx } from '../../context.ts';
import { type Database, queryRows } from '../../db.ts';
import { ensureOffice } from '../offices/offices.service.ts';
import { getMeeting, listMeetings, updateMeeting } from './meetings.service.ts';

let database: Database;
let coord: Ctx;
let officeId: number;
const now = new Date('2023-06-20T02:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  officeId = (await ensureOffice(database.db)).id;
  coord = coordinatorCtx(officeId, now);
});
afterAll(() => database?.close());

describe('minutes pasted from Word', () => {
  it('keep their paragraphs as plain text', () => {
    const pasted = '会议纪要\r\n\r\n\r\n\u000b一、听取汇报。\u3000\r\n二、研究问题。\f\r\n';
    expect(normalizeMinutes(pasted)).toBe('会议纪要\n\n一、听取汇报。\n二、研究问题。');
    expect(minutesParagraphs(pasted)).toEqual(['会议纪要', '一、听取汇报。', '二、研究问题。']);
  });
});

describe('meetings', () => {
  it('edits with the version; a stale edit is refused naming who changed it', async () => {
    const db = database.db;
    const unit = await buildUnit(db, coord);
    const m = await buildMeeting(db, coord, { unitIds: [unit.id] });
    const edited = await updateMeeting(db, coord, m.id, {
      version: 1,
      minutes: '一、会议要求各单位倒排工期。',
      unitIds: [],
    });
    expect(edited).toMatchObject({ version: 2, units: [] });
    await expect(updateMeeting(db, coord, m.id, { version: 1, title: '改' })).rejects.toMatchObject(
      {
        status: 409,
      },
    );
    await expect(
      updateMeeting(db, coord, m.id, { version: 2, unitIds: [987654] }),
    ).rejects.toMatchObject({ status: 400, details: { field: 'unitIds' } });
    await expect(
      updateMeeting(db, ctxOf(officeId, now, { role: 'leader' }), m.id, { version: 2 }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('a reporter sees the meetings its unit attended, and only its own projects in them', async () => {
    const db = database.db;
    const mine = await buildUnit(db, coord);
    const other = await buildUnit(db, coord);
    const p1 = await buildProject(db, coord, { ownerUnitId: mine.id });
    const p2 = await buildProject(db, coord, { ownerUnitId: other.id });
    await buildMeeting(db, coord, { unitIds: [mine.id, other.id], projectIds: [p1.id, p2.id] });
    await buildMeeting(db, coord, { unitIds: [other.id], projectIds: [p2.id] });
    await buildMeeting(db, coord, { kind: 'site_visit' });
    const all = await listMeetings(db, coord, { pageSize: 500 });
    const maxId = Math.max(...all.items.map((m) => m.id));
    const rep = reporterCtx(officeId, mine.id, now);
    const listed = await listMeetings(db, rep, { pageSize: 500 });
    expect(listed.items.length).toBe(1);
    expect(listed.items[0]!.projects.map((p) => p.id)).toEqual([p1.id]);
    const ids = new Set(listed.items.map((m) => m.id));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: maxId + 2 }), async (id) => {
        const single = await getMeeting(db, rep, id).then(
          () => true,
          () => false,
        );
        expect([id, single]).toEqual([id, ids.has(id)]);
      }),
      { numRuns: 30 },
    );
    expect((await listMeetings(db, coord, { kind: 'site_visit' })).total).toBeGreaterThan(0);
    expect((await listMeetings(db, coord, { unitId: other.id })).total).toBe(2);
  });
});

describe('the audit capture', () => {
  it('is attached to every table of the coordination loop', async () => {
    const tables = [
      'meetings',
      'meeting_units',
      'meeting_projects',
      'meeting_problems',
      'problems',
      'problem_events',
      'action_items',
      'action_item_events',
      'activities',
    ];
    const rows = await queryRows<{ name: string }>(
      database.db,
      sql`select tgname as name from pg_trigger where not tgisinternal and tgname like '%\_audit'`,
    );
    const attached = new Set(rows.map((r) => r.name));
    expect(tables.filter((t) => !attached.has(`${t}_audit`))).toEqual([]);
  });
});
