import { z } from 'zod';
import { RECTIFICATION_SOURCES, RECTIFICATION_STATUSES } from '../domain/rectification-workflow.ts';
import { id, isoDate, version } from './common.ts';

/** The rectification tasks' API (整改): inputs of the office and of the responsible unit. */

const text = (max: number, zh: string) =>
  z
    .string()
    .trim()
    .min(1, { message: `须填写${zh} / required` })
    .max(max, { message: `${zh}不超过${max}字 / at most ${max} characters` });
/** a query-string flag (?overdue=true), or a boolean from a service caller */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export const rectificationInput = z.object({
  source: z.enum(RECTIFICATION_SOURCES),
  sourceName: text(200, '来源名称'),
  finding: text(4000, '问题'),
  measures: text(4000, '整改措施'),
  responsibleUnitId: id,
  projectId: id.nullish(),
  /** default: today */
  issuedOn: isoDate.optional(),
  deadline: isoDate,
});
export type RectificationInput = z.input<typeof rectificationInput>;

export const rectificationAnswerInput = z.object({
  progress: text(4000, '整改进展'),
  version: version.optional(),
});
export const rectificationReportDoneInput = z.object({
  evidence: text(4000, '整改完成情况及佐证'),
  version: version.optional(),
});
export const rectificationCloseInput = z
  .object({ note: z.string().trim().max(1000).nullish(), version: version.optional() })
  .default({});
export const rectificationSendBackInput = z.object({
  reason: text(1000, '退回理由'),
  version: version.optional(),
});

export const rectificationListQuery = z.object({
  status: z.enum(RECTIFICATION_STATUSES).optional(),
  source: z.enum(RECTIFICATION_SOURCES).optional(),
  unitId: id.optional(),
  projectId: id.optional(),
  overdue: flag.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type RectificationListQuery = z.input<typeof rectificationListQuery>;
