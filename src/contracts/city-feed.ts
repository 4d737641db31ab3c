import { z } from 'zod';
import { LEVELS } from '../domain/warning-rules.ts';

export const feedTokenInput = z.object({
  /** who reads with it, e.g. 深圳市重大项目管理平台 */
  name: z.string().trim().min(1).max(100),
});

/** A feed token as the system admin sees it: never the secret, which is shown once. */
export const feedTokenView = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  uses: z.number().int(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});

export const feedTokenCreated = z.object({
  /** the secret, in this answer only */
  token: z.string(),
  feedToken: feedTokenView,
});

const wanString = z.string().describe('万元, two decimals');

/** 市重大项目月报 as data: the same rows and totals as the workbook. */
export const cityReportOutput = z.object({
  office: z.string(),
  year: z.number().int(),
  month: z.number().int(),
  rows: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      ownerUnit: z.string().nullable(),
      area: z.string().nullable(),
      category: z.string().nullable(),
      tags: z.array(z.string()),
      annualTarget: wanString.nullable(),
      monthActual: wanString,
      cumulative: wanString,
      rate: z.string().nullable().describe('cumulative / annual plan, percent, one decimal'),
      level: z.enum(LEVELS),
      progressText: z.string().nullable(),
      problems: z.string().nullable(),
    }),
  ),
  total: z.object({
    projects: z.number().int(),
    annualTarget: wanString,
    monthActual: wanString,
    cumulative: wanString,
    rate: z.string().nullable(),
  }),
});
