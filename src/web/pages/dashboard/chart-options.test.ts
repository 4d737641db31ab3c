import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import type { Dispatch } from '../../types.ts';
import { sCurveOption } from './chart-options.ts';

const t = ((key: string, o?: Record<string, unknown>) =>
  o ? `${key}${JSON.stringify(o)}` : key) as unknown as TFunction;

const d = {
  series: Array.from({ length: 12 }, (_, m) => ({
    month: m + 1,
    timingTarget: String((m + 1) * 10000),
    actual: m < 6 ? String((m + 1) * 9000) : null,
  })),
} as unknown as Dispatch;

// biome-ignore lint/suspicious/noExplicitAny: ECharts options are checked value by value
type Any = any;

describe('sCurveOption with the year-end forecast', () => {
  const forecast = {
    series: [6, 7, 8, 9, 10, 11, 12].map((month) => ({
      month,
      expected: String(54000 + (month - 6) * 11000),
      low: String(54000 + (month - 6) * 9000),
      high: String(54000 + (month - 6) * 13000),
    })),
  };

  it('continues the curve dashed from the month on screen to December, with its band', () => {
    const o = sCurveOption(d, t, undefined, forecast) as Any;
    const byId = Object.fromEntries(o.series.filter((s: Any) => s.id).map((s: Any) => [s.id, s]));
    expect(byId['fc-expected'].lineStyle.type).toBe('dashed');
    // 亿元, nothing before the month on screen; June is the actual, December the forecast
    expect(byId['fc-expected'].data.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(byId['fc-expected'].data[5]).toBe(5.4);
    expect(byId['fc-expected'].data[11]).toBe(12);
    expect(byId['fc-band-low'].data[11]).toBe(10.8);
    expect(byId['fc-band-height'].data[11]).toBeCloseTo(13.2 - 10.8, 10);
    expect(o.legend.data).toEqual([
      'dashboard.sCurveTarget',
      'dashboard.sCurveActual',
      'forecast.expected',
      'forecast.band',
    ]);
    // the tooltip quotes the server's low and high, not the drawn height
    const tip = o.tooltip.formatter([
      {
        seriesId: 'fc-band-height',
        seriesName: 'b',
        marker: '',
        value: 2.4,
        dataIndex: 11,
        name: '12',
      },
      {
        seriesId: 'fc-expected',
        seriesName: 'e',
        marker: '',
        value: 12,
        dataIndex: 11,
        name: '12',
      },
    ]);
    expect(tip).toBe('12<br/>e 12.00 (forecast.range{"low":"10.80","high":"13.20"})');
  });

  it('draws no continuation without a forecast (no history, or the big screen)', () => {
    const o = sCurveOption(d, t) as Any;
    expect(o.series).toHaveLength(2);
    expect((sCurveOption(d, t, undefined, { series: [] }) as Any).series).toHaveLength(2);
  });
});
