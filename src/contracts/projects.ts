import { z } from 'zod';
import { PROJECT_PHASES } from '../domain/milestones.ts';
import { LEVELS, WARNING_RULES } from '../domain/warning-rules.ts';
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

const levelOut = z.enum(LEVELS);
/** One reason of a warning level, as a sentence with its numbers in both languages. */
export const warningReasonOutput = z.object({
  rule: z.enum(WARNING_RULES),
  level: levelOut,
  zh: z.string(),
  en: z.string(),
});

/** A project's level for a month as the warning engine computes it (ledger rows, project page). */
export const standingOutput = z.object({
  /** the final level: the coordinator's override when there is one, else the computed one */
  level: levelOut,
  computedLevel: levelOut,
  reasons: z.array(warningReasonOutput),
});

export const projectStandingQuery = z.object({
  /** the month (YYYY-MM); the office's default month when left out */
  month: yearMonth.optional(),
});

/** `GET /api/projects/:code/standing`: one project's standing, evaluated for that project alone. */
export const projectStandingOutput = z.object({
  projectId: z.number().int(),
  code: z.string(),
  /** YYYY-MM */
  month: z.string(),
  /** null for an archived project: no warning covers it */
  standing: standingOutput
    .extend({
      override: z.object({ level: levelOut, reason: z.string().nullable() }).nullable(),
    })
    .nullable(),
});
export type ProjectStandingOutput = z.infer<typeof projectStandingOutput>;

/** A project's investment at a month's end, as the ledger's columns show it. */
export const projectFiguresOutput = z.object({
  year: z.number().int(),
  month: z.number().int(),
  /** the year's plan, null when the project has no plan that year */
  annualTarget: z.string().nullable(),
  /** the cumulative timing target at the month's end (时序目标) */
  timingTarget: z.string().nullable(),
  /** approved investment from January to the month's end (累计完成) */
  actualCumulative: z.string(),
  /** 累计完成 ÷ 时序目标 as a percentage with one decimal, null without a target */
  rate: z.string().nullable(),
});

/** A project as the API shows it: ids resolved to names, timestamps as ISO 8601. */
export const projectOutput = z.object({
  id: z.number().int(),
  officeId: z.number().int(),
  code: z.string(),
  name: z.string(),
  areaId: z.number().int().nullable(),
  categoryId: z.number().int().nullable(),
  tags: z.array(z.string()),
  ownerUnitId: z.number().int().nullable(),
  phase: z.enum(PROJECT_PHASES),
  totalInvestment: z.string().nullable(),
  plannedStart: z.string().nullable(),
  plannedFinish: z.string().nullable(),
  location: z.string().nullable(),
  remarks: z.string().nullable(),
  archivedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  areaName: z.string().nullable(),
  categoryName: z.string().nullable(),
  ownerUnitName: z.string().nullable(),
});
export type ProjectOutput = z.infer<typeof projectOutput>;

/** `GET /api/projects`: a page of the ledger; with `month`, each row's figures and standing. */
export const projectListOutput = z.object({
  items: z.array(
    projectOutput.extend({
      figures: projectFiguresOutput.nullable().optional(),
      /** with `month`: the row's warning level, computed for this page's projects only */
      standing: standingOutput.nullable().optional(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** the footer's 本页合计: sums of this page's rows (万元), figures only with `month` */
  pageTotals: z.object({
    totalInvestment: z.string(),
    annualTarget: z.string().nullable(),
    actualCumulative: z.string().nullable(),
  }),
});
export type ProjectListOutput = z.infer<typeof projectListOutput>;

/** `GET /api/projects/tags`: every tag of the caller's non-archived projects, sorted. */
export const projectTagsOutput = z.array(z.string());
