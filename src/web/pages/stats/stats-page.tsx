import { useQuery } from '@tanstack/react-query';
import {
  Card,
  Col,
  DatePicker,
  Flex,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, PageSpinner } from '../../components/states.tsx';
import { useUnits } from '../../queries.ts';
import type { Stats } from '../../types.ts';
import { useUrlParams } from '../../url-params.ts';

/** The default period: the current half-year so far, the span a 半年工作总结 quotes. */
function defaultPeriod(): { from: string; to: string } {
  const today = dayjs();
  const from = today.month() < 6 ? today.startOf('year') : today.startOf('year').add(6, 'month');
  return { from: from.format('YYYY-MM-DD'), to: today.format('YYYY-MM-DD') };
}

/**
 * 工作统计: the counts a summary quotes for a period (会议、问题、交办、督办、整改、工作方案、活动),
 * all computed by the server's one stats service (`tiaodu stats` prints the same numbers).
 */
export default function StatsPage() {
  const { t } = useTranslation();
  const [params, set] = useUrlParams();
  const fallback = defaultPeriod();
  const from = params.get('from') ?? fallback.from;
  const to = params.get('to') ?? fallback.to;
  const unit = params.get('unit') ?? undefined;
  const units = useUnits();
  const q = useQuery({
    queryKey: ['stats', { from, to, unit }],
    queryFn: () => api<Stats>('/stats', { query: { from, to, unit } }),
  });
  const s = q.data;
  const kinds = (byKind: Record<string, number>, prefix: 'coord.kinds' | 'stats.activity') =>
    Object.entries(byKind).map(([k, n]) => (
      <Typography.Text key={k} type="secondary" style={{ display: 'block' }}>
        {t(`${prefix}.${k}` as 'coord.kinds.task_force')}：{n}
      </Typography.Text>
    ));
  return (
    <>
      <PageHeader
        title={t('nav.stats')}
        extra={
          <Space wrap>
            <DatePicker.RangePicker
              allowClear={false}
              aria-label={t('stats.period')}
              value={[dayjs(from), dayjs(to)]}
              onChange={(range) => {
                if (!range?.[0] || !range[1]) return;
                set({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') });
              }}
            />
            <Select
              allowClear
              showSearch
              aria-label={t('stats.unit')}
              placeholder={t('stats.allUnits')}
              style={{ minWidth: 200 }}
              value={unit}
              onChange={(v) => set({ unit: v ?? undefined })}
              options={(units.data ?? []).map((u) => ({ value: u.name, label: u.name }))}
            />
          </Space>
        }
      />
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : !s ? (
        <PageSpinner />
      ) : (
        <Flex vertical gap={16} data-testid="stats">
          <Row gutter={[16, 16]}>
            <Col xs={24} md={12} xl={8}>
              <Card size="small" title={t('stats.meetings')}>
                <Statistic title={t('stats.total')} value={s.meetings.total} />
                {kinds(s.meetings.byKind, 'coord.kinds')}
              </Card>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Card size="small" title={t('stats.problems')}>
                <Space size={32}>
                  <Statistic title={t('stats.raised')} value={s.problems.raised} />
                  <Statistic title={t('stats.resolved')} value={s.problems.resolved} />
                </Space>
                <Typography.Text type="secondary" style={{ display: 'block' }}>
                  {t('stats.resolvedIn')}
                </Typography.Text>
                {kinds(s.problems.resolvedByMeetingKind, 'coord.kinds')}
              </Card>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Card size="small" title={t('nav.actionItems')}>
                <Space size={32}>
                  <Statistic title={t('stats.created')} value={s.actionItems.created} />
                  <Statistic title={t('stats.closed')} value={s.actionItems.closed} />
                  <Statistic
                    title={t('stats.overdue')}
                    value={s.actionItems.overdue}
                    valueStyle={s.actionItems.overdue > 0 ? { color: '#cf1322' } : undefined}
                  />
                </Space>
              </Card>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Card size="small" title={t('nav.notices')}>
                <Space size={32}>
                  <Statistic title={t('stats.issued')} value={s.notices.issued} />
                  <Statistic title={t('stats.closed')} value={s.notices.closed} />
                </Space>
              </Card>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Card size="small" title={t('nav.rectifications')}>
                <Space size={32}>
                  <Statistic title={t('stats.total')} value={s.rectifications.total} />
                  <Statistic title={t('stats.closed')} value={s.rectifications.closed} />
                </Space>
              </Card>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Card size="small" title={t('stats.activities')}>
                <Statistic title={t('stats.total')} value={s.activities.total} />
                {kinds(s.activities.byKind, 'stats.activity')}
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('stats.workPlans')}>
            <Table
              size="small"
              pagination={false}
              rowKey="name"
              dataSource={s.workPlans}
              columns={[
                { title: t('stats.planName'), dataIndex: 'name' },
                { title: t('stats.area'), dataIndex: 'area' },
                { title: t('stats.themes'), dataIndex: 'themes', align: 'right' },
                { title: t('stats.items'), dataIndex: 'items', align: 'right' },
                { title: t('stats.done'), dataIndex: 'done', align: 'right' },
              ]}
            />
          </Card>
        </Flex>
      )}
    </>
  );
}
