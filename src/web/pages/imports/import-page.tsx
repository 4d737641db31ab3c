import { CheckCircleOutlined, DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Collapse,
  DatePicker,
  Descriptions,
  Flex,
  Row,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { yearMonthOf } from '../../../domain/periods.ts';
import type { ImportResult } from '../../../server/modules/imports/imports.service.ts';
import { api, downloadUrl } from '../../api.ts';
import { useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState } from '../../components/states.tsx';
import { useLatestMonth } from '../../queries.ts';

type Issue = ImportResult['errors'][number];

/** A long value or message breaks onto more lines rather than being cut at the cell's edge. */
const wrapCell = () => ({ style: { whiteSpace: 'normal', overflowWrap: 'anywhere' } as const });

function send(file: File, dryRun: boolean) {
  const form = new FormData();
  form.append('file', file);
  return api<ImportResult>('/imports', { query: { dryRun }, form, okStatuses: [422] });
}

/** Upload a workbook, see exactly what it would change, then import it all or nothing. */
export default function ImportPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const latest = useLatestMonth();
  const [file, setFile] = useState<File | null>(null);
  const [month, setMonth] = useState(() => dayjs());
  const [monthTouched, setMonthTouched] = useState(false);
  const at = monthTouched
    ? { year: month.year(), month: month.month() + 1 }
    : (latest.data ?? yearMonthOf(new Date()));

  const preview = useMutation({ mutationFn: (f: File) => send(f, true) });
  const run = useMutation({
    mutationFn: (f: File) => send(f, false),
    onSuccess: (r) => {
      if (r.ok) {
        message.success(t('imports.imported'));
        void queryClient.invalidateQueries();
      }
    },
  });
  const result = run.data ?? preview.data;
  const nothing = result?.errors.find((e) => e.code === 'file.empty');
  const tallies = result
    ? (['projects', 'plans', 'reports', 'milestones'] as const).map((k) => ({
        key: k,
        ...result.summary[k],
      }))
    : [];
  const kindLabel: Record<(typeof tallies)[number]['key'], string> = {
    projects: t('nav.ledger'),
    plans: t('project.plan'),
    reports: t('project.reports'),
    milestones: t('project.milestones'),
  };

  return (
    <>
      <PageHeader title={t('imports.title')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card
            size="small"
            title={t('imports.importTitle')}
            extra={
              <Button
                size="small"
                icon={<DownloadOutlined />}
                href={downloadUrl('/imports/template')}
              >
                {t('imports.template')}
              </Button>
            }
          >
            <Typography.Paragraph type="secondary">{t('imports.importHelp')}</Typography.Paragraph>
            <Upload.Dragger
              accept=".xlsx,.csv"
              maxCount={1}
              beforeUpload={(f) => {
                setFile(f);
                preview.reset();
                run.reset();
                return false;
              }}
              onRemove={() => {
                setFile(null);
                preview.reset();
                run.reset();
              }}
              fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p>{t('imports.choose')}</p>
            </Upload.Dragger>
            <Space style={{ marginTop: 12 }}>
              <Button
                disabled={!file}
                loading={preview.isPending}
                onClick={() => file && preview.mutate(file)}
              >
                {t('imports.preview')}
              </Button>
              <Button
                type="primary"
                icon={<CheckCircleOutlined />}
                disabled={!file || !preview.data?.ok || !!run.data?.ok}
                loading={run.isPending}
                onClick={() => file && run.mutate(file)}
              >
                {t('imports.confirm')}
              </Button>
            </Space>
            {(preview.isError || run.isError) && (
              <div style={{ marginTop: 12 }}>
                <ErrorState error={preview.error ?? run.error} />
              </div>
            )}
            {result && (
              <div style={{ marginTop: 16 }}>
                {result.ok ? (
                  <Alert
                    type="success"
                    showIcon
                    title={run.data?.ok ? t('imports.imported') : t('imports.ok')}
                    data-testid={run.data?.ok ? 'import-done' : 'import-ok'}
                  />
                ) : nothing ? (
                  // An empty workbook (the blank template) is not a fault to fix: say so plainly.
                  <Alert
                    type="info"
                    showIcon
                    title={t('imports.nothing')}
                    description={
                      lang === 'en' && nothing.reasonEn ? nothing.reasonEn : nothing.reason
                    }
                    data-testid="import-nothing"
                  />
                ) : (
                  <Alert
                    type="error"
                    showIcon
                    title={t('imports.hasErrors', { count: result.errorCount })}
                  />
                )}
                <Table
                  style={{ marginTop: 12 }}
                  size="small"
                  pagination={false}
                  rowKey="key"
                  dataSource={tallies}
                  columns={[
                    { title: t('imports.kind'), render: (_, r) => kindLabel[r.key] },
                    { title: t('imports.created'), dataIndex: 'created', align: 'right' },
                    { title: t('imports.updated'), dataIndex: 'updated', align: 'right' },
                    { title: t('imports.unchanged'), dataIndex: 'unchanged', align: 'right' },
                  ]}
                />
                {(result.created.units.length > 0 ||
                  result.created.areas.length > 0 ||
                  result.created.categories.length > 0) && (
                  <Descriptions
                    size="small"
                    column={1}
                    title={t('imports.newNames')}
                    style={{ marginTop: 12 }}
                    items={[
                      {
                        label: t('ledger.ownerUnit'),
                        children: result.created.units.join('、') || '—',
                      },
                      { label: t('ledger.area'), children: result.created.areas.join('、') || '—' },
                      {
                        label: t('ledger.category'),
                        children: result.created.categories.join('、') || '—',
                      },
                    ]}
                  />
                )}
                {result.errors.length > 0 && !nothing && (
                  <Table<Issue>
                    style={{ marginTop: 12 }}
                    size="small"
                    rowKey={(e, i) => `${e.sheet}-${e.row}-${e.column}-${i}`}
                    dataSource={result.errors}
                    pagination={{ pageSize: 20, hideOnSinglePage: true }}
                    // Fixed layout inside the card: a long message wraps in its cell instead
                    // of stretching the table past the card's edge, where it was cut off.
                    tableLayout="fixed"
                    columns={[
                      { title: t('imports.sheet'), width: 84, render: (_, e) => e.sheet ?? '—' },
                      { title: t('imports.row'), width: 56, render: (_, e) => e.row ?? '—' },
                      { title: t('imports.field'), width: 64, render: (_, e) => e.column ?? '—' },
                      {
                        title: t('imports.value'),
                        width: 120,
                        onCell: wrapCell,
                        render: (_, e) => (e.value == null ? '' : String(e.value)),
                      },
                      {
                        title: t('imports.message'),
                        onCell: wrapCell,
                        render: (_, e) => (lang === 'en' && e.reasonEn ? e.reasonEn : e.reason),
                      },
                    ]}
                  />
                )}
                {result.changes.length > 0 && (
                  <Collapse
                    style={{ marginTop: 12 }}
                    size="small"
                    items={[
                      {
                        key: 'changes',
                        label: `${t('nav.ledger')} · ${result.changes.length}`,
                        children: (
                          <div style={{ maxHeight: 360, overflow: 'auto' }}>
                            {result.changes.map((c) => (
                              <div key={c.code} style={{ marginBottom: 6 }}>
                                <Tag color={c.action === 'create' ? 'green' : 'blue'}>
                                  {c.action === 'create' ? '+' : '±'}
                                </Tag>
                                <b>{c.code}</b> {c.name}
                                {c.fields.length > 0 && (
                                  <div className="reason">
                                    {c.fields
                                      .map(
                                        (f) =>
                                          `${f.label}${t('app.colon')}${f.before ?? '—'} → ${f.after ?? '—'}`,
                                      )
                                      .join(t('app.sep'))}
                                  </div>
                                )}
                              </div>
                            ))}
                          </div>
                        ),
                      },
                    ]}
                  />
                )}
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('imports.exportTitle')}>
            <Typography.Paragraph type="secondary">{t('imports.exportHelp')}</Typography.Paragraph>
            <Flex gap={8} align="center" style={{ marginBottom: 12 }}>
              <Typography.Text>{t('filters.month')}</Typography.Text>
              <DatePicker
                picker="month"
                allowClear={false}
                aria-label={t('filters.month')}
                value={dayjs(`${at.year}-${String(at.month).padStart(2, '0')}-01`)}
                onChange={(d) => {
                  if (!d) return;
                  setMonth(d);
                  setMonthTouched(true);
                }}
              />
            </Flex>
            <Flex vertical gap={8}>
              {(
                [
                  ['ledger', t('imports.exportLedger')],
                  ['dispatch', t('imports.exportDispatch')],
                  ['warnings', t('imports.exportWarnings')],
                  ['template', t('imports.exportTemplate')],
                  ['city-report', t('imports.exportCity')],
                ] as const
              ).map(([kind, label]) => (
                <Button
                  key={kind}
                  icon={<DownloadOutlined />}
                  href={downloadUrl(`/exports/${kind}`, kind === 'template' ? undefined : at)}
                  style={{ textAlign: 'left' }}
                  data-testid={`export-${kind}`}
                >
                  {label}
                </Button>
              ))}
            </Flex>
          </Card>
        </Col>
      </Row>
    </>
  );
}
