import { Decimal } from 'decimal.js';
import sharp from 'sharp';
import type { DocumentBlock, OfficialDocument } from './official-document.ts';
import type { SummaryChart, SummaryModel } from './summary.model.ts';

const CHART_MM = { width: 150, height: 82 };

/** The chart block's picture: rendered by `renderChart`, or left out when there is none. */
export type ChartImages = Record<string, Buffer | undefined>;

/**
 * A summary as an official document (pure): headings, paragraphs, the area table and the S-curve
 * picture (`images` by section id, rendered beforehand by `renderChart`).
 */
export function summaryToDocument(
  model: SummaryModel,
  opts: { images?: ChartImages; signatureDate?: string } = {},
): OfficialDocument {
  const blocks: DocumentBlock[] = [];
  for (const s of model.sections) {
    if (s.heading) blocks.push({ kind: 'heading', level: s.level, text: s.heading });
    for (const p of s.paragraphs) blocks.push({ kind: 'paragraph', text: p.text });
    if (s.table)
      blocks.push({
        kind: 'table',
        caption: s.table.caption,
        unitLine: s.table.unitLine,
        columns: s.table.columns,
        rows: s.table.rows,
        boldRows: s.table.boldRows,
      });
    const png = opts.images?.[s.id];
    if (s.chart && png)
      blocks.push({
        kind: 'image',
        png,
        widthMm: CHART_MM.width,
        heightMm: CHART_MM.height,
        caption: s.chart.caption,
      });
  }
  return {
    title: model.title,
    blocks,
    signature: opts.signatureDate ? { issuer: model.office, date: opts.signatureDate } : undefined,
  };
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A round step for the axis: 1, 2 or 5 times a power of ten, about `n` steps to `max`. */
function niceStep(max: number, n: number): number {
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** The S-curve as SVG: cumulative actual against the timing target, in 亿元, months 1–12. */
export function chartSvg(chart: SummaryChart): string {
  const W = 1500;
  const H = Math.round((W * CHART_MM.height) / CHART_MM.width);
  const m = { left: 130, right: 40, top: 50, bottom: 130 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const yi = (v: string) => new Decimal(v).dividedBy(10000).toNumber();
  const target = chart.series.map((s) => yi(s.timingTarget));
  const actual = chart.series.map((s) => (s.actual === null ? null : yi(s.actual)));
  const max = Math.max(1, ...target, ...actual.map((v) => v ?? 0));
  const step = niceStep(max, 6);
  const top = Math.ceil(max / step) * step;
  const x = (i: number) => m.left + (pw * (i + 0.5)) / 12;
  const y = (v: number) => m.top + ph - (ph * v) / top;
  const font = `font-family="Noto Sans CJK SC, Noto Sans CJK, sans-serif"`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
  ];
  for (let v = 0; v <= top + step / 2; v += step) {
    parts.push(
      `<line x1="${m.left}" y1="${y(v)}" x2="${W - m.right}" y2="${y(v)}" stroke="#d9d9d9" stroke-width="2"/>`,
      `<text x="${m.left - 16}" y="${y(v) + 10}" text-anchor="end" font-size="30" ${font} fill="#333">${Number(v.toFixed(2))}</text>`,
    );
  }
  for (let i = 0; i < 12; i++)
    parts.push(
      `<text x="${x(i)}" y="${m.top + ph + 44}" text-anchor="middle" font-size="30" ${font} fill="#333">${i + 1}月</text>`,
    );
  parts.push(
    `<text x="36" y="${m.top + ph / 2}" text-anchor="middle" font-size="30" ${font} fill="#333" transform="rotate(-90 36 ${m.top + ph / 2})">亿元</text>`,
  );
  const line = (vals: (number | null)[], color: string, dash: string) => {
    const pts = vals.flatMap((v, i) =>
      v === null ? [] : [`${x(i).toFixed(1)},${y(v).toFixed(1)}`],
    );
    if (pts.length === 0) return;
    parts.push(
      `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="6" ${dash}/>`,
    );
    for (const pt of pts) {
      const [px, py] = pt.split(',');
      parts.push(`<circle cx="${px}" cy="${py}" r="9" fill="${color}"/>`);
    }
  };
  line(target, '#8c8c8c', 'stroke-dasharray="18 12"');
  line(actual, '#c00000', '');
  const last = chart.through - 1;
  const lastActual = actual[last];
  if (lastActual != null)
    parts.push(
      `<text x="${x(last)}" y="${y(lastActual) - 24}" text-anchor="middle" font-size="30" ${font} fill="#c00000">${esc(lastActual.toFixed(2))}</text>`,
    );
  const ly = H - 36;
  parts.push(
    `<line x1="${W / 2 - 420}" y1="${ly - 10}" x2="${W / 2 - 340}" y2="${ly - 10}" stroke="#c00000" stroke-width="6"/>`,
    `<text x="${W / 2 - 325}" y="${ly}" font-size="30" ${font} fill="#333">累计完成投资</text>`,
    `<line x1="${W / 2 + 60}" y1="${ly - 10}" x2="${W / 2 + 140}" y2="${ly - 10}" stroke="#8c8c8c" stroke-width="6" stroke-dasharray="18 12"/>`,
    `<text x="${W / 2 + 155}" y="${ly}" font-size="30" ${font} fill="#333">时序目标（累计）</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

/** The S-curve rendered to PNG on the server (sharp; the CJK labels need fonts-noto-cjk). */
export async function renderChart(chart: SummaryChart): Promise<Buffer> {
  return sharp(Buffer.from(chartSvg(chart)))
    .png()
    .toBuffer();
}

/** The pictures a model's sections need, by section id. */
export async function renderCharts(model: SummaryModel): Promise<ChartImages> {
  const out: ChartImages = {};
  for (const s of model.sections) if (s.chart) out[s.id] = await renderChart(s.chart);
  return out;
}
