import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  ImageRun,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  type ParagraphChild,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
} from 'docx';
import type { DocumentBlock, OfficialDocument } from './official-document.ts';

/**
 * Lays an OfficialDocument out as GB/T 9704-2012 (党政机关公文格式), as ../shared/documents.md
 * gives it: A4, margins 37/35/28/26 mm, 22 lines of 28 characters, 2号小标宋 title, 3号仿宋
 * body, 黑体/楷体/仿宋 headings, "— N —" page numbers on the outside corners.
 */

/** The fonts the standard names; where a machine lacks them Word and LibreOffice substitute. */
export const GBT9704_FONTS = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  pageNumber: '宋体',
} as const;

const mm = (v: number) => Math.round((v / 25.4) * 1440);
const pt = (v: number) => Math.round(v * 20);

/** A4 and the margins of GB/T 9704 §5.2, in twips. */
export const PAGE = {
  width: 11906,
  height: 16838,
  top: mm(37),
  bottom: mm(35),
  left: mm(28),
  right: mm(26),
} as const;
const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
/** 22 lines in the 225 mm type area: an exact line of 28.95 pt */
const LINE = pt(28.95);
const BODY_PT = 16;
/** one character of body text (3号), the unit of indents */
const CHAR = pt(BODY_PT);

/** A run in one font for every script, so Word picks the Chinese face for Chinese text. */
function run(
  text: string,
  o: {
    font: string;
    sizePt: number;
    bold?: boolean;
    /** line breaks before the text */
    break?: number;
    children?: (string | typeof PageNumber.CURRENT)[];
  },
) {
  return new TextRun({
    ...(o.children ? { children: o.children } : { text }),
    break: o.break,
    font: { ascii: o.font, hAnsi: o.font, eastAsia: o.font, cs: o.font, hint: 'eastAsia' },
    size: o.sizePt * 2,
    sizeComplexScript: o.sizePt * 2,
    bold: o.bold,
    boldComplexScript: o.bold,
  });
}

const exactLine = (line = LINE) => ({ line, lineRule: LineRuleType.EXACT, before: 0, after: 0 });

/** Body-width paragraph, first line indented two characters. */
function bodyParagraph(children: ParagraphChild[]) {
  return new Paragraph({
    alignment: AlignmentType.BOTH,
    indent: { firstLine: 2 * CHAR, firstLineChars: 200 },
    spacing: exactLine(),
    children,
  });
}

const HEADING_FONT = {
  1: { font: GBT9704_FONTS.heading1, bold: false },
  2: { font: GBT9704_FONTS.heading2, bold: false },
  3: { font: GBT9704_FONTS.body, bold: true },
} as const;

function heading(level: 1 | 2 | 3, text: string) {
  const f = HEADING_FONT[level];
  return new Paragraph({
    alignment: AlignmentType.BOTH,
    indent: { firstLine: 2 * CHAR, firstLineChars: 200 },
    spacing: exactLine(),
    keepNext: true,
    outlineLevel: level - 1,
    children: [run(text, { font: f.font, sizePt: BODY_PT, bold: f.bold })],
  });
}

const THIN = { style: BorderStyle.SINGLE, size: 4, color: '000000' };

function table(block: Extract<DocumentBlock, { kind: 'table' }>): (Paragraph | Table)[] {
  const cols = block.columns;
  // 4号 (14 pt) fits up to four columns on 156 mm; wider tables drop to 小四 (12 pt).
  const sizePt = block.fontPt ?? (cols.length > 4 ? 12 : 14);
  // 五号 lists run many rows of wrapped reasons: set tighter, as printed tables are
  const cellLine = pt(sizePt * (sizePt < 12 ? 1.1 : 1.3));
  const given = cols.reduce((s, c) => s + (c.widthPct ?? 0), 0);
  const rest = cols.filter((c) => c.widthPct === undefined).length;
  const pcts = cols.map((c) => c.widthPct ?? (rest > 0 ? Math.max(100 - given, 0) / rest : 0));
  const sum = pcts.reduce((s, p) => s + p, 0) || 1;
  const widths = pcts.map((p) => Math.floor((TEXT_WIDTH * p) / sum));
  const boldRows = new Set(block.boldRows ?? []);
  const cell = (text: string, i: number, o: { bold: boolean; header: boolean }) =>
    new TableCell({
      width: { size: widths[i]!, type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      margins:
        sizePt < 12
          ? { top: 0, bottom: 0, left: 30, right: 30 }
          : { top: 30, bottom: 30, left: 60, right: 60 },
      children: [
        new Paragraph({
          alignment: o.header
            ? AlignmentType.CENTER
            : cols[i]!.align === 'right'
              ? AlignmentType.RIGHT
              : cols[i]!.align === 'center'
                ? AlignmentType.CENTER
                : AlignmentType.LEFT,
          spacing: { line: cellLine, lineRule: LineRuleType.AT_LEAST, before: 0, after: 0 },
          // a line break in a cell's text is kept (e.g. 督办2 / 关注5 on two lines)
          children: text
            .split('\n')
            .map((line, k) =>
              k === 0
                ? run(line, { font: GBT9704_FONTS.body, sizePt, bold: o.bold })
                : run(line, { font: GBT9704_FONTS.body, sizePt, bold: o.bold, break: 1 }),
            ),
        }),
      ],
    });
  const out: (Paragraph | Table)[] = [];
  if (block.caption) {
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        // a 4号 caption sits on its own 22 pt line, as the 单位 line does, not on a body line
        spacing: { line: pt(22), lineRule: LineRuleType.EXACT, before: 0, after: 0 },
        keepNext: true,
        children: [run(block.caption, { font: GBT9704_FONTS.heading1, sizePt: 14 })],
      }),
    );
  }
  if (block.unitLine) {
    out.push(
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        spacing: { line: pt(22), lineRule: LineRuleType.EXACT, before: 0, after: 0 },
        keepNext: true,
        children: [run(block.unitLine, { font: GBT9704_FONTS.body, sizePt })],
      }),
    );
  }
  out.push(
    new Table({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      alignment: AlignmentType.CENTER,
      borders: {
        top: THIN,
        bottom: THIN,
        left: THIN,
        right: THIN,
        insideHorizontal: THIN,
        insideVertical: THIN,
      },
      rows: [
        new TableRow({
          tableHeader: true,
          cantSplit: true,
          children: cols.map((c, i) => cell(c.header, i, { bold: true, header: true })),
        }),
        ...block.rows.map(
          (r, ri) =>
            new TableRow({
              cantSplit: true,
              children: cols.map((_, i) =>
                cell(r[i] ?? '', i, { bold: boldRows.has(ri), header: false }),
              ),
            }),
        ),
      ],
    }),
  );
  // a table ends the flow with a little air before the next paragraph
  out.push(
    new Paragraph({ spacing: { line: pt(10), lineRule: LineRuleType.EXACT }, children: [] }),
  );
  return out;
}

function image(block: Extract<DocumentBlock, { kind: 'image' }>): Paragraph[] {
  const px = (v: number) => Math.round((v / 25.4) * 96);
  const out = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      keepNext: !!block.caption,
      // the page's exact 28.95 pt line would clip the picture to one line's height
      spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 0, after: 0 },
      children: [
        new ImageRun({
          type: 'png',
          data: block.png,
          transformation: { width: px(block.widthMm), height: px(block.heightMm) },
          altText: block.caption
            ? { name: block.caption, description: block.caption, title: block.caption }
            : undefined,
        }),
      ],
    }),
  ];
  if (block.caption) {
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: exactLine(),
        children: [run(block.caption, { font: GBT9704_FONTS.body, sizePt: 14 })],
      }),
    );
  }
  return out;
}

function blockToDocx(block: DocumentBlock): (Paragraph | Table)[] {
  switch (block.kind) {
    case 'heading':
      return [heading(block.level, block.text)];
    case 'paragraph': {
      const runs = block.runs ?? [{ text: block.text }];
      return [
        bodyParagraph(
          runs.map((r) => run(r.text, { font: GBT9704_FONTS.body, sizePt: BODY_PT, bold: r.bold })),
        ),
      ];
    }
    case 'table':
      return table(block);
    case 'image':
      return image(block);
  }
}

/**
 * The signature (落款): the date right-aligned four characters in from the margin, the issuer
 * centred over the date (GB/T 9704 §7.3.5.1); each in body type.
 */
function signature(sig: { issuer: string; date: string }): Paragraph[] {
  const dateRight = 4;
  const issuerRight = Math.max(dateRight + (sig.date.length - sig.issuer.length) / 2, 2);
  const line = (text: string, rightChars: number, keepNext = true) =>
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      indent: { right: Math.round(rightChars * CHAR) },
      spacing: exactLine(),
      // the date ends the document: "keep with next" there pushes the block to a page of its own
      keepNext,
      children: [run(text, { font: GBT9704_FONTS.body, sizePt: BODY_PT })],
    });
  // one blank line under the text: a generated document carries no seal (§7.3.5.2)
  const blank = new Paragraph({ spacing: exactLine(), keepNext: true, children: [] });
  return [blank, line(sig.issuer, issuerRight), line(sig.date, dateRight, false)];
}

/** "— N —" in 4号宋体, one character in from the outside edge: right on odd pages, left on even. */
function pageNumberFooter(side: 'odd' | 'even') {
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: pt(14) } : { left: pt(14) },
        children: [
          run('', {
            font: GBT9704_FONTS.pageNumber,
            sizePt: 14,
            children: ['— ', PageNumber.CURRENT, ' —'],
          }),
        ],
      }),
    ],
  });
}

/** The .docx of a document, laid out by GB/T 9704-2012. */
export async function renderDocx(doc: OfficialDocument): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { line: pt(35), lineRule: LineRuleType.EXACT, before: 0, after: 0 },
      keepNext: true,
      children: [run(doc.title, { font: GBT9704_FONTS.title, sizePt: 22 })],
    }),
  ];
  if (doc.subtitle) {
    children.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: exactLine(),
        children: [run(doc.subtitle, { font: GBT9704_FONTS.heading2, sizePt: BODY_PT })],
      }),
    );
  }
  // 标题下空一行
  children.push(new Paragraph({ spacing: exactLine(), children: [] }));
  for (const block of doc.blocks) children.push(...blockToDocx(block));
  if (doc.signature) children.push(...signature(doc.signature));

  const document = new Document({
    title: doc.title,
    creator: 'Tiaodu',
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: {
            font: {
              ascii: GBT9704_FONTS.body,
              hAnsi: GBT9704_FONTS.body,
              eastAsia: GBT9704_FONTS.body,
              cs: GBT9704_FONTS.body,
            },
            size: BODY_PT * 2,
            language: { value: 'zh-CN', eastAsia: 'zh-CN' },
          },
          paragraph: { spacing: exactLine() },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: {
              top: PAGE.top,
              bottom: PAGE.bottom,
              left: PAGE.left,
              right: PAGE.right,
              header: mm(15),
              // the number's line sits about 7 mm under the type area (§7.5)
              footer: mm(23),
            },
          },
          // No document grid: the exact 28.95 pt body line already gives 22 lines, and a line grid
          // would snap every line of a table cell to it too (LibreOffice does).
        },
        footers: { default: pageNumberFooter('odd'), even: pageNumberFooter('even') },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
