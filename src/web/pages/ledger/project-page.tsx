import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import type { ProjectStandingOutput } from '../../../contracts/projects.ts';
import { formatYearMonth } from '../../../domain/periods.ts';
import { ApiError, api } from '../../api.ts';
import { useCan } from '../../auth.tsx';
import { type ChartOption, EChart } from '../../components/echart.tsx';
import { LevelTag, LevelToneTag, reasonText, useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, PageSpinner } from '../../components/states.tsx';
import { StatusTag } from '../../components/status-tag.tsx';
import { dateTime, LEVEL_COLOR, monthLabel, pct, wanText } from '../../format.ts';
import { planOrNull, useLatestMonth } from '../../queries.ts';
import type {
  MilestoneWithChanges,
  Project,
  Report,
  ReportDetail,
  WarningEvent,
} from '../../types.ts';
import { ProjectActionItems } from '../coordination/action-item-list.tsx';
import { ProjectNotices } from '../coordination/project-notices.tsx';
import { ProjectForecastLine } from '../dashboard/forecast-card.tsx';
import { ReportPhotos } from '../reporting/report-photos.tsx';
import { MilestoneEditor, milestoneKindName } from './milestone-editor.tsx';
import { PlanEditor } from './plan-editor.tsx';
import { ProjectForm } from './project-form.tsx';

/** Photos are only looked at on this page; there is never a report to create. */
const noReport = async () => null;

type MonthRow = {
  month: number;
  report: Report | null;
  monthly: string | null;
  /** null after the last approved month: the future is not zero */
  cumulative: string | null;
  target: string | null;
  /** computed on the server with the one rounding rule */
  rate: string | null;
};

type ProjectMonth = Pick<MonthRow, 'month' | 'cumulative' | 'target' | 'rate'>;

/** Monthly approved investment as bars, cumulative actual against cumulative target as lines (万元). */
function seriesOption(rows: MonthRow[], t: TFunction): ChartOption {
  const num = (v: string | null) => (v == null ? null : Number(v));
  return {
    animationDuration: 400,
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (v == null ? '—' : Number(v).toFixed(2)),
    },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: rows.map((r) => t('dashboard.monthShort', { month: r.month })),
    },
    yAxis: { type: 'value', name: t('unit.wan') },
    series: [
      {
        name: t('project.monthlyActual'),
        type: 'bar',
        data: rows.map((r) => num(r.monthly)),
        itemStyle: { color: '#91caff' },
        barWidth: 14,
      },
      {
        name: t('project.cumulativeActual'),
        type: 'line',
        data: rows.map((r) => num(r.cumulative)),
        itemStyle: { color: '#1677ff' },
        lineStyle: { width: 3 },
      },
      {
        name: t('project.cumulativeTarget'),
        type: 'line',
        data: rows.map((r) => num(r.target)),
        itemStyle: { color: '#8c9bb5' },
        lineStyle: { type: 'dashed', width: 2 },
      },
    ],
  };
}

function ReportHistory({ id }: { id: number }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['report', id],
    queryFn: () => api<ReportDetail>(`/reports/${id}`),
  });
  if (!q.data) return <Typography.Text type="secondary">{t('app.loading')}</Typography.Text>;
  const r = q.data;
  return (
    <Row gutter={24}>
      <Col xs={24} md={14}>
        <Descriptions
          size="small"
          column={1}
          items={[
            { label: t('reporting.progressText'), children: r.progressText || '—' },
            { label: t('reporting.problems'), children: r.problems || '—' },
            { label: t('reporting.nextPlan'), children: r.nextPlan || '—' },
          ]}
        />
      </Col>
      <Col xs={24} md={10}>
        <Typography.Text strong>{t('project.history')}</Typography.Text>
        <Timeline
          style={{ marginTop: 8 }}
          titleSpan="130px"
          items={r.transitions.map((x) => ({
            color: x.action === 'return' ? 'red' : x.action === 'approve' ? 'green' : 'blue',
            title: dateTime(x.at),
            content: (
              <>
                {t(`reportAction.${x.action as 'submit'}`)} · {x.actor}
                {x.reason && <div className="reason">{x.reason}</div>}
              </>
            ),
          }))}
        />
      </Col>
    </Row>
  );
}

export default function ProjectPage() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  const lang = useLang();
  const [params, setParams] = useSearchParams();
  const canEdit = useCan('ledger.write');
  const canMilestones = useCan('milestone.write');
  const latest = useLatestMonth();
  const [editing, setEditing] = useState(false);
  const [planEditing, setPlanEditing] = useState(false);
  const [milestoneEditing, setMilestoneEditing] = useState<MilestoneWithChanges | null | 'new'>(
    null,
  );

  const project = useQuery({
    queryKey: ['project', code],
    queryFn: () => api<Project>(`/projects/${encodeURIComponent(code)}`),
  });
  const years = useQuery({
    queryKey: ['plan', code, 'years'],
    queryFn: () => api<number[]>(`/projects/${encodeURIComponent(code)}/plans`),
    enabled: project.isSuccess,
  });
  const year =
    Number(params.get('year')) ||
    (latest.data && (years.data ?? []).includes(latest.data.year)
      ? latest.data.year
      : (years.data?.at(-1) ?? latest.data?.year ?? new Date().getFullYear()));
  const plan = useQuery({
    queryKey: ['plan', code, year],
    queryFn: ({ signal }) => planOrNull(code, year, signal),
    enabled: project.isSuccess,
  });
  // Cumulative, target and rate come from the server's roll-ups: the page adds nothing up.
  const months = useQuery({
    queryKey: ['dispatch', 'project-months', code, year],
    queryFn: ({ signal }) =>
      api<ProjectMonth[]>(`/projects/${encodeURIComponent(code)}/months/${year}`, { signal }),
    enabled: project.isSuccess,
  });
  const reports = useQuery({
    queryKey: ['reports', 'project', project.data?.id],
    queryFn: () =>
      api<Report[]>('/reports', { query: { projectId: project.data!.id, pageSize: 500 } }),
    enabled: project.isSuccess,
  });
  // Lateness is measured at the month the header's level is for, so both say one number.
  const msMonth = latest.data ? formatYearMonth(latest.data) : undefined;
  const milestones = useQuery({
    queryKey: ['milestones', code, msMonth],
    queryFn: () =>
      api<MilestoneWithChanges[]>(`/projects/${encodeURIComponent(code)}/milestones`, {
        query: { month: msMonth },
      }),
    enabled: project.isSuccess && !!msMonth,
  });
  const warnings = useQuery({
    queryKey: ['warning-history', code],
    queryFn: () => api<WarningEvent[]>(`/projects/${encodeURIComponent(code)}/warnings`),
    enabled: project.isSuccess,
  });

  // The level now, for the latest month, evaluated on the server for this project alone
  // (history holds the past).
  const ym = latest.data ? formatYearMonth(latest.data) : null;
  const standingQuery = useQuery({
    queryKey: ['warnings', 'standing', code, ym],
    queryFn: ({ signal }) =>
      api<ProjectStandingOutput>(`/projects/${encodeURIComponent(code)}/standing`, {
        query: { month: ym! },
        signal,
      }),
    enabled: !!ym && project.isSuccess,
  });
  const standing = standingQuery.data?.standing;

  const rows = useMemo(
    (): MonthRow[] =>
      Array.from({ length: 12 }, (_, i) => {
        const report = reports.data?.find((r) => r.year === year && r.month === i + 1) ?? null;
        const m = months.data?.[i];
        return {
          month: i + 1,
          report,
          monthly: report?.status === 'approved' ? report.investment : null,
          cumulative: m?.cumulative ?? null,
          target: m?.target ?? null,
          rate: m?.rate ?? null,
        };
      }),
    [reports.data, months.data, year],
  );

  if (project.isPending) return <PageSpinner />;
  if (project.isError) {
    return project.error instanceof ApiError && project.error.status === 404 ? (
      <Empty description={t('project.notFound')} />
    ) : (
      <ErrorState error={project.error} onRetry={() => project.refetch()} />
    );
  }
  const p = project.data;
  const tab = params.get('tab') ?? 'series';
  const setTab = (k: string) => {
    const next = new URLSearchParams(params);
    next.set('tab', k);
    setParams(next, { replace: true });
  };
  const latestWarning = warnings.data?.[0];
  const yearOptions = [...new Set([...(years.data ?? []), year])].sort();
  const lastApproved = [...rows].reverse().find((r) => r.report?.status === 'approved');

  return (
    <>
      <PageHeader
        crumbs={[{ title: t('nav.ledger'), to: '/ledger' }, { title: p.code }]}
        title={
          <Space wrap>
            {p.name}
            {standing ? (
              <span data-testid="project-level" data-level={standing.level}>
                <LevelTag
                  level={standing.level}
                  reasons={standing.reasons}
                  overridden={standing.level !== standing.computedLevel}
                />
              </span>
            ) : (
              latestWarning && (
                <LevelTag
                  level={latestWarning.finalLevel}
                  reasons={latestWarning.reasons}
                  overridden={latestWarning.overrideLevel != null}
                />
              )
            )}
            {p.archivedAt && <Tag>{t('ledger.archived')}</Tag>}
          </Space>
        }
        subtitle={
          <>
            {p.code} · {p.areaName ?? '—'} · {p.ownerUnitName ?? '—'}
            {standing && latest.data && (
              <div className="reason" data-testid="project-reasons">
                {monthLabel(latest.data, lang)}
                {t('app.colon')}
                {standing.level !== standing.computedLevel && standing.override?.reason
                  ? `${t('warnings.overridden')}${t('app.colon')}${standing.override.reason}`
                  : standing.reasons
                      .filter((r) => r.level !== 'green' || standing.level === 'green')
                      .map((r) => reasonText(r, lang))
                      .join(t('app.sep'))}
              </div>
            )}
          </>
        }
        extra={
          canEdit && (
            <Button
              icon={<EditOutlined />}
              onClick={() => setEditing(true)}
              data-testid="edit-project"
            >
              {t('app.edit')}
            </Button>
          )
        }
      />
      <Card size="small" style={{ marginBottom: 16 }} title={t('project.facts')}>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 4 }}
          items={[
            { label: t('ledger.category'), children: p.categoryName ?? '—' },
            { label: t('ledger.phase'), children: t(`phase.${p.phase}`) },
            {
              label: t('ledger.tags'),
              children: p.tags.length ? p.tags.map((x) => <Tag key={x}>{x}</Tag>) : '—',
            },
            {
              label: t('ledger.totalInvestment'),
              children: <span className="num">{wanText(p.totalInvestment)}</span>,
            },
            { label: t('ledger.plannedStart'), children: p.plannedStart ?? '—' },
            { label: t('ledger.plannedFinish'), children: p.plannedFinish ?? '—' },
            { label: t('ledger.location'), children: p.location ?? '—' },
            { label: t('ledger.remarks'), children: p.remarks ?? '—' },
          ]}
        />
      </Card>
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={setTab}
          // The year picker sits beside the tab list, not inside it: a tablist may own only tabs
          // (axe aria-required-children), so antd's tabBarExtraContent would break it.
          renderTabBar={(props, TabBar) => (
            <Flex align="center" gap={8}>
              <TabBar {...props} style={{ flex: 1, minWidth: 0 }} />
              <Typography.Text type="secondary">{t('project.year')}</Typography.Text>
              <Select
                aria-label={t('project.year')}
                size="small"
                value={year}
                style={{ width: 90 }}
                options={yearOptions.map((y) => ({ value: y, label: String(y) }))}
                onChange={(y) => {
                  const next = new URLSearchParams(params);
                  next.set('year', String(y));
                  setParams(next, { replace: true });
                }}
              />
            </Flex>
          )}
          items={[
            {
              key: 'series',
              label: t('project.series'),
              children: (
                <>
                  <Flex gap={24} wrap style={{ marginBottom: 8 }}>
                    <span>
                      {t('project.annualTarget')}
                      {t('app.colon')}
                      <b className="num">{wanText(plan.data?.annualTarget ?? null)}</b>{' '}
                      {t('unit.wan')}
                    </span>
                    <span>
                      {t('dashboard.actual')}
                      {t('app.colon')}
                      <b className="num">{wanText(lastApproved?.cumulative ?? '0.00')}</b>{' '}
                      {t('unit.wan')}
                    </span>
                    <ProjectForecastLine code={p.code} year={year} />
                  </Flex>
                  <EChart
                    ariaLabel={t('project.series')}
                    option={seriesOption(rows, t)}
                    style={{ height: 260 }}
                  />
                  <Table<MonthRow>
                    size="small"
                    rowKey="month"
                    pagination={false}
                    dataSource={rows}
                    scroll={{ x: 'max-content' }}
                    columns={[
                      {
                        title: t('project.month'),
                        render: (_, r) => monthLabel({ year, month: r.month }, lang),
                      },
                      {
                        title: t('project.monthlyActual'),
                        align: 'right',
                        className: 'num',
                        render: (_, r) => (r.report ? wanText(r.report.investment) : '—'),
                      },
                      {
                        title: t('project.status'),
                        render: (_, r) => (r.report ? <StatusTag status={r.report.status} /> : '—'),
                      },
                      {
                        title: t('project.cumulativeActual'),
                        align: 'right',
                        className: 'num',
                        render: (_, r) => wanText(r.cumulative),
                      },
                      {
                        title: t('project.cumulativeTarget'),
                        align: 'right',
                        className: 'num',
                        render: (_, r) => wanText(r.target),
                      },
                      {
                        title: t('ledger.rate'),
                        align: 'right',
                        render: (_, r) => (
                          <span data-testid="month-rate" data-month={r.month}>
                            {pct(r.rate)}
                          </span>
                        ),
                      },
                      {
                        title: t('project.progress'),
                        align: 'right',
                        render: (_, r) => pct(r.report?.progressPercent),
                      },
                    ]}
                  />
                </>
              ),
            },
            {
              key: 'plan',
              label: t('project.plan'),
              children: plan.isPending ? (
                <PageSpinner />
              ) : (
                <>
                  {canEdit && (
                    <Button
                      icon={<EditOutlined />}
                      style={{ marginBottom: 12 }}
                      onClick={() => setPlanEditing(true)}
                    >
                      {plan.data ? t('project.revisePlan') : t('project.setPlan')}
                    </Button>
                  )}
                  {!plan.data ? (
                    <Empty description={t('project.noPlan')} />
                  ) : (
                    <>
                      <Descriptions
                        size="small"
                        column={{ xs: 1, sm: 3 }}
                        items={[
                          {
                            label: t('project.annualTarget'),
                            children: `${wanText(plan.data.annualTarget)} ${t('unit.wan')}`,
                          },
                          {
                            label: t('project.initialAnnual'),
                            children: `${wanText(plan.data.initialAnnualTarget)} ${t('unit.wan')}`,
                          },
                          {
                            label: t('project.revisions'),
                            children: t('project.revision', { n: plan.data.revision }),
                          },
                        ]}
                      />
                      <Typography.Title level={5}>{t('project.revisions')}</Typography.Title>
                      <Table
                        size="small"
                        rowKey="revision"
                        pagination={false}
                        dataSource={[...plan.data.revisions].reverse()}
                        scroll={{ x: 'max-content' }}
                        columns={[
                          {
                            title: '#',
                            render: (_, r) => t('project.revision', { n: r.revision }),
                          },
                          {
                            title: `${t('project.annualTarget')}${t('app.paren', { text: t('unit.wan') })}`,
                            align: 'right',
                            className: 'num',
                            render: (_, r) => wanText(r.annualTarget),
                          },
                          { title: t('project.revisionReason'), dataIndex: 'reason' },
                          { title: t('project.effectiveDate'), dataIndex: 'effectiveDate' },
                          { title: t('project.by'), dataIndex: 'actor' },
                        ]}
                      />
                    </>
                  )}
                </>
              ),
            },
            {
              key: 'milestones',
              label: t('project.milestones'),
              children: (
                <>
                  {canMilestones && (
                    <Button
                      icon={<PlusOutlined />}
                      style={{ marginBottom: 12 }}
                      onClick={() => setMilestoneEditing('new')}
                    >
                      {t('project.addMilestone')}
                    </Button>
                  )}
                  {milestones.data?.length === 0 ? (
                    <Empty description={t('project.noMilestones')} />
                  ) : (
                    <Timeline
                      titleSpan="120px"
                      items={(milestones.data ?? []).map((m) => {
                        // Lateness and its level come from the server (the one rule, the
                        // office's threshold, at the same month as the header's level).
                        const late = m.lateness?.daysLate ?? 0;
                        const done = !m.lateness && !!m.actualDate;
                        const tone = m.lateness ? m.lateness.level : done ? 'green' : null;
                        const color = tone ? LEVEL_COLOR[tone] : '#bfbfbf';
                        return {
                          color,
                          title: m.plannedDate ?? '—',
                          content: (
                            <div>
                              <Space wrap>
                                <b>
                                  {m.kind === 'custom'
                                    ? m.name
                                    : milestoneKindName(m.kind, lang, m.name)}
                                </b>
                                <span
                                  data-testid="milestone-state"
                                  data-milestone={m.name}
                                  data-level={tone ?? 'none'}
                                >
                                  <LevelToneTag level={tone}>
                                    {done
                                      ? `${t('project.milestoneDone')} ${m.actualDate}`
                                      : late > 0
                                        ? t('project.milestoneLate', { days: late })
                                        : t('project.milestonePending')}
                                  </LevelToneTag>
                                </span>
                                {canMilestones && (
                                  <Button
                                    size="small"
                                    type="link"
                                    onClick={() => setMilestoneEditing(m)}
                                  >
                                    {t('app.edit')}
                                  </Button>
                                )}
                              </Space>
                              {m.changes.map((c) => (
                                <div className="reason" key={c.id}>
                                  {t('project.plannedWas', {
                                    from: c.oldPlannedDate ?? '—',
                                    to: c.newPlannedDate ?? '—',
                                    reason: c.reason,
                                  })}
                                </div>
                              ))}
                            </div>
                          ),
                        };
                      })}
                    />
                  )}
                </>
              ),
            },
            {
              key: 'reports',
              label: t('project.reports'),
              children: (
                <Table<Report>
                  size="small"
                  rowKey="id"
                  loading={reports.isPending}
                  dataSource={reports.data}
                  pagination={{ pageSize: 24, hideOnSinglePage: true }}
                  scroll={{ x: 'max-content' }}
                  locale={{ emptyText: t('project.noReports') }}
                  expandable={{
                    expandedRowRender: (r) => (
                      <>
                        <ReportHistory id={r.id} />
                        {/* 现场照片 with the history: thumbnails, the original on click. */}
                        <div style={{ marginTop: 8 }}>
                          <ReportPhotos reportId={r.id} editable={false} ensureReport={noReport} />
                        </div>
                      </>
                    ),
                  }}
                  columns={[
                    { title: t('project.month'), render: (_, r) => monthLabel(r, lang) },
                    {
                      title: t('project.monthlyActual'),
                      align: 'right',
                      className: 'num',
                      render: (_, r) => wanText(r.investment),
                    },
                    {
                      title: t('project.progress'),
                      align: 'right',
                      render: (_, r) => pct(r.progressPercent),
                    },
                    {
                      title: t('project.status'),
                      render: (_, r) => <StatusTag status={r.status} />,
                    },
                    { title: t('review.submittedAt'), render: (_, r) => dateTime(r.submittedAt) },
                    {
                      title: t('project.returnReason'),
                      render: (_, r) => (r.status === 'returned' ? r.returnReason : null),
                    },
                  ]}
                />
              ),
            },
            {
              key: 'warnings',
              label: t('project.warnings'),
              children: (
                <Table<WarningEvent>
                  size="small"
                  rowKey="id"
                  loading={warnings.isPending}
                  dataSource={warnings.data}
                  pagination={{ pageSize: 24, hideOnSinglePage: true }}
                  scroll={{ x: 'max-content' }}
                  locale={{ emptyText: t('project.noWarnings') }}
                  columns={[
                    { title: t('project.month'), render: (_, r) => monthLabel(r, lang) },
                    { title: '', render: (_, r) => t(`project.warningKind.${r.kind}`) },
                    {
                      title: t('project.computedLevel'),
                      render: (_, r) => <LevelTag level={r.computedLevel} />,
                    },
                    {
                      title: t('project.finalLevel'),
                      render: (_, r) => (
                        <LevelTag level={r.finalLevel} overridden={r.overrideLevel != null} />
                      ),
                    },
                    {
                      title: t('project.reasons'),
                      render: (_, r) => (
                        <div style={{ maxWidth: 420 }}>
                          {r.reasons
                            .filter((x) => x.level !== 'green')
                            .map((x) => reasonText(x, lang))
                            .join(t('app.sep')) || '—'}
                          {r.overrideReason && (
                            <div className="reason">
                              {t('project.overrideReason')}
                              {t('app.colon')}
                              {r.overrideReason}
                            </div>
                          )}
                        </div>
                      ),
                    },
                    { title: t('project.actor'), dataIndex: 'actor' },
                    { title: t('project.at'), render: (_, r) => dateTime(r.at) },
                  ]}
                />
              ),
            },
            {
              key: 'notices',
              label: t('notice.list'),
              children: <ProjectNotices projectId={p.id} />,
            },
            {
              key: 'action-items',
              label: t('nav.actionItems'),
              children: <ProjectActionItems projectId={p.id} />,
            },
          ]}
        />
      </Card>
      {editing && (
        <ProjectForm
          project={p}
          onClose={() => setEditing(false)}
          onSaved={() => setEditing(false)}
        />
      )}
      {planEditing && (
        <PlanEditor
          project={p}
          year={year}
          plan={plan.data ?? null}
          onClose={() => setPlanEditing(false)}
        />
      )}
      {milestoneEditing && (
        <MilestoneEditor
          project={p}
          milestone={milestoneEditing === 'new' ? null : milestoneEditing}
          onClose={() => setMilestoneEditing(null)}
        />
      )}
    </>
  );
}
