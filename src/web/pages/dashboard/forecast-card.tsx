import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Flex } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ForecastResult } from '../../../contracts/forecast.ts';
import { formatYearMonth } from '../../../domain/periods.ts';
import { api } from '../../api.ts';
import { EChart } from '../../components/echart.tsx';
import { Muted } from '../../components/text.tsx';
import { wanText, yi } from '../../format.ts';
import { useLatestMonth } from '../../queries.ts';
import type { Dispatch } from '../../types.ts';
import { sCurveOption } from './chart-options.ts';
import { type DispatchFilters, dispatchQuery } from './use-dispatch.ts';

/**
 * The year-end forecast (全年预计完成) for the dashboard's filters. The card and the S-curve ask
 * with the same key, so one request serves both.
 */
export function useForecast(f: DispatchFilters | null) {
  return useQuery({
    queryKey: ['forecast', f],
    queryFn: ({ signal }) => api<ForecastResult>('/forecast', { query: dispatchQuery(f!), signal }),
    enabled: f !== null,
    placeholderData: keepPreviousData,
  });
}

/** "差 1.23" when short of the target, "超出 1.23" above it: the server's sign, read not computed. */
function gapText(gap: string, t: TFunction, show: (v: string) => string) {
  return gap.startsWith('-')
    ? t('forecast.ahead', { value: show(gap.slice(1)) })
    : t('forecast.gapShort', { value: show(gap) });
}

/** The dashboard's card: expected for the year with its range, and the gap to the annual target. */
export function ForecastCard({ filters }: { filters: DispatchFilters }) {
  const { t } = useTranslation();
  const q = useForecast(filters);
  const f = q.data;
  const month = Number(f?.through.slice(5, 7) ?? 0);
  return (
    <Card
      size="small"
      title={t('forecast.title')}
      loading={q.isPending}
      style={{ marginBottom: 16 }}
      data-testid="forecast-card"
    >
      {f && f.expected === null && <Muted>{t('forecast.noHistory')}</Muted>}
      {f && f.expected !== null && (
        <Flex wrap gap={32} align="baseline">
          <div title={`${wanText(f.expected)} ${t('unit.wan')}`}>
            <Muted>{t('forecast.expected')}</Muted>
            <div>
              <span
                className="num"
                style={{ fontSize: 24, fontWeight: 600 }}
                data-testid="forecast-expected"
              >
                {yi(f.expected)}
              </span>{' '}
              {t('unit.yi')}
            </div>
            {month < 12 && (
              <Muted className="num">
                {t('forecast.range', { low: yi(f.low), high: yi(f.high) })}
              </Muted>
            )}
          </div>
          <div title={`${wanText(f.gap)} ${t('unit.wan')}`}>
            <Muted>{t('forecast.gap')}</Muted>
            <div className="num" style={{ fontSize: 18 }} data-testid="forecast-gap">
              {gapText(f.gap!, t, (v) => `${yi(v)}${t('unit.yiInline')}`)}
            </div>
          </div>
          <Muted style={{ flex: 1, minWidth: 200 }}>
            {month >= 12
              ? t('forecast.yearOver')
              : t('forecast.basis', { years: f.historyYears.join('、'), samples: f.samples })}
          </Muted>
        </Flex>
      )}
    </Card>
  );
}

/** The dashboard's S-curve with the forecast's dashed continuation and band. */
export function ForecastSCurve({
  d,
  filters,
  ariaLabel,
  onMonth,
}: {
  d: Dispatch;
  filters: DispatchFilters;
  ariaLabel: string;
  onMonth: (month: number) => void;
}) {
  const { t } = useTranslation();
  const forecast = useForecast(filters);
  return (
    <EChart
      testId="chart-scurve"
      ariaLabel={ariaLabel}
      option={sCurveOption(d, t, undefined, forecast.data)}
      style={{ height: 280 }}
      onClick={(p) => onMonth(p.dataIndex + 1)}
    />
  );
}

/**
 * The project page's line: this project's forecast for the year on screen, through the office's
 * latest month when that month is in this year and the year is still running; nothing otherwise.
 */
export function ProjectForecastLine({ code, year }: { code: string; year: number }) {
  const { t } = useTranslation();
  const latest = useLatestMonth();
  const running = latest.data && latest.data.year === year && latest.data.month < 12;
  const q = useQuery({
    queryKey: ['forecast', 'project', code, latest.data],
    queryFn: ({ signal }) =>
      api<ForecastResult>('/forecast', {
        query: { through: formatYearMonth(latest.data!), project: code },
        signal,
      }),
    enabled: !!running,
  });
  const p = q.data?.projects[0];
  if (!running || !p) return null;
  if (p.expected === null) {
    return <Muted>{t('forecast.noHistory')}</Muted>;
  }
  return (
    <span
      data-testid="project-forecast"
      title={
        p.method === 'plan' ? t('forecast.projectMethodPlan') : t('forecast.projectMethodShare')
      }
    >
      {t('forecast.projectLine', {
        expected: wanText(p.expected),
        low: wanText(p.low),
        high: wanText(p.high),
        gap: wanText(p.gap),
      })}
    </span>
  );
}
