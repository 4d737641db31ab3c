import type { Command } from 'commander';
import { bulletinQuery } from '../../contracts/bulletin.ts';
import { AppError } from '../../server/errors.ts';
import { openDatabase, run, withDb } from '../open.ts';
import { writeDocument } from './document-output.ts';

export function registerBulletin(program: Command) {
  withDb(
    program
      .command('bulletin')
      .description(
        '月度通报（GB/T 9704 版式 Word，或 PDF）/ monthly bulletin as a GB/T 9704 .docx (or PDF)',
      )
      .requiredOption('--month <YYYY-MM>', '通报月份 / the month')
      .option(
        '-o, --output <file>',
        '输出文件，默认“{年}年{月}月重大项目推进情况通报.docx” / output file',
      )
      .option('--pdf', '同时输出 PDF（经 LibreOffice 转换）/ also write a PDF (LibreOffice)'),
  ).action((opts) =>
    run(async () => {
      const parsed = bulletinQuery.safeParse({ month: opts.month });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.join('.');
        throw new AppError('request.invalid', `--${field}: ${issue.message}`, { field });
      }
      const [{ buildBulletin, bulletinFilename }, { renderDocx }] = await Promise.all([
        import('../../server/modules/documents/bulletin.service.ts'),
        import('../../server/modules/documents/gbt9704-docx.ts'),
      ]);
      const { database, ctx, close } = await openDatabase(opts);
      let file: Buffer;
      try {
        file = await renderDocx(await buildBulletin(database.db, ctx, parsed.data));
      } finally {
        await close();
      }
      const [year, month] = parsed.data.month.split('-').map(Number);
      const out: string = opts.output ?? bulletinFilename({ year: year!, month: month! }, 'docx');
      await writeDocument(file, out, !!opts.pdf);
    }),
  );
}
