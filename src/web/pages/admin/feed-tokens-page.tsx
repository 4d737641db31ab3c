import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { feedTokenCreated, feedTokenView } from '../../../contracts/city-feed.ts';
import { api } from '../../api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, useErrorText } from '../../components/states.tsx';
import { dateTime } from '../../format.ts';

type FeedToken = z.infer<typeof feedTokenView>;
type Created = z.infer<typeof feedTokenCreated>;

/**
 * The system admin's tokens for the feed to the city (署区联动): make one for a platform, hand
 * over the secret shown once, see when it was last used, revoke it.
 */
export default function FeedTokensPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ name: string }>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const tokens = useQuery({
    queryKey: ['feed-tokens'],
    queryFn: () => api<FeedToken[]>('/admin/feed-tokens'),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['feed-tokens'] });
  const create = useMutation<Created, Error, { name: string }>({
    mutationFn: (v) => api<Created>('/admin/feed-tokens', { method: 'POST', body: v }),
    onSuccess: (c) => {
      void refresh();
      setCreating(false);
      form.resetFields();
      setCreated(c);
    },
    onError: (e) => message.error(errorText(e)),
  });
  const revoke = useMutation<FeedToken, Error, number>({
    mutationFn: (id) => api<FeedToken>(`/admin/feed-tokens/${id}/revoke`, { method: 'POST' }),
    onSuccess: () => void refresh(),
    onError: (e) => message.error(errorText(e)),
  });
  return (
    <>
      <PageHeader
        title={t('feedTokens.title')}
        subtitle={tokens.data ? t('feedTokens.total', { count: tokens.data.length }) : undefined}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="feed-token-create"
          >
            {t('feedTokens.create')}
          </Button>
        }
      />
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={t('feedTokens.help')}
        description={t('feedTokens.endpoints')}
      />
      {tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => tokens.refetch()} />
      ) : (
        <Table<FeedToken>
          size="small"
          rowKey="id"
          loading={tokens.isFetching}
          dataSource={tokens.data}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            { title: t('feedTokens.name'), dataIndex: 'name' },
            {
              title: t('feedTokens.prefix'),
              render: (_, r) => <Typography.Text code>{r.prefix}…</Typography.Text>,
            },
            {
              title: t('feedTokens.createdAt'),
              render: (_, r) => `${dateTime(r.createdAt)} · ${r.createdBy}`,
            },
            {
              title: t('feedTokens.lastUsedAt'),
              render: (_, r) => (r.lastUsedAt ? dateTime(r.lastUsedAt) : t('feedTokens.never')),
            },
            { title: t('feedTokens.uses'), dataIndex: 'uses', align: 'right' },
            {
              title: t('feedTokens.status'),
              render: (_, r) =>
                r.revokedAt ? (
                  <Tag>{`${t('feedTokens.revoked')} ${dateTime(r.revokedAt)}`}</Tag>
                ) : (
                  <Tag color="green">{t('feedTokens.active')}</Tag>
                ),
            },
            {
              title: '',
              render: (_, r) =>
                r.revokedAt ? null : (
                  <Popconfirm
                    title={t('feedTokens.revokeConfirm')}
                    onConfirm={() => revoke.mutate(r.id)}
                  >
                    <Button size="small" danger data-testid={`feed-token-revoke-${r.id}`}>
                      {t('feedTokens.revoke')}
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      )}
      <Modal
        open={creating}
        title={t('feedTokens.create')}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v)}>
          <Form.Item
            name="name"
            label={t('feedTokens.name')}
            rules={[{ required: true, whitespace: true, message: t('app.required') }]}
          >
            <Input
              maxLength={100}
              placeholder={t('feedTokens.namePlaceholder')}
              data-testid="feed-token-name"
            />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={created !== null}
        title={t('feedTokens.createdTitle')}
        footer={(_, { OkBtn }) => <OkBtn />}
        onOk={() => setCreated(null)}
        onCancel={() => setCreated(null)}
      >
        <Typography.Paragraph>{t('feedTokens.createdHelp')}</Typography.Paragraph>
        <Typography.Paragraph code copyable data-testid="feed-token-secret">
          {created?.token}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
