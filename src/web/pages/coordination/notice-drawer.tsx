import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
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
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NoticeAction, NoticeStatus } from '../../../domain/notice-workflow.ts';
import { api } from '../../api.ts';
import { showFieldErrors } from '../../components/form-errors.ts';
import { useLang } from '../../components/level-tag.tsx';
import { ErrorState, PageSpinner, useErrorText } from '../../components/states.tsx';
import { dateTime, LEVEL_COLOR } from '../../format.ts';
import type { Notice, NoticeDetail } from './notice-types.ts';

const PATH: Record<NoticeAction, string> = {
  answer: 'answer',
  close: 'close',
  send_back: 'send-back',
};
/** The one text field each step asks for, and whether it is required. */
const FIELD: Record<NoticeAction, { name: 'measures' | 'note' | 'reason'; required: boolean }> = {
  answer: { name: 'measures', required: true },
  close: { name: 'note', required: false },
  send_back: { name: 'reason', required: true },
};

export function NoticeStatusTag({ status }: { status: NoticeStatus }) {
  const { t } = useTranslation();
  const color = status === 'closed' ? 'green' : status === 'answered' ? 'blue' : 'default';
  return <Tag color={color}>{t(`notice.status.${status}`)}</Tag>;
}

/** The escalation mark, as the server computed it: unanswered past the deadline. */
export function EscalatedTag({ notice }: { notice: Pick<Notice, 'escalated'> }) {
  const { t } = useTranslation();
  if (!notice.escalated) return null;
  return (
    <Tag color="red" data-testid="escalated-tag">
      {t('notice.escalated')}
    </Tag>
  );
}

function StepModal({
  notice,
  action,
  onClose,
}: {
  notice: NoticeDetail;
  action: NoticeAction;
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
      api<NoticeDetail>(`/supervision-notices/${notice.id}/${PATH[action]}`, {
        body: { ...values, version: notice.version },
      }),
    onSuccess: () => {
      message.success(t('notice.done', { step: t(`notice.action.${action}`) }));
      void client.invalidateQueries({ queryKey: ['notices'] });
      void client.invalidateQueries({ queryKey: ['notice', notice.id] });
      void client.invalidateQueries({ queryKey: ['warnings'] });
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <Modal
      open
      title={t(`notice.action.${action}`)}
      okText={t('app.confirm')}
      cancelText={t('app.cancel')}
      onCancel={onClose}
      confirmLoading={step.isPending}
      onOk={() => form.submit()}
    >
      <Form form={form} layout="vertical" onFinish={(v) => step.mutate(v)}>
        <Form.Item
          name={field.name}
          label={t(`notice.field.${field.name}`)}
          rules={field.required ? [{ required: true, message: t('app.required') }] : []}
        >
          <Input.TextArea rows={4} maxLength={4000} data-testid={`notice-${field.name}`} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** One notice: what is asked and why, the unit's answers, and the steps the server allows. */
export function NoticeDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const [step, setStep] = useState<NoticeAction | null>(null);
  const q = useQuery({
    queryKey: ['notice', id],
    queryFn: () => api<NoticeDetail>(`/supervision-notices/${id}`),
  });
  const n = q.data;
  return (
    <Drawer
      open
      onClose={onClose}
      size={Math.min(720, window.innerWidth)}
      title={n ? n.number : t('notice.title')}
      extra={
        n && (
          <Flex gap={8} wrap>
            {n.can.map((a) => (
              <Button
                key={a}
                type={a === 'send_back' ? 'default' : 'primary'}
                danger={a === 'send_back'}
                onClick={() => setStep(a)}
                data-testid={`notice-step-${a}`}
              >
                {t(`notice.action.${a}`)}
              </Button>
            ))}
          </Flex>
        )
      }
    >
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : !n ? (
        <PageSpinner />
      ) : (
        <>
          <Typography.Paragraph strong style={{ fontSize: 16 }}>
            {n.content}
          </Typography.Paragraph>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                label: t('notice.statusLabel'),
                children: (
                  <>
                    <NoticeStatusTag status={n.status} /> <EscalatedTag notice={n} />
                  </>
                ),
              },
              { label: t('notice.project'), children: `${n.projectName}（${n.projectCode}）` },
              { label: t('notice.unit'), children: n.unitName },
              {
                label: t('notice.source'),
                children: n.warningPeriod
                  ? t('notice.fromWarning', { month: n.warningPeriod })
                  : t('notice.manual'),
              },
              { label: t('notice.issuedOn'), children: n.issuedOn },
              { label: t('notice.deadline'), children: n.deadline },
              {
                label: t('notice.reasons'),
                children:
                  n.reasons.length === 0
                    ? '—'
                    : n.reasons.map((r) => (
                        <div key={r.zh}>
                          {r.level && (
                            <span
                              className="level-dot"
                              style={{ background: LEVEL_COLOR[r.level] }}
                            />
                          )}
                          {lang === 'en' ? r.en : r.zh}
                        </div>
                      )),
              },
              { label: t('notice.measures'), children: n.measures ?? '—' },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('notice.history')}
          </Typography.Title>
          <Timeline
            items={n.events.map((e) => ({
              key: e.id,
              color: e.action === 'close' ? 'green' : e.action === 'send_back' ? 'red' : 'blue',
              children: (
                <>
                  <Typography.Text strong>
                    {e.action === 'issue'
                      ? t('notice.issued')
                      : t(`notice.action.${e.action as NoticeAction}`)}
                  </Typography.Text>{' '}
                  <Typography.Text type="secondary">
                    {e.actor} · {dateTime(e.at)}
                  </Typography.Text>
                  {e.note && e.action !== 'issue' && <div>{e.note}</div>}
                </>
              ),
            }))}
          />
          {step && <StepModal notice={n} action={step} onClose={() => setStep(null)} />}
        </>
      )}
    </Drawer>
  );
}

/**
 * 发督办单: one click from a warning (red, or a long yellow one proposed), after a confirmation.
 * Shown only where the server said the caller may.
 */
export function IssueNoticeButton({
  projectCode,
  projectName,
  month,
}: {
  projectCode: string;
  projectName: string;
  month: string;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const errorText = useErrorText();
  const client = useQueryClient();
  const issue = useMutation({
    mutationFn: () =>
      api<Notice>('/supervision-notices/from-warning', { body: { projectCode, month } }),
    onSuccess: (n) => {
      message.success(t('notice.issuedAs', { number: n.number }));
      void client.invalidateQueries({ queryKey: ['warnings'] });
      void client.invalidateQueries({ queryKey: ['notices'] });
    },
    onError: (e) => message.error(errorText(e)),
  });
  return (
    <Button
      size="small"
      danger
      loading={issue.isPending}
      data-testid="issue-notice"
      onClick={() =>
        modal.confirm({
          title: t('notice.issueConfirm', { project: projectName }),
          content: t('notice.issueHelp'),
          okText: t('notice.issue'),
          cancelText: t('app.cancel'),
          onOk: () => issue.mutateAsync(),
        })
      }
    >
      {t('notice.issue')}
    </Button>
  );
}
