import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AppError } from '../../errors.ts';

/** How long one conversion may take before the child is killed. */
const TIMEOUT_MS = 120_000;

/**
 * Stand-ins for the GB/T 9704 fonts where the machine lacks them (documents.md): Noto Serif CJK
 * SC for 仿宋/宋体/楷体/小标宋, Noto Sans CJK SC for 黑体. Given to fontconfig as `accept`, so an
 * installed 仿宋_GB2312 still wins; without this LibreOffice draws everything in a sans face.
 */
const STAND_INS: [string[], string[]] = [
  [
    '仿宋_GB2312',
    '仿宋',
    'FangSong',
    '宋体',
    'SimSun',
    '方正小标宋简体',
    '楷体_GB2312',
    '楷体',
    'KaiTi',
  ],
  ['Noto Serif CJK SC', 'Source Han Serif SC', 'AR PL UMing CN'],
];
const SANS_STAND_INS: [string[], string[]] = [
  ['黑体', 'SimHei'],
  ['Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Zen Hei'],
];

function fontsConf(): string {
  const alias = ([names, accept]: [string[], string[]]) =>
    names
      .map(
        (n) =>
          `  <alias binding="same"><family>${n}</family><accept>${accept.map((a) => `<family>${a}</family>`).join('')}</accept></alias>`,
      )
      .join('\n');
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
${alias(STAND_INS)}
${alias(SANS_STAND_INS)}
</fontconfig>
`;
}

const unavailable = (why: string) =>
  new AppError(
    'pdf.unavailable',
    `无法生成 PDF：本机未安装 LibreOffice（soffice），请安装后重试（如 apt-get install libreoffice-writer-nogui），或下载 Word 版本。${why}`,
    {
      messageEn:
        `cannot make a PDF: LibreOffice (soffice) is not installed on the server; install it (e.g. apt-get install libreoffice-writer-nogui) or download the .docx. ${why}`.trim(),
    },
  );

/** The LibreOffice binary on PATH (TIAODU_SOFFICE names another), or null. */
export async function findSoffice(): Promise<string | null> {
  const named = process.env.TIAODU_SOFFICE;
  if (named) return named;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['soffice', 'libreoffice']) {
      const path = join(dir, name);
      try {
        await access(path);
        return path;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/**
 * Converts a .docx to PDF with `soffice --headless --convert-to pdf` in a temporary folder of its
 * own (a private LibreOffice profile too, so two conversions at once do not share a lock), then
 * removes the folder. Throws AppError 'pdf.unavailable' (503) when LibreOffice is missing, fails
 * or runs out of time.
 */
export async function convertToPdf(docx: Buffer): Promise<Buffer> {
  const soffice = await findSoffice();
  if (!soffice) throw unavailable('');
  const dir = await mkdtemp(join(tmpdir(), 'tiaodu-pdf-'));
  try {
    const input = join(dir, 'document.docx');
    await writeFile(input, docx);
    await writeFile(join(dir, 'fonts.conf'), fontsConf());
    await new Promise<void>((resolve, reject) => {
      execFile(
        soffice,
        [
          `-env:UserInstallation=file://${join(dir, 'profile')}`,
          '--headless',
          '--norestore',
          '--convert-to',
          'pdf',
          '--outdir',
          dir,
          input,
        ],
        {
          timeout: TIMEOUT_MS,
          killSignal: 'SIGKILL',
          maxBuffer: 4 * 1024 * 1024,
          env: { ...process.env, FONTCONFIG_FILE: join(dir, 'fonts.conf') },
        },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'EACCES') return reject(unavailable(''));
          const why = err.killed
            ? `（转换超过 ${TIMEOUT_MS / 1000} 秒 / timed out）`
            : String(stderr || err.message).slice(0, 300);
          reject(
            new AppError('pdf.unavailable', `PDF 转换失败 / PDF conversion failed: ${why}`, {
              messageEn: `PDF conversion failed: ${why}`,
            }),
          );
        },
      );
    });
    try {
      return await readFile(join(dir, 'document.pdf'));
    } catch {
      throw new AppError('pdf.unavailable', 'PDF 转换失败：LibreOffice 未生成文件', {
        messageEn: 'PDF conversion failed: LibreOffice wrote no file',
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
