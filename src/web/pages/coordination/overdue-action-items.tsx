import { useQuery } from '@tanstack/react-query';
import { Badge, Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { Muted } from '../../components/text.tsx';
import type { ActionItemPage } from './coordination-types.ts';

/** The first page of overdue action items; a page may call it early to start the request. */
export function useOverdueActionItems(projectId?: number) {
  return useQuery({
    queryKey: ['action-items', { overdue: true, projectId, page: 1 }],
    queryFn: () =>
      api<ActionItemPage>('/action-items', {
        query: { overdue: 'true', projectId, page: 1, pageSize: 10 },
      }),
  });
}

/**
 * The overdue action items (逾期交办事项), red, the longest overdue first as the server lists
 * them: on the dashboard, so an overdue item is seen where the figures are read, not only in its
 * own list (the project page lists its project's items in a tab of their own).
 */
export function OverdueActionItems({ projectId }: { projectId?: number }) {
  const { t } = useTranslation();
  const q = useOverdueActionItems(projectId);
  const all = `/action-items?overdue=true`;
  return (
    <Card
      size="small"
      data-testid="overdue-action-items"
      title={
        <>
          {t('inbox.overdueItems')}{' '}
          <Badge count={q.data?.total ?? 0} showZero={false} color="#cf1322" />
        </>
      }
      extra={
        q.data && q.data.total > q.data.items.length ? (
          <Link to={all}>{t('inbox.all', { count: q.data.total })}</Link>
        ) : null
      }
    >
      {!q.data || q.data.items.length === 0 ? (
        <Muted>{q.data ? t('inbox.overdueItemsEmpty') : ''}</Muted>
      ) : (
        <div className="flag-list" style={{ maxHeight: 240 }}>
          {q.data.items.map((item) => (
            <Link
              key={item.id}
              to={`/action-items?id=${item.id}`}
              className="flag-item"
              style={{ display: 'flex', justifyContent: 'space-between', color: 'inherit', gap: 8 }}
            >
              <span>
                {item.content}
                <span className="reason"> · {item.responsibleUnitName}</span>
              </span>
              <span style={{ color: '#cf1322', whiteSpace: 'nowrap' }}>
                {t('coord.overdueDays', { count: item.daysOverdue })}
              </span>
            </Link>
          ))}
        </div>
      )}
    </Card>
  );
}
