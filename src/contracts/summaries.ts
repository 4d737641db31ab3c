import { z } from 'zod';
import { isoDate } from './common.ts';

/** A work summary's period: whole days, inclusive, within one year. */
export const summaryPeriodInput = z
  .object({ from: isoDate, to: isoDate })
  .refine((q) => q.from <= q.to, {
    message: '开始日期不能晚于结束日期 / from must not be after to',
    path: ['to'],
  })
  .refine((q) => q.from.slice(0, 4) === q.to.slice(0, 4), {
    message: '总结期间须在同一年度内 / the period must lie within one year',
    path: ['to'],
  });
export type SummaryPeriodInput = z.input<typeof summaryPeriodInput>;

const text = z.string().max(20_000);
/** Per section id: generated paragraphs replaced (by paragraph id; "" drops one) and ones added. */
export const summaryEdits = z.record(
  z.string().max(100),
  z.object({
    paragraphs: z.record(z.string().max(200), text).optional(),
    added: z.array(text).max(50).optional(),
  }),
);

export const summaryEditsInput = z.object({ edits: summaryEdits, version: z.number().int() });
export const summaryVersionInput = z.object({ version: z.number().int() });

export const summaryDetailQuery = z.object({
  /** a finalised revision to read instead of the current one */
  revision: z.coerce.number().int().min(1).optional(),
});
export const summaryDownloadQuery = summaryDetailQuery.extend({
  format: z.enum(['docx', 'pdf']).default('docx'),
});

const figure = z.object({
  key: z.string(),
  value: z.string(),
  text: z.string(),
  link: z.string().nullable(),
});
const paragraph = z.object({
  id: z.string(),
  template: z.string(),
  text: z.string(),
  figures: z.array(figure),
  edited: z.boolean().optional(),
  added: z.boolean().optional(),
});
const section = z.object({
  id: z.string(),
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  heading: z.string(),
  paragraphs: z.array(paragraph),
  table: z
    .object({
      caption: z.string(),
      unitLine: z.string(),
      columns: z.array(
        z.object({
          header: z.string(),
          align: z.enum(['left', 'center', 'right']),
          widthPct: z.number().optional(),
        }),
      ),
      rows: z.array(z.array(z.string())),
      boldRows: z.array(z.number().int()),
    })
    .optional(),
  chart: z
    .object({
      caption: z.string(),
      year: z.number().int(),
      through: z.number().int(),
      series: z.array(
        z.object({
          month: z.number().int(),
          timingTarget: z.string(),
          actual: z.string().nullable(),
        }),
      ),
    })
    .optional(),
});
export const summaryModelOutput = z.object({
  office: z.string(),
  from: z.string(),
  to: z.string(),
  periodLabel: z.string(),
  title: z.string(),
  sections: z.array(section),
  figures: z.record(z.string(), figure),
  generatedAt: z.string(),
});

const summaryHead = z.object({
  id: z.number().int(),
  from: z.string(),
  to: z.string(),
  title: z.string(),
  status: z.enum(['draft', 'final']),
  revision: z.number().int(),
  version: z.number().int(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string(),
  /** the finalised revisions, oldest first */
  revisions: z.array(
    z.object({
      revision: z.number().int(),
      finalizedBy: z.string().nullable(),
      finalizedAt: z.string(),
    }),
  ),
});
export const summaryListOutput = z.object({ summaries: z.array(summaryHead) });

export const summaryDetailOutput = summaryHead.extend({
  /** the revision shown: the current one, or the finalised one asked for */
  shownRevision: z.number().int(),
  /** true when the figures are frozen (a finalised revision) */
  frozen: z.boolean(),
  edits: summaryEdits,
  /** the text as generated from the data (live while a draft), before the edits */
  generated: summaryModelOutput,
  /** the text as the document says it: generated with the edits applied */
  model: summaryModelOutput,
});
export type SummaryDetail = z.infer<typeof summaryDetailOutput>;
export type SummaryListItem = z.infer<typeof summaryHead>;
