import { isoDateOf } from '../../../domain/periods.ts';
import { renderDocx } from './gbt9704-docx.ts';
import type { OfficialDocument } from './official-document.ts';
import { convertToPdf } from './pdf.ts';
import type { SummaryModel } from './summary.model.ts';
import { renderCharts, summaryToDocument } from './summary-document.ts';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const PDF_TYPE = 'application/pdf';

/** "2023年7月5日" */
export function dateZhOf(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** The model as the document the office sends (chart rendered, signed with the office's name). */
export async function summaryDocument(
  model: SummaryModel,
  opts: { now: Date },
): Promise<OfficialDocument> {
  const images = await renderCharts(model);
  return summaryToDocument(model, { images, signatureDate: dateZhOf(isoDateOf(opts.now)) });
}

/** The file of a document: .docx laid out by GB/T 9704, or PDF through LibreOffice. */
export async function renderDocumentFile(
  doc: OfficialDocument,
  format: 'docx' | 'pdf',
): Promise<{ body: Buffer; contentType: string; ext: string }> {
  const docx = await renderDocx(doc);
  if (format === 'pdf')
    return { body: await convertToPdf(docx), contentType: PDF_TYPE, ext: 'pdf' };
  return { body: docx, contentType: DOCX_TYPE, ext: 'docx' };
}

export async function renderSummaryFile(
  model: SummaryModel,
  opts: { format: 'docx' | 'pdf'; now: Date },
) {
  return renderDocumentFile(await summaryDocument(model, opts), opts.format);
}
