import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Form, Input, Modal, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { dateTime } from '../format.ts';
import { showFieldErrors } from './form-errors.ts';
import { useErrorText } from './states.tsx';

/**
 * The parts every follow-through record's drawer shares (交办事项, 整改, 督办单): the step buttons
 * the server allows, the modal that takes one step with its one text field, and the history.
 * Each drawer says its words and paths; what the steps are and who may take them is the server's.
 */

/** The buttons of the steps the server says the caller may take, in its order. */
export function StepButtons<A extends string>({
  can,
  label,
  primary,
  danger,
  testId,
  onPick,
}: {
  can: readonly A[];
  label: (a: A) => string;
  primary: readonly A[];
  danger: readonly A[];
  testId: (a: A) => string;
  onPick: (a: A) => void;
}) {
  return (
    <Flex gap={8} wrap>
      {can.map((a) => (
        <Button
          key={a}
          type={primary.includes(a) ? 'primary' : 'default'}
          danger={danger.includes(a)}
          onClick={() => onPick(a)}
          data-testid={testId(a)}
        >
          {label(a)}
        </Button>
      ))}
    </Flex>
  );
}

/** One step: a text field (and any the step adds), sent with the version the caller saw. */
export function StepModal({
  title,
  url,
  version,
  field,
  extraFields,
  toBody = (v) => v,
  invalidate,
  doneMessage,
  onClose,
}: {
  title: string;
  url: string;
  version: number;
  field: { name: string; label: string; required: boolean; testId: string };
  /** form items before the text field (a new deadline) */
  extraFields?: ReactNode;
  toBody?: (values: Record<string, unknown>) => Record<string, unknown>;
  /** the queries the step changes */
  invalidate: QueryKey[];
  doneMessage: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const client = useQueryClient();
  const step = useMutation({
    mutationFn: (values: Record<string, unknown>) =>
      api(url, { body: { ...toBody(values), version } }),
    onSuccess: () => {
      message.success(doneMessage);
      for (const queryKey of invalidate) void client.invalidateQueries({ queryKey });
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <Modal
      open
      title={title}
      okText={t('app.confirm')}
      cancelText={t('app.cancel')}
      onCancel={onClose}
      confirmLoading={step.isPending}
      onOk={() => form.submit()}
    >
      <Form form={form} layout="vertical" onFinish={(v) => step.mutate(v)}>
        {extraFields}
        <Form.Item
          name={field.name}
          label={field.label}
          rules={field.required ? [{ required: true, message: t('app.required') }] : []}
        >
          <Input.TextArea rows={4} maxLength={4000} data-testid={field.testId} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type HistoryEvent = { id: number; action: string; actor: string; at: string; note: string | null };

/** The record's history, newest last: who took which step when, with what they wrote. */
export function StepHistory<E extends HistoryEvent>({
  title,
  events,
  label,
  showNote = (e) => e.note !== null,
  extra,
}: {
  title: string;
  events: readonly E[];
  label: (e: E) => string;
  showNote?: (e: E) => boolean;
  extra?: (e: E) => ReactNode;
}) {
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {title}
      </Typography.Title>
      <Timeline
        items={events.map((e) => ({
          key: e.id,
          color: e.action === 'close' ? 'green' : e.action === 'send_back' ? 'red' : 'blue',
          children: (
            <>
              <Typography.Text strong>{label(e)}</Typography.Text>{' '}
              <Typography.Text type="secondary">
                {e.actor} · {dateTime(e.at)}
              </Typography.Text>
              {e.note && showNote(e) && <div>{e.note}</div>}
              {extra?.(e)}
            </>
          ),
        }))}
      />
    </>
  );
}
