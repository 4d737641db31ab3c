import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, DatePicker, Form, Input, Row, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { Decimal } from 'decimal.js';
import { useTranslation } from 'react-i18next';
import { planInput } from '../../../contracts/plans.ts';
import { parseAmount } from '../../../domain/money.ts';
import { api } from '../../api.ts';
import { AmountInput, amountRule } from '../../components/amount-input.tsx';
import { FormDrawer } from '../../components/form-drawer.tsx';
import { showFieldErrors, showZodErrors } from '../../components/form-errors.ts';
import { useLang } from '../../components/level-tag.tsx';
import { useErrorText } from '../../components/states.tsx';
import type { Plan, Project } from '../../types.ts';

const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

type Values = {
  annualTarget: string;
  timingTargets: string[];
  reason?: string;
  effectiveDate?: Dayjs;
};

/** Sets the start-of-year plan, or revises it with a reason (the old one stays in the history). */
export function PlanEditor({
  project,
  year,
  plan,
  onClose,
}: {
  project: Project;
  year: number;
  plan: Plan | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<Plan>(`/projects/${encodeURIComponent(project.code)}/plans/${year}`, {
        method: 'PUT',
        body,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['plan', project.code] });
      void queryClient.invalidateQueries({ queryKey: ['dispatch'] });
      message.success(t('project.planSaved'));
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });

  const spread = () => {
    const annual = parseAmount(form.getFieldValue('annualTarget') ?? '');
    if (!annual) return;
    const total = new Decimal(annual);
    form.setFieldValue(
      'timingTargets',
      Array.from({ length: 12 }, (_, i) =>
        total
          .times(i + 1)
          .dividedBy(12)
          .toFixed(2),
      ),
    );
  };

  const onFinish = (v: Values) => {
    const body = {
      annualTarget: parseAmount(v.annualTarget) ?? v.annualTarget,
      timingTargets: v.timingTargets.map((x) => parseAmount(x ?? '') ?? x),
      reason: plan ? v.reason : undefined,
      effectiveDate: v.effectiveDate?.format('YYYY-MM-DD'),
      version: plan?.version,
    };
    const checked = planInput.safeParse({ ...body, projectId: project.id, year });
    if (!checked.success) {
      showZodErrors(form, checked.error, lang);
      return;
    }
    save.mutate(body);
  };

  return (
    <FormDrawer
      title={`${plan ? t('project.revisePlan') : t('project.setPlan')} · ${project.name} · ${year}`}
      width={640}
      saving={save.isPending}
      onSave={() => form.submit()}
      onClose={onClose}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={{
          annualTarget: plan?.annualTarget ?? '',
          timingTargets: plan?.timingTargets ?? Array.from({ length: 12 }, () => ''),
        }}
      >
        <Form.Item
          name="annualTarget"
          label={`${t('project.annualTarget')}${t('app.paren', { text: t('unit.wan') })}`}
          rules={[
            { required: true, message: t('app.required') },
            amountRule(t('reporting.investmentInvalid')),
          ]}
        >
          <AmountInput />
        </Form.Item>
        <Typography.Paragraph>
          {t('project.timingTargets')}{' '}
          <Button size="small" onClick={spread}>
            {t('project.fillEven')}
          </Button>
        </Typography.Paragraph>
        <Row gutter={12}>
          {MONTHS.map((m, i) => (
            <Col xs={12} sm={8} key={m}>
              <Form.Item
                name={['timingTargets', i]}
                label={t('project.monthTarget', { month: m })}
                rules={[
                  { required: true, message: t('app.required') },
                  amountRule(t('reporting.investmentInvalid')),
                ]}
              >
                <AmountInput showYi={false} size="small" />
              </Form.Item>
            </Col>
          ))}
        </Row>
        {plan && (
          <>
            <Form.Item
              name="reason"
              label={t('project.revisionReason')}
              rules={[{ required: true, message: t('app.required') }]}
            >
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
            <Form.Item name="effectiveDate" label={t('project.effectiveDate')}>
              <DatePicker />
            </Form.Item>
          </>
        )}
      </Form>
    </FormDrawer>
  );
}
