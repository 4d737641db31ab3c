import type { TFunction } from 'i18next';
import type { ForecastResult } from '../../../contracts/forecast.ts';
import { LEVELS, type Level } from '../../../domain/warning-rules.ts';
import type { ChartOption } from '../../components/echart.tsx';
import { LEVEL_COLOR, levelName, wanToYi } from '../../format.ts';
import type { Lang } from '../../i18n/index.ts';
import type { Dispatch } from '../../types.ts';

/**
 * Light for work pages, dark navy for the meeting-room screen; sizes grow on the big screen.
 * `u` is one design pixel of the 1920×1080 screen in real pixels (1 on work pages).
 */
export type ChartTheme = { dark: boolean; font: number; u: number };
export const LIGHT: ChartTheme = { dark: false, font: 12, u: 1 };
export const SCREEN: ChartTheme = screenTheme(1);

/** The big screen's chart sizes for a window of `u` design pixels (0.71 at 1366×768, 2 at 4K). */
export function screenTheme(u: number): ChartTheme {
  return { dark: true, font: Math.max(11, Math.round(18 * u)), u };
}
/** A design length of the theme in real pixels. */
const px = (theme: ChartTheme, n: number) => Math.round(n * theme.u);
/** Legend keys as large as their words (ECharts' 25×14 px look like dots on a 4K wall). */
const legendKeys = (theme: ChartTheme) => ({
  itemWidth: theme.dark ? px(theme, 30) : 25,
  itemHeight: theme.dark ? px(theme, 16) : 14,
});

const ACTUAL = '#1677ff';
const TARGET = '#8c9bb5';
const FORECAST = '#fa8c16';

function text(theme: ChartTheme) {
  return theme.dark ? '#cfe0ff' : 'rgba(0,0,0,.65)';
}
function grid(theme: ChartTheme) {
  return theme.dark ? 'rgba(120,170,255,.15)' : '#f0f0f0';
}
const yiNum = (wan: string | null) => (wan == null ? null : Number(wanToYi(wan)));

function axisCommon(theme: ChartTheme) {
  return {
    axisLabel: { color: text(theme), fontSize: theme.font, hideOverlap: true },
    axisLine: { lineStyle: { color: grid(theme) } },
    splitLine: { lineStyle: { color: grid(theme) } },
  };
}

function tooltip(theme: ChartTheme) {
  return {
    trigger: 'axis' as const,
    textStyle: { fontSize: theme.font },
    valueFormatter: (v: unknown) => (v == null ? '—' : `${Number(v).toFixed(2)}`),
  };
}

/**
 * The S-curve's dashed continuation from the year-end forecast (issue 14 item 2): the expected
 * cumulative line from the month on screen to December, and its low–high band drawn as a
 * transparent low line with the band's height stacked on it. Every value is the server's; the
 * height (high − low) is only how ECharts draws a band, never a figure shown: the tooltip quotes
 * the server's low and high.
 */
function forecastSeries(
  f: Pick<ForecastResult, 'series'> | null | undefined,
  t: TFunction,
  theme: ChartTheme,
) {
  const points = f?.series ?? [];
  if (points.length === 0) return [];
  const at = (pick: (p: ForecastResult['series'][number]) => number | null) =>
    Array.from({ length: 12 }, (_, m) => {
      const p = points.find((x) => x.month === m + 1);
      return p ? pick(p) : null;
    });
  const bandLine = { opacity: 0 };
  return [
    {
      id: 'fc-band-low',
      name: t('forecast.band'),
      type: 'line',
      stack: 'fc-band',
      data: at((p) => yiNum(p.low)),
      lineStyle: bandLine,
      symbol: 'none',
      silent: true,
      // the legend's key for the band takes this first series' colour
      itemStyle: { color: FORECAST },
    },
    {
      id: 'fc-band-height',
      name: t('forecast.band'),
      type: 'line',
      stack: 'fc-band',
      data: at((p) => (yiNum(p.high) ?? 0) - (yiNum(p.low) ?? 0)),
      lineStyle: bandLine,
      symbol: 'none',
      silent: true,
      itemStyle: { color: FORECAST },
      areaStyle: { color: theme.dark ? 'rgba(250,140,22,.25)' : 'rgba(250,140,22,.15)' },
    },
    {
      id: 'fc-expected',
      name: t('forecast.expected'),
      type: 'line',
      data: at((p) => yiNum(p.expected)),
      lineStyle: {
        type: 'dashed',
        width: theme.dark ? Math.max(2, px(theme, 3)) : 2,
        color: FORECAST,
      },
      itemStyle: { color: FORECAST },
      symbolSize: theme.dark ? px(theme, 8) : 5,
      label: {
        show: true,
        position: 'top',
        fontSize: theme.font - 1,
        color: theme.dark ? '#ffd591' : FORECAST,
        formatter: (p: { dataIndex: number; value: number | null }) =>
          p.dataIndex === 11 && p.value != null ? p.value.toFixed(2) : '',
      },
    },
  ];
}

/** The axis tooltip with the forecast's band quoted from the server's figures. */
function sCurveTooltip(
  theme: ChartTheme,
  f: Pick<ForecastResult, 'series'> | null | undefined,
  t: TFunction,
) {
  type P = {
    seriesId?: string;
    seriesName: string;
    marker: string;
    value: unknown;
    dataIndex: number;
    name: string;
  };
  return {
    ...tooltip(theme),
    formatter: (raw: P | P[]) => {
      const list = Array.isArray(raw) ? raw : [raw];
      const lines = [list[0]?.name ?? ''];
      for (const p of list) {
        if (p.seriesId?.startsWith('fc-band') || p.value == null) continue;
        let line = `${p.marker}${p.seriesName} ${Number(p.value).toFixed(2)}`;
        const point =
          p.seriesId === 'fc-expected' ? f?.series.find((x) => x.month === p.dataIndex + 1) : null;
        if (point)
          line += ` (${t('forecast.range', { low: yiNum(point.low)?.toFixed(2), high: yiNum(point.high)?.toFixed(2) })})`;
        lines.push(line);
      }
      return lines.join('<br/>');
    },
  };
}

/**
 * S-curve: cumulative timing target against cumulative approved investment, in 亿元; with a
 * forecast, its dashed continuation to December and the band around it.
 */
export function sCurveOption(
  d: Dispatch,
  t: TFunction,
  theme: ChartTheme = LIGHT,
  forecast?: Pick<ForecastResult, 'series'> | null,
): ChartOption {
  const months = d.series.map((s) => t('dashboard.monthShort', { month: s.month }));
  const continued = forecastSeries(forecast, t, theme);
  return {
    // Figures for a meeting appear at once; an entrance animation only delays them.
    animation: false,
    tooltip: continued.length > 0 ? sCurveTooltip(theme, forecast, t) : tooltip(theme),
    legend: {
      top: 0,
      ...legendKeys(theme),
      textStyle: { color: text(theme), fontSize: theme.font },
      data: [
        t('dashboard.sCurveTarget'),
        t('dashboard.sCurveActual'),
        ...(continued.length > 0 ? [t('forecast.expected'), t('forecast.band')] : []),
      ],
    },
    grid: {
      left: px(theme, 8),
      right: px(theme, 24),
      top: theme.dark ? px(theme, 44) : 36,
      bottom: px(theme, 8),
      containLabel: true,
    },
    xAxis: {
      type: 'category',
      data: months,
      boundaryGap: false,
      ...axisCommon(theme),
      // Every month is labelled; a label that would touch its neighbour is dropped, never drawn
      // over it; the margin keeps "1月" clear of the value axis's "0" in the corner.
      axisLabel: {
        color: text(theme),
        fontSize: theme.font,
        hideOverlap: true,
        margin: Math.round(theme.font * 0.7),
        alignMinLabel: 'left',
        alignMaxLabel: 'right',
      },
    },
    yAxis: {
      type: 'value',
      name: t('unit.yi'),
      // The unit stands clear of the top value at every font size.
      nameGap: Math.round(theme.font * 1.2),
      nameTextStyle: { color: text(theme), fontSize: theme.font },
      ...axisCommon(theme),
    },
    series: [
      {
        name: t('dashboard.sCurveTarget'),
        type: 'line',
        data: d.series.map((s) => yiNum(s.timingTarget)),
        lineStyle: {
          type: 'dashed',
          width: theme.dark ? Math.max(2, px(theme, 2)) : 2,
          color: TARGET,
        },
        itemStyle: { color: TARGET },
        symbolSize: theme.dark ? px(theme, 8) : 5,
      },
      {
        name: t('dashboard.sCurveActual'),
        type: 'line',
        data: d.series.map((s) => yiNum(s.actual)),
        lineStyle: { width: theme.dark ? Math.max(2, px(theme, 3)) : 3, color: ACTUAL },
        itemStyle: { color: ACTUAL },
        areaStyle: { color: theme.dark ? 'rgba(22,119,255,.25)' : 'rgba(22,119,255,.08)' },
        symbolSize: theme.dark ? px(theme, 10) : 6,
        label: {
          show: true,
          position: 'top',
          fontSize: theme.font - 1,
          color: theme.dark ? '#fff' : ACTUAL,
          formatter: (p: { dataIndex: number; value: number | null }) =>
            p.dataIndex === d.series.findLastIndex((s) => s.actual != null) && p.value != null
              ? p.value.toFixed(2)
              : '',
        },
      },
      ...continued,
    ],
  };
}

type Group = { name: string; timingTarget: string; actual: string; rateVsTiming: string | null };

/** Horizontal bars per area or tag: timing target and actual, the rate at the bar's end. */
export function groupBarsOption(
  groups: Group[],
  t: TFunction,
  theme: ChartTheme = LIGHT,
): ChartOption {
  const shown = [...groups].reverse();
  return {
    // Figures for a meeting appear at once; an entrance animation only delays them.
    animation: false,
    tooltip: {
      ...tooltip(theme),
      axisPointer: { type: 'shadow' },
    },
    legend: {
      top: 0,
      ...legendKeys(theme),
      textStyle: { color: text(theme), fontSize: theme.font },
      data: [t('dashboard.timingTarget'), t('dashboard.actual')],
    },
    grid: {
      left: px(theme, 8),
      right: theme.dark ? px(theme, 90) : 64,
      top: theme.dark ? px(theme, 40) : 32,
      bottom: px(theme, 4),
      containLabel: true,
    },
    xAxis: {
      type: 'value',
      // On the big screen the unit is in the panel's title: at the axis's end it would sit on
      // the last value label once the fonts grow.
      name: theme.dark ? undefined : t('unit.yi'),
      nameTextStyle: { color: text(theme), fontSize: theme.font },
      ...axisCommon(theme),
    },
    yAxis: {
      type: 'category',
      data: shown.map((g) => g.name),
      ...axisCommon(theme),
      axisLabel: {
        color: text(theme),
        fontSize: theme.font,
        width: theme.dark ? px(theme, 300) : 130,
        overflow: 'truncate',
        // Every area or tag is named, however short the chart: the bars are its rows.
        interval: 0,
      },
    },
    series: [
      {
        name: t('dashboard.timingTarget'),
        type: 'bar',
        data: shown.map((g) => yiNum(g.timingTarget)),
        itemStyle: { color: theme.dark ? 'rgba(140,155,181,.55)' : '#d6dde8' },
        barGap: '-100%',
        barWidth: theme.dark ? px(theme, 22) : 14,
        z: 1,
      },
      {
        name: t('dashboard.actual'),
        type: 'bar',
        data: shown.map((g) => yiNum(g.actual)),
        itemStyle: { color: ACTUAL },
        barWidth: theme.dark ? px(theme, 12) : 8,
        z: 2,
        label: {
          show: true,
          position: 'right',
          color: text(theme),
          fontSize: theme.font,
          formatter: (p: { dataIndex: number }) => {
            const g = shown[p.dataIndex];
            return g.rateVsTiming == null ? '' : `${g.rateVsTiming}%`;
          },
        },
      },
    ],
  };
}

/** The warning donut: each slice in its colour with its word and count. */
export function donutOption(
  counts: Record<Level, number>,
  /** the server's project count, shown in the hole */
  total: number,
  lang: Lang,
  t: TFunction,
  theme: ChartTheme = LIGHT,
): ChartOption {
  return {
    // Figures for a meeting appear at once; an entrance animation only delays them.
    animation: false,
    tooltip: { trigger: 'item', textStyle: { fontSize: theme.font } },
    // The words and counts sit in the legend, so no label is ever cut off at the edge.
    // On the big screen the legend stands beside the ring, so the ring takes the panel's height.
    legend: {
      ...(theme.dark
        ? { orient: 'vertical', right: px(theme, 8), top: 'middle', itemGap: px(theme, 20) }
        : { bottom: 0, itemGap: 14 }),
      ...legendKeys(theme),
      textStyle: { color: text(theme), fontSize: theme.font + (theme.dark ? 2 : 0) },
      formatter: (name: string) => {
        const l = LEVELS.find((x) => levelName(x, lang) === name);
        return l ? `${name} ${counts[l]}` : name;
      },
    },
    series: [
      {
        type: 'pie',
        radius: theme.dark ? ['52%', '86%'] : ['50%', '74%'],
        center: theme.dark ? ['36%', '50%'] : ['50%', '45%'],
        avoidLabelOverlap: true,
        // The legend beside the big screen's ring carries the counts; labels outside it would be cut.
        label: {
          show: !theme.dark,
          color: text(theme),
          fontSize: theme.font + 2,
          fontWeight: 600,
          formatter: (p: { value: number }) => (p.value > 0 ? String(p.value) : ''),
        },
        labelLine: { length: px(theme, 6), length2: px(theme, 6) },
        data: [...LEVELS].reverse().map((l) => ({
          name: levelName(l, lang),
          value: counts[l],
          level: l,
          itemStyle: { color: LEVEL_COLOR[l] },
        })),
      },
      {
        // The total in the hole, drawn as a label-only pie so no extra component is needed.
        type: 'pie',
        radius: ['0%', '0%'],
        center: theme.dark ? ['36%', '50%'] : ['50%', '45%'],
        silent: true,
        label: {
          show: true,
          position: 'center',
          formatter: `${total}\n${t('dashboard.projectsUnit')}`,
          fontSize: theme.font + px(theme, 8),
          fontWeight: 600,
          color: theme.dark ? '#fff' : 'rgba(0,0,0,.85)',
          // Room for CJK glyphs: the count and "个项目" never touch.
          lineHeight: Math.round((theme.font + px(theme, 8)) * 1.45),
        },
        data: [{ value: 1, name: '', itemStyle: { color: 'transparent' } }],
      },
    ],
  };
}
