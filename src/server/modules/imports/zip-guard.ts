import { inflateRawSync } from 'node:zlib';

export type ZipLimits = {
  fileBytes: number;
  uncompressedBytes: number;
  entries: number;
  /** worksheet cells; unset for a zip that is stored, never read cell by cell (an attachment) */
  cells?: number;
};

/** Limits an uploaded workbook must stay within before exceljs is allowed to open it. */
export const WORKBOOK_LIMITS: ZipLimits = {
  /** the upload itself */
  fileBytes: 20 * 1024 * 1024,
  /** all parts of the zip once inflated */
  uncompressedBytes: 200 * 1024 * 1024,
  /** an .xlsx has a few dozen parts; thousands means something else */
  entries: 2000,
  /**
   * cells in all worksheets: exceljs holds every cell in memory (about 1 KB each, measured: an
   * 11 MB file of 3 million cells took 2.8 GB and a minute to read), so the inflated size alone
   * does not bound memory. 1.2 million covers an office of 10,000 projects with a year of
   * monthly figures (about 1.07 million cells).
   */
  cells: 1_200_000,
};

export type ZipCheck =
  | { ok: true; entries: string[] }
  | { ok: false; code: string; reason: string; reasonEn: string };

const fail = (code: string, reason: string, reasonEn: string): ZipCheck => ({
  ok: false,
  code,
  reason,
  reasonEn,
});
const mb = (n: number) => `${Math.round(n / 1024 / 1024)}MB`;

/**
 * Inspects a zip without trusting it: reads the central directory, refuses encrypted, zip64 and
 * unknown-method entries, then really inflates every part under a running size budget (a zip
 * bomb's headers lie about sizes, so only inflating tells), and refuses XML parts that declare a
 * DOCTYPE (entity expansion, external entities). Only a zip that passes is handed to exceljs.
 */
export function checkZip(buf: Buffer, limits: ZipLimits = WORKBOOK_LIMITS): ZipCheck {
  const notZip = fail('file.corrupt', '工作簿文件已损坏，无法读取', 'the workbook file is damaged');
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return notZip;
  const count = buf.readUInt16LE(eocd + 10);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) {
    return fail('file.unsupported', '不支持ZIP64格式的工作簿', 'ZIP64 workbooks are not supported');
  }
  if (count > limits.entries) {
    return fail(
      'file.too_many_entries',
      `工作簿包含${count}个部件，超过上限${limits.entries}个，已拒绝`,
      `the workbook has ${count} parts, more than the limit of ${limits.entries}`,
    );
  }
  const entries: string[] = [];
  let budget = limits.uncompressedBytes;
  let cells = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) return notZip;
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const declared = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) {
      return fail(
        'file.encrypted',
        '工作簿已加密，请取消密码后再导入',
        'the workbook is encrypted; remove the password first',
      );
    }
    if (compressed === 0xffffffff || declared === 0xffffffff || local === 0xffffffff) {
      return fail(
        'file.unsupported',
        '不支持ZIP64格式的工作簿',
        'ZIP64 workbooks are not supported',
      );
    }
    if (declared > budget) return bomb(limits);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) return notZip;
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (dataStart + compressed > buf.length) return notZip;
    const data = buf.subarray(dataStart, dataStart + compressed);
    let inflated: Buffer;
    if (method === 0) inflated = data;
    else if (method === 8) {
      try {
        // maxOutputLength stops inflating at the budget instead of filling memory.
        inflated = inflateRawSync(data, { maxOutputLength: Math.max(budget, 1) });
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
          return bomb(limits);
        return notZip;
      }
    } else {
      return fail(
        'file.unsupported',
        '工作簿使用了不支持的压缩方式',
        'the workbook uses an unsupported compression method',
      );
    }
    budget -= inflated.length;
    if (budget < 0) return bomb(limits);
    if (
      // unanchored, as exceljs matches part names ("/xl/workbook.xml", "x/xl/…sheet1.xml.bak")
      /\.(xml|rels|vml)/i.test(name) &&
      !/\/media\//i.test(name) &&
      (inflated.includes('<!DOCTYPE') || inflated.includes('<!ENTITY'))
    ) {
      return fail(
        'file.unsafe',
        '工作簿包含DOCTYPE/实体声明（可能引用外部实体），已拒绝',
        'the workbook declares a DOCTYPE or entities (possible external entities); refused',
      );
    }
    if (limits.cells !== undefined && /xl\/worksheets\/sheet\d+\.xml/i.test(name)) {
      cells += countCells(inflated);
      if (cells > limits.cells) {
        return fail(
          'file.too_many_cells',
          `工作簿的单元格超过导入上限${limits.cells.toLocaleString('en-US')}个，已拒绝；请分成几个文件导入`,
          `the workbook holds more than the import limit of ${limits.cells.toLocaleString('en-US')} cells; split it into several files`,
        );
      }
    }
    entries.push(name);
  }
  return { ok: true, entries };
}

/** `<c ` / `<c>` / `<c/>` elements: the cells exceljs would build, without parsing the XML. */
function countCells(xml: Buffer): number {
  let n = 0;
  for (let i = xml.indexOf('<c'); i >= 0; i = xml.indexOf('<c', i + 2)) {
    const next = xml[i + 2];
    if (
      next === 0x20 ||
      next === 0x3e ||
      next === 0x2f ||
      next === 0x09 ||
      next === 0x0a ||
      next === 0x0d
    )
      n++;
  }
  return n;
}

function bomb(limits: typeof WORKBOOK_LIMITS): ZipCheck {
  return fail(
    'file.too_large_uncompressed',
    `工作簿解压后超过${mb(limits.uncompressedBytes)}上限（疑似压缩炸弹），已拒绝`,
    `the workbook inflates beyond ${mb(limits.uncompressedBytes)} (a zip bomb?); refused`,
  );
}
