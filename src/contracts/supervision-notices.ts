import { z } from 'zod';
import { NOTICE_SOURCES, NOTICE_STATUSES } from '../domain/notice-workflow.ts';
import { id, isoDate, version, yearMonth } from './common.ts';

/** The supervision notices' API (督办单): inputs of the office and of the addressed unit. */

const text = (max: number, zh: string) =>
  z
    .string()
    .trim()
    .min(1, { message: `须填写${zh} / required` })
    .max(max, { message: `${zh}不超过${max}字 / at most ${max} characters` });
/** a query-string flag (?escalated=true), or a boolean from a service caller */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** A notice written by hand: the office says what is wrong and what must be done. */
export const noticeInput = z.object({
  projectId: id,
  /** default: the project's owner unit */
  unitId: id.nullish(),
  content: text(4000, '督办内容'),
  /** why the project is supervised, one sentence each */
  reasons: z.array(text(500, '督办原因')).max(20).default([]),
  deadline: isoDate,
});
export type NoticeInput = z.input<typeof noticeInput>;

/**
 * One click from a warning: the project and the month; the warning's level and reasons come from
 * the warnings service. Everything else has a default the office may override.
 */
export const noticeFromWarningInput = z.object({
  projectCode: text(64, '项目编号'),
  month: yearMonth,
  /** default: the project's owner unit */
  unitId: id.nullish(),
  /** default: a sentence naming the project, the month and the deadline */
  content: text(4000, '督办内容').optional(),
  /** default: 15 days after today */
  deadline: isoDate.optional(),
});
export type NoticeFromWarningInput = z.input<typeof noticeFromWarningInput>;

export const noticeAnswerInput = z.object({
  measures: text(4000, '整改措施'),
  version: version.optional(),
});
export const noticeCloseInput = z
  .object({ note: z.string().trim().max(1000).nullish(), version: version.optional() })
  .default({});
export const noticeSendBackInput = z.object({
  reason: text(1000, '退回理由'),
  version: version.optional(),
});

export const noticeListQuery = z.object({
  status: z.enum(NOTICE_STATUSES).optional(),
  source: z.enum(NOTICE_SOURCES).optional(),
  projectId: id.optional(),
  unitId: id.optional(),
  /** unanswered past the deadline: the leaders' list */
  escalated: flag.optional(),
  /** issued on or after / before */
  from: isoDate.optional(),
  to: isoDate.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type NoticeListQuery = z.input<typeof noticeListQuery>;

export const noticeProposalQuery = z.object({
  /** the last month of the run of yellow months; default: last month */
  month: yearMonth.optional(),
});

export const noticeSettingsInput = z.object({
  numberPattern: text(100, '编号格式'),
  attentionMonths: z.number().int().min(1).max(12),
  /** the version the page loaded (0 before the first change): a stale one is a 409 */
  version: z
    .number({ message: '需带 version（打开时读到的版本）/ version is required' })
    .int()
    .min(0),
});
export type NoticeSettingsInput = z.input<typeof noticeSettingsInput>;
