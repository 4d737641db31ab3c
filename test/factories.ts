import type { ActionItemInput, MeetingInput, ProblemInput } from '../src/contracts/coordination.ts';
import type { RectificationInput } from '../src/contracts/rectifications.ts';
import type { Actor, Ctx } from '../src/server/context.ts';
import type { Db } from '../src/server/db.ts';
import { createActionItem } from '../src/server/modules/action-items/action-items.service.ts';
import { createMeeting } from '../src/server/modules/meetings/meetings.service.ts';
import { systemActor } from '../src/server/modules/offices/offices.service.ts';
import { raiseProblem } from '../src/server/modules/problems/problems.service.ts';
import { createProject } from '../src/server/modules/projects/projects.service.ts';
import { createRectification } from '../src/server/modules/rectifications/rectifications.service.ts';
import { ensureUnit } from '../src/server/modules/units/units.service.ts';

/**
 * Builders for test records, through the services: each takes the database and a context and
 * fills what the test does not care about. Tests name only what they check.
 */

let serial = 0;
const next = () => ++serial;

/** A context for an office at an instant: the system actor unless another is given. */
export function ctxOf(officeId: number, now: Date, actor: Partial<Actor> = {}): Ctx {
  return { actor: { ...systemActor(officeId), ...actor }, now };
}

/** A reporter of a unit, acting at an instant. */
export function reporterCtx(officeId: number, unitId: number, now: Date): Ctx {
  return ctxOf(officeId, now, {
    id: `reporter-${unitId}`,
    name: `单位${unitId}填报员`,
    role: 'reporter',
    unitId,
  });
}

/** A coordinator of the office, acting at an instant. */
export function coordinatorCtx(officeId: number, now: Date): Ctx {
  return ctxOf(officeId, now, { id: 'coord', name: '统筹科', role: 'coordinator' });
}

export async function buildUnit(db: Db, ctx: Ctx, name = `建设单位${next()}`) {
  return (await ensureUnit(db, ctx, name)).unit;
}

export async function buildProject(
  db: Db,
  ctx: Ctx,
  overrides: { code?: string; name?: string; ownerUnitId?: number | null } = {},
) {
  const n = next();
  return createProject(db, ctx, {
    code: overrides.code ?? `F-${n}`,
    name: overrides.name ?? `测试项目${n}`,
    ownerUnitId: overrides.ownerUnitId ?? null,
  });
}

export async function buildMeeting(db: Db, ctx: Ctx, overrides: Partial<MeetingInput> = {}) {
  return createMeeting(db, ctx, {
    kind: 'coordination',
    title: `协调会${next()}`,
    heldOn: '2023-03-15',
    ...overrides,
  });
}

export async function buildProblem(
  db: Db,
  ctx: Ctx,
  overrides: Partial<ProblemInput> & { projectId: number },
) {
  return raiseProblem(db, ctx, {
    category: 'land',
    description: `用地问题${next()}`,
    raisedOn: '2023-03-01',
    ...overrides,
  });
}

export async function buildActionItem(
  db: Db,
  ctx: Ctx,
  overrides: Partial<ActionItemInput> & { responsibleUnitId: number },
) {
  return createActionItem(db, ctx, {
    content: `交办事项${next()}`,
    deadline: '2023-04-30',
    assignedOn: '2023-03-15',
    ...overrides,
  });
}

export async function buildRectification(
  db: Db,
  ctx: Ctx,
  overrides: Partial<RectificationInput> & { responsibleUnitId: number },
) {
  const n = next();
  return createRectification(db, ctx, {
    source: 'inspection',
    sourceName: '2023年区委第二巡察组反馈意见',
    finding: `巡察发现问题${n}`,
    measures: `整改措施${n}`,
    issuedOn: '2023-03-15',
    deadline: '2023-06-30',
    ...overrides,
  });
}
