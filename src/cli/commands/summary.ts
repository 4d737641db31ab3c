import type { Command } from 'commander';
import { AppError } from '../../server/errors.ts';
import { openDatabase, run, withDb } from '../open.ts';
import { writeDocument } from './document-output.ts';

/** The summary as plain text: title, headings and paragraphs (what the .docx says). */
export function summaryText(model: {
  title: string;
  sections: { heading: string; paragraphs: { text: string }[] }[];
}): string {
  const lines = [model.title, ''];
  for (const s of model.sections) {
    if (s.heading) lines.push(s.heading);
    for (const p of s.paragraphs) lines.push(`  ${p.text}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerSummary(program: Command) {
  withDb(
    program
      .command('summary')
      .description(
        '生成期间工作总结（.docx，GB/T 9704）/ write the work summary of a period as .docx',
      )
      .requiredOption('--from <YYYY-MM-DD>', '开始日期（含）/ first day')
      .requiredOption('--to <YYYY-MM-DD>', '结束日期（含）/ last day')
      .option(
        '-o, --output <file>',
        '输出文件；缺省时打印正文 / output file; prints the text without',
      )
      .option('--pdf', '同时输出 PDF（经 LibreOffice 转换）/ also write a PDF (LibreOffice)')
      .option('--json', '打印总结模型 JSON / print the summary model as JSON'),
  ).action((opts) =>
    run(async () => {
      const { buildSummary } = await import('../../server/modules/documents/summary.service.ts');
      const { database, ctx, close } = await openDatabase(opts);
      try {
        const model = await buildSummary(database.db, ctx, { from: opts.from, to: opts.to });
        if (!opts.output) {
          process.stdout.write(
            opts.json ? `${JSON.stringify(model, null, 2)}\n` : summaryText(model),
          );
          return;
        }
        if (opts.json) throw new AppError('request.invalid', '--json 与 -o 不能同时使用');
        const { renderSummaryFile } = await import(
          '../../server/modules/documents/summary-render.ts'
        );
        const file = await renderSummaryFile(model, { format: 'docx', now: ctx.now });
        await writeDocument(file.body, opts.output, !!opts.pdf);
      } finally {
        await close();
      }
    }),
  );
}
