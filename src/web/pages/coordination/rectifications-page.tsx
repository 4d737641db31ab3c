import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Flex,
  Row,
  Segmented,
  Select,
  Statistic,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  RECTIFICATION_SOURCES,
  RECTIFICATION_STATUSES,
} from '../../../domain/rectification-workflow.ts';
import { api } from '../../api.ts';
import { useCan } from '../../auth.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState } from '../../components/states.tsx';
import { useUnits } from '../../queries.ts';
import { patchParams, useUrlParams } from '../../url-params.ts';
import {
  NewRectification,
  RectificationDrawer,
  RectificationOverdueTag,
  RectificationStatusTag,
} from './rectification-drawer.tsx';
import type { Rectification, RectificationPage } from './rectification-types.ts';

/** The header figures, as the server counted them: 事事有回音、件件有落实. */
function Figures({ figures }: { figures: RectificationPage['figures'] }) {
  const { t } = useTranslation();
  const rate = (r: string | null) => (r === null ? '—' : t('rect.rateOf', { rate: r }));
  const cards = [
    { key: 'total', value: figures.total, note: null, color: undefined },
    {
      key: 'answered',
      value: figures.answered,
      note: rate(figures.answeredRate),
      color: undefined,
    },
    { key: 'closed', value: figures.closed, note: rate(figures.closedRate), color: '#237804' },
    {
      key: 'overdue',
      value: figures.overdue,
      note: null,
      color: figures.overdue > 0 ? '#cf1322' : undefined,
    },
  ] as const;
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      {cards.map((c) => (
        <Col key={c.key} xs={12} md={6}>
          <Card size="small" style={{ height: '100%' }} data-testid={`rect-figure-${c.key}`}>
            <Statistic
              title={t(`rect.${c.key}`)}
              value={c.value}
              suffix={<span style={{ fontSize: 14 }}>{t('rect.itemUnit')}</span>}
              styles={c.color ? { content: { color: c.color } } : undefined}
            />
            {c.note && <Typography.Text type="secondary">{c.note}</Typography.Text>}
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/** 整改任务: every task the caller may see (a reporter: its own unit's), overdue ones in red. */
export default function RectificationsPage() {
  const { t } = useTranslation();
  const [params, set] = useUrlParams();
  const [creating, setCreating] = useState(false);
  const canIssue = useCan('coordination.write');
  const units = useUnits();
  const status = params.get('status') ?? undefined;
  const source = params.get('source') ?? undefined;
  const unitId = Number(params.get('unitId')) || undefined;
  const overdue = params.get('overdue') === 'true';
  const open = Number(params.get('id')) || null;
  const page = Number(params.get('page')) || 1;
  const q = useQuery({
    queryKey: ['rectifications', { status, source, unitId, overdue, page }],
    queryFn: () =>
      api<RectificationPage>('/rectifications', {
        query: {
          status,
          source,
          unitId,
          overdue: overdue ? 'true' : undefined,
          page,
          pageSize: 50,
        },
      }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader
        title={t('nav.rectifications')}
        subtitle={t('rect.slogan')}
        extra={
          canIssue && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="new-rectification"
            >
              {t('rect.new')}
            </Button>
          )
        }
      />
      {q.data && <Figures figures={q.data.figures} />}
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Segmented
            aria-label={t('coord.overdueOnly')}
            value={overdue ? 'overdue' : 'all'}
            onChange={(v) => set({ overdue: v === 'overdue' ? 'true' : null, page: null })}
            options={[
              { label: t('app.all'), value: 'all' },
              { label: t('coord.overdueOnly'), value: 'overdue' },
            ]}
          />
          <Select
            allowClear
            style={{ minWidth: 140 }}
            aria-label={t('rect.status.label')}
            placeholder={t('rect.status.label')}
            value={status}
            onChange={(v) => set({ status: v ?? null, page: null })}
            options={RECTIFICATION_STATUSES.map((s) => ({
              value: s,
              label: t(`rect.status.${s}`),
            }))}
          />
          <Select
            allowClear
            style={{ minWidth: 120 }}
            aria-label={t('rect.source')}
            placeholder={t('rect.source')}
            value={source}
            onChange={(v) => set({ source: v ?? null, page: null })}
            options={RECTIFICATION_SOURCES.map((s) => ({
              value: s,
              label: t(`rect.sources.${s}`),
            }))}
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ minWidth: 200 }}
            aria-label={t('rect.unit')}
            placeholder={t('rect.unit')}
            value={unitId}
            onChange={(v) => set({ unitId: v ? String(v) : null, page: null })}
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
        </Flex>
        {q.isError ? (
          <ErrorState error={q.error} onRetry={() => q.refetch()} />
        ) : (
          <Table<Rectification>
            rowKey="id"
            size="middle"
            loading={q.isPending}
            dataSource={q.data?.items}
            scroll={{ x: 1200 }}
            sticky
            rowClassName={(r) => (r.overdue ? 'row-overdue' : '')}
            onRow={(r) => ({
              onClick: () => set({ id: String(r.id) }),
              style: { cursor: 'pointer' },
            })}
            pagination={{
              current: page,
              pageSize: 50,
              total: q.data?.total,
              showSizeChanger: false,
              onChange: (p) => set({ page: String(p) }),
            }}
            columns={[
              {
                title: t('rect.finding'),
                dataIndex: 'finding',
                fixed: 'left',
                width: 300,
                // a link, so a keyboard reaches each task (the row's click is for the mouse)
                render: (v: string, r) => (
                  <Link to={{ search: `?${patchParams(params, { id: String(r.id) })}` }}>
                    <Typography.Text type={r.overdue ? 'danger' : undefined}>{v}</Typography.Text>
                  </Link>
                ),
              },
              { title: t('rect.unit'), dataIndex: 'responsibleUnitName', width: 170 },
              {
                title: t('rect.source'),
                width: 90,
                render: (_, r) => t(`rect.sources.${r.source}`),
              },
              {
                title: t('rect.deadline'),
                dataIndex: 'deadline',
                width: 170,
                render: (v: string, r) => (
                  <>
                    {v} <RectificationOverdueTag task={r} />
                  </>
                ),
              },
              {
                title: t('rect.status.label'),
                width: 120,
                render: (_, r) => <RectificationStatusTag task={r} />,
              },
              { title: t('rect.measures'), dataIndex: 'measures', width: 320, ellipsis: true },
            ]}
          />
        )}
      </Card>
      {open && <RectificationDrawer id={open} onClose={() => set({ id: null })} />}
      {creating && (
        <NewRectification
          sourceNames={q.data?.sourceNames ?? []}
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            set({ id: String(id) });
          }}
        />
      )}
    </>
  );
}
