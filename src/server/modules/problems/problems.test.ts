import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMeeting,
  buildProblem,
  buildProject,
  buildUnit,
  coordinatorCtx,
  reporterCtx,
} from '../../../../test/factories.ts';
import { createTestDatabase } from '../../../../test/test-db.ts';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db.ts';
import { ensureOffice } from '../offices/offices.service.ts';
import {
  coordinateProblem,
  escalateProblem,
  getProblem,
  listProblems,
  raiseProblem,
  resolveProblem,
} from './problems.service.ts';

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

describe('problems', () => {
  it('open → coordinating → resolved in a meeting, which then lists it', async () => {
    const db = database.db;
    const unit = await buildUnit(db, coord);
    const project = await buildProject(db, coord, { ownerUnitId: unit.id });
    const raisedAt = await buildMeeting(db, coord, { kind: 'regular', heldOn: '2023-06-01' });
    const p = await raiseProblem(db, coord, {
      projectId: project.id,
      category: 'utilities',
      description: '110kV高压线迁改未完成，影响桩基施工',
      raisedBy: '市建筑工务署',
      raisedByUnitId: unit.id,
      meetingId: raisedAt.id,
    });
    // raised in a meeting: on its day, and recorded as discussed there
    expect(p).toMatchObject({ status: 'open', raisedOn: '2023-06-01', categoryZh: '管线迁改' });
    expect(p.can).toEqual(['coordinate', 'resolve', 'escalate']);
    const c = await coordinateProblem(db, coord, p.id, { note: '已约请供电局现场踏勘' });
    expect(c.status).toBe('coordinating');
    const taskForce = await buildMeeting(db, coord, { kind: 'task_force', heldOn: '2023-06-16' });
    const r = await resolveProblem(db, coord, p.id, {
      resolution: '供电局同意分段停电迁改，7月底前完成',
      meetingId: taskForce.id,
    });
    expect(r).toMatchObject({
      status: 'resolved',
      resolvedOn: '2023-06-16',
      resolvedMeetingId: taskForce.id,
      resolvedMeetingKind: 'task_force',
      can: [],
    });
    expect(r.events.map((e) => e.action)).toEqual(['raise', 'coordinate', 'resolve']);
    for (const m of [raisedAt, taskForce]) {
      const listed = await listProblems(db, coord, { meetingId: m.id });
      expect(listed.items.map((i) => i.id)).toEqual([p.id]);
    }
    await expect(escalateProblem(db, coord, p.id, { reason: '再议' })).rejects.toMatchObject({
      code: 'problem.not_allowed',
      details: { field: 'status' },
    });
  });

  it('escalated to the leaders, then back to coordination', async () => {
    const db = database.db;
    const project = await buildProject(db, coord);
    const p = await buildProblem(db, coord, { projectId: project.id, category: 'funding' });
    await expect(escalateProblem(db, coord, p.id, { reason: '' })).rejects.toThrow();
    const e = await escalateProblem(db, coord, p.id, { reason: '资金缺口需区政府常务会研究' });
    expect(e).toMatchObject({
      status: 'escalated',
      escalationReason: '资金缺口需区政府常务会研究',
    });
    expect((await coordinateProblem(db, coord, p.id)).status).toBe('coordinating');
  });

  it('a reporter sees the problems of its own projects only, and changes none', async () => {
    const db = database.db;
    const mine = await buildUnit(db, coord);
    const other = await buildUnit(db, coord);
    const a = await buildProblem(db, coord, {
      projectId: (await buildProject(db, coord, { ownerUnitId: mine.id })).id,
    });
    const b = await buildProblem(db, coord, {
      projectId: (await buildProject(db, coord, { ownerUnitId: other.id })).id,
    });
    const rep = reporterCtx(officeId, mine.id, now);
    const listed = await listProblems(db, rep, { pageSize: 500 });
    expect(listed.items.map((i) => i.id)).toEqual([a.id]);
    expect((await getProblem(db, rep, a.id)).can).toEqual([]);
    await expect(getProblem(db, rep, b.id)).rejects.toMatchObject({ status: 404 });
    await expect(coordinateProblem(db, rep, b.id)).rejects.toMatchObject({ status: 404 });
    await expect(coordinateProblem(db, rep, a.id)).rejects.toMatchObject({ status: 403 });
    await expect(
      raiseProblem(db, rep, { projectId: a.projectId, category: 'other', description: 'x' }),
    ).rejects.toMatchObject({ status: 403 });
  });
});
