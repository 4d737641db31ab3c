import { useQuery } from '@tanstack/react-query';
import { Table, type TableColumnType, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorState } from '../../components/states.tsx';
import { OverdueTag, StatusTag } from './action-item-drawer.tsx';
import type { ActionItem, ActionItemPage } from './coordination-types.ts';

/** 时限 with the server's overdue tag, and 状态: the same two columns wherever items are listed. */
export function deadlineColumn(t: TFunction, width = 170): TableColumnType<ActionItem> {
  return {
    title: t('coord.deadline'),
    dataIndex: 'deadline',
    width,
    render: (v: string, r) => (
      <>
        {v} <OverdueTag item={r} />
      </>
    ),
  };
}

export function statusColumn(t: TFunction, width = 120): TableColumnType<ActionItem> {
  return { title: t('coord.status.label'), width, render: (_, r) => <StatusTag item={r} /> };
}

/** A short list of items (a meeting's, a project's), each linking to its page in the list. */
export function ActionItemLinks({ items, loading }: { items?: ActionItem[]; loading?: boolean }) {
  const { t } = useTranslation();
  return (
    <Table<ActionItem>
      size="small"
      rowKey="id"
      pagination={false}
      loading={loading}
      dataSource={items}
      rowClassName={(r) => (r.overdue ? 'row-overdue' : '')}
      columns={[
        {
          title: t('coord.content'),
          dataIndex: 'content',
          render: (v: string, r) => (
            <Link to={`/action-items?id=${r.id}`}>
              <Typography.Text type={r.overdue ? 'danger' : undefined}>{v}</Typography.Text>
            </Link>
          ),
        },
        { title: t('coord.unit'), dataIndex: 'responsibleUnitName', width: 150 },
        deadlineColumn(t, 160),
        statusColumn(t, 110),
      ]}
    />
  );
}

/** The project page's 交办事项 tab: the project's items, overdue ones in red. */
export function ProjectActionItems({ projectId }: { projectId: number }) {
  const q = useQuery({
    queryKey: ['action-items', { projectId }],
    queryFn: () => api<ActionItemPage>('/action-items', { query: { projectId, pageSize: 200 } }),
  });
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  return <ActionItemLinks items={q.data?.items} loading={q.isPending} />;
}
