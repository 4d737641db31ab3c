import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  List,
  Modal,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MEETING_KINDS } from '../../../domain/meetings.ts';
import { api } from '../../api.ts';
import { useCan } from '../../auth.tsx';
import { AttachmentList } from '../../components/attachment-list.tsx';
import { showFieldErrors } from '../../components/form-errors.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { PeriodTag, usePeriodParams } from '../../components/period-tag.tsx';
import { ErrorState, PageSpinner, useErrorText } from '../../components/states.tsx';
import { useUnits } from '../../queries.ts';
import { useUrlParams } from '../../url-params.ts';
import { ActionItemLinks } from './action-item-list.tsx';
import type { Meeting, MeetingFull, MeetingPage } from './coordination-types.ts';

const day = (d: Dayjs) => d.format('YYYY-MM-DD');

function NewMeeting({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (id: number) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const units = useUnits();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Record<string, unknown>) =>
      api<Meeting>('/meetings', { body: { ...v, heldOn: day(v.heldOn as Dayjs) } }),
    onSuccess: (m) => {
      void client.invalidateQueries({ queryKey: ['meetings'] });
      onCreated(m.id);
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <Modal
      open
      title={t('coord.newMeeting')}
      okText={t('app.save')}
      cancelText={t('app.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      width={640}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{ kind: 'coordination', unitIds: [] }}
      >
        <Form.Item name="kind" label={t('coord.kind')} rules={[{ required: true }]}>
          <Select
            options={MEETING_KINDS.map((k) => ({ value: k, label: t(`coord.kinds.${k}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('coord.title')}
          rules={[{ required: true, message: t('app.required') }]}
        >
          <Input maxLength={200} data-testid="meeting-title" />
        </Form.Item>
        <Form.Item
          name="heldOn"
          label={t('coord.heldOn')}
          rules={[{ required: true, message: t('app.required') }]}
        >
          <DatePicker style={{ width: '100%' }} data-testid="meeting-date" />
        </Form.Item>
        <Form.Item name="chair" label={t('coord.chair')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="unitIds" label={t('coord.units')}>
          <Select
            mode="multiple"
            optionFilterProp="label"
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
            data-testid="meeting-units"
          />
        </Form.Item>
        <Form.Item name="minutes" label={t('coord.minutes')} extra={t('coord.minutesHelp')}>
          <Input.TextArea rows={6} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function NewItem({ meeting, onClose }: { meeting: MeetingFull; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const units = useUnits();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Record<string, unknown>) =>
      api('/action-items', {
        body: { ...v, meetingId: meeting.id, deadline: day(v.deadline as Dayjs) },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['meeting', meeting.id] });
      void client.invalidateQueries({ queryKey: ['action-items'] });
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <Modal
      open
      title={t('coord.newItem')}
      okText={t('app.save')}
      cancelText={t('app.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
    >
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Form.Item
          name="responsibleUnitId"
          label={t('coord.unit')}
          rules={[{ required: true, message: t('app.required') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
            data-testid="item-unit"
          />
        </Form.Item>
        <Form.Item
          name="content"
          label={t('coord.content')}
          rules={[{ required: true, message: t('app.required') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} data-testid="item-content" />
        </Form.Item>
        <Form.Item
          name="deadline"
          label={t('coord.deadline')}
          rules={[{ required: true, message: t('app.required') }]}
        >
          <DatePicker style={{ width: '100%' }} data-testid="item-deadline" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function MeetingDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const q = useQuery({
    queryKey: ['meeting', id],
    queryFn: () => api<MeetingFull>(`/meetings/${id}`),
  });
  const m = q.data;
  return (
    <Drawer
      open
      onClose={onClose}
      size={Math.min(820, window.innerWidth)}
      title={m?.title ?? t('nav.meetings')}
      extra={
        m?.can.addActionItem && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setAdding(true)}
            data-testid="add-item"
          >
            {t('coord.newItem')}
          </Button>
        )
      }
    >
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : !m ? (
        <PageSpinner />
      ) : (
        <>
          <Descriptions
            size="small"
            column={2}
            items={[
              { label: t('coord.kind'), children: t(`coord.kinds.${m.kind}`) },
              { label: t('coord.heldOn'), children: m.heldOn },
              { label: t('coord.chair'), children: m.chair ?? '—' },
              { label: t('coord.location'), children: m.location ?? '—' },
              {
                label: t('coord.units'),
                span: 2,
                children: m.units.map((u) => u.name).join('、') || '—',
              },
            ]}
          />
          <Typography.Title level={5}>{t('coord.minutes')}</Typography.Title>
          {m.minutesParagraphs.length === 0 ? (
            <Typography.Text type="secondary">—</Typography.Text>
          ) : (
            m.minutesParagraphs.map((p, i) => (
              // plain text paragraphs: never HTML, so nothing pasted can run
              // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs have no identity but their place
              <Typography.Paragraph key={i}>{p}</Typography.Paragraph>
            ))
          )}
          <AttachmentList parentKind="meeting" parentId={m.id} parentVersion={m.version} />
          <Typography.Title level={5}>
            {t('coord.problems', { count: m.problems.length })}
          </Typography.Title>
          <List
            size="small"
            dataSource={m.problems}
            locale={{ emptyText: '—' }}
            renderItem={(p) => (
              <List.Item>
                <Tag>{t(`coord.category.${p.category}`)}</Tag> {p.description}{' '}
                <Tag
                  color={
                    p.status === 'resolved' ? 'green' : p.status === 'escalated' ? 'red' : 'gold'
                  }
                >
                  {t(`coord.problemStatus.${p.status}`)}
                </Tag>
              </List.Item>
            )}
          />
          <Typography.Title level={5}>
            {t('coord.items', { count: m.actionItems.length })}
          </Typography.Title>
          <ActionItemLinks items={m.actionItems} />
          {adding && <NewItem meeting={m} onClose={() => setAdding(false)} />}
        </>
      )}
    </Drawer>
  );
}

/** 会议: meetings with their minutes, the problems they discussed and the items they assigned. */
export default function MeetingsPage() {
  const { t } = useTranslation();
  const [params, set] = useUrlParams();
  const [creating, setCreating] = useState(false);
  const canWrite = useCan('coordination.write');
  const kind = params.get('kind') ?? undefined;
  const { from, to } = usePeriodParams();
  const open = Number(params.get('id')) || null;
  const page = Number(params.get('page')) || 1;
  const q = useQuery({
    queryKey: ['meetings', { kind, from, to, page }],
    queryFn: () => api<MeetingPage>('/meetings', { query: { kind, from, to, page, pageSize: 50 } }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader
        title={t('nav.meetings')}
        subtitle={q.data && t('coord.meetingTotal', { count: q.data.total })}
        extra={
          canWrite && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="new-meeting"
            >
              {t('coord.newMeeting')}
            </Button>
          )
        }
      />
      <Card>
        <Select
          allowClear
          style={{ minWidth: 180, marginBottom: 16 }}
          placeholder={t('coord.kind')}
          value={kind}
          onChange={(v) => set({ kind: v ?? null, page: null })}
          options={MEETING_KINDS.map((k) => ({ value: k, label: t(`coord.kinds.${k}`) }))}
        />
        <PeriodTag />
        {q.isError ? (
          <ErrorState error={q.error} onRetry={() => q.refetch()} />
        ) : (
          <Table<Meeting>
            rowKey="id"
            loading={q.isPending}
            dataSource={q.data?.items}
            sticky
            scroll={{ x: 900 }}
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
              { title: t('coord.heldOn'), dataIndex: 'heldOn', width: 110 },
              {
                title: t('coord.kind'),
                dataIndex: 'kind',
                width: 130,
                render: (v: Meeting['kind']) => <Tag>{t(`coord.kinds.${v}`)}</Tag>,
              },
              { title: t('coord.title'), dataIndex: 'title' },
              {
                title: t('coord.units'),
                render: (_, r) => r.units.map((u) => u.name).join('、') || '—',
              },
              { title: t('coord.chair'), dataIndex: 'chair', width: 160, render: (v) => v ?? '—' },
            ]}
          />
        )}
      </Card>
      {open && <MeetingDrawer id={open} onClose={() => set({ id: null })} />}
      {creating && (
        <NewMeeting
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
