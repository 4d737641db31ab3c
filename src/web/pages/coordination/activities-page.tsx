import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Segmented,
  Select,
  Table,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ACTIVITY_KINDS, type ActivityKind } from '../../../domain/activities.ts';
import type { ActivityView } from '../../../server/modules/activities/activities.service.ts';
import { api, type Json } from '../../api.ts';
import { useCan } from '../../auth.tsx';
import { showFieldErrors } from '../../components/form-errors.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { PeriodTag, usePeriodParams } from '../../components/period-tag.tsx';
import { ErrorState, useErrorText } from '../../components/states.tsx';
import { useUnits } from '../../queries.ts';
import { useUrlParams } from '../../url-params.ts';

type Activity = Json<ActivityView>;
type ActivityPage = { items: Activity[]; total: number; page: number; pageSize: number };

/** Records one activity (接待调研、专题学习…): what the half-year summary counts by kind. */
function NewActivity({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const units = useUnits();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Record<string, unknown>) =>
      api<Activity>('/activities', {
        body: { ...v, heldOn: (v.heldOn as Dayjs).format('YYYY-MM-DD') },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['activities'] });
      void client.invalidateQueries({ queryKey: ['stats'] });
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <Modal
      open
      title={t('activities.new')}
      okText={t('app.save')}
      cancelText={t('app.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      width={600}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{ kind: 'delegation' }}
      >
        <Form.Item name="kind" label={t('activities.kind')} rules={[{ required: true }]}>
          <Select
            options={ACTIVITY_KINDS.map((k) => ({ value: k, label: t(`stats.activity.${k}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('activities.title')}
          rules={[{ required: true, message: t('app.required') }]}
        >
          <Input maxLength={200} data-testid="activity-title" />
        </Form.Item>
        <Form.Item
          name="heldOn"
          label={t('activities.heldOn')}
          rules={[{ required: true, message: t('app.required') }]}
        >
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="participants" label={t('activities.participants')}>
          <Input maxLength={1000} />
        </Form.Item>
        <Form.Item name="headcount" label={t('activities.headcount')}>
          <InputNumber min={0} max={100_000} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="unitId" label={t('activities.unit')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
        </Form.Item>
        <Form.Item name="notes" label={t('activities.notes')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 活动: delegations received, study sessions, forums, lectures and consultations, newest first. */
export default function ActivitiesPage() {
  const { t } = useTranslation();
  const [params, set] = useUrlParams();
  const kind = (params.get('kind') ?? undefined) as ActivityKind | undefined;
  const page = Number(params.get('page')) || 1;
  const [creating, setCreating] = useState(false);
  const canWrite = useCan('coordination.write');
  const { from, to } = usePeriodParams();
  const q = useQuery({
    queryKey: ['activities', { kind, from, to, page }],
    queryFn: () =>
      api<ActivityPage>('/activities', { query: { kind, from, to, page, pageSize: 50 } }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader
        title={t('nav.activities')}
        subtitle={q.data && t('activities.total', { count: q.data.total })}
        extra={
          canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('activities.new')}
            </Button>
          )
        }
      />
      <Card>
        <Segmented
          aria-label={t('activities.kind')}
          style={{ marginBottom: 16 }}
          value={kind ?? 'all'}
          onChange={(v) => set({ kind: v === 'all' ? null : String(v), page: null })}
          options={[
            { label: t('app.all'), value: 'all' },
            ...ACTIVITY_KINDS.map((k) => ({ label: t(`stats.activity.${k}`), value: k })),
          ]}
        />
        <PeriodTag />
        {q.isError ? (
          <ErrorState error={q.error} onRetry={() => q.refetch()} />
        ) : (
          <Table<Activity>
            rowKey="id"
            size="middle"
            loading={q.isPending}
            dataSource={q.data?.items}
            pagination={{
              current: page,
              pageSize: 50,
              total: q.data?.total,
              showSizeChanger: false,
              onChange: (p) => set({ page: String(p) }),
            }}
            columns={[
              { title: t('activities.heldOn'), dataIndex: 'heldOn', width: 110 },
              {
                title: t('activities.kind'),
                dataIndex: 'kind',
                width: 140,
                render: (k: ActivityKind) => t(`stats.activity.${k}`),
              },
              { title: t('activities.title'), dataIndex: 'title' },
              { title: t('activities.participants'), dataIndex: 'participants', ellipsis: true },
              {
                title: t('activities.headcount'),
                dataIndex: 'headcount',
                width: 90,
                align: 'right',
              },
            ]}
          />
        )}
      </Card>
      {creating && <NewActivity onClose={() => setCreating(false)} />}
    </>
  );
}
