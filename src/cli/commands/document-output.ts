import { writeFile } from 'node:fs/promises';

/**
 * Writes a generated Word document, and with `pdf` its PDF beside it (same name, .pdf): the
 * clerk edits the one and circulates the other. Says what was written.
 */
export async function writeDocument(docx: Buffer, output: string, pdf: boolean): Promise<void> {
  await writeFile(output, docx);
  process.stdout.write(`已生成 / written: ${output} (${docx.length} bytes)\n`);
  if (!pdf) return;
  const { convertToPdf } = await import('../../server/modules/documents/pdf.ts');
  const pdfPath = `${output.replace(/\.docx$/i, '')}.pdf`;
  const bytes = await convertToPdf(docx);
  await writeFile(pdfPath, bytes);
  process.stdout.write(`已生成 / written: ${pdfPath} (${bytes.length} bytes)\n`);
}
