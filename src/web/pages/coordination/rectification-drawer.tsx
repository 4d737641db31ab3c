import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  AutoComplete,
  DatePicker,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  Select,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  RECTIFICATION_SOURCES,
  type RectificationAction,
} from '../../../domain/rectification-workflow.ts';
import { api } from '../../api.ts';
import { AttachmentList } from '../../components/attachment-list.tsx';
import { FormDrawer } from '../../components/form-drawer.tsx';
import { showFieldErrors } from '../../components/form-errors.ts';
import { ErrorState, PageSpinner, useErrorText } from '../../components/states.tsx';
import { StepButtons, StepHistory, StepModal } from '../../components/workflow-steps.tsx';
import { useUnits } from '../../queries.ts';
import type { ProjectPage } from '../../types.ts';
import type { Rectification, RectificationDetail } from './rectification-types.ts';

const PATH: Record<RectificationAction, string> = {
  answer: 'answer',
  report_done: 'report-done',
  close: 'close',
  send_back: 'send-back',
};
/** The one text field each step asks for, and whether it is required. */
const FIELD: Record<RectificationAction, { name: string; required: boolean }> = {
  answer: { name: 'progress', required: true },
  report_done: { name: 'evidence', required: true },
  close: { name: 'note', required: false },
  send_back: { name: 'reason', required: true },
};
const PRIMARY: RectificationAction[] = ['answer', 'report_done', 'close'];

/** The overdue mark, as the server computed it: red with the days. */
export function RectificationOverdueTag({
  task,
}: {
  task: Pick<Rectification, 'overdue' | 'daysOverdue'>;
}) {
  const { t } = useTranslation();
  if (!task.overdue) return null;
  return (
    <Tag color="red" data-testid="overdue-tag">
      {t('coord.overdueDays', { count: task.daysOverdue })}
    </Tag>
  );
}

export function RectificationStatusTag({ task }: { task: Pick<Rectification, 'status'> }) {
  const { t } = useTranslation();
  const color =
    task.status === 'closed' ? 'green' : task.status === 'reported_done' ? 'blue' : 'default';
  return <Tag color={color}>{t(`rect.status.${task.status}`)}</Tag>;
}

/** One task: the finding, the measures, the unit's answers, and the steps the server allows. */
export function RectificationDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<RectificationAction | null>(null);
  const q = useQuery({
    queryKey: ['rectification', id],
    queryFn: () => api<RectificationDetail>(`/rectifications/${id}`),
  });
  const task = q.data;
  return (
    <Drawer
      open
      onClose={onClose}
      size={Math.min(720, window.innerWidth)}
      title={t('rect.title')}
      extra={
        task && (
          <StepButtons
            can={task.can}
            label={(a) => t(`rect.action.${a}`)}
            primary={PRIMARY}
            danger={['send_back']}
            testId={(a) => `rect-step-${a}`}
            onPick={setStep}
          />
        )
      }
    >
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : !task ? (
        <PageSpinner />
      ) : (
        // Focusable, so a keyboard can scroll a long task's history: a drawer of text alone has
        // nothing else to stop at (WCAG 2.1.1, axe scrollable-region-focusable).
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus
        <section tabIndex={0} aria-label={t('rect.title')}>
          <Typography.Paragraph strong style={{ fontSize: 16 }}>
            {task.finding}
          </Typography.Paragraph>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                label: t('rect.status.label'),
                children: (
                  <>
                    <RectificationStatusTag task={task} /> <RectificationOverdueTag task={task} />
                  </>
                ),
              },
              {
                label: t('rect.source'),
                children: `${t(`rect.sources.${task.source}`)} · ${task.sourceName}`,
              },
              {
                label: t('rect.measures'),
                children: <span style={{ whiteSpace: 'pre-wrap' }}>{task.measures}</span>,
              },
              { label: t('rect.unit'), children: task.responsibleUnitName },
              { label: t('rect.project'), children: task.projectName ?? '—' },
              { label: t('rect.issuedOn'), children: task.issuedOn },
              { label: t('rect.deadline'), children: task.deadline },
              { label: t('rect.progress'), children: task.progress ?? '—' },
              { label: t('rect.evidence'), children: task.evidence ?? '—' },
            ]}
          />
          <AttachmentList
            parentKind="rectification"
            parentId={task.id}
            parentVersion={task.version}
            title={t('attachments.evidence')}
          />
          <StepHistory
            title={t('rect.history')}
            events={task.events}
            label={(e) =>
              e.action === 'issue'
                ? t('rect.issued')
                : t(`rect.action.${e.action as RectificationAction}`)
            }
          />
          {step && (
            <StepModal
              title={t(`rect.action.${step}`)}
              url={`/rectifications/${task.id}/${PATH[step]}`}
              version={task.version}
              field={{
                name: FIELD[step].name,
                label: t(`rect.field.${FIELD[step].name}` as 'rect.field.note'),
                required: FIELD[step].required,
                testId: `rect-step-${FIELD[step].name}`,
              }}
              invalidate={[['rectifications'], ['rectification', task.id]]}
              doneMessage={t('rect.done', { step: t(`rect.action.${step}`) })}
              onClose={() => setStep(null)}
            />
          )}
        </section>
      )}
    </Drawer>
  );
}

const day = (d: Dayjs) => d.format('YYYY-MM-DD');

/** The office issues a task: source, finding, measures, unit, deadline (a project if any). */
export function NewRectification({
  sourceNames,
  onClose,
  onCreated,
}: {
  sourceNames: string[];
  onClose: () => void;
  onCreated: (id: number) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const units = useUnits();
  const projects = useQuery({
    queryKey: ['projects', 'choices'],
    queryFn: () => api<ProjectPage>('/projects', { query: { pageSize: 500 } }),
  });
  const { message } = App.useApp();
  const errorText = useErrorText();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Record<string, unknown>) =>
      api<RectificationDetail>('/rectifications', {
        body: {
          ...v,
          deadline: day(v.deadline as Dayjs),
          ...(v.issuedOn ? { issuedOn: day(v.issuedOn as Dayjs) } : {}),
        },
      }),
    onSuccess: (r) => {
      void client.invalidateQueries({ queryKey: ['rectifications'] });
      onCreated(r.id);
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  const required = [{ required: true, message: t('app.required') }];
  return (
    <FormDrawer
      title={t('rect.new')}
      width={640}
      saving={save.isPending}
      onSave={() => form.submit()}
      onClose={onClose}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{ source: 'inspection' }}
      >
        <Form.Item name="source" label={t('rect.source')} rules={required}>
          <Select
            options={RECTIFICATION_SOURCES.map((s) => ({
              value: s,
              label: t(`rect.sources.${s}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="sourceName"
          label={t('rect.sourceName')}
          extra={t('rect.sourceNameHelp')}
          rules={required}
        >
          <AutoComplete
            options={sourceNames.map((n) => ({ value: n }))}
            filterOption={(input, o) => String(o?.value ?? '').includes(input)}
          >
            <Input maxLength={200} data-testid="rect-source-name" />
          </AutoComplete>
        </Form.Item>
        <Form.Item name="finding" label={t('rect.finding')} rules={required}>
          <Input.TextArea rows={3} maxLength={4000} data-testid="rect-finding" />
        </Form.Item>
        <Form.Item name="measures" label={t('rect.measures')} rules={required}>
          <Input.TextArea rows={3} maxLength={4000} data-testid="rect-measures" />
        </Form.Item>
        <Form.Item name="responsibleUnitId" label={t('rect.unit')} rules={required}>
          <Select
            showSearch
            optionFilterProp="label"
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
            data-testid="rect-unit"
          />
        </Form.Item>
        <Form.Item name="projectId" label={t('rect.project')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            options={(projects.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
          />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item name="issuedOn" label={t('rect.issuedOn')} style={{ flex: 1 }}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item
            name="deadline"
            label={t('rect.deadline')}
            rules={required}
            style={{ flex: 1 }}
          >
            <DatePicker style={{ width: '100%' }} data-testid="rect-deadline" />
          </Form.Item>
        </Flex>
      </Form>
    </FormDrawer>
  );
}
