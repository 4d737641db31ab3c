import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, DatePicker, Form, Input, Row, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { planInput } from '../../../contracts/plans.ts';
import {
  changedMonths,
  defaultEffectiveDate,
  fillEvenly,
  firstMonthFrom,
} from '../../../domain/investment-plan.ts';
import { parseAmount } from '../../../domain/money.ts';
import { isoDateOf } from '../../../domain/periods.ts';
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
  const { message, modal } = App.useApp();
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

  // A revision applies from its effective month: months before it are the past and stay.
  const fromMonth = (): number => {
    if (!plan) return 1;
    const d: Dayjs | undefined = form.getFieldValue('effectiveDate');
    return firstMonthFrom(year, d ? d.format('YYYY-MM-DD') : isoDateOf(new Date()));
  };
  const monthList = (months: number[]) =>
    months.map((m) => t('project.monthTarget', { month: m })).join(lang === 'en' ? ', ' : '、');

  const spread = () => {
    const from = fromMonth();
    const current: string[] = form.getFieldValue('timingTargets') ?? [];
    const filled =
      from > 12 ? null : fillEvenly(form.getFieldValue('annualTarget') ?? '', current, from);
    if (!filled) {
      message.warning(t('project.fillEvenImpossible'));
      return;
    }
    // Replacing what someone typed is asked first; untouched empty months are simply filled.
    const replaced = changedMonths(current, filled).filter((m) => (current[m - 1] ?? '') !== '');
    const apply = () => form.setFieldValue('timingTargets', filled);
    if (replaced.length === 0) return apply();
    modal.confirm({
      title: t('project.fillEvenConfirm'),
      content: (
        <>
          <div>{t('project.fillEvenReplaces', { months: monthList(replaced) })}</div>
          {from > 1 && <div>{t('project.fillEvenKeeps', { month: from })}</div>}
        </>
      ),
      okText: t('project.fillEven'),
      cancelText: t('app.cancel'),
      onOk: apply,
    });
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
    // A revision may correct months already past (it has a reason and the old plan stays in the
    // history), but never silently: name those months and ask.
    const from = fromMonth();
    const past = plan
      ? changedMonths(plan.timingTargets, v.timingTargets).filter((m) => m < from)
      : [];
    if (past.length === 0) return save.mutate(body);
    modal.confirm({
      title: t('project.pastMonthsConfirm'),
      content: t('project.pastMonthsChanged', { months: monthList(past) }),
      okText: t('app.save'),
      cancelText: t('app.cancel'),
      onOk: () => save.mutate(body),
    });
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
          // Inside the plan's year: a 2024 revision made today takes effect in 2024.
          effectiveDate: dayjs(defaultEffectiveDate(year, isoDateOf(new Date()))),
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
          <Button size="small" onClick={spread} data-testid="fill-even">
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
            <Form.Item
              name="effectiveDate"
              label={t('project.effectiveDate')}
              extra={t('project.effectiveDateHelp')}
            >
              <DatePicker
                allowClear={false}
                disabledDate={(d) => d.year() !== year}
                defaultPickerValue={dayjs(`${year}-01-01`)}
                data-testid="effective-date"
              />
            </Form.Item>
          </>
        )}
      </Form>
    </FormDrawer>
  );
}
