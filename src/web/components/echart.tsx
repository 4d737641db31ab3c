import type { ECharts, EChartsCoreOption } from 'echarts/core';
import { type CSSProperties, useEffect, useRef } from 'react';

export type ChartOption = EChartsCoreOption;
export type ChartClick = { name: string; seriesName?: string; dataIndex: number; data: unknown };

// ECharts is the largest library here; it loads on its own, after the page's first paint.
let loading: Promise<typeof import('./echarts-setup.ts')> | null = null;
export function loadCharts() {
  loading ??= import('./echarts-setup.ts');
  return loading;
}

/** One ECharts canvas that follows its container's size and reports clicks. */
export function EChart({
  option,
  style,
  onClick,
  ariaLabel,
  testId,
  renderer = 'canvas',
}: {
  option: ChartOption;
  style?: CSSProperties;
  onClick?: (p: ChartClick) => void;
  ariaLabel: string;
  testId?: string;
  /** SVG where the chart must stay sharp on a 4K wall and its words be real text (大屏). */
  renderer?: 'canvas' | 'svg';
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const optionRef = useRef(option);
  optionRef.current = option;

  useEffect(() => {
    const el = ref.current!;
    let disposed = false;
    let ro: ResizeObserver | null = null;
    void loadCharts().then(({ init }) => {
      if (disposed) return;
      const c = init(el, undefined, { renderer });
      chart.current = c;
      c.on('click', (p) => clickRef.current?.(p as unknown as ChartClick));
      c.on('finished', () => el.setAttribute('data-rendered', 'true'));
      c.setOption(optionRef.current, true);
      ro = new ResizeObserver(() => c.resize());
      ro.observe(el);
    });
    return () => {
      disposed = true;
      ro?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [renderer]);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return (
    <div
      ref={ref}
      role="img"
      aria-label={ariaLabel}
      data-chart
      data-testid={testId}
      style={{ width: '100%', height: 300, cursor: onClick ? 'pointer' : undefined, ...style }}
    />
  );
}
