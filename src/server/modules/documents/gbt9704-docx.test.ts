import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { GBT9704_FONTS, renderDocx } from './gbt9704-docx.ts';
import type { OfficialDocument } from './official-document.ts';

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const DOC: OfficialDocument = {
  title: '2023年6月重大项目推进情况通报',
  subtitle: '（光明区科学城开发建设署）',
  blocks: [
    { kind: 'heading', level: 1, text: '一、总体情况' },
    { kind: 'heading', level: 2, text: '（一）投资完成情况' },
    { kind: 'heading', level: 3, text: '1. 核心片区' },
    { kind: 'paragraph', text: '上半年累计完成投资约104.91亿元。' },
    {
      kind: 'paragraph',
      text: '重点项目：按期推进。',
      runs: [{ text: '重点项目：', bold: true }, { text: '按期推进。' }],
    },
    {
      kind: 'table',
      caption: '表1　各片区投资完成情况',
      unitLine: '单位：万元',
      columns: [
        { header: '片区', align: 'left' },
        { header: '累计完成', align: 'right' },
      ],
      rows: [
        ['核心片区', '1,049,100.00'],
        ['合计', '1,049,100.00'],
      ],
      boldRows: [1],
    },
    { kind: 'image', png: PNG, widthMm: 120, heightMm: 60, caption: '图1　投资完成曲线' },
  ],
  signature: { issuer: '光明区科学城开发建设署', date: '2023年7月5日' },
};

async function parts(doc: OfficialDocument) {
  const zip = await JSZip.loadAsync(await renderDocx(doc));
  const read = (name: string) => zip.file(name)?.async('string') ?? Promise.resolve('');
  const footers = await Promise.all(
    Object.keys(zip.files)
      .filter((n) => /^word\/footer\d+\.xml$/.test(n))
      .map((n) => read(n)),
  );
  return {
    names: Object.keys(zip.files),
    document: await read('word/document.xml'),
    settings: await read('word/settings.xml'),
    styles: await read('word/styles.xml'),
    footers,
  };
}

const text = (xml: string) =>
  [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');

describe('renderDocx: GB/T 9704-2012 layout', () => {
  it('is A4 with the standard margins (37/35/28/26 mm)', async () => {
    const { document } = await parts(DOC);
    expect(document).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const margin = document.match(/<w:pgMar [^>]*\/>/)![0];
    const twips = (name: string) => Number(margin.match(new RegExp(`w:${name}="(\\d+)"`))![1]);
    // 1 mm = 56.7 twips; the standard allows ± 1 mm
    expect(Math.abs(twips('top') - 2098)).toBeLessThanOrEqual(57);
    expect(Math.abs(twips('bottom') - 1984)).toBeLessThanOrEqual(57);
    expect(Math.abs(twips('left') - 1587)).toBeLessThanOrEqual(57);
    expect(Math.abs(twips('right') - 1474)).toBeLessThanOrEqual(57);
  });

  it('names the Chinese fonts for East Asian text, at the standard sizes', async () => {
    const { document, styles } = await parts(DOC);
    // title 2号 (22 pt = 44 half-points) 小标宋
    expect(document).toContain(`w:eastAsia="${GBT9704_FONTS.title}"`);
    expect(document).toMatch(/<w:sz w:val="44"\/>/);
    // body 3号 仿宋_GB2312, headings 黑体 and 楷体_GB2312
    for (const font of [GBT9704_FONTS.body, GBT9704_FONTS.heading1, GBT9704_FONTS.heading2]) {
      expect(document).toContain(`w:eastAsia="${font}"`);
    }
    expect(document).toMatch(/<w:sz w:val="32"\/>/);
    expect(styles).toContain(`w:eastAsia="${GBT9704_FONTS.body}"`);
    // body: exact 28.95 pt lines, first line indented two characters
    expect(document).toMatch(/<w:spacing [^>]*w:line="579" w:lineRule="exact"/);
    expect(document).toMatch(/w:firstLineChars="200"/);
    // tables: 4号 or smaller, header bold and repeated, numbers right-aligned
    expect(document).toMatch(/<w:tblHeader\/>/);
    expect(document).toMatch(/<w:jc w:val="right"\/>/);
    expect(text(document)).toContain('单位：万元');
    expect(text(document)).toContain('表1　各片区投资完成情况');
    expect(text(document)).toContain('图1　投资完成曲线');
  });

  it('holds every block, the image and the signature', async () => {
    const { document, names } = await parts(DOC);
    const t = text(document);
    for (const s of [
      DOC.title,
      '一、总体情况',
      '（一）投资完成情况',
      '1. 核心片区',
      '上半年累计完成投资约104.91亿元。',
      '1,049,100.00',
      '光明区科学城开发建设署',
      '2023年7月5日',
    ]) {
      expect(t).toContain(s);
    }
    expect(names.some((n) => /^word\/media\/.+\.png$/.test(n))).toBe(true);
    expect(document).toContain('<w:drawing>');
    // the picture's paragraph is as tall as the picture, not one exact body line
    const pictureParagraph = document.match(/<w:p>(?:(?!<\/w:p>).)*<w:drawing>/s)![0];
    expect(pictureParagraph).toMatch(/w:lineRule="auto"/);
  });

  it('numbers pages "— N —" in 4号宋体, right on odd pages and left on even ones', async () => {
    const { document, settings, footers } = await parts(DOC);
    expect(settings).toContain('<w:evenAndOddHeaders/>');
    expect(document).toMatch(/<w:footerReference w:type="default"/);
    expect(document).toMatch(/<w:footerReference w:type="even"/);
    expect(footers).toHaveLength(2);
    for (const f of footers) {
      expect(f).toContain('— ');
      expect(f).toContain(' —');
      expect(f).toMatch(/PAGE/);
      expect(f).toContain(`w:eastAsia="${GBT9704_FONTS.pageNumber}"`);
      expect(f).toMatch(/<w:sz w:val="28"\/>/);
    }
    const sides = footers.map((f) => f.match(/<w:jc w:val="(\w+)"\/>/)![1]).sort();
    expect(sides).toEqual(['left', 'right']);
  });
});
