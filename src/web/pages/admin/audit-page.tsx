import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditView } from '../../../server/modules/audit/audit.service.ts';
import { api, downloadUrl, type Json } from '../../api.ts';
import { useUser } from '../../auth.tsx';
import { useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState } from '../../components/states.tsx';
import { dateTime } from '../../format.ts';

type Entry = Json<AuditView>;
type AuditPage = { items: Entry[]; total: number; page: number; pageSize: number };

const show = (v: unknown) => (v == null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** The audit admin's search over the append-only log, and its CSV export with the same filters. */
export default function AuditPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const me = useUser();
  const [q, setQ] = useState('');
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const query = {
    q: q || undefined,
    actor: actor || undefined,
    action: action || undefined,
    outcome,
    from: range?.[0]?.format('YYYY-MM-DD'),
    to: range?.[1]?.format('YYYY-MM-DD'),
  };
  const log = useQuery({
    queryKey: ['audit', query, page],
    queryFn: () => api<AuditPage>('/audit', { query: { ...query, page, pageSize: 50 } }),
    placeholderData: keepPreviousData,
    enabled: me.accounts,
  });
  if (!me.accounts) {
    return (
      <>
        <PageHeader title={t('admin.auditTitle')} />
        <Alert type="info" showIcon title={t('admin.notAvailable')} />
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={t('admin.auditTitle')}
        subtitle={log.data ? t('admin.auditTotal', { count: log.data.total }) : undefined}
        extra={
          <Button icon={<DownloadOutlined />} href={downloadUrl('/audit/export', query)}>
            {t('admin.auditExport')}
          </Button>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={8}>
          <DatePicker.RangePicker
            aria-label={t('admin.auditFrom')}
            value={range}
            onChange={(v) => {
              setRange(v as [Dayjs | null, Dayjs | null] | null);
              setPage(1);
            }}
          />
          <Input.Search
            allowClear
            placeholder={t('admin.auditActor')}
            aria-label={t('admin.auditActor')}
            style={{ width: 150 }}
            onSearch={(v) => {
              setActor(v);
              setPage(1);
            }}
          />
          <Input.Search
            allowClear
            placeholder={t('admin.auditAction')}
            aria-label={t('admin.auditAction')}
            style={{ width: 170 }}
            onSearch={(v) => {
              setAction(v);
              setPage(1);
            }}
          />
          <Select
            allowClear
            placeholder={t('admin.auditOutcomeAll')}
            aria-label={t('admin.auditResult')}
            value={outcome}
            style={{ width: 120 }}
            options={[
              { value: 'success', label: t('admin.success') },
              { value: 'failure', label: t('admin.failure') },
            ]}
            onChange={(v) => {
              setOutcome(v);
              setPage(1);
            }}
          />
          <Input.Search
            allowClear
            placeholder={t('admin.auditQuery')}
            aria-label={t('admin.auditQuery')}
            style={{ width: 240 }}
            onSearch={(v) => {
              setQ(v);
              setPage(1);
            }}
          />
        </Flex>
      </Card>
      {log.isError ? (
        <ErrorState error={log.error} onRetry={() => log.refetch()} />
      ) : (
        <Table<Entry>
          size="small"
          rowKey="id"
          loading={log.isFetching}
          dataSource={log.data?.items}
          scroll={{ x: 'max-content' }}
          sticky
          pagination={{
            current: page,
            pageSize: 50,
            total: log.data?.total,
            onChange: setPage,
            showSizeChanger: false,
          }}
          expandable={{
            rowExpandable: () => true,
            expandedRowRender: (e) => (
              <Typography.Paragraph style={{ margin: 0, fontFamily: 'monospace', fontSize: 12 }}>
                {e.before != null && <div>before: {show(e.before)}</div>}
                {e.after != null && <div>after: {show(e.after)}</div>}
                {e.detail && <div>detail: {e.detail}</div>}
                <div>
                  action: {e.action}
                  {e.objectType ? ` · ${[e.objectType, e.objectId].filter(Boolean).join(' ')}` : ''}
                </div>
                <div>
                  request: {e.requestId ?? '—'} · {e.route ?? ''}
                </div>
              </Typography.Paragraph>
            ),
          }}
          columns={[
            { title: '#', dataIndex: 'seq', width: 70 },
            { title: t('admin.auditAt'), render: (_, e) => dateTime(e.at) },
            {
              title: t('admin.auditActor'),
              render: (_, e) => (
                <>
                  {e.actorName ?? e.actorId ?? '—'}
                  {e.actorRole && (
                    <div className="reason">
                      {t(`roles.${e.actorRole as 'coordinator'}`, { defaultValue: e.actorRole })}
                    </div>
                  )}
                </>
              ),
            },
            {
              // The server's sentence (who did what to which project); the internal action code
              // stays in the expanded row for the audit admin who searches by it.
              title: t('admin.auditAction'),
              // A bounded width: a long English sentence wraps instead of pushing 结果 and IP off.
              width: 440,
              render: (_, e) => (lang === 'en' ? e.description.en : e.description.zh),
            },
            {
              title: t('admin.auditResult'),
              render: (_, e) =>
                e.outcome === 'success' ? (
                  <Tag color="green">{t('admin.success')}</Tag>
                ) : (
                  <Tag color="red">{t('admin.failure')}</Tag>
                ),
            },
            { title: t('admin.auditIp'), dataIndex: 'ip' },
          ]}
        />
      )}
    </>
  );
}
