import { useQuery } from '@tanstack/react-query';
import { DatePicker, Descriptions, Drawer, Form, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActionItemAction } from '../../../domain/action-item-workflow.ts';
import { api } from '../../api.ts';
import { AttachmentList } from '../../components/attachment-list.tsx';
import { ErrorState, PageSpinner } from '../../components/states.tsx';
import { StepButtons, StepHistory, StepModal } from '../../components/workflow-steps.tsx';
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
          <StepButtons
            can={item.can}
            label={(a) => t(`coord.action.${a}`)}
            primary={PRIMARY}
            danger={['send_back', 'reject_extension']}
            testId={(a) => `step-${a}`}
            onPick={setStep}
          />
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
          <AttachmentList
            parentKind="action_item"
            parentId={item.id}
            parentVersion={item.version}
          />
          <StepHistory
            title={t('coord.history')}
            events={item.events}
            label={(e) =>
              e.action === 'assign'
                ? t('coord.assigned')
                : t(`coord.action.${e.action as ActionItemAction}`)
            }
            extra={(e) =>
              e.deadlineBefore &&
              e.deadlineAfter &&
              e.deadlineBefore !== e.deadlineAfter && (
                <div>
                  {t('coord.deadlineMoved', { from: e.deadlineBefore, to: e.deadlineAfter })}
                </div>
              )
            }
          />
          {step && (
            <StepModal
              title={t(`coord.action.${step}`)}
              url={`/action-items/${item.id}/${PATH[step]}`}
              version={item.version}
              field={{
                name: FIELD[step].name,
                label: t(`coord.field.${FIELD[step].name}` as 'coord.field.note'),
                required: FIELD[step].required,
                testId: `step-${FIELD[step].name}`,
              }}
              extraFields={
                step === 'request_extension' && (
                  <Form.Item
                    name="deadline"
                    label={t('coord.newDeadline')}
                    rules={[{ required: true, message: t('app.required') }]}
                  >
                    <DatePicker style={{ width: '100%' }} />
                  </Form.Item>
                )
              }
              toBody={(v) =>
                v.deadline ? { ...v, deadline: (v.deadline as Dayjs).format('YYYY-MM-DD') } : v
              }
              invalidate={[['action-items'], ['action-item', item.id], ['meeting']]}
              doneMessage={t('coord.done', { step: t(`coord.action.${step}`) })}
              onClose={() => setStep(null)}
            />
          )}
        </>
      )}
    </Drawer>
  );
}
