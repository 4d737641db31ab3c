import { EditOutlined, EyeOutlined, RedoOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, DatePicker, Flex, Row, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { DispatchCounts } from '../../../contracts/dispatch-counts.ts';
import {
  compareYearMonth,
  formatYearMonth,
  parseYearMonth,
  previousMonth,
  yearMonthOf,
} from '../../../domain/periods.ts';
import { api } from '../../api.ts';
import { useUser } from '../../auth.tsx';
import { useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { EmptyState, ErrorState, PageSpinner } from '../../components/states.tsx';
import { StatusTag } from '../../components/status-tag.tsx';
import { monthLabel, pct, wanText } from '../../format.ts';
import type { Project, ProjectPage, Report } from '../../types.ts';

/** 本月填报: one card per project of the reporter's unit, with what is due and one big button. */
export default function MyReportsPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const user = useUser();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const current = yearMonthOf(new Date());
  const period = parseYearMonth(params.get('month') ?? '') ?? current;
  const prev = previousMonth(period);

  // The server says which projects owe this month's report (planned this year, not finished).
  const projects = useQuery({
    queryKey: ['projects', 'mine', 'due', formatYearMonth(period)],
    queryFn: () =>
      api<ProjectPage>('/projects', { query: { due: formatYearMonth(period), pageSize: 500 } }),
  });
  const reports = useQuery({
    queryKey: ['reports', 'month', formatYearMonth(period)],
    queryFn: () => api<Report[]>('/reports', { query: { ...period, pageSize: 500 } }),
  });
  const lastMonth = useQuery({
    queryKey: ['reports', 'month', formatYearMonth(prev)],
    queryFn: () => api<Report[]>('/reports', { query: { ...prev, pageSize: 500 } }),
  });
  // Last month's reports not handed in (missing, a draft, or returned), counted by the server
  // over this unit's projects: late now, so they are shown above this month's cards.
  const overdue = useQuery({
    queryKey: ['dispatch', 'counts', 'mine', formatYearMonth(prev)],
    queryFn: () =>
      api<DispatchCounts>('/dispatch/counts', { query: { through: formatYearMonth(prev) } }),
  });
  const returned = useQuery({
    queryKey: ['reports', 'returned'],
    queryFn: () => api<Report[]>('/reports', { query: { status: 'returned', pageSize: 100 } }),
  });

  if (projects.isPending || reports.isPending) return <PageSpinner />;
  if (projects.isError)
    return <ErrorState error={projects.error} onRetry={() => projects.refetch()} />;
  if (reports.isError)
    return <ErrorState error={reports.error} onRetry={() => reports.refetch()} />;

  const byProject = new Map(reports.data.map((r) => [r.projectId, r]));
  const prevByProject = new Map((lastMonth.data ?? []).map((r) => [r.projectId, r]));
  const otherReturned = (returned.data ?? []).filter(
    (r) => r.year !== period.year || r.month !== period.month,
  );
  const ym = formatYearMonth(period);
  const formPath = (p: { code: string }, at = ym) => `/report/${encodeURIComponent(p.code)}/${at}`;

  const card = (p: Project) => {
    const r = byProject.get(p.id);
    const last = prevByProject.get(p.id);
    const status = r?.status;
    const action = !r
      ? { label: t('reporting.fill'), icon: <EditOutlined />, primary: true }
      : status === 'draft'
        ? { label: t('reporting.continue'), icon: <EditOutlined />, primary: true }
        : status === 'returned'
          ? { label: t('reporting.resubmit'), icon: <RedoOutlined />, primary: true, danger: true }
          : { label: t('reporting.view'), icon: <EyeOutlined />, primary: false };
    return (
      <Col xs={24} md={12} xl={8} key={p.id}>
        <Card size="small" data-testid="report-card" data-project={p.code}>
          <Flex justify="space-between" align="start" gap={8}>
            <div style={{ minWidth: 0 }}>
              <Typography.Text strong style={{ fontSize: 16 }}>
                {p.name}
              </Typography.Text>
              <div className="reason">{p.code}</div>
            </div>
            {r ? <StatusTag status={r.status} /> : <Tag>{t('reportStatus.none')}</Tag>}
          </Flex>
          <div style={{ margin: '8px 0', fontSize: 14 }}>
            {t('reporting.due', { month: monthLabel(period, lang) })}
            {last && (
              <div className="reason">
                {t('reporting.lastMonth', {
                  investment: wanText(last.investment),
                  progress: pct(last.progressPercent),
                })}
              </div>
            )}
            {status === 'returned' && r?.returnReason && (
              <Alert
                style={{ marginTop: 8 }}
                type="error"
                showIcon
                title={`${t('project.returnReason')}${t('app.colon')}${r.returnReason}`}
              />
            )}
          </div>
          <Button
            block
            size="large"
            type={action.primary ? 'primary' : 'default'}
            danger={action.danger}
            icon={action.icon}
            onClick={() => navigate(formPath(p))}
            data-testid="report-open"
          >
            {action.label}
          </Button>
        </Card>
      </Col>
    );
  };

  return (
    <>
      <PageHeader
        title={t('reporting.title')}
        subtitle={t('reporting.subtitle', {
          month: monthLabel(period, lang),
          unit: user.unitName ?? t(`roles.${user.role}`),
        })}
        extra={
          <Space>
            <Typography.Text type="secondary">{t('reporting.otherMonth')}</Typography.Text>
            <DatePicker
              picker="month"
              allowClear={false}
              aria-label={t('reporting.otherMonth')}
              value={dayjs(`${ym}-01`)}
              disabledDate={(d) =>
                compareYearMonth({ year: d.year(), month: d.month() + 1 }, current) > 0
              }
              onChange={(d) => {
                if (!d) return;
                setParams({ month: d.format('YYYY-MM') }, { replace: true });
              }}
            />
          </Space>
        }
      />
      {(overdue.data?.notReported ?? 0) > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('reporting.overdueTitle', {
            month: monthLabel(prev, lang),
            count: overdue.data!.notReported,
          })}
          description={
            <Space wrap size={[16, 4]}>
              {overdue.data!.notReportedProjects.map((p) => (
                <Link key={p.projectId} to={formPath(p, formatYearMonth(prev))}>
                  {p.name}
                </Link>
              ))}
            </Space>
          }
        />
      )}
      {otherReturned.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('reporting.returnedTitle')}
          description={
            <>
              <div>{t('reporting.returnedHelp')}</div>
              {otherReturned.map((r) => (
                <div key={r.id}>
                  <Link to={formPath({ code: r.projectCode }, formatYearMonth(r))}>
                    {r.projectName} · {monthLabel(r, lang)}
                  </Link>
                  {t('app.colon')}
                  {r.returnReason}
                </div>
              ))}
            </>
          }
        />
      )}
      {projects.data.items.length === 0 ? (
        <Card>
          <EmptyState description={t('reporting.noProjects')} />
        </Card>
      ) : (
        <Row gutter={[12, 12]}>{projects.data.items.map(card)}</Row>
      )}
    </>
  );
}
