import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Drawer, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NoticeAction, NoticeStatus } from '../../../domain/notice-workflow.ts';
import { api } from '../../api.ts';
import { AttachmentList } from '../../components/attachment-list.tsx';
import { useLang } from '../../components/level-tag.tsx';
import { ErrorState, PageSpinner, useErrorText } from '../../components/states.tsx';
import { StepButtons, StepHistory, StepModal } from '../../components/workflow-steps.tsx';
import { LEVEL_COLOR } from '../../format.ts';
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
          <StepButtons
            can={n.can}
            label={(a) => t(`notice.action.${a}`)}
            primary={['answer', 'close']}
            danger={['send_back']}
            testId={(a) => `notice-step-${a}`}
            onPick={setStep}
          />
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
          <AttachmentList
            parentKind="supervision_notice"
            parentId={n.id}
            parentVersion={n.version}
          />
          <StepHistory
            title={t('notice.history')}
            events={n.events}
            label={(e) =>
              e.action === 'issue'
                ? t('notice.issued')
                : t(`notice.action.${e.action as NoticeAction}`)
            }
            // the issue's note is the notice's content, shown above
            showNote={(e) => e.action !== 'issue'}
          />
          {step && (
            <StepModal
              title={t(`notice.action.${step}`)}
              url={`/supervision-notices/${n.id}/${PATH[step]}`}
              version={n.version}
              field={{
                name: FIELD[step].name,
                label: t(`notice.field.${FIELD[step].name}`),
                required: FIELD[step].required,
                testId: `notice-${FIELD[step].name}`,
              }}
              invalidate={[['notices'], ['notice', n.id], ['warnings']]}
              doneMessage={t('notice.done', { step: t(`notice.action.${step}`) })}
              onClose={() => setStep(null)}
            />
          )}
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
