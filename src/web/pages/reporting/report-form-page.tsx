import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Result,
  Space,
  Typography,
} from 'antd';
import { Decimal } from 'decimal.js';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { reportDraftInput } from '../../../contracts/reports.ts';
import { parseAmount } from '../../../domain/money.ts';
import { parseYearMonth } from '../../../domain/periods.ts';
import { api } from '../../api.ts';
import { AmountInput, amountRule } from '../../components/amount-input.tsx';
import { showFieldErrors, showZodErrors } from '../../components/form-errors.ts';
import { useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, PageSpinner, useErrorText } from '../../components/states.tsx';
import { StatusTag } from '../../components/status-tag.tsx';
import { dateTime, monthLabel, pct, previousMonth, wanText } from '../../format.ts';
import { planOrNull } from '../../queries.ts';
import type { Plan, Project, Report } from '../../types.ts';
import { ReportPhotos } from './report-photos.tsx';

type Values = {
  investment: string;
  progressPercent?: number | null;
  progressText?: string;
  problems?: string;
  nextPlan?: string;
};
type LocalDraft = { values: Values; savedAt: number };

/** Text typed on a phone survives a dropped connection, a timeout or a closed tab. */
function draftKey(code: string, ym: string) {
  return `tiaodu.draft.${code}.${ym}`;
}
function readLocal(key: string): LocalDraft | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as LocalDraft) : null;
  } catch {
    return null;
  }
}

/** The month's plan: the increase of the cumulative timing target over the month before. */
function monthPlan(plan: Plan | null | undefined, month: number): string | null {
  if (!plan) return null;
  const now = new Decimal(plan.timingTargets[month - 1] ?? 0);
  const before = month > 1 ? new Decimal(plan.timingTargets[month - 2] ?? 0) : new Decimal(0);
  return now.minus(before).toFixed(2);
}

export default function ReportFormPage() {
  const { code = '', ym = '' } = useParams();
  const period = parseYearMonth(ym);
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const key = draftKey(code, ym);
  const [restored, setRestored] = useState<LocalDraft | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const loaded = useRef(false);

  const project = useQuery({
    queryKey: ['project', code],
    queryFn: () => api<Project>(`/projects/${encodeURIComponent(code)}`),
  });
  const pid = project.data?.id;
  const report = useQuery({
    queryKey: ['reports', 'one', pid, ym],
    queryFn: async () =>
      (
        await api<Report[]>('/reports', { query: { projectId: pid, ...period!, pageSize: 1 } })
      )[0] ?? null,
    enabled: !!pid && !!period,
  });
  const prev = period ? previousMonth(period) : null;
  const last = useQuery({
    queryKey: ['reports', 'one', pid, prev && `${prev.year}-${prev.month}`],
    queryFn: async () =>
      (await api<Report[]>('/reports', { query: { projectId: pid, ...prev!, pageSize: 1 } }))[0] ??
      null,
    enabled: !!pid && !!prev,
  });
  const plan = useQuery({
    queryKey: ['plan', code, period?.year],
    queryFn: ({ signal }) => planOrNull(code, period!.year, signal),
    enabled: !!pid && !!period,
  });

  // Fill the form once: the server's report, unless this device holds newer unsaved text.
  useEffect(() => {
    if (loaded.current || report.isPending || !report.isSuccess) return;
    loaded.current = true;
    const r = report.data;
    const local = readLocal(key);
    const serverAt = r ? Date.parse(r.updatedAt) : 0;
    const editable = !r || r.status === 'draft' || r.status === 'returned';
    if (local && editable && local.savedAt > serverAt) {
      form.setFieldsValue(local.values);
      setRestored(local);
    } else if (r) {
      form.setFieldsValue({
        investment: r.investment,
        progressPercent: r.progressPercent == null ? null : Number(r.progressPercent),
        progressText: r.progressText ?? '',
        problems: r.problems ?? '',
        nextPlan: r.nextPlan ?? '',
      });
    }
  }, [report.isPending, report.isSuccess, report.data, key, form]);

  const save = useMutation({
    mutationFn: async ({ values, submit }: { values: Values; submit: boolean }) => {
      const body = {
        projectId: pid!,
        year: period!.year,
        month: period!.month,
        investment: values.investment,
        progressPercent: values.progressPercent ?? null,
        progressText: values.progressText || null,
        problems: values.problems || null,
        nextPlan: values.nextPlan || null,
        version: report.data?.version,
      };
      let saved = await api<Report>('/reports', { method: 'POST', body });
      if (submit) {
        saved = await api<Report>(`/reports/${saved.id}/submit`, {
          method: 'POST',
          body: { version: saved.version },
        });
      }
      return saved;
    },
    onSuccess: (saved, { submit }) => {
      localStorage.removeItem(key);
      setRestored(null);
      queryClient.setQueryData(['reports', 'one', pid, ym], saved);
      void queryClient.invalidateQueries({ queryKey: ['reports'] });
      if (submit) setSubmitted(true);
      else message.success(t('reporting.draftSaved'));
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });

  const investment = Form.useWatch('investment', form);

  if (!period) return <ErrorState error={new Error(ym)} />;
  if (project.isPending || report.isPending) return <PageSpinner />;
  if (project.isError)
    return <ErrorState error={project.error} onRetry={() => project.refetch()} />;
  if (report.isError) return <ErrorState error={report.error} onRetry={() => report.refetch()} />;

  const p = project.data;
  const r = report.data;
  const editable = !r || r.status === 'draft' || r.status === 'returned';
  const planned = monthPlan(plan.data, period.month);
  const typed = investment ? parseAmount(investment) : null;
  const ratio =
    typed && planned && new Decimal(planned).greaterThan(0)
      ? new Decimal(typed).dividedBy(planned)
      : null;
  const far =
    ratio && (ratio.greaterThan(2) || (ratio.lessThan(0.3) && new Decimal(typed!).greaterThan(0)));
  const month = monthLabel(period, lang);

  if (submitted) {
    return (
      <Result
        status="success"
        title={t('reporting.submittedTitle')}
        subTitle={
          <>
            {p.name} · {month}
            <br />
            {t('reporting.submittedHelp')}
          </>
        }
        extra={
          <Button type="primary" size="large" onClick={() => navigate('/report')}>
            {t('reporting.backToList')}
          </Button>
        }
        data-testid="report-submitted"
      />
    );
  }

  const validate = async (): Promise<Values | null> => {
    try {
      const values = await form.validateFields();
      const checked = reportDraftInput.safeParse({
        projectId: p.id,
        ...period,
        ...values,
      });
      if (!checked.success) {
        showZodErrors(form, checked.error, lang);
        return null;
      }
      return values;
    } catch {
      return null;
    }
  };

  return (
    <div style={{ maxWidth: 720, margin: '0 auto', paddingBottom: 80 }}>
      <PageHeader
        crumbs={[{ title: t('reporting.title'), to: '/report' }, { title: p.code }]}
        title={t('reporting.formTitle', { project: p.name, month })}
        subtitle={r ? <StatusTag status={r.status} /> : t('reportStatus.none')}
      />
      {r?.status === 'returned' && r.returnReason && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={`${t('project.returnReason')}${t('app.colon')}${r.returnReason}`}
          description={t('reporting.returnedHelp')}
          data-testid="return-reason"
        />
      )}
      {!editable && r && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('reporting.readonly', { status: t(`reportStatus.${r.status}`) })}
        />
      )}
      {restored && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('reporting.localDraft', {
            time: dateTime(new Date(restored.savedAt).toISOString()),
          })}
          action={
            <Button
              size="small"
              onClick={() => {
                localStorage.removeItem(key);
                setRestored(null);
                loaded.current = false;
                form.resetFields();
                void report.refetch();
              }}
            >
              {t('reporting.discardLocal')}
            </Button>
          }
        />
      )}
      <Card size="small">
        {last.data && (
          <Typography.Paragraph type="secondary">
            {t('reporting.lastMonth', {
              investment: wanText(last.data.investment),
              progress: pct(last.data.progressPercent),
            })}
          </Typography.Paragraph>
        )}
        <Form<Values>
          form={form}
          layout="vertical"
          disabled={!editable}
          onValuesChange={(_, all) => {
            if (!editable) return;
            try {
              localStorage.setItem(key, JSON.stringify({ values: all, savedAt: Date.now() }));
            } catch {
              // storage full or blocked: the server draft still works
            }
          }}
        >
          <Form.Item
            name="investment"
            label={t('reporting.investment')}
            rules={[
              { required: true, message: t('app.required') },
              amountRule(t('reporting.investmentInvalid')),
            ]}
            extra={planned ? t('reporting.planMonth', { plan: wanText(planned) }) : undefined}
          >
            <AmountInput size="large" data-testid="investment" />
          </Form.Item>
          {far && ratio && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('reporting.farFromPlan', {
                plan: wanText(planned),
                ratio: ratio.toFixed(1),
              })}
              data-testid="far-from-plan"
            />
          )}
          <Form.Item name="progressPercent" label={t('reporting.progressPercent')}>
            <InputNumber
              min={0}
              max={100}
              step={1}
              size="large"
              style={{ width: '100%' }}
              inputMode="decimal"
            />
          </Form.Item>
          <Form.Item name="progressText" label={t('reporting.progressText')}>
            <Input.TextArea rows={3} maxLength={4000} showCount />
          </Form.Item>
          <Form.Item name="problems" label={t('reporting.problems')}>
            <Input.TextArea rows={2} maxLength={4000} />
          </Form.Item>
          <Form.Item name="nextPlan" label={t('reporting.nextPlan')}>
            <Input.TextArea rows={2} maxLength={4000} />
          </Form.Item>
          <Form.Item label={t('reporting.photos')}>
            <ReportPhotos
              reportId={r?.id}
              editable={editable}
              ensureReport={async () => {
                const values = await validate();
                if (!values) return null;
                return (await save.mutateAsync({ values, submit: false })).id;
              }}
            />
          </Form.Item>
        </Form>
        {r && r.status !== 'draft' && (
          <Descriptions
            size="small"
            column={1}
            items={[
              { label: t('review.submittedAt'), children: dateTime(r.submittedAt) },
              ...(r.reviewedAt
                ? [{ label: t('reporting.reviewedAt'), children: dateTime(r.reviewedAt) }]
                : []),
            ]}
          />
        )}
      </Card>
      {editable && (
        <div
          style={{
            position: 'sticky',
            bottom: 0,
            background: '#fff',
            padding: '12px 0',
            borderTop: '1px solid #f0f0f0',
            marginTop: 12,
            zIndex: 5,
          }}
        >
          <Space style={{ width: '100%' }} size={12}>
            <Button
              size="large"
              loading={save.isPending && !save.variables?.submit}
              onClick={async () => {
                const values = await validate();
                if (values) save.mutate({ values, submit: false });
              }}
              data-testid="save-draft"
            >
              {t('reporting.saveDraft')}
            </Button>
            <Button
              size="large"
              type="primary"
              loading={save.isPending && save.variables?.submit}
              onClick={async () => {
                const values = await validate();
                if (!values) return;
                modal.confirm({
                  title: t('reporting.submit'),
                  content: t('reporting.confirmSubmit', { month }),
                  okText: t('app.confirm'),
                  cancelText: t('app.cancel'),
                  onOk: () => save.mutateAsync({ values, submit: true }),
                });
              }}
              data-testid="submit-report"
            >
              {t('reporting.submit')}
            </Button>
          </Space>
        </div>
      )}
    </div>
  );
}
