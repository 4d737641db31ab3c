import { z } from 'zod';
import { isValidDeadline, WORK_PLAN_ITEM_STATUSES } from '../domain/work-plans.ts';
import { id, version, year } from './common.ts';

/** The work plans' API (工作方案): plans, themes (方面) and items (任务). */

const text = (max: number, zh: string) =>
  z
    .string()
    .trim()
    .min(1, { message: `须填写${zh} / required` })
    .max(max, { message: `${zh}不超过${max}字 / at most ${max} characters` });

export const deadline = z.string().trim().refine(isValidDeadline, {
  message: '完成时限应为 YYYY-MM-DD 或 YYYY-MM / deadline must be YYYY-MM-DD or YYYY-MM',
});

const projectCodes = z.array(text(64, '项目编号')).max(50);

export const workPlanInput = z.object({
  name: text(200, '方案名称'),
  areaId: id.nullish(),
  year,
  /** the themes in order */
  themes: z.array(text(100, '方面')).max(50).default([]),
});
export type WorkPlanInput = z.input<typeof workPlanInput>;

export const workPlanUpdateInput = z.object({
  name: text(200, '方案名称').optional(),
  areaId: id.nullish(),
  year: year.optional(),
  /**
   * The whole ordered list of themes: an entry with an id renames or moves that theme, one
   * without adds a theme; a theme left out is removed (refused while it holds items).
   */
  themes: z
    .array(z.object({ id: id.optional(), name: text(100, '方面') }))
    .max(50)
    .optional(),
  version,
});
export type WorkPlanUpdateInput = z.input<typeof workPlanUpdateInput>;

export const workPlanItemInput = z.object({
  themeId: id,
  /** the item's number within the plan; default: the next one */
  seq: z.number().int().min(1).max(100_000).optional(),
  content: text(2000, '任务内容'),
  responsibleUnitId: id,
  deadline,
  status: z.enum(WORK_PLAN_ITEM_STATUSES).default('not_started'),
  progress: z.string().trim().max(4000).nullish(),
  projectCodes: projectCodes.default([]),
});
export type WorkPlanItemInput = z.input<typeof workPlanItemInput>;

export const workPlanItemUpdateInput = z.object({
  themeId: id.optional(),
  seq: z.number().int().min(1).max(100_000).optional(),
  content: text(2000, '任务内容').optional(),
  responsibleUnitId: id.optional(),
  deadline: deadline.optional(),
  status: z.enum(WORK_PLAN_ITEM_STATUSES).optional(),
  progress: z.string().trim().max(4000).nullish(),
  projectCodes: projectCodes.optional(),
  version,
});
export type WorkPlanItemUpdateInput = z.input<typeof workPlanItemUpdateInput>;

/** What the responsible unit may change: the status and the progress note. */
export const workPlanProgressInput = z.object({
  status: z.enum(WORK_PLAN_ITEM_STATUSES),
  progress: z.string().trim().max(4000).nullish(),
  version,
});
export type WorkPlanProgressInput = z.input<typeof workPlanProgressInput>;

export const workPlanListQuery = z.object({
  year: year.optional(),
  areaId: id.optional(),
});
export type WorkPlanListQuery = z.input<typeof workPlanListQuery>;

export const workPlanImportQuery = z.object({
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
});
