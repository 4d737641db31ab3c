import { SaveOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  InputNumber,
  Segmented,
  Select,
  Table,
  Tabs,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { NOTICE_STATUSES } from '../../../domain/notice-workflow.ts';
import { api } from '../../api.ts';
import { useCan } from '../../auth.tsx';
import { showFieldErrors } from '../../components/form-errors.ts';
import { reasonText, useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, PageSpinner, useErrorText } from '../../components/states.tsx';
import { LEVEL_COLOR } from '../../format.ts';
import { useUrlParams } from '../../url-params.ts';
import {
  EscalatedTag,
  IssueNoticeButton,
  NoticeDrawer,
  NoticeStatusTag,
} from './notice-drawer.tsx';
import type { Notice, NoticePage, NoticeProposals, NoticeSettings } from './notice-types.ts';

/** The notices a list shows: number, project, unit, dates, state; a row opens the drawer. */
export function NoticeTable({
  data,
  loading,
  onOpen,
  pagination,
}: {
  data: Notice[] | undefined;
  loading: boolean;
  onOpen: (id: number) => void;
  pagination?: false | { current: number; total?: number; onChange: (p: number) => void };
}) {
  const { t } = useTranslation();
  return (
    <Table<Notice>
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={data}
      scroll={{ x: 1000 }}
      sticky
      rowClassName={(r) => (r.escalated ? 'row-overdue' : '')}
      onRow={(r) => ({ onClick: () => onOpen(r.id), style: { cursor: 'pointer' } })}
      pagination={
        pagination === false
          ? { pageSize: 20, hideOnSinglePage: true }
          : pagination && {
              current: pagination.current,
              pageSize: 50,
              total: pagination.total,
              showSizeChanger: false,
              onChange: pagination.onChange,
            }
      }
      columns={[
        { title: t('notice.number'), dataIndex: 'number', fixed: 'left', width: 190 },
        {
          title: t('notice.project'),
          width: 220,
          render: (_, r) => (
            <Link
              to={`/projects/${encodeURIComponent(r.projectCode)}?tab=notices`}
              onClick={(e) => e.stopPropagation()}
            >
              {r.projectName}
            </Link>
          ),
        },
        { title: t('notice.unit'), dataIndex: 'unitName', width: 160 },
        {
          title: t('notice.source'),
          width: 130,
          render: (_, r) =>
            r.warningPeriod
              ? t('notice.fromWarning', { month: r.warningPeriod })
              : t('notice.manual'),
        },
        { title: t('notice.issuedOn'), dataIndex: 'issuedOn', width: 110 },
        {
          title: t('notice.deadline'),
          width: 190,
          render: (_, r) => (
            <>
              {r.deadline} <EscalatedTag notice={r} />
            </>
          ),
        },
        {
          title: t('notice.statusLabel'),
          width: 130,
          render: (_, r) => <NoticeStatusTag status={r.status} />,
        },
      ]}
    />
  );
}

function NoticeList({ onOpen }: { onOpen: (id: number) => void }) {
  const { t } = useTranslation();
  const [params, set] = useUrlParams();
  const status = params.get('status') ?? undefined;
  const escalated = params.get('escalated') === 'true';
  const page = Number(params.get('page')) || 1;
  const q = useQuery({
    queryKey: ['notices', { status, escalated, page }],
    queryFn: () =>
      api<NoticePage>('/supervision-notices', {
        query: { status, escalated: escalated ? 'true' : undefined, page, pageSize: 50 },
      }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
        <Segmented
          value={escalated ? 'escalated' : 'all'}
          onChange={(v) => set({ escalated: v === 'escalated' ? 'true' : null, page: null })}
          options={[
            { label: t('app.all'), value: 'all' },
            { label: t('notice.escalatedOnly'), value: 'escalated' },
          ]}
        />
        <Select
          allowClear
          style={{ minWidth: 160 }}
          placeholder={t('notice.statusLabel')}
          aria-label={t('notice.statusLabel')}
          value={status}
          onChange={(v) => set({ status: v ?? null, page: null })}
          options={NOTICE_STATUSES.map((s) => ({ value: s, label: t(`notice.status.${s}`) }))}
        />
        {q.data && (
          <Typography.Text type="secondary">
            {t('notice.summary', { total: q.data.total, escalated: q.data.escalated })}
          </Typography.Text>
        )}
      </Flex>
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <NoticeTable
          data={q.data?.items}
          loading={q.isPending}
          onOpen={onOpen}
          pagination={{
            current: page,
            total: q.data?.total,
            onChange: (p) => set({ page: String(p) }),
          }}
        />
      )}
    </>
  );
}

/** 建议督办: projects yellow month after month, with the one-click notice where allowed. */
function Proposals() {
  const { t } = useTranslation();
  const lang = useLang();
  const q = useQuery({
    queryKey: ['notices', 'proposals'],
    queryFn: () => api<NoticeProposals>('/supervision-notices/proposals'),
  });
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  return (
    <>
      {q.data && (
        <Typography.Paragraph type="secondary">
          {t('notice.proposalsHelp', { months: q.data.attentionMonths, month: q.data.month })}
        </Typography.Paragraph>
      )}
      <Table
        rowKey="projectId"
        size="middle"
        loading={q.isPending}
        dataSource={q.data?.items}
        scroll={{ x: 900 }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('notice.noProposals') }}
        columns={[
          {
            title: t('notice.project'),
            fixed: 'left',
            width: 220,
            render: (_, r) => (
              <Link to={`/projects/${encodeURIComponent(r.code)}?tab=warnings`}>{r.name}</Link>
            ),
          },
          { title: t('notice.unit'), width: 160, render: (_, r) => r.ownerUnit ?? '—' },
          { title: t('notice.months'), width: 160, render: (_, r) => r.months.join('、') },
          {
            title: t('notice.reasons'),
            render: (_, r) =>
              r.reasons
                .filter((x) => x.level !== 'green')
                .map((x) => (
                  <div key={`${x.rule}-${x.zh}`}>
                    <span className="level-dot" style={{ background: LEVEL_COLOR[x.level] }} />
                    {reasonText(x, lang)}
                  </div>
                )),
          },
          {
            title: t('app.actions'),
            width: 120,
            render: (_, r) =>
              r.canIssueNotice &&
              q.data && (
                <IssueNoticeButton projectCode={r.code} projectName={r.name} month={q.data.month} />
              ),
          },
        ]}
      />
    </>
  );
}

function SettingsForm() {
  const { t } = useTranslation();
  const canEdit = useCan('settings.write');
  const { message } = App.useApp();
  const errorText = useErrorText();
  const client = useQueryClient();
  const [form] = Form.useForm<NoticeSettings>();
  const q = useQuery({
    queryKey: ['notice-settings'],
    queryFn: () => api<NoticeSettings>('/settings/notices'),
  });
  const save = useMutation({
    mutationFn: (body: NoticeSettings) =>
      api<NoticeSettings>('/settings/notices', { method: 'PUT', body }),
    onSuccess: (v) => {
      client.setQueryData(['notice-settings'], v);
      void client.invalidateQueries({ queryKey: ['notices'] });
      message.success(t('notice.settingsSaved'));
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  if (q.isPending) return <PageSpinner />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  return (
    <Form<NoticeSettings>
      form={form}
      layout="vertical"
      disabled={!canEdit}
      initialValues={q.data}
      onFinish={(v) => save.mutate({ ...q.data, ...v })}
      style={{ maxWidth: 480 }}
    >
      <Form.Item
        name="numberPattern"
        label={t('notice.pattern')}
        extra={t('notice.patternHelp')}
        rules={[{ required: true, message: t('app.required') }]}
      >
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="attentionMonths" label={t('notice.attentionMonths')}>
        <InputNumber min={1} max={12} style={{ width: 160 }} />
      </Form.Item>
      {canEdit && (
        <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={save.isPending}>
          {t('app.save')}
        </Button>
      )}
    </Form>
  );
}

/** 督办单: the notices the caller may see (a reporter: its own unit's), escalated ones in red. */
export default function NoticesPage() {
  const { t } = useTranslation();
  const [params, set] = useUrlParams();
  const open = Number(params.get('id')) || null;
  const tab = params.get('tab') ?? 'list';
  return (
    <>
      <PageHeader title={t('nav.notices')} subtitle={t('notice.subtitle')} />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => set({ tab: k === 'list' ? null : k, page: null })}
          items={[
            {
              key: 'list',
              label: t('notice.list'),
              children: <NoticeList onOpen={(id) => set({ id: String(id) })} />,
            },
            { key: 'proposals', label: t('notice.proposals'), children: <Proposals /> },
            { key: 'settings', label: t('notice.settings'), children: <SettingsForm /> },
          ]}
        />
      </Card>
      {open && <NoticeDrawer id={open} onClose={() => set({ id: null })} />}
    </>
  );
}
