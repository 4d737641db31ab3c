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
import type { ReportReference } from '../../../server/modules/reports/report-reference.ts';
import { api, type Json } from '../../api.ts';
import { useUser } from '../../auth.tsx';
import { AmountInput, amountRule } from '../../components/amount-input.tsx';
import { showFieldErrors, showZodErrors } from '../../components/form-errors.ts';
import { useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, PageSpinner, useErrorText } from '../../components/states.tsx';
import { StatusTag } from '../../components/status-tag.tsx';
import { dateTime, monthLabel, pct, wanText } from '../../format.ts';
import type { Project, Report } from '../../types.ts';
import {
  draftKey,
  type LocalDraft as LocalDraftOf,
  readDraft,
  removeDraft,
  writeDraft,
} from './report-drafts.ts';
import { ReportPhotos } from './report-photos.tsx';

type Values = {
  investment: string;
  progressPercent?: number | null;
  progressText?: string;
  problems?: string;
  nextPlan?: string;
};
type LocalDraft = LocalDraftOf<Values>;

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
  const user = useUser();
  const key = draftKey(user.id, code, ym);
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
  // The last report handed in and the month's plan, from the server: the same for a new month
  // as for a returned one, whichever month the last report was.
  const reference = useQuery({
    queryKey: ['report-reference', pid, ym],
    queryFn: ({ signal }) =>
      api<Json<ReportReference>>('/reports/reference', {
        query: { projectId: pid!, month: ym },
        signal,
      }),
    enabled: !!pid && !!period,
  });

  // Fill the form once: the server's report, unless this device holds newer unsaved text.
  useEffect(() => {
    if (loaded.current || report.isPending || !report.isSuccess) return;
    loaded.current = true;
    const r = report.data;
    const local = readDraft<Values>(key);
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
        // 0: no report yet. A save over a newer one is a 409 naming who saved it (shown below).
        version: report.data?.version ?? 0,
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
      removeDraft(key);
      setRestored(null);
      queryClient.setQueryData(['reports', 'one', pid, ym], saved);
      void queryClient.invalidateQueries({ queryKey: ['reports'] });
      // the counts of reports not handed in (my reports page, the dashboard) move with it
      void queryClient.invalidateQueries({ queryKey: ['dispatch'] });
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
  const last = reference.data?.lastReport;
  const planned = reference.data?.plan?.monthTarget ?? null;
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
        version: r?.version ?? 0,
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
                removeDraft(key);
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
        {reference.data && (
          <Typography.Paragraph type="secondary" data-testid="report-reference">
            {last
              ? t('reporting.lastReport', {
                  month: monthLabel(last, lang),
                  investment: wanText(last.investment),
                  progress: pct(last.progressPercent),
                })
              : t('reporting.noLastReport')}
            <br />
            {reference.data.plan
              ? t('reporting.planYear', {
                  annual: wanText(reference.data.plan.annualTarget),
                  cumulative: wanText(reference.data.plan.cumulativeTarget),
                  actual: wanText(reference.data.actualBefore),
                })
              : t('reporting.noPlanYear', { year: period.year })}
          </Typography.Paragraph>
        )}
        <Form<Values>
          form={form}
          layout="vertical"
          disabled={!editable}
          onValuesChange={(_, all) => {
            if (!editable) return;
            writeDraft(key, all);
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
