import { DesktopOutlined, FileWordOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Badge, Button, Card, Col, Flex, Row, Segmented, Select, Space, Tooltip } from 'antd';
import { type KeyboardEvent, lazy, type ReactNode, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { DispatchCounts } from '../../../contracts/dispatch-counts.ts';
import { formatYearMonth } from '../../../domain/periods.ts';
import { LEVELS, type Level } from '../../../domain/warning-rules.ts';
import { api, downloadUrl } from '../../api.ts';
import { useCan } from '../../auth.tsx';
import { EChart, loadCharts } from '../../components/echart.tsx';
import { LevelDot, LevelTag, reasonText, useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { EmptyState, ErrorState, PageSpinner } from '../../components/states.tsx';
import { Muted, WarningParagraph } from '../../components/text.tsx';
import { LEVEL_TEXT, levelBadgeStyle, monthLabel, pct, wanText, yi } from '../../format.ts';
import { useAreas, useCategories, useUnits } from '../../queries.ts';
import type { Dispatch } from '../../types.ts';
import {
  OverdueActionItems,
  useOverdueActionItems,
} from '../coordination/overdue-action-items.tsx';
import { donutOption, groupBarsOption } from './chart-options.ts';
import { ForecastCard, ForecastSCurve, useForecast } from './forecast-card.tsx';
import {
  type DispatchFilters,
  dispatchQuery,
  useDispatch,
  useDispatchFilters,
} from './use-dispatch.ts';

const YEARS_BACK = 6;
// Start fetching the charts library while the figures load.
void loadCharts();
// The lineage table is only needed on a click: keep antd's Table out of the dashboard's first load.
const LineageDrawer = lazy(() =>
  import('./lineage-drawer.tsx').then((m) => ({ default: m.LineageDrawer })),
);

export function FilterBar({
  filters,
  setFilters,
  tags,
}: {
  filters: DispatchFilters;
  setFilters: (p: Partial<DispatchFilters>) => void;
  tags: string[];
}) {
  const { t } = useTranslation();
  const areas = useAreas();
  const units = useUnits();
  const categories = useCategories();
  const thisYear = new Date().getFullYear();
  const years = Array.from({ length: YEARS_BACK + 1 }, (_, i) => thisYear - i);
  if (!years.includes(filters.year)) years.push(filters.year);
  const item = (label: string, node: ReactNode) => (
    <Space size={4}>
      <Muted>{label}</Muted>
      {node}
    </Space>
  );
  const any = filters.area || filters.tag || filters.unitId || filters.category;
  return (
    <Card size="small" style={{ marginBottom: 16 }}>
      <Flex wrap gap={12} align="center">
        {item(
          t('filters.year'),
          <Select
            aria-label={t('filters.year')}
            value={filters.year}
            style={{ width: 96 }}
            options={years.sort((a, b) => b - a).map((y) => ({ value: y, label: String(y) }))}
            onChange={(year) => setFilters({ year })}
            data-testid="filter-year"
          />,
        )}
        {item(
          t('filters.through'),
          <Select
            aria-label={t('filters.through')}
            value={filters.month}
            style={{ width: 96 }}
            options={Array.from({ length: 12 }, (_, i) => ({
              value: i + 1,
              label: t('dashboard.monthShort', { month: i + 1 }),
            }))}
            onChange={(month) => setFilters({ month })}
            data-testid="filter-month"
          />,
        )}
        {
          <Select
            aria-label={t('filters.area')}
            allowClear
            placeholder={t('filters.allAreas')}
            value={filters.area}
            style={{ width: 170 }}
            options={(areas.data ?? []).map((a) => ({ value: a.name, label: a.name }))}
            onChange={(area) => setFilters({ area })}
          />
        }
        {
          <Select
            aria-label={t('filters.tag')}
            allowClear
            placeholder={t('filters.allTags')}
            value={filters.tag}
            style={{ width: 130 }}
            options={tags.map((x) => ({ value: x, label: x }))}
            onChange={(tag) => setFilters({ tag })}
          />
        }
        {
          <Select
            aria-label={t('filters.unit')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('filters.allUnits')}
            value={filters.unitId}
            style={{ width: 200 }}
            popupMatchSelectWidth={false}
            options={(units.data ?? [])
              .filter((u) => u.kind !== 'office')
              .map((u) => ({ value: u.id, label: u.name }))}
            onChange={(unitId) => setFilters({ unitId })}
          />
        }
        {
          <Select
            aria-label={t('filters.category')}
            allowClear
            placeholder={t('filters.allCategories')}
            value={filters.category}
            style={{ width: 130 }}
            options={(categories.data ?? []).map((c) => ({ value: c.name, label: c.name }))}
            onChange={(category) => setFilters({ category })}
          />
        }
        {any && (
          <Button
            type="link"
            onClick={() =>
              setFilters({
                area: undefined,
                tag: undefined,
                unitId: undefined,
                category: undefined,
              })
            }
          >
            {t('filters.clear')}
          </Button>
        )}
      </Flex>
    </Card>
  );
}

/** A KPI card is a button: Enter or a click opens what makes the figure. */
function Kpi({
  title,
  value,
  unit,
  hover,
  foot,
  onOpen,
  testId,
}: {
  title: ReactNode;
  value: ReactNode;
  unit?: ReactNode;
  hover?: ReactNode;
  foot?: ReactNode;
  onOpen?: () => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const onKey = (e: KeyboardEvent) => {
    if (onOpen && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      onOpen();
    }
  };
  return (
    <Card
      size="small"
      className="kpi-card"
      hoverable={!!onOpen}
      onClick={onOpen}
      onKeyDown={onKey}
      tabIndex={onOpen ? 0 : undefined}
      role={onOpen ? 'button' : undefined}
      data-testid={testId}
    >
      {/* The card's name is what it shows (WCAG 2.5.3), followed by the hint for screen readers. */}
      {onOpen && <span className="sr-only">{t('dashboard.clickHint')}</span>}
      <Muted>{title}</Muted>
      <Tooltip title={hover}>
        <div className="kpi-value">
          {value}
          {unit && <span className="kpi-unit">{unit}</span>}
        </div>
      </Tooltip>
      <div style={{ fontSize: 13, color: 'rgba(0,0,0,.6)', minHeight: 20 }}>{foot}</div>
    </Card>
  );
}

function signed(value: string): string {
  return value.startsWith('-') ? value : `+${value}`;
}

type LineageFigure = 'annualTarget' | 'timingTarget' | 'actual' | 'rate';

export default function DashboardPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const { filters, setFilters } = useDispatchFilters();
  const dispatch = useDispatch(filters);
  const [groupBy, setGroupBy] = useState<'area' | 'tag'>('area');
  const [lineage, setLineage] = useState<LineageFigure | null>(null);
  const canReview = useCan('report.review');
  const canBulletin = useCan('document.read');
  // Counted on the server in SQL with the dashboard's filters: never a page of rows counted here.
  const counts = useQuery({
    queryKey: ['dispatch', 'counts', filters],
    queryFn: ({ signal }) =>
      api<DispatchCounts>('/dispatch/counts', { query: dispatchQuery(filters!), signal }),
    enabled: filters !== null,
    placeholderData: keepPreviousData,
  });
  const tagList = useQuery({
    queryKey: ['projects', 'tags'],
    queryFn: ({ signal }) => api<string[]>('/projects/tags', { signal }),
  });
  const tags = tagList.data ?? [];
  // Asked for with the figures, not after them: the cards below mount only once the figures
  // arrive, and their own requests (the same keys) would otherwise start a round trip later.
  useForecast(filters);
  useOverdueActionItems();

  const d = dispatch.data;
  if (!filters || (dispatch.isPending && !d)) return <PageSpinner />;
  if (dispatch.isError && !d)
    return <ErrorState error={dispatch.error} onRetry={() => dispatch.refetch()} />;
  if (!d) return <PageSpinner />;

  const through = { year: d.year, month: Number(d.through.slice(5, 7)) };
  const thisMonth = d.monthActual;
  const gap = d.gapVsTiming;
  const subtitle =
    through.month === 1
      ? t('dashboard.subtitleJan', { year: d.year })
      : t('dashboard.subtitle', { year: d.year, month: through.month });
  const notReported = counts.data?.notReportedProjects ?? [];
  const notReportedCount = counts.data?.notReported ?? 0;
  const awaitingReview = counts.data?.reportsAwaitingReview ?? 0;
  const groups =
    groupBy === 'area'
      ? d.byArea.map((g) => ({ ...g, name: g.area }))
      : d.byTag.map((g) => ({ ...g, name: g.tag }));
  const toWarnings = (level?: Level) =>
    navigate(`/warnings?month=${formatYearMonth(through)}${level ? `&level=${level}` : ''}`);

  if (d.projects === 0 && !filters.area && !filters.tag && !filters.unitId && !filters.category) {
    return (
      <>
        <PageHeader title={t('dashboard.title')} subtitle={subtitle} />
        <FilterBar filters={filters} setFilters={setFilters} tags={tags} />
        <Card>
          <EmptyState
            description={
              <>
                {t('dashboard.empty')}
                <br />
                {t('dashboard.emptyHelp')}
              </>
            }
          >
            <Space>
              <Button type="primary" onClick={() => navigate('/import')}>
                {t('dashboard.emptyImport')}
              </Button>
              <Button onClick={() => navigate('/ledger')}>{t('dashboard.emptyLedger')}</Button>
            </Space>
          </EmptyState>
        </Card>
      </>
    );
  }

  return (
    <div data-testid="dashboard" data-ready={dispatch.isFetching ? 'false' : 'true'}>
      <PageHeader
        title={t('dashboard.title')}
        subtitle={
          <>
            {subtitle} · {t('dashboard.projectsCount', { count: d.projects })} ·{' '}
            {t('dashboard.plannedCount', { count: d.plannedProjects })}
          </>
        }
        extra={
          <Space>
            {/* the server says who may (document.read); the month is the one on screen */}
            {canBulletin && (
              <Tooltip
                title={t('dashboard.downloadBulletinHint', { month: formatYearMonth(through) })}
              >
                <Button
                  icon={<FileWordOutlined />}
                  href={downloadUrl('/documents/bulletin', { month: formatYearMonth(through) })}
                  data-testid="download-bulletin"
                >
                  {t('dashboard.downloadBulletin')}
                </Button>
              </Tooltip>
            )}
            <Button icon={<DesktopOutlined />} onClick={() => navigate('/screen')}>
              {t('dashboard.openScreen')}
            </Button>
          </Space>
        }
      />
      <FilterBar filters={filters} setFilters={setFilters} tags={tags} />
      {d.plannedProjects === 0 && <WarningParagraph>{t('dashboard.noPlan')}</WarningParagraph>}
      <Row gutter={[16, 16]}>
        <Col xs={12} md={8} xl={5}>
          <Kpi
            testId="kpi-annual"
            title={t('dashboard.annualTarget')}
            value={yi(d.annualTarget)}
            unit={t('unit.yi')}
            hover={t('dashboard.hoverWan', { value: wanText(d.annualTarget) })}
            foot={t('dashboard.plannedCount', { count: d.plannedProjects })}
            onOpen={() => setLineage('annualTarget')}
          />
        </Col>
        <Col xs={12} md={8} xl={5}>
          <Kpi
            testId="kpi-timing"
            title={t('dashboard.timingTargetAt', { month: monthLabel(through, lang) })}
            value={yi(d.timingTarget)}
            unit={t('unit.yi')}
            hover={t('dashboard.hoverWan', { value: wanText(d.timingTarget) })}
            foot={
              d.aboveInitialPlan != null
                ? t('dashboard.vsInitial', { value: `${signed(d.aboveInitialPlan)}%` })
                : null
            }
            onOpen={() => setLineage('timingTarget')}
          />
        </Col>
        <Col xs={12} md={8} xl={5}>
          <Kpi
            testId="kpi-actual"
            title={t('dashboard.actual')}
            value={<span data-testid="kpi-actual-value">{yi(d.actual)}</span>}
            unit={t('unit.yi')}
            hover={t('dashboard.hoverWan', { value: wanText(d.actual) })}
            foot={
              <>
                <div>
                  {thisMonth != null &&
                    t('dashboard.thisMonth', { value: `${yi(thisMonth)}${t('unit.yiInline')}` })}
                </div>
                <div>
                  {t('dashboard.vsTiming', { value: `${signed(yi(gap))}${t('unit.yiInline')}` })}
                </div>
              </>
            }
            onOpen={() => setLineage('actual')}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Kpi
            testId="kpi-rate"
            title={t('dashboard.rateVsTiming')}
            value={pct(d.rateVsTiming)}
            foot={`${t('dashboard.rateVsAnnual')} ${pct(d.rateVsAnnual)}`}
            onOpen={() => setLineage('rate')}
          />
        </Col>
        <Col xs={24} md={16} xl={5}>
          <Kpi
            testId="kpi-warnings"
            title={t('dashboard.warnings')}
            value={
              <Flex gap={14} style={{ fontSize: 22 }}>
                {[...LEVELS].reverse().map((l) => (
                  <span key={l}>
                    <LevelDot level={l} />
                    <span style={{ color: LEVEL_TEXT[l] }}>{d.warnings[l]}</span>
                  </span>
                ))}
              </Flex>
            }
            foot={
              <>
                {t('warnings.counts', d.warnings)}
                {/* counted by the server from the stored reasons (数据陈旧), overrides or not */}
                {d.staleCount > 0 && (
                  <span data-testid="stale-count" style={{ color: LEVEL_TEXT.yellow }}>
                    {' · '}
                    {t('dashboard.staleCount', { count: d.staleCount })}
                  </span>
                )}
              </>
            }
            onOpen={() => toWarnings()}
          />
        </Col>
      </Row>

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={16}>
          {/* The year-end forecast (issue 14 item 2): its card, and the S-curve's continuation */}
          <ForecastCard filters={filters} />
          <Card size="small" title={t('dashboard.sCurve')}>
            <ForecastSCurve
              d={d}
              filters={filters}
              ariaLabel={t('dashboard.sCurve')}
              onMonth={(month) => setFilters({ month })}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('dashboard.donut')}>
            <EChart
              testId="chart-donut"
              ariaLabel={`${t('dashboard.donut')}: ${t('warnings.counts', d.warnings)}`}
              option={donutOption(d.warnings, d.projects, lang, t)}
              style={{ height: 280 }}
              onClick={(p) => {
                const level = (p.data as { level?: Level } | null)?.level;
                if (level) toWarnings(level);
              }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          <Card
            size="small"
            title={groupBy === 'area' ? t('dashboard.byArea') : t('dashboard.byTag')}
            extra={
              <Segmented
                size="small"
                value={groupBy}
                onChange={(v) => setGroupBy(v as 'area' | 'tag')}
                options={[
                  { value: 'area', label: t('filters.area') },
                  { value: 'tag', label: t('filters.tag') },
                ]}
              />
            }
          >
            <EChart
              testId="chart-groups"
              ariaLabel={groupBy === 'area' ? t('dashboard.byArea') : t('dashboard.byTag')}
              option={groupBarsOption(groups, t)}
              style={{ height: Math.max(240, groups.length * 34 + 50) }}
              onClick={(p) =>
                groupBy === 'area' ? setFilters({ area: p.name }) : setFilters({ tag: p.name })
              }
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card
            size="small"
            title={
              <>
                {t('dashboard.flagged')}{' '}
                <Badge count={d.flaggedCount} style={levelBadgeStyle('red')} />
              </>
            }
          >
            <FlaggedList d={d} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={
              <>
                {t('dashboard.overdue')}{' '}
                <Badge count={d.overdueCount} style={levelBadgeStyle('yellow')} />
              </>
            }
          >
            {d.overdueMilestones.length === 0 ? (
              <Muted>{t('dashboard.overdueEmpty')}</Muted>
            ) : (
              <div className="flag-list" style={{ maxHeight: 240 }}>
                {d.overdueMilestones.map((o) => (
                  <Link
                    key={`${o.projectId}-${o.milestone}`}
                    to={`/projects/${encodeURIComponent(o.code)}`}
                    className="flag-item"
                    style={{ display: 'flex', justifyContent: 'space-between', color: 'inherit' }}
                  >
                    <span>
                      {o.name} · <b>{o.milestone}</b>
                      <span className="reason">
                        {' '}
                        {t('dashboard.plannedOn', { date: o.plannedDate })}
                      </span>
                    </span>
                    {/* days and level from the server's one lateness rule (office threshold) */}
                    <span
                      style={{ color: LEVEL_TEXT[o.level] }}
                      data-testid="overdue-days"
                      data-code={o.code}
                      data-milestone={o.milestone}
                    >
                      {t('dashboard.daysLate', { days: o.daysLate })}
                    </span>
                  </Link>
                ))}
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={
              <>
                {t('dashboard.notReported')}{' '}
                <Badge
                  count={notReportedCount}
                  overflowCount={9999}
                  style={levelBadgeStyle('yellow')}
                  data-testid="not-reported-count"
                />
              </>
            }
            extra={
              canReview && awaitingReview > 0 ? (
                <Link to="/review" data-testid="pending-review">
                  {t('dashboard.pendingReview', { count: awaitingReview })}
                </Link>
              ) : null
            }
          >
            {notReported.length === 0 ? (
              <Muted>{t('dashboard.notReportedEmpty')}</Muted>
            ) : (
              <div className="flag-list" style={{ maxHeight: 240 }}>
                {notReported.map((f) => (
                  <Link
                    key={f.projectId}
                    to={`/projects/${encodeURIComponent(f.code)}`}
                    className="flag-item"
                    style={{ display: 'flex', justifyContent: 'space-between', color: 'inherit' }}
                  >
                    <span>{f.name}</span>
                    <span className="reason">{f.ownerUnit ?? ''}</span>
                  </Link>
                ))}
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24}>
          <OverdueActionItems />
        </Col>
      </Row>
      {lineage && (
        <Suspense fallback={null}>
          <LineageDrawer
            filters={filters}
            figure={lineage}
            figureLabel={
              {
                annualTarget: t('dashboard.annualTarget'),
                timingTarget: t('dashboard.timingTarget'),
                actual: t('dashboard.actual'),
                rate: t('dashboard.rateVsTiming'),
              }[lineage]
            }
            total={lineage === 'rate' ? d.rateVsTiming : d[lineage]}
            onClose={() => setLineage(null)}
          />
        </Suspense>
      )}
    </div>
  );
}

function FlaggedList({ d }: { d: Dispatch }) {
  const { t } = useTranslation();
  const lang = useLang();
  if (d.flagged.length === 0) {
    return <Muted>{t('dashboard.flaggedEmpty')}</Muted>;
  }
  return (
    <div
      className="flag-list"
      style={{ maxHeight: Math.max(240, d.byArea.length * 34 + 50) }}
      data-testid="flagged-list"
    >
      {d.flagged.map((f) => (
        <Link
          key={f.projectId}
          to={`/projects/${encodeURIComponent(f.code)}`}
          className="flag-item"
          style={{ display: 'block', color: 'inherit' }}
        >
          <Flex justify="space-between" gap={8}>
            <span style={{ fontWeight: 500 }}>{f.name}</span>
            <LevelTag level={f.level} overridden={f.level !== f.computedLevel} />
          </Flex>
          <div className="reason">
            {f.overrideReason && f.level !== f.computedLevel
              ? `${t('warnings.overridden')}${t('app.colon')}${f.overrideReason}`
              : f.reasons.map((r) => reasonText(r, lang)).join(t('app.sep'))}
          </div>
        </Link>
      ))}
      {d.flaggedCount > d.flagged.length && (
        <Link to={`/warnings?month=${d.through}`} className="flag-item" data-testid="flagged-more">
          {t('dashboard.flaggedMore', { shown: d.flagged.length, total: d.flaggedCount })}
        </Link>
      )}
    </div>
  );
}
