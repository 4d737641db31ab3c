import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../../context.ts';
import { can, projectScope } from '../../policy.ts';
import { projects } from '../projects/projects.table.ts';
import { problems } from './problems.table.ts';

/**
 * One rule for problems: a problem is seen by whoever sees its project (a reporter: its own
 * unit's projects). The list SQL and the one-record check both come from the project rule.
 */
export function problemScope(actor: Actor): SQL {
  if (!can(actor, 'read')) return sql`false`;
  return and(
    eq(problems.officeId, actor.officeId),
    sql`${problems.projectId} in (select ${projects.id} from ${projects} where ${projectScope(actor)})`,
  )!;
}

export function maySeeProblem(
  actor: Actor,
  problem: { officeId: number; projectOwnerUnitId: number | null },
): boolean {
  return problem.officeId === actor.officeId && can(actor, 'read', problem.projectOwnerUnitId);
}

/** Who raises, coordinates, resolves and escalates problems: the office. */
export const mayWriteProblems = (actor: Actor) => can(actor, 'coordination.write');
