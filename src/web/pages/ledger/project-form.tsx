import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Col, DatePicker, Form, Input, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { projectInput } from '../../../contracts/projects.ts';
import { PROJECT_PHASES } from '../../../domain/milestones.ts';
import { api } from '../../api.ts';
import { AmountInput, amountRule } from '../../components/amount-input.tsx';
import { FormDrawer } from '../../components/form-drawer.tsx';
import { showFieldErrors, showZodErrors } from '../../components/form-errors.ts';
import { useLang } from '../../components/level-tag.tsx';
import { useErrorText } from '../../components/states.tsx';
import { useAreas, useCategories, useUnits } from '../../queries.ts';
import type { Project } from '../../types.ts';

type Values = {
  code: string;
  name: string;
  areaId?: number;
  categoryId?: number;
  tags: string[];
  ownerUnitId?: number;
  phase: Project['phase'];
  totalInvestment?: string;
  plannedStart?: Dayjs;
  plannedFinish?: Dayjs;
  location?: string;
  remarks?: string;
};

const day = (v?: string | null) => (v ? dayjs(v) : undefined);

/** New project or edit of one, checked with the same zod contract the API uses. */
export function ProjectForm({
  project,
  onClose,
  onSaved,
}: {
  project?: Project;
  onClose: () => void;
  onSaved: (p: Project) => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const areas = useAreas();
  const units = useUnits();
  const categories = useCategories();

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      project
        ? api<Project>(`/projects/${encodeURIComponent(project.code)}`, {
            method: 'PATCH',
            body: { ...body, version: project.version },
          })
        : api<Project>('/projects', { method: 'POST', body }),
    onSuccess: (p) => {
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
      void queryClient.invalidateQueries({ queryKey: ['project', p.code] });
      message.success(project ? t('ledger.updated') : t('ledger.created'));
      onSaved(p);
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });

  const onFinish = (v: Values) => {
    const body = {
      code: v.code,
      name: v.name,
      areaId: v.areaId ?? null,
      categoryId: v.categoryId ?? null,
      tags: v.tags ?? [],
      ownerUnitId: v.ownerUnitId ?? null,
      phase: v.phase,
      totalInvestment: v.totalInvestment ? v.totalInvestment : null,
      plannedStart: v.plannedStart?.format('YYYY-MM-DD') ?? null,
      plannedFinish: v.plannedFinish?.format('YYYY-MM-DD') ?? null,
      location: v.location || null,
      remarks: v.remarks || null,
    };
    const checked = projectInput.safeParse(body);
    if (!checked.success) {
      showZodErrors(form, checked.error, lang);
      return;
    }
    save.mutate(body);
  };

  return (
    <FormDrawer
      title={project ? `${t('app.edit')} · ${project.name}` : t('ledger.newProject')}
      width={720}
      saving={save.isPending}
      onSave={() => form.submit()}
      onClose={onClose}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={
          project
            ? {
                code: project.code,
                name: project.name,
                areaId: project.areaId ?? undefined,
                categoryId: project.categoryId ?? undefined,
                tags: project.tags,
                ownerUnitId: project.ownerUnitId ?? undefined,
                phase: project.phase,
                totalInvestment: project.totalInvestment ?? undefined,
                plannedStart: day(project.plannedStart),
                plannedFinish: day(project.plannedFinish),
                location: project.location ?? undefined,
                remarks: project.remarks ?? undefined,
              }
            : { tags: [], phase: 'preparation' }
        }
      >
        <Row gutter={16}>
          <Col xs={24} sm={8}>
            <Form.Item
              name="code"
              label={t('ledger.code')}
              rules={[{ required: true, message: t('app.required') }]}
            >
              <Input maxLength={64} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={16}>
            <Form.Item
              name="name"
              label={t('ledger.name')}
              rules={[{ required: true, message: t('app.required') }]}
            >
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="areaId" label={t('ledger.area')}>
              <Select
                allowClear
                options={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="categoryId" label={t('ledger.category')}>
              <Select
                allowClear
                options={(categories.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="ownerUnitId" label={t('ledger.ownerUnit')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="phase" label={t('ledger.phase')}>
              <Select options={PROJECT_PHASES.map((p) => ({ value: p, label: t(`phase.${p}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="tags" label={t('ledger.tags')} extra={t('ledger.tagsHelp')}>
              <Select mode="tags" tokenSeparators={[',', '，', ' ']} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="totalInvestment"
              label={t('ledger.totalInvestment')}
              rules={[amountRule(t('reporting.investmentInvalid'))]}
            >
              <AmountInput />
            </Form.Item>
          </Col>
          <Col xs={12} sm={6}>
            <Form.Item name="plannedStart" label={t('ledger.plannedStart')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} sm={6}>
            <Form.Item name="plannedFinish" label={t('ledger.plannedFinish')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="location" label={t('ledger.location')}>
              <Input maxLength={500} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="remarks" label={t('ledger.remarks')}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </FormDrawer>
  );
}
