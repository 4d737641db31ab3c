import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  Modal,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActionItemAction } from '../../../domain/action-item-workflow.ts';
import { api } from '../../api.ts';
import { showFieldErrors } from '../../components/form-errors.ts';
import { ErrorState, PageSpinner, useErrorText } from '../../components/states.tsx';
import { dateTime } from '../../format.ts';
import type { ActionItem, ActionItemDetail } from './coordination-types.ts';

const PATH: Record<ActionItemAction, string> = {
  answer: 'answer',
  request_extension: 'request-extension',
  approve_extension: 'approve-extension',
  reject_extension: 'reject-extension',
  report_done: 'report-done',
  close: 'close',
  send_back: 'send-back',
};
/** The one text field each step asks for, and whether it is required. */
const FIELD: Record<ActionItemAction, { name: string; required: boolean }> = {
  answer: { name: 'progress', required: true },
  request_extension: { name: 'reason', required: true },
  approve_extension: { name: 'note', required: false },
  reject_extension: { name: 'reason', required: true },
  report_done: { name: 'note', required: true },
  close: { name: 'note', required: false },
  send_back: { name: 'reason', required: true },
};
const PRIMARY: ActionItemAction[] = ['answer', 'report_done', 'close', 'approve_extension'];

/** The overdue mark, as the server computed it: red with the days. */
export function OverdueTag({ item }: { item: Pick<ActionItem, 'overdue' | 'daysOverdue'> }) {
  const { t } = useTranslation();
  if (!item.overdue) return null;
  return (
    <Tag color="red" data-testid="overdue-tag">
      {t('coord.overdueDays', { count: item.daysOverdue })}
    </Tag>
  );
}

export function StatusTag({ item }: { item: Pick<ActionItem, 'status'> }) {
  const { t } = useTranslation();
  const color =
    item.status === 'closed'
      ? 'green'
      : item.status === 'reported_done'
        ? 'blue'
        : item.status === 'extension_requested'
          ? 'gold'
          : 'default';
  return <Tag color={color}>{t(`coord.status.${item.status}`)}</Tag>;
}

function StepModal({
  item,
  action,
  onClose,
}: {
  item: ActionItemDetail;
  action: ActionItemAction;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const client = useQueryClient();
  const field = FIELD[action];
  const step = useMutation({
    mutationFn: (values: Record<string, unknown>) =>
      api<ActionItemDetail>(`/action-items/${item.id}/${PATH[action]}`, {
        body: {
          ...values,
          ...(values.deadline ? { deadline: (values.deadline as Dayjs).format('YYYY-MM-DD') } : {}),
          version: item.version,
        },
      }),
    onSuccess: () => {
      message.success(t('coord.done', { step: t(`coord.action.${action}`) }));
      void client.invalidateQueries({ queryKey: ['action-items'] });
      void client.invalidateQueries({ queryKey: ['action-item', item.id] });
      void client.invalidateQueries({ queryKey: ['meeting'] });
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <Modal
      open
      title={t(`coord.action.${action}`)}
      okText={t('app.confirm')}
      cancelText={t('app.cancel')}
      onCancel={onClose}
      confirmLoading={step.isPending}
      onOk={() => form.submit()}
    >
      <Form form={form} layout="vertical" onFinish={(v) => step.mutate(v)}>
        {action === 'request_extension' && (
          <Form.Item
            name="deadline"
            label={t('coord.newDeadline')}
            rules={[{ required: true, message: t('app.required') }]}
          >
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        )}
        <Form.Item
          name={field.name}
          label={t(`coord.field.${field.name}` as 'coord.field.note')}
          rules={field.required ? [{ required: true, message: t('app.required') }] : []}
        >
          <Input.TextArea rows={4} maxLength={4000} data-testid={`step-${field.name}`} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** One item: what was assigned, its history, and the steps the server says the caller may take. */
export function ActionItemDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<ActionItemAction | null>(null);
  const q = useQuery({
    queryKey: ['action-item', id],
    queryFn: () => api<ActionItemDetail>(`/action-items/${id}`),
  });
  const item = q.data;
  return (
    <Drawer
      open
      onClose={onClose}
      size={Math.min(720, window.innerWidth)}
      title={t('coord.itemTitle')}
      extra={
        item && (
          <Flex gap={8} wrap>
            {item.can.map((a) => (
              <Button
                key={a}
                type={PRIMARY.includes(a) ? 'primary' : 'default'}
                danger={a === 'send_back' || a === 'reject_extension'}
                onClick={() => setStep(a)}
                data-testid={`step-${a}`}
              >
                {t(`coord.action.${a}`)}
              </Button>
            ))}
          </Flex>
        )
      }
    >
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : !item ? (
        <PageSpinner />
      ) : (
        <>
          <Typography.Paragraph strong style={{ fontSize: 16 }}>
            {item.content}
          </Typography.Paragraph>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                label: t('coord.status.label'),
                children: (
                  <>
                    <StatusTag item={item} /> <OverdueTag item={item} />
                  </>
                ),
              },
              { label: t('coord.unit'), children: item.responsibleUnitName },
              { label: t('coord.project'), children: item.projectName ?? '—' },
              { label: t('coord.meeting'), children: item.meetingTitle ?? '—' },
              { label: t('coord.assignedOn'), children: item.assignedOn },
              {
                label: t('coord.deadline'),
                children: (
                  <>
                    {item.deadline}
                    {item.requestedDeadline &&
                      t('coord.requested', { date: item.requestedDeadline })}
                  </>
                ),
              },
              { label: t('coord.progress'), children: item.progress ?? '—' },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('coord.history')}
          </Typography.Title>
          <Timeline
            items={item.events.map((e) => ({
              key: e.id,
              color: e.action === 'close' ? 'green' : e.action === 'send_back' ? 'red' : 'blue',
              children: (
                <>
                  <Typography.Text strong>
                    {e.action === 'assign'
                      ? t('coord.assigned')
                      : t(`coord.action.${e.action as ActionItemAction}`)}
                  </Typography.Text>{' '}
                  <Typography.Text type="secondary">
                    {e.actor} · {dateTime(e.at)}
                  </Typography.Text>
                  {e.note && <div>{e.note}</div>}
                  {e.deadlineBefore && e.deadlineAfter && e.deadlineBefore !== e.deadlineAfter && (
                    <div>
                      {t('coord.deadlineMoved', { from: e.deadlineBefore, to: e.deadlineAfter })}
                    </div>
                  )}
                </>
              ),
            }))}
          />
          {step && <StepModal item={item} action={step} onClose={() => setStep(null)} />}
        </>
      )}
    </Drawer>
  );
}
