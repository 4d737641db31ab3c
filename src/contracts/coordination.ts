import { z } from 'zod';
import { ACTION_ITEM_STATUSES } from '../domain/action-item-workflow.ts';
import { ACTIVITY_KINDS } from '../domain/activities.ts';
import { MEETING_KINDS } from '../domain/meetings.ts';
import { PROBLEM_CATEGORIES, PROBLEM_STATUSES } from '../domain/problem-workflow.ts';
import { id, isoDate, version } from './common.ts';

/** The coordination loop's API: meetings, problems, action items, activities and period counts. */

const text = (max: number, zh: string) =>
  z
    .string()
    .trim()
    .min(1, { message: `须填写${zh} / required` })
    .max(max, { message: `${zh}不超过${max}字 / at most ${max} characters` });
const optionalText = (max: number) => z.string().trim().max(max).nullish();
const ids = z.array(id).max(200).default([]);
const page = z.coerce.number().int().min(1).default(1);
const pageSize = z.coerce.number().int().min(1).max(500).default(50);
/** a query-string flag (?overdue=true), or a boolean from a service caller */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

// ---------------------------------------------------------------- meetings

const meetingFields = {
  kind: z.enum(MEETING_KINDS),
  title: text(200, '会议名称'),
  heldOn: isoDate,
  chair: optionalText(100),
  location: optionalText(200),
  /** plain text in paragraphs; pasted Word text keeps its paragraphs, never markup */
  minutes: z.string().max(50_000).nullish(),
  /** attending units */
  unitIds: ids,
  projectIds: ids,
  /** problems discussed */
  problemIds: ids,
};
export const meetingInput = z.object(meetingFields);
export type MeetingInput = z.input<typeof meetingInput>;

export const meetingPatch = z
  .object({
    kind: meetingFields.kind,
    title: meetingFields.title,
    heldOn: meetingFields.heldOn,
    chair: meetingFields.chair,
    location: meetingFields.location,
    minutes: meetingFields.minutes,
    unitIds: z.array(id).max(200),
    projectIds: z.array(id).max(200),
    problemIds: z.array(id).max(200),
  })
  .partial()
  .extend({ version });
export type MeetingPatch = z.input<typeof meetingPatch>;

export const meetingListQuery = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  kind: z.enum(MEETING_KINDS).optional(),
  unitId: id.optional(),
  projectId: id.optional(),
  page,
  pageSize,
});
export type MeetingListQuery = z.input<typeof meetingListQuery>;

// ---------------------------------------------------------------- problems

export const problemInput = z.object({
  projectId: id,
  category: z.enum(PROBLEM_CATEGORIES),
  description: text(2000, '问题描述'),
  /** default: today */
  raisedOn: isoDate.optional(),
  raisedBy: optionalText(100),
  raisedByUnitId: id.nullish(),
  /** the meeting it was raised in, recorded as discussed there */
  meetingId: id.nullish(),
});
export type ProblemInput = z.input<typeof problemInput>;

export const problemCoordinateInput = z
  .object({ note: optionalText(2000), meetingId: id.nullish(), version: version.optional() })
  .default({});
export const problemResolveInput = z.object({
  resolution: text(2000, '解决情况'),
  /** the meeting that resolved it */
  meetingId: id.nullish(),
  /** default: the meeting's date, else today */
  resolvedOn: isoDate.optional(),
  version: version.optional(),
});
export type ProblemResolveInput = z.input<typeof problemResolveInput>;
export const problemEscalateInput = z.object({
  reason: text(2000, '提级原因'),
  version: version.optional(),
});

export const problemListQuery = z.object({
  projectId: id.optional(),
  status: z.enum(PROBLEM_STATUSES).optional(),
  category: z.enum(PROBLEM_CATEGORIES).optional(),
  meetingId: id.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  page,
  pageSize,
});
export type ProblemListQuery = z.input<typeof problemListQuery>;

// ---------------------------------------------------------------- action items

export const actionItemInput = z.object({
  responsibleUnitId: id,
  content: text(2000, '交办内容'),
  deadline: isoDate,
  meetingId: id.nullish(),
  problemId: id.nullish(),
  projectId: id.nullish(),
  /** default: the meeting's date, else today */
  assignedOn: isoDate.optional(),
});
export type ActionItemInput = z.input<typeof actionItemInput>;

export const answerInput = z.object({
  progress: text(4000, '办理进展'),
  version: version.optional(),
});
export const extensionInput = z.object({
  deadline: isoDate,
  reason: text(1000, '延期理由'),
  version: version.optional(),
});
export const reportDoneInput = z.object({
  note: text(4000, '办结情况'),
  version: version.optional(),
});
export const verifyInput = z
  .object({ note: optionalText(1000), version: version.optional() })
  .default({});
export const reasonInput = z.object({
  reason: text(1000, '理由'),
  version: version.optional(),
});

export const actionItemListQuery = z.object({
  status: z.enum(ACTION_ITEM_STATUSES).optional(),
  unitId: id.optional(),
  meetingId: id.optional(),
  problemId: id.optional(),
  projectId: id.optional(),
  overdue: flag.optional(),
  /** assigned on or after / before */
  from: isoDate.optional(),
  to: isoDate.optional(),
  page,
  pageSize,
});
export type ActionItemListQuery = z.input<typeof actionItemListQuery>;

// ---------------------------------------------------------------- activities

export const activityInput = z.object({
  kind: z.enum(ACTIVITY_KINDS),
  title: text(200, '活动名称'),
  heldOn: isoDate,
  participants: optionalText(1000),
  headcount: z.coerce.number().int().min(0).max(100_000).nullish(),
  unitId: id.nullish(),
  notes: z.string().max(10_000).nullish(),
});
export type ActivityInput = z.input<typeof activityInput>;

export const activityListQuery = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  kind: z.enum(ACTIVITY_KINDS).optional(),
  page,
  pageSize,
});
export type ActivityListQuery = z.input<typeof activityListQuery>;

// ---------------------------------------------------------------- period counts

export const statsQuery = z
  .object({
    from: isoDate,
    to: isoDate,
    /** a unit's name: keep only what involves that unit */
    unit: z.string().trim().min(1).max(200).optional(),
  })
  .refine((q) => q.from <= q.to, {
    message: '开始日期不能晚于结束日期 / from must not be after to',
    path: ['to'],
  });
export type StatsQuery = z.input<typeof statsQuery>;

const byMeetingKind = z.object(
  Object.fromEntries(MEETING_KINDS.map((k) => [k, z.number().int()])) as Record<
    (typeof MEETING_KINDS)[number],
    z.ZodNumber
  >,
);
const byActivityKind = z.object(
  Object.fromEntries(ACTIVITY_KINDS.map((k) => [k, z.number().int()])) as Record<
    (typeof ACTIVITY_KINDS)[number],
    z.ZodNumber
  >,
);

/** The numbers a summary quotes, for a period; the keys are fixed (more may be added). */
export const statsOutput = z.object({
  from: z.string(),
  to: z.string(),
  unit: z.string().nullable(),
  meetings: z.object({ total: z.number().int(), byKind: byMeetingKind }),
  problems: z.object({
    raised: z.number().int(),
    resolved: z.number().int(),
    resolvedByMeetingKind: byMeetingKind,
  }),
  actionItems: z.object({
    created: z.number().int(),
    closed: z.number().int(),
    overdue: z.number().int(),
    createdByMeetingKind: byMeetingKind,
  }),
  /** supervision notices issued within the period, and closed (销号) within it */
  notices: z.object({ issued: z.number().int(), closed: z.number().int() }),
  /** rectification tasks in hand in the period, and those of them closed within it */
  rectifications: z.object({ total: z.number().int(), closed: z.number().int() }),
  /** the work plans of the period's years: themes, items, and items done by the period's end */
  workPlans: z.array(
    z.object({
      name: z.string(),
      area: z.string().nullable(),
      themes: z.number().int(),
      items: z.number().int(),
      done: z.number().int(),
    }),
  ),
  activities: z.object({ total: z.number().int(), byKind: byActivityKind }),
});
export type StatsOutput = z.infer<typeof statsOutput>;
