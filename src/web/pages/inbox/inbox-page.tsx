import { Card, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useInbox } from '../../components/inbox-bell.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { EmptyState, ErrorState, PageSpinner } from '../../components/states.tsx';

/** 我的待办: what needs the person now, most urgent first, each linking where it is done. */
export default function InboxPage() {
  const { t, i18n } = useTranslation();
  const q = useInbox();
  const en = i18n.language === 'en';
  return (
    <>
      <PageHeader title={t('inbox.title')} />
      <Card>
        {q.isError ? (
          <ErrorState error={q.error} onRetry={() => q.refetch()} />
        ) : !q.data ? (
          <PageSpinner />
        ) : q.data.items.length === 0 ? (
          <EmptyState description={t('inbox.empty')} />
        ) : (
          <List
            data-testid="inbox-list"
            dataSource={q.data.items}
            rowKey="key"
            renderItem={(item) => (
              <List.Item
                data-testid={`inbox-${item.kind}`}
                actions={[
                  <Link key="open" to={item.href}>
                    {t('inbox.open')}
                  </Link>,
                ]}
              >
                <Space wrap>
                  {item.overdue && <Tag color="red">{t('inbox.overdue')}</Tag>}
                  <Typography.Text>{en ? item.titleEn : item.title}</Typography.Text>
                  {item.due && (
                    <Typography.Text type="secondary">
                      {t('inbox.due', { date: item.due })}
                    </Typography.Text>
                  )}
                </Space>
              </List.Item>
            )}
          />
        )}
      </Card>
    </>
  );
}
