/**
 * The shape of a document Tiaodu writes (work summary, monthly bulletin),
 * independent of the file format: the generators build one of these from the
 * services, and `gbt9704-docx.ts` lays it out as GB/T 9704 (see
 * ../shared/documents.md). Keeping the content apart from the layout lets the
 * web preview and the tests read the same text the .docx will hold.
 */
export type OfficialDocument = {
  /** 2号 小标宋, centred; may be long enough to wrap */
  title: string;
  /** optional line under the title, e.g. the office and date, 3号 楷体 centred */
  subtitle?: string;
  blocks: DocumentBlock[];
  /** the signature and date at the end, right-aligned (落款) */
  signature?: { issuer: string; date: string };
};

/** 1 → 一、 (黑体), 2 → （一） (楷体), 3 → 1. (仿宋 bold); the numbering is part of `text`. */
export type HeadingLevel = 1 | 2 | 3;

export type DocumentBlock =
  | { kind: 'heading'; level: HeadingLevel; text: string }
  /** body paragraph, 3号 仿宋, first line indented two characters */
  | { kind: 'paragraph'; text: string; runs?: TextRun[] }
  | {
      kind: 'table';
      /** caption above the table, centred, e.g. "表1 各片区投资完成情况" */
      caption?: string;
      /** right-aligned line above the table, e.g. "单位：万元" */
      unitLine?: string;
      columns: { header: string; align: 'left' | 'center' | 'right'; widthPct?: number }[];
      rows: string[][];
      /** rows (indexes) drawn bold, e.g. a 合计 row */
      boldRows?: number[];
      /** the cells' size: by default 4号 (14 pt) up to four columns, 小四 (12 pt) above; a
       * long list of one-line reasons may use 五号 (10.5 pt) to keep a bulletin to two pages */
      fontPt?: 10.5 | 12 | 14;
    }
  | {
      kind: 'image';
      png: Buffer;
      widthMm: number;
      heightMm: number;
      caption?: string;
    };

/** A paragraph may mix plain and bold runs (e.g. a lead-in phrase in bold). */
export type TextRun = { text: string; bold?: boolean };
