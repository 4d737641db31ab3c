import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, DatePicker, Form, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import {
  MILESTONE_KINDS,
  type MilestoneKind,
  STANDARD_MILESTONES,
} from '../../../domain/milestones.ts';
import { api } from '../../api.ts';
import { FormDrawer } from '../../components/form-drawer.tsx';
import { showFieldErrors } from '../../components/form-errors.ts';
import { useLang } from '../../components/level-tag.tsx';
import { useErrorText } from '../../components/states.tsx';
import type { MilestoneWithChanges, Project } from '../../types.ts';

type Values = {
  kind: MilestoneKind;
  name?: string;
  plannedDate?: Dayjs | null;
  actualDate?: Dayjs | null;
  reason?: string;
};

export function milestoneKindName(kind: MilestoneKind, lang: 'zh-CN' | 'en', custom: string) {
  const std = STANDARD_MILESTONES.find((m) => m.kind === kind);
  return std ? (lang === 'en' ? std.en : std.zh) : custom;
}

/** Adds a milestone or edits one; moving a planned date asks why (kept as a slip). */
export function MilestoneEditor({
  project,
  milestone,
  onClose,
}: {
  project: Project;
  milestone: MilestoneWithChanges | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const kind = Form.useWatch('kind', form);
  const planned = Form.useWatch('plannedDate', form);
  const plannedMoved =
    !!milestone?.plannedDate && (planned?.format('YYYY-MM-DD') ?? null) !== milestone.plannedDate;

  const save = useMutation({
    mutationFn: (v: Values) => {
      const dates = {
        plannedDate: v.plannedDate ? v.plannedDate.format('YYYY-MM-DD') : null,
        actualDate: v.actualDate ? v.actualDate.format('YYYY-MM-DD') : null,
      };
      return milestone
        ? api(`/milestones/${milestone.id}`, {
            method: 'PATCH',
            body: {
              ...dates,
              name: milestone.kind === 'custom' ? v.name : undefined,
              reason: v.reason || undefined,
              version: milestone.version,
            },
          })
        : api(`/projects/${encodeURIComponent(project.code)}/milestones`, {
            method: 'POST',
            body: { kind: v.kind, name: v.kind === 'custom' ? v.name : undefined, ...dates },
          });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['milestones', project.code] });
      void queryClient.invalidateQueries({ queryKey: ['dispatch'] });
      message.success(t('project.milestoneSaved'));
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });

  return (
    <FormDrawer
      title={milestone ? `${t('app.edit')} · ${milestone.name}` : t('project.addMilestone')}
      width={480}
      saving={save.isPending}
      onSave={() => form.submit()}
      onClose={onClose}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={
          milestone
            ? {
                kind: milestone.kind,
                name: milestone.name,
                plannedDate: milestone.plannedDate ? dayjs(milestone.plannedDate) : null,
                actualDate: milestone.actualDate ? dayjs(milestone.actualDate) : null,
              }
            : { kind: 'start' }
        }
      >
        <Form.Item name="kind" label={t('project.milestoneKind')}>
          <Select
            disabled={!!milestone}
            options={MILESTONE_KINDS.map((k) => ({
              value: k,
              label: milestoneKindName(k, lang, lang === 'en' ? 'Custom' : '自定义'),
            }))}
          />
        </Form.Item>
        {kind === 'custom' && (
          <Form.Item
            name="name"
            label={t('project.milestoneName')}
            rules={[{ required: true, message: t('app.required') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
        )}
        <Form.Item name="plannedDate" label={t('project.plannedDate')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="actualDate" label={t('project.actualDate')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        {milestone && (
          <Form.Item
            name="reason"
            label={t('project.changeReason')}
            rules={plannedMoved ? [{ required: true, message: t('app.required') }] : []}
          >
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        )}
      </Form>
    </FormDrawer>
  );
}
