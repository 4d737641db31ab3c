import { z } from 'zod';
import { PROJECT_PHASES } from '../domain/milestones.ts';
import { id, isoDate, nonNegativeAmount, version, yearMonth } from './common.ts';

const text = (max: number) => z.string().trim().max(max);

const projectFields = {
  code: text(64).min(1, { message: '项目编号不能为空 / code is required' }),
  name: text(200).min(1, { message: '项目名称不能为空 / name is required' }),
  areaId: id.nullish(),
  categoryId: id.nullish(),
  tags: z.array(text(32).min(1)).max(20),
  ownerUnitId: id.nullish(),
  phase: z.enum(PROJECT_PHASES),
  totalInvestment: nonNegativeAmount.nullish(),
  plannedStart: isoDate.nullish(),
  plannedFinish: isoDate.nullish(),
  location: text(500).nullish(),
  remarks: text(2000).nullish(),
};

export const projectInput = z.object({
  ...projectFields,
  tags: projectFields.tags.default([]),
  phase: projectFields.phase.default('preparation'),
});
export type ProjectInput = z.input<typeof projectInput>;

// No defaults here: a field left out of a patch keeps its value.
export const projectPatch = z.object(projectFields).partial().extend({ version });
export type ProjectPatch = z.input<typeof projectPatch>;

export const projectListQuery = z.object({
  area: z.string().optional(),
  areaId: id.optional(),
  tag: z.string().optional(),
  unitId: id.optional(),
  unit: z.string().optional(),
  phase: z.enum(PROJECT_PHASES).optional(),
  category: z.string().optional(),
  q: z.string().trim().max(100).optional(),
  archived: z.enum(['exclude', 'include', 'only']).default('exclude'),
  sort: z
    .enum([
      'code',
      '-code',
      'name',
      '-name',
      'totalInvestment',
      '-totalInvestment',
      'plannedStart',
      '-plannedStart',
    ])
    .default('code'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  /** with a month, each project carries its investment figures at that month's end */
  month: yearMonth.optional(),
  /** only the projects whose monthly report is due that month (or already started for it) */
  due: yearMonth.optional(),
});
export type ProjectListQuery = z.input<typeof projectListQuery>;

export const namedInput = z.object({ name: text(100).min(1) });
export const unitInput = z.object({
  name: text(100).min(1),
  shortName: text(50).nullish(),
  kind: z.enum(['office', 'owner', 'department']).default('owner'),
});
