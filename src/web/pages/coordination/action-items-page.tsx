import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Flex, Segmented, Select, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ACTION_ITEM_STATUSES } from '../../../domain/action-item-workflow.ts';
import { api } from '../../api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { PeriodTag, usePeriodParams } from '../../components/period-tag.tsx';
import { ErrorState } from '../../components/states.tsx';
import { useUrlParams } from '../../url-params.ts';
import { ActionItemDrawer } from './action-item-drawer.tsx';
import { deadlineColumn, statusColumn } from './action-item-list.tsx';
import type { ActionItem, ActionItemPage } from './coordination-types.ts';

/** 交办事项: every item the caller may see (a reporter: its own unit's), overdue ones in red. */
export default function ActionItemsPage() {
  const { t } = useTranslation();
  const [params, set] = useUrlParams();
  const status = params.get('status') ?? undefined;
  const overdue = params.get('overdue') === 'true';
  const open = Number(params.get('id')) || null;
  const page = Number(params.get('page')) || 1;
  const { from, to } = usePeriodParams();
  const q = useQuery({
    queryKey: ['action-items', { status, overdue, from, to, page }],
    queryFn: () =>
      api<ActionItemPage>('/action-items', {
        query: { status, overdue: overdue ? 'true' : undefined, from, to, page, pageSize: 50 },
      }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader
        title={t('nav.actionItems')}
        subtitle={q.data && t('coord.summary', { total: q.data.total, overdue: q.data.overdue })}
      />
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Segmented
            value={overdue ? 'overdue' : 'all'}
            onChange={(v) => set({ overdue: v === 'overdue' ? 'true' : null, page: null })}
            options={[
              { label: t('app.all'), value: 'all' },
              { label: t('coord.overdueOnly'), value: 'overdue' },
            ]}
          />
          <Select
            allowClear
            style={{ minWidth: 160 }}
            placeholder={t('coord.status.label')}
            value={status}
            onChange={(v) => set({ status: v ?? null, page: null })}
            options={ACTION_ITEM_STATUSES.map((s) => ({ value: s, label: t(`coord.status.${s}`) }))}
          />
          <PeriodTag />
        </Flex>
        {q.isError ? (
          <ErrorState error={q.error} onRetry={() => q.refetch()} />
        ) : (
          <Table<ActionItem>
            rowKey="id"
            size="middle"
            loading={q.isPending}
            dataSource={q.data?.items}
            scroll={{ x: 960 }}
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
                title: t('coord.content'),
                dataIndex: 'content',
                fixed: 'left',
                width: 320,
                render: (v: string, r) => (
                  <Typography.Text type={r.overdue ? 'danger' : undefined}>{v}</Typography.Text>
                ),
              },
              { title: t('coord.unit'), dataIndex: 'responsibleUnitName', width: 160 },
              { title: t('coord.project'), dataIndex: 'projectName', render: (v) => v ?? '—' },
              { title: t('coord.assignedOn'), dataIndex: 'assignedOn', width: 110 },
              deadlineColumn(t),
              statusColumn(t),
            ]}
          />
        )}
      </Card>
      {open && <ActionItemDrawer id={open} onClose={() => set({ id: null })} />}
    </>
  );
}
