import { CheckOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tooltip,
} from 'antd';
import { Decimal } from 'decimal.js';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { returnInput } from '../../../contracts/reports.ts';
import { formatYearMonth } from '../../../domain/periods.ts';
import { api } from '../../api.ts';
import { pickLang } from '../../components/form-errors.ts';
import { InertWhenHidden } from '../../components/inert-when-hidden.tsx';
import { LevelToneTag, useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { EmptyState, ErrorState, useErrorText } from '../../components/states.tsx';
import { dateTime, monthLabel, pct, percent, previousMonth, wanText } from '../../format.ts';
import { planOrNull } from '../../queries.ts';
import type { Plan, Report } from '../../types.ts';
import { ReportPhotos } from '../reporting/report-photos.tsx';

/** Photos are only looked at here; there is never a report to create. */
const noReport = async () => null;

type Hint = { key: string; text: string; level: 'yellow' | 'red' };
type Row = Report & { last?: Report; plan?: Plan | null; hints: Hint[] };

const PAGE_SIZE = 20;

/** Plausibility hints a reviewer should look at before approving. */
function hintsFor(
  r: Report,
  last: Report | undefined,
  plan: Plan | null | undefined,
  t: TFunction,
): Hint[] {
  const hints: Hint[] = [];
  const inv = new Decimal(r.investment);
  if (plan === null) hints.push({ key: 'noPlan', text: t('review.hintNoPlan'), level: 'yellow' });
  if (plan) {
    const now = new Decimal(plan.timingTargets[r.month - 1] ?? 0);
    const before = r.month > 1 ? new Decimal(plan.timingTargets[r.month - 2] ?? 0) : new Decimal(0);
    const monthPlan = now.minus(before);
    if (monthPlan.greaterThan(0) && inv.dividedBy(monthPlan).greaterThan(2)) {
      hints.push({
        key: 'farAbove',
        text: t('review.hintFarAbove', { ratio: inv.dividedBy(monthPlan).toFixed(1) }),
        level: inv.dividedBy(monthPlan).greaterThan(5) ? 'red' : 'yellow',
      });
    }
    if (inv.greaterThan(plan.annualTarget)) {
      hints.push({ key: 'overAnnual', text: t('review.hintOverAnnual'), level: 'red' });
    }
  }
  if (inv.isZero()) hints.push({ key: 'zero', text: t('review.hintZero'), level: 'yellow' });
  if (
    last?.progressPercent != null &&
    r.progressPercent != null &&
    Number(r.progressPercent) < Number(last.progressPercent)
  ) {
    hints.push({
      key: 'backwards',
      text: t('review.hintBackwards', { last: last.progressPercent }),
      level: 'red',
    });
  }
  return hints;
}

export default function ReviewPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<number[]>([]);
  const [returning, setReturning] = useState<Row[] | null>(null);
  const [page, setPage] = useState(1);
  const [form] = Form.useForm<{ reason: string }>();

  const queue = useQuery({
    queryKey: ['reports', 'queue'],
    queryFn: () => api<Report[]>('/reports', { query: { status: 'submitted', pageSize: 500 } }),
  });
  const months = useMemo(
    () => [...new Set((queue.data ?? []).map((r) => formatYearMonth(previousMonth(r))))],
    [queue.data],
  );
  const lastMonths = useQueries({
    queries: months.map((ym) => ({
      queryKey: ['reports', 'month', ym],
      queryFn: () =>
        api<Report[]>('/reports', {
          query: { year: ym.slice(0, 4), month: Number(ym.slice(5)), pageSize: 500 },
        }),
    })),
  });
  const visible = (queue.data ?? []).slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const planKeys = [...new Set(visible.map((r) => `${r.projectCode}|${r.year}`))];
  const plans = useQueries({
    queries: planKeys.map((k) => {
      const [code, year] = k.split('|');
      return {
        queryKey: ['plan', code, Number(year)],
        queryFn: ({ signal }: { signal: AbortSignal }) => planOrNull(code, Number(year), signal),
        staleTime: 300_000,
      };
    }),
  });

  const lastByKey = new Map<string, Report>();
  for (const q of lastMonths)
    for (const r of q.data ?? []) lastByKey.set(`${r.projectId}|${r.year}|${r.month}`, r);
  const planByKey = new Map<string, Plan | null | undefined>(
    planKeys.map((k, i) => [k, plans[i]?.data]),
  );
  const rows: Row[] = (queue.data ?? []).map((r) => {
    const pm = previousMonth(r);
    const last = lastByKey.get(`${r.projectId}|${pm.year}|${pm.month}`);
    const plan = planByKey.get(`${r.projectCode}|${r.year}`);
    return { ...r, last, plan, hints: hintsFor(r, last, plan, t) };
  });

  const done = () => {
    setSelected([]);
    void queryClient.invalidateQueries({ queryKey: ['reports'] });
    void queryClient.invalidateQueries({ queryKey: ['dispatch'] });
    void queryClient.invalidateQueries({ queryKey: ['latest-month'] });
  };

  /** One by one, so a stale report fails alone and the rest go through. */
  const act = useMutation({
    mutationFn: async ({ targets, reason }: { targets: Row[]; reason?: string }) => {
      const failures: unknown[] = [];
      for (const r of targets) {
        try {
          await api(`/reports/${r.id}/${reason ? 'return' : 'approve'}`, {
            method: 'POST',
            body: reason ? { reason, version: r.version } : { version: r.version },
          });
        } catch (e) {
          failures.push(e);
        }
      }
      return { ok: targets.length - failures.length, failures };
    },
    onSuccess: ({ ok, failures }, { reason }) => {
      if (ok > 0)
        message.success(
          reason ? t('review.returned', { count: ok }) : t('review.approved', { count: ok }),
        );
      if (failures.length > 0) {
        message.error(
          t('review.someFailed', { count: failures.length, message: errorText(failures[0]) }),
        );
      }
      setReturning(null);
      done();
    },
  });

  const change = (r: Row) => {
    if (!r.last) return '—';
    const p = percent(
      new Decimal(r.investment).minus(r.last.investment).toFixed(2),
      r.last.investment,
    );
    return p == null ? '—' : `${p.startsWith('-') ? '' : '+'}${p}%`;
  };

  const selectedRows = rows.filter((r) => selected.includes(r.id));

  return (
    <>
      <PageHeader
        title={t('review.title')}
        subtitle={queue.data ? t('review.queue', { count: queue.data.length }) : undefined}
        extra={
          <>
            <Button
              type="primary"
              icon={<CheckOutlined />}
              disabled={selected.length === 0}
              loading={act.isPending && !act.variables?.reason}
              onClick={() => act.mutate({ targets: selectedRows })}
              data-testid="bulk-approve"
            >
              {t('review.bulkApprove', { count: selected.length })}
            </Button>
            <Button
              danger
              icon={<RollbackOutlined />}
              disabled={selected.length === 0}
              onClick={() => setReturning(selectedRows)}
            >
              {t('review.bulkReturn', { count: selected.length })}
            </Button>
          </>
        }
      />
      {queue.isError ? (
        <ErrorState error={queue.error} onRetry={() => queue.refetch()} />
      ) : queue.data?.length === 0 ? (
        <Card>
          <EmptyState description={t('review.empty')} />
        </Card>
      ) : (
        <Table<Row>
          data-testid="review-table"
          size="small"
          rowKey="id"
          loading={queue.isPending}
          dataSource={rows}
          sticky
          scroll={{ x: 'max-content' }}
          rowSelection={{
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys as number[]),
            columnTitle: (checkbox) => <InertWhenHidden>{checkbox}</InertWhenHidden>,
          }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            onChange: setPage,
            hideOnSinglePage: true,
          }}
          expandable={{
            expandedRowRender: (r) => (
              <Descriptions
                size="small"
                column={1}
                items={[
                  { label: t('reporting.progressText'), children: r.progressText || '—' },
                  { label: t('reporting.problems'), children: r.problems || '—' },
                  { label: t('reporting.nextPlan'), children: r.nextPlan || '—' },
                  // The reviewer judges the figures against the site: thumbnails, large on click.
                  {
                    label: t('reporting.photos'),
                    children: (
                      <ReportPhotos reportId={r.id} editable={false} ensureReport={noReport} />
                    ),
                  },
                ]}
              />
            ),
          }}
          columns={[
            {
              title: t('review.project'),
              fixed: 'left',
              render: (_, r) => (
                <Link
                  to={`/projects/${encodeURIComponent(r.projectCode)}?tab=reports&year=${r.year}`}
                >
                  {r.projectName}
                </Link>
              ),
            },
            { title: t('review.month'), render: (_, r) => monthLabel(r, lang) },
            {
              title: t('review.investment'),
              align: 'right',
              className: 'num',
              render: (_, r) => <b>{wanText(r.investment)}</b>,
            },
            {
              title: t('review.lastMonth'),
              align: 'right',
              className: 'num',
              render: (_, r) => (
                <>
                  {wanText(r.last?.investment)}
                  {r.last && (
                    <div className="reason">
                      {t('review.change')} {change(r)}
                    </div>
                  )}
                </>
              ),
            },
            {
              title: t('review.progress'),
              align: 'right',
              render: (_, r) => (
                <>
                  {pct(r.progressPercent)}
                  {r.last?.progressPercent != null && (
                    <div className="reason">
                      {t('review.was', { value: pct(r.last.progressPercent) })}
                    </div>
                  )}
                </>
              ),
            },
            {
              title: t('review.hints'),
              render: (_, r) =>
                r.hints.length === 0 ? (
                  <LevelToneTag level="green">{t('review.hintNone')}</LevelToneTag>
                ) : (
                  <Flex vertical gap={2}>
                    {r.hints.map((h) => (
                      <LevelToneTag key={h.key} level={h.level} wrap>
                        {h.text}
                      </LevelToneTag>
                    ))}
                  </Flex>
                ),
            },
            { title: t('review.submittedAt'), render: (_, r) => dateTime(r.submittedAt) },
            {
              title: t('app.actions'),
              fixed: 'right',
              render: (_, r) => (
                <Space>
                  <Tooltip title={t('review.approve')}>
                    <Button
                      size="small"
                      type="primary"
                      icon={<CheckOutlined />}
                      loading={
                        act.isPending &&
                        act.variables?.targets[0]?.id === r.id &&
                        !act.variables.reason
                      }
                      onClick={() => act.mutate({ targets: [r] })}
                      data-testid={`approve-${r.projectCode}`}
                    >
                      {t('review.approve')}
                    </Button>
                  </Tooltip>
                  <Button
                    size="small"
                    danger
                    icon={<RollbackOutlined />}
                    onClick={() => setReturning([r])}
                    data-testid={`return-${r.projectCode}`}
                  >
                    {t('review.return')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      )}
      <Modal
        open={returning !== null}
        title={
          returning?.length === 1
            ? `${t('review.returnTitle')} · ${returning[0].projectName} · ${monthLabel(returning[0], lang)}`
            : t('review.bulkReturn', { count: returning?.length ?? 0 })
        }
        okText={t('review.return')}
        okButtonProps={{ danger: true, loading: act.isPending, id: 'confirm-return' }}
        cancelText={t('app.cancel')}
        onCancel={() => setReturning(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={({ reason }) => {
            const checked = returnInput.safeParse({ reason });
            if (!checked.success) {
              form.setFields([
                { name: 'reason', errors: [pickLang(checked.error.issues[0].message, lang)] },
              ]);
              return;
            }
            act.mutate({ targets: returning ?? [], reason: checked.data.reason });
          }}
        >
          <Form.Item
            name="reason"
            label={t('review.returnReason')}
            extra={t('review.returnReasonHelp')}
            rules={[{ required: true, whitespace: true, message: t('app.required') }]}
          >
            <Input.TextArea rows={3} maxLength={1000} autoFocus data-testid="return-reason-input" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
