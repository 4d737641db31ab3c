import { z } from 'zod';
import { yearMonth } from './common.ts';

/** The monthly bulletin (月度通报): `?month=2023-06[&format=pdf]`, the same input the CLI takes. */
export const bulletinQuery = z.object({
  month: yearMonth,
  /** docx (default) or pdf (needs LibreOffice on the server; 503 pdf.unavailable without it) */
  format: z.enum(['docx', 'pdf']).default('docx'),
});
export type BulletinQuery = z.input<typeof bulletinQuery>;

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const PDF_TYPE = 'application/pdf';
