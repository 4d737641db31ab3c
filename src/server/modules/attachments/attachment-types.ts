import sharp from 'sharp';
import { AppError } from '../../errors.ts';
import { checkZip } from '../imports/zip-guard.ts';
import { sniffImageType } from '../reports/report-photos.service.ts';

export const ATTACHMENT_LIMITS = {
  /** per file, as the issue asks */
  fileBytes: 20 * 1024 * 1024,
  perRecord: 20,
  /** an Office package inflated: a document of a few MB is far below this; a zip bomb is not */
  uncompressedBytes: 200 * 1024 * 1024,
  zipEntries: 5000,
} as const;

/**
 * The types a file may have, each with the extensions its name may carry. The type comes from
 * the bytes; the extension must agree with it (an HTML page named x.png is refused), and nothing
 * that a browser would render as a page (HTML, SVG, XML) is among them.
 */
const TYPES = {
  pdf: { mime: 'application/pdf', ext: ['pdf'] },
  jpeg: { mime: 'image/jpeg', ext: ['jpg', 'jpeg'] },
  png: { mime: 'image/png', ext: ['png'] },
  webp: { mime: 'image/webp', ext: ['webp'] },
  docx: {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ext: ['docx'],
  },
  xlsx: {
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ext: ['xlsx'],
  },
  pptx: {
    mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ext: ['pptx'],
  },
  doc: { mime: 'application/msword', ext: ['doc'] },
  xls: { mime: 'application/vnd.ms-excel', ext: ['xls'] },
} as const;
type Kind = keyof typeof TYPES;

const ACCEPTED_ZH = 'PDF、图片（JPG/PNG/WebP）、Word、Excel、PowerPoint';

export const unsupportedType = (detail?: string, filename?: string | null) =>
  new AppError(
    'attachment.unsupported_type',
    `${filename ? `文件“${filename}”：` : ''}${detail ? `${detail}。` : ''}只能上传${ACCEPTED_ZH}文件`,
    {
      field: 'file',
      ...(filename ? { filename } : {}),
      messageEn: `${filename ? `"${filename}": ` : ''}only PDF, JPEG, PNG, WebP, Word, Excel or PowerPoint files can be uploaded`,
    },
  );

export const attachmentTooLarge = () =>
  new AppError(
    'attachment.too_large',
    `附件不能超过${ATTACHMENT_LIMITS.fileBytes / 1024 / 1024}MB`,
    {
      field: 'file',
      messageEn: `a file may not exceed ${ATTACHMENT_LIMITS.fileBytes / 1024 / 1024} MB`,
    },
  );

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** What the bytes are: one kind, or, for a legacy OLE file, either of two (its name decides). */
function sniff(bytes: Buffer): Kind[] {
  if (bytes.length >= 5 && bytes.toString('latin1', 0, 5) === '%PDF-') return ['pdf'];
  const image = sniffImageType(bytes);
  if (image) return [image.slice('image/'.length) as Kind];
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(OLE)) return ['doc', 'xls'];
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) {
    // a zip: an Office package only if it says so ([Content_Types].xml) and inflates safely
    const zip = checkZip(bytes, {
      fileBytes: ATTACHMENT_LIMITS.fileBytes,
      uncompressedBytes: ATTACHMENT_LIMITS.uncompressedBytes,
      entries: ATTACHMENT_LIMITS.zipEntries,
    });
    if (!zip.ok) throw unsupportedType('压缩包已损坏、加密或内容异常，不是有效的Office文档');
    if (!zip.entries.includes('[Content_Types].xml')) throw unsupportedType('不支持普通压缩包');
    if (zip.entries.some((e) => e.startsWith('word/'))) return ['docx'];
    if (zip.entries.some((e) => e.startsWith('xl/'))) return ['xlsx'];
    if (zip.entries.some((e) => e.startsWith('ppt/'))) return ['pptx'];
    throw unsupportedType('无法识别的Office文档');
  }
  return [];
}

/**
 * A file name safe to store and to send back: the last path segment, without control or
 * direction-override characters, at most 200 characters; null when nothing is left.
 */
export function cleanFilename(name: string | undefined | null): string | null {
  if (!name) return null;
  const base = [...(name.split(/[\\/]/).pop() ?? '')]
    .filter((c) => {
      const code = c.codePointAt(0)!;
      if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return false;
      // bidi overrides would show “exe.pdf” as “fdp.exe”
      return !(
        (code >= 0x202a && code <= 0x202e) ||
        (code >= 0x2066 && code <= 0x2069) ||
        code === 0x200e ||
        code === 0x200f
      );
    })
    .join('')
    .trim();
  if (!base || /^\.+$/.test(base)) return null;
  return [...base].slice(0, 200).join('');
}

/**
 * The file's type from its bytes, and its name made to agree: a name without an extension gets
 * the type's; a name whose extension says another type is refused.
 */
export function classifyFile(
  bytes: Buffer,
  filename: string | undefined | null,
): { contentType: string; filename: string } {
  const name = cleanFilename(filename);
  let kinds: Kind[];
  try {
    kinds = sniff(bytes);
  } catch (e) {
    // the refusal names the file, so a person sending several knows which one
    if (e instanceof AppError && e.code === 'attachment.unsupported_type' && name) {
      throw unsupportedType(e.message.replace(/。只能上传.*$/, ''), name);
    }
    throw e;
  }
  const dot = name?.lastIndexOf('.') ?? -1;
  const ext = name && dot > 0 ? name.slice(dot + 1).toLowerCase() : null;
  if (kinds.length === 0) {
    throw unsupportedType(ext ? `“.${ext}”文件的内容不是可接受的格式` : '文件内容无法识别', name);
  }
  if (ext === null) {
    // no extension to agree with: a legacy OLE file cannot be told apart, so it needs one
    if (kinds.length > 1) throw unsupportedType('旧版Office文件须带扩展名（.doc 或 .xls）', name);
    const kind = kinds[0]!;
    return { contentType: TYPES[kind].mime, filename: `${name ?? '附件'}.${TYPES[kind].ext[0]}` };
  }
  const kind = kinds.find((k) => (TYPES[k].ext as readonly string[]).includes(ext));
  if (!kind) {
    throw unsupportedType(
      `文件扩展名“.${ext}”与文件实际内容（${kinds.map((k) => TYPES[k].ext[0].toUpperCase()).join('/')}）不符`,
      name,
    );
  }
  return { contentType: TYPES[kind].mime, filename: name! };
}

/**
 * An image must be one: a PNG or JPEG signature in front of an HTML page passes the sniffing of
 * the first bytes, not the decoder's reading of the header (size, format).
 */
export async function assertImageReadable(bytes: Buffer, contentType: string, filename: string) {
  if (!contentType.startsWith('image/')) return;
  try {
    const meta = await sharp(bytes, { limitInputPixels: 100_000_000 }).metadata();
    if (!meta.width || !meta.height) throw new Error('no size');
  } catch {
    throw unsupportedType('图片内容损坏或无法识别', filename);
  }
}

/** The accepted extensions, for a file picker. */
export const ACCEPTED_EXTENSIONS = Object.values(TYPES)
  .flatMap((t) => t.ext.map((e) => `.${e}`))
  .join(',');
