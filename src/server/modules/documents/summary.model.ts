import { Decimal } from 'decimal.js';
import { wanToYi } from '../../../domain/money.ts';

/**
 * The work summary (工作总结) as data: sections of paragraphs whose text is built from named
 * figures, each figure carrying the web address of the rows behind it. The web editor shows it,
 * the edits apply to it, and `summaryToDocument` turns it into an OfficialDocument.
 */
export type SummaryFigure = {
  /** stable name, e.g. "invest.area.光明科学城核心片区.actual" */
  key: string;
  /** the raw value: a 万元 decimal string, a count, a percentage */
  value: string;
  /** as the text says it: "约104.91亿元", "6次" */
  text: string;
  /** the web page listing the rows behind the figure, or null */
  link: string | null;
};

export type SummaryParagraph = {
  /** stable within its section, so an edit finds its paragraph again */
  id: string;
  /** the text with `{key}` where a figure stands */
  template: string;
  /** the text as written (figures filled in, or the user's edit) */
  text: string;
  figures: SummaryFigure[];
  /** the user replaced the generated text */
  edited?: boolean;
  /** a paragraph the user added */
  added?: boolean;
};

export type SummaryTable = {
  caption: string;
  unitLine: string;
  columns: { header: string; align: 'left' | 'center' | 'right'; widthPct?: number }[];
  rows: string[][];
  boldRows: number[];
};

/** The S-curve: cumulative actual against the timing target, 万元, month by month. */
export type SummaryChart = {
  caption: string;
  year: number;
  through: number;
  series: { month: number; timingTarget: string; actual: string | null }[];
};

export type SummarySection = {
  id: string;
  level: 1 | 2 | 3;
  heading: string;
  paragraphs: SummaryParagraph[];
  table?: SummaryTable;
  chart?: SummaryChart;
};

export type SummaryModel = {
  office: string;
  from: string;
  to: string;
  /** 上半年 / 下半年 / 全年 / 1—5月 */
  periodLabel: string;
  title: string;
  sections: SummarySection[];
  /** every figure the text quotes, by key (the snapshot a final version keeps) */
  figures: Record<string, SummaryFigure>;
  /** when the figures were read (ISO instant) */
  generatedAt: string;
};

/** Per section: generated paragraphs replaced (by paragraph id) and paragraphs added. */
export type SummaryEdits = Record<
  string,
  { paragraphs?: Record<string, string>; added?: string[] }
>;

// ---------------------------------------------------------------------------------------------
// Figures as the text says them

/**
 * 万元 → "104.91亿元"; with "约" when two decimals of 亿元 do not hold the amount exactly
 * (1049123.00 万元 → "约104.91亿元"). Small amounts stay in 万元.
 */
export function yiText(wan: string): string {
  const d = new Decimal(wan);
  if (d.abs().lessThan(1000)) {
    const exact = d.toDecimalPlaces(0).equals(d);
    return `${exact ? '' : '约'}${d.toFixed(0)}万元`;
  }
  const yi = wanToYi(wan);
  const exact = new Decimal(yi).times(10000).equals(d);
  return `${exact ? '' : '约'}${yi}亿元`;
}

/** "40.0" → "40%", "93.5" → "93.5%". */
export function pctText(p: string): string {
  return `${p.replace(/\.0+$/, '')}%`;
}

/** Builds a paragraph: `t` is a template literal tag whose values are figures or plain text. */
export function paragraph(
  id: string,
  strings: TemplateStringsArray,
  ...parts: (SummaryFigure | string)[]
) {
  let template = strings[0]!;
  let text = strings[0]!;
  const figures: SummaryFigure[] = [];
  parts.forEach((p, i) => {
    if (typeof p === 'string') {
      template += p;
      text += p;
    } else {
      template += `{${p.key}}`;
      text += p.text;
      figures.push(p);
    }
    template += strings[i + 1]!;
    text += strings[i + 1]!;
  });
  return { id, template, text, figures } satisfies SummaryParagraph;
}

/** A paragraph from ready pieces (for lists built in a loop). */
export function paragraphOf(id: string, parts: (SummaryFigure | string)[]): SummaryParagraph {
  const strings = Object.assign(Array<string>(parts.length + 1).fill(''), {
    raw: [] as string[],
  }) as unknown as TemplateStringsArray;
  return paragraph(id, strings, ...parts);
}

/** Applies the user's edits to a generated model (the model itself is not changed). */
export function applyEdits(model: SummaryModel, edits: SummaryEdits): SummaryModel {
  return {
    ...model,
    sections: model.sections.map((s) => {
      const e = edits[s.id];
      if (!e) return s;
      const paragraphs = s.paragraphs.map((p) => {
        const text = e.paragraphs?.[p.id];
        if (text === undefined || text === p.text) return p;
        return { id: p.id, template: text, text, figures: [], edited: true };
      });
      (e.added ?? []).forEach((text, i) => {
        if (text.trim() !== '')
          paragraphs.push({ id: `added-${i}`, template: text, text, figures: [], added: true });
      });
      return { ...s, paragraphs: paragraphs.filter((p) => p.text.trim() !== '') };
    }),
  };
}
