import { and, asc, eq } from 'drizzle-orm';
import { type PlanInput, planInput } from '../../../contracts/plans.ts';
import { defaultEffectiveDate, validatePlan } from '../../../domain/investment-plan.ts';
import { wan } from '../../../domain/money.ts';
import { isoDateOf } from '../../../domain/periods.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound, staleVersion } from '../../errors.ts';
import { refreshRollups } from '../dispatch/rollups.service.ts';
import { loadProjectFor } from '../projects/projects.service.ts';
import { investmentPlans, planRevisions } from './plans.table.ts';

export type PlanView = {
  id: number;
  projectId: number;
  year: number;
  annualTarget: string;
  timingTargets: string[];
  initialAnnualTarget: string;
  initialTimingTargets: string[];
  revision: number;
  version: number;
  revisions: {
    revision: number;
    annualTarget: string;
    timingTargets: string[];
    effectiveDate: string;
    reason: string;
    actor: string;
    createdAt: Date;
  }[];
};

/**
 * Sets a project's plan for a year. The first call makes the start-of-year plan (年初计划);
 * every later call is a revision that needs a reason and the current version, and is kept.
 */
export async function setPlan(db: Db, ctx: Ctx, raw: PlanInput): Promise<PlanView> {
  const input = planInput.parse(raw);
  const checked = validatePlan(input.annualTarget, input.timingTargets);
  if (!checked.ok) {
    const first = checked.problems[0];
    throw new AppError(first.code, first.message, {
      field: first.field,
      messageEn: first.messageEn,
      problems: checked.problems,
    });
  }
  // A plan's dates live in its year: a 2024 revision recorded today takes effect in 2024.
  const effectiveDate = input.effectiveDate ?? defaultEffectiveDate(input.year, isoDateOf(ctx.now));
  if (!effectiveDate.startsWith(`${input.year}-`)) {
    throw new AppError(
      'plan.effective_date_year',
      `生效日期${effectiveDate}应在${input.year}年内`,
      {
        field: 'effectiveDate',
        messageEn: `the effective date ${effectiveDate} must be within ${input.year}`,
      },
    );
  }
  return db.transaction(async (tx) => {
    await loadProjectFor(tx, ctx, 'plan.write', input.projectId);
    const [current] = await tx
      .select()
      .from(investmentPlans)
      .where(
        and(eq(investmentPlans.projectId, input.projectId), eq(investmentPlans.year, input.year)),
      )
      .for('update');
    let planId: number;
    let revision: number;
    if (!current) {
      const [created] = await tx
        .insert(investmentPlans)
        .values({
          officeId: ctx.actor.officeId,
          projectId: input.projectId,
          year: input.year,
          annualTarget: checked.annualTarget,
          timingTargets: checked.timingTargets,
          initialAnnualTarget: checked.annualTarget,
          initialTimingTargets: checked.timingTargets,
          createdAt: ctx.now,
          updatedAt: ctx.now,
          updatedBy: ctx.actor.name,
        })
        .returning({ id: investmentPlans.id });
      planId = created!.id;
      revision = 1;
    } else {
      if (!input.reason) {
        throw new AppError('plan.reason_required', '调整年度计划须填写调整原因', {
          field: 'reason',
          messageEn: 'revising a plan needs a reason',
        });
      }
      if (input.version === undefined || input.version !== current.version) {
        throw staleVersion('plan', current);
      }
      planId = current.id;
      revision = current.revision + 1;
      await tx
        .update(investmentPlans)
        .set({
          annualTarget: checked.annualTarget,
          timingTargets: checked.timingTargets,
          revision,
          version: current.version + 1,
          updatedAt: ctx.now,
          updatedBy: ctx.actor.name,
        })
        .where(eq(investmentPlans.id, current.id));
    }
    await tx.insert(planRevisions).values({
      officeId: ctx.actor.officeId,
      planId,
      revision,
      annualTarget: checked.annualTarget,
      timingTargets: checked.timingTargets,
      effectiveDate,
      reason: input.reason ?? '年初计划',
      actor: ctx.actor.name,
      createdAt: ctx.now,
    });
    await refreshRollups(tx, [input.projectId], input.year);
    return getPlan(tx, ctx, input.projectId, input.year);
  });
}

export async function getPlan(
  db: Db,
  ctx: Ctx,
  projectId: number,
  year: number,
): Promise<PlanView> {
  await loadProjectFor(db, ctx, 'read', projectId);
  const [plan] = await db
    .select()
    .from(investmentPlans)
    .where(and(eq(investmentPlans.projectId, projectId), eq(investmentPlans.year, year)));
  if (!plan) throw notFound('plan', `${year}年度计划`, projectId);
  const revisions = await db
    .select()
    .from(planRevisions)
    .where(eq(planRevisions.planId, plan.id))
    .orderBy(asc(planRevisions.revision));
  return {
    id: plan.id,
    projectId,
    year,
    annualTarget: wan(plan.annualTarget),
    timingTargets: plan.timingTargets,
    initialAnnualTarget: wan(plan.initialAnnualTarget),
    initialTimingTargets: plan.initialTimingTargets,
    revision: plan.revision,
    version: plan.version,
    revisions: revisions.map((r) => ({
      revision: r.revision,
      annualTarget: wan(r.annualTarget),
      timingTargets: r.timingTargets,
      effectiveDate: r.effectiveDate,
      reason: r.reason,
      actor: r.actor,
      createdAt: r.createdAt,
    })),
  };
}

export async function listPlanYears(db: Db, ctx: Ctx, projectId: number): Promise<number[]> {
  await loadProjectFor(db, ctx, 'read', projectId);
  const rows = await db
    .select({ year: investmentPlans.year })
    .from(investmentPlans)
    .where(eq(investmentPlans.projectId, projectId))
    .orderBy(asc(investmentPlans.year));
  return rows.map((r) => r.year);
}
