import { CheckOutlined, RollbackOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type ReviewQueue, returnInput } from '../../../contracts/reports.ts';
import { api } from '../../api.ts';
import { pickLang } from '../../components/form-errors.ts';
import { InertWhenHidden } from '../../components/inert-when-hidden.tsx';
import { LevelToneTag, useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { EmptyState, ErrorState, useErrorText } from '../../components/states.tsx';
import { dateTime, monthLabel, pct, wanText } from '../../format.ts';
import { ReportPhotos } from '../reporting/report-photos.tsx';

/** Photos are only looked at here; there is never a report to create. */
const noReport = async () => null;

type Row = ReviewQueue['items'][number];
type Hint = Row['hints'][number];

const PAGE_SIZE = 20;

/** A hint's words: the server decides which hints a report has and their figures. */
function hintText(h: Hint, t: TFunction): string {
  switch (h.key) {
    case 'noPlan':
      return t('review.hintNoPlan');
    case 'farAbove':
      return t('review.hintFarAbove', { ratio: h.ratio });
    case 'overAnnual':
      return t('review.hintOverAnnual');
    case 'zero':
      return t('review.hintZero');
    case 'backwards':
      return t('review.hintBackwards', { last: h.last });
  }
}

export default function ReviewPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [selectedRows, setSelectedRows] = useState<Row[]>([]);
  const [returning, setReturning] = useState<Row[] | null>(null);
  const [page, setPage] = useState(1);
  const [form] = Form.useForm<{ reason: string }>();

  // One page of the queue with last month, change, plan share and hints worked out on the server.
  const queue = useQuery({
    queryKey: ['reports', 'review-queue', page],
    queryFn: ({ signal }) =>
      api<ReviewQueue>('/reports/review-queue', {
        query: { page, pageSize: PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
  const rows = queue.data?.items ?? [];
  const total = queue.data?.total;
  // the last page emptied by approvals: show the one before
  useEffect(() => {
    if (queue.data && queue.data.items.length === 0 && page > 1) setPage((p) => p - 1);
  }, [queue.data, page]);

  const done = () => {
    setSelectedRows([]);
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

  const change = (r: Row) => (r.changePercent == null ? '—' : `${r.changePercent}%`);

  return (
    <>
      <PageHeader
        title={t('review.title')}
        subtitle={total !== undefined ? t('review.queue', { count: total }) : undefined}
        extra={
          <>
            <Button
              type="primary"
              icon={<CheckOutlined />}
              disabled={selectedRows.length === 0}
              loading={act.isPending && !act.variables?.reason}
              onClick={() => act.mutate({ targets: selectedRows })}
              data-testid="bulk-approve"
            >
              {t('review.bulkApprove', { count: selectedRows.length })}
            </Button>
            <Button
              danger
              icon={<RollbackOutlined />}
              disabled={selectedRows.length === 0}
              onClick={() => setReturning(selectedRows)}
            >
              {t('review.bulkReturn', { count: selectedRows.length })}
            </Button>
          </>
        }
      />
      {queue.isError ? (
        <ErrorState error={queue.error} onRetry={() => queue.refetch()} />
      ) : total === 0 ? (
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
            selectedRowKeys: selectedRows.map((r) => r.id),
            // rows chosen on another page stay chosen
            preserveSelectedRowKeys: true,
            onChange: (_, chosen) => setSelectedRows(chosen.filter(Boolean)),
            columnTitle: (checkbox) => <InertWhenHidden>{checkbox}</InertWhenHidden>,
          }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total,
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
                        {hintText(h, t)}
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
