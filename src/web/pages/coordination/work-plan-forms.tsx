import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { WORK_PLAN_ITEM_STATUSES } from '../../../domain/work-plans.ts';
import type {
  WorkPlanDetail,
  WorkPlanItemView,
} from '../../../server/modules/work-plans/work-plans.service.ts';
import type { WorkPlanImportResult } from '../../../server/modules/work-plans/work-plans.workbook.ts';
import { api, type Json } from '../../api.ts';
import { FormDrawer } from '../../components/form-drawer.tsx';
import { showFieldErrors } from '../../components/form-errors.ts';
import { useErrorText } from '../../components/states.tsx';
import { useAreas, useUnits } from '../../queries.ts';

export type WorkPlan = Json<WorkPlanDetail>;
export type WorkPlanItem = Json<WorkPlanItemView>;
export type WorkPlanImport = WorkPlanImportResult;

// Preset colours whose text the theme darkens to 4.5:1 on their tints (app.tsx); antd's status
// colours ('success' …) put #52c41a on its tint at 2.2:1.
const STATUS_COLOR: Record<WorkPlanItem['shownStatus'], string> = {
  not_started: 'default',
  in_progress: 'blue',
  done: 'green',
  delayed: 'red',
};

/** The status the server computed (滞后 included), in its colour. */
export function WorkPlanStatusTag({ item }: { item: WorkPlanItem }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLOR[item.shownStatus]}>{t(`wp.status.${item.shownStatus}`)}</Tag>;
}

/** A new plan: name, area, year, and its themes one per line. */
export function NewWorkPlan({
  onClose,
  onMade,
}: {
  onClose: () => void;
  onMade: (id: number) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm();
  const areas = useAreas();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Record<string, unknown>) =>
      api<WorkPlan>('/work-plans', {
        body: {
          name: v.name,
          areaId: v.areaId ?? null,
          year: v.year,
          themes: String(v.themes ?? '')
            .split('\n')
            .map((s) => s.trim())
            .filter(Boolean),
        },
      }),
    onSuccess: (plan) => {
      void client.invalidateQueries({ queryKey: ['work-plans'] });
      message.success(t('wp.saved'));
      onMade(plan.id);
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <FormDrawer
      title={t('wp.new')}
      width={520}
      saving={save.isPending}
      onSave={() => form.submit()}
      onClose={onClose}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{ year: new Date().getFullYear() }}
      >
        <Form.Item name="name" label={t('wp.name')} rules={[{ required: true }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="areaId" label={t('wp.area')}>
          <Select
            allowClear
            options={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
          />
        </Form.Item>
        <Form.Item name="year" label={t('wp.year')} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} />
        </Form.Item>
        <Form.Item name="themes" label={t('wp.themes')} extra={t('wp.themesHelp')}>
          <Input.TextArea rows={6} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

/** The plan itself: name, area, year, and its themes in order (renamed, moved, added, removed). */
export function EditWorkPlan({ plan, onClose }: { plan: WorkPlan; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm();
  const areas = useAreas();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Record<string, unknown>) =>
      api<WorkPlan>(`/work-plans/${plan.id}`, {
        method: 'PATCH',
        body: { ...v, areaId: v.areaId ?? null, version: plan.version },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['work-plans'] });
      message.success(t('wp.saved'));
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <FormDrawer
      title={t('wp.edit')}
      width={520}
      saving={save.isPending}
      onSave={() => form.submit()}
      onClose={onClose}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{
          name: plan.name,
          areaId: plan.areaId ?? undefined,
          year: plan.year,
          themes: plan.themeList.map((th) => ({ id: th.id, name: th.name })),
        }}
      >
        <Form.Item name="name" label={t('wp.name')} rules={[{ required: true }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="areaId" label={t('wp.area')}>
          <Select
            allowClear
            options={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
          />
        </Form.Item>
        <Form.Item name="year" label={t('wp.year')} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} />
        </Form.Item>
        <Typography.Text strong>{t('wp.themes')}</Typography.Text>
        <Form.List name="themes">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space.Compact key={f.key} style={{ width: '100%', marginTop: 8 }}>
                  <Form.Item name={[f.name, 'id']} hidden>
                    <Input />
                  </Form.Item>
                  <Form.Item name={[f.name, 'name']} noStyle rules={[{ required: true }]}>
                    <Input maxLength={100} />
                  </Form.Item>
                  <Button onClick={() => remove(f.name)}>{t('wp.removeTheme')}</Button>
                </Space.Compact>
              ))}
              <Button
                type="dashed"
                block
                style={{ marginTop: 8 }}
                onClick={() => add({ name: '' })}
              >
                {t('wp.addTheme')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </FormDrawer>
  );
}

/**
 * One item: the office edits any field, the responsible unit its status and progress; which of
 * the two the form offers comes from the item's `can` list.
 */
export function WorkPlanItemDrawer({
  plan,
  item,
  onClose,
}: {
  plan: WorkPlan;
  /** null: a new item (the office) */
  item: WorkPlanItem | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm();
  const units = useUnits();
  const client = useQueryClient();
  const edit = item === null || item.can.includes('edit');
  const progressOnly = item !== null && !edit && item.can.includes('progress');
  const readOnly = item !== null && item.can.length === 0;
  const save = useMutation({
    mutationFn: (v: Record<string, unknown>) => {
      const codes = String(v.projectCodes ?? '')
        .split(/[、,，;；\s]+/)
        .filter(Boolean);
      if (item === null)
        return api<WorkPlanItem>(`/work-plans/${plan.id}/items`, {
          body: { ...v, projectCodes: codes },
        });
      if (progressOnly)
        return api<WorkPlanItem>(`/work-plan-items/${item.id}/progress`, {
          body: { status: v.status, progress: v.progress ?? null, version: item.version },
        });
      return api<WorkPlanItem>(`/work-plan-items/${item.id}`, {
        method: 'PATCH',
        body: { ...v, projectCodes: codes, version: item.version },
      });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['work-plans'] });
      message.success(t('wp.saved'));
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  const title = item ? t('wp.itemTitle', { seq: item.seq }) : t('wp.newItem');
  const facts = item && (
    <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
      <Descriptions.Item label={t('wp.theme')}>{item.themeName}</Descriptions.Item>
      <Descriptions.Item label={t('wp.content')}>{item.content}</Descriptions.Item>
      <Descriptions.Item label={t('wp.unit')}>{item.responsibleUnitName}</Descriptions.Item>
      <Descriptions.Item label={t('wp.deadline')}>
        {item.deadline} <WorkPlanStatusTag item={item} />
      </Descriptions.Item>
      <Descriptions.Item label={t('wp.projects')}>
        {item.projects.map((p) => p.name).join('、') || '—'}
      </Descriptions.Item>
      {readOnly && (
        <Descriptions.Item label={t('wp.progress')}>{item.progress ?? '—'}</Descriptions.Item>
      )}
    </Descriptions>
  );
  if (readOnly) {
    return (
      <FormDrawer title={title} width={560} saving={false} onSave={onClose} onClose={onClose}>
        {facts}
      </FormDrawer>
    );
  }
  return (
    <FormDrawer
      title={title}
      width={560}
      saving={save.isPending}
      onSave={() => form.submit()}
      onClose={onClose}
    >
      {progressOnly && facts}
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={
          item
            ? { ...item, projectCodes: item.projects.map((p) => p.code).join('、') }
            : { status: 'not_started', themeId: plan.themeList[0]?.id }
        }
      >
        {edit && (
          <>
            <Form.Item name="themeId" label={t('wp.theme')} rules={[{ required: true }]}>
              <Select options={plan.themeList.map((th) => ({ value: th.id, label: th.name }))} />
            </Form.Item>
            <Form.Item name="content" label={t('wp.content')} rules={[{ required: true }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
            <Form.Item name="responsibleUnitId" label={t('wp.unit')} rules={[{ required: true }]}>
              <Select
                showSearch
                optionFilterProp="label"
                options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
              />
            </Form.Item>
            <Form.Item
              name="deadline"
              label={t('wp.deadline')}
              extra={t('wp.deadlineHelp')}
              rules={[{ required: true }]}
            >
              <Input placeholder="2023-09-30 / 2023-09" />
            </Form.Item>
            <Form.Item name="projectCodes" label={t('wp.projects')} extra={t('wp.projectsHelp')}>
              <Input />
            </Form.Item>
          </>
        )}
        <Form.Item name="status" label={t('wp.statusLabel')} rules={[{ required: true }]}>
          <Select
            options={WORK_PLAN_ITEM_STATUSES.map((s) => ({ value: s, label: t(`wp.status.${s}`) }))}
          />
        </Form.Item>
        <Form.Item name="progress" label={t('wp.progress')}>
          <Input.TextArea rows={4} maxLength={4000} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

/** What an import would do (or did), or every problem with its cell. */
export function ImportOutcome({ result }: { result: WorkPlanImport }) {
  const { t } = useTranslation();
  if (!result.ok) {
    return (
      <>
        <Typography.Paragraph type="danger">
          {t('wp.importRefused', { count: result.errorCount })}
        </Typography.Paragraph>
        <ul style={{ maxHeight: 240, overflow: 'auto' }}>
          {result.errors.map((e) => (
            <li key={`${e.sheet}-${e.row}-${e.column}-${e.code}`}>
              {[
                e.sheet,
                e.row && t('wp.rowN', { row: e.row }),
                e.column && t('wp.colN', { col: e.column }),
              ]
                .filter(Boolean)
                .join(' ')}
              {e.value ? ` “${e.value}”` : ''}：{e.reason}
            </li>
          ))}
        </ul>
      </>
    );
  }
  return (
    <Typography.Paragraph>
      {t(result.dryRun ? 'wp.importPreview' : 'wp.importDone', result.summary)}
      {result.themesCreated.length > 0 &&
        ` ${t('wp.importThemes', { themes: result.themesCreated.join('、') })}`}
    </Typography.Paragraph>
  );
}
