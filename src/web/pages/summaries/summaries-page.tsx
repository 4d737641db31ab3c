import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Flex,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { SummaryDetail, SummaryListItem } from '../../../contracts/summaries.ts';
import type { SummaryEdits } from '../../../server/modules/documents/summary.model.ts';
import { ApiError, api, downloadUrl } from '../../api.ts';
import { useCan } from '../../auth.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, PageSpinner } from '../../components/states.tsx';
import { useUrlParams } from '../../url-params.ts';

type Paragraph = SummaryDetail['model']['sections'][number]['paragraphs'][number];

/** The generated text with each figure a link to the rows behind it. */
function FigureText({ p }: { p: Paragraph }) {
  const byKey = new Map(p.figures.map((f) => [f.key, f]));
  // text and figure keys alternate; each piece keyed by its place in the template
  const pieces = p.template
    .split(/\{([^{}]+)\}/)
    .map((part, n) => ({ part, figure: n % 2 === 1, at: `${n}:${part}` }));
  return (
    <Typography.Paragraph style={{ textIndent: '2em', marginBottom: 4 }}>
      {pieces.map(({ part, figure, at }) => {
        if (!figure) return <Fragment key={at}>{part}</Fragment>;
        const f = byKey.get(part);
        if (!f) return <Fragment key={at}>{`{${part}}`}</Fragment>;
        return f.link ? (
          <Link key={at} to={f.link} title={f.value} data-testid="summary-figure">
            {f.text}
          </Link>
        ) : (
          <Typography.Text key={at} strong>
            {f.text}
          </Typography.Text>
        );
      })}
    </Typography.Paragraph>
  );
}

/** A half-year by default: the period a 半年工作总结 covers. */
function defaultRange(): [dayjs.Dayjs, dayjs.Dayjs] {
  const last = dayjs().subtract(1, 'month');
  const h1 = last.month() < 6;
  const from = h1 ? last.startOf('year') : last.startOf('year').add(6, 'month');
  return [from, h1 ? from.add(5, 'month').endOf('month') : from.endOf('year')];
}

function SummaryList({ onOpen }: { onOpen: (id: number) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canWrite = useCan('coordination.write');
  const qc = useQueryClient();
  const [range, setRange] = useState<[dayjs.Dayjs, dayjs.Dayjs] | null>(null);
  const list = useQuery({
    queryKey: ['summaries'],
    queryFn: () => api<{ summaries: SummaryListItem[] }>('/documents/summaries'),
  });
  const create = useMutation({
    mutationFn: (r: [dayjs.Dayjs, dayjs.Dayjs]) =>
      api<SummaryDetail>('/documents/summaries', {
        body: { from: r[0].format('YYYY-MM-DD'), to: r[1].format('YYYY-MM-DD') },
      }),
    onSuccess: (s) => {
      void qc.invalidateQueries({ queryKey: ['summaries'] });
      setRange(null);
      onOpen(s.id);
    },
    onError: (e) => message.error((e as Error).message),
  });
  if (list.error) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  return (
    <>
      <PageHeader
        title={t('nav.summaries')}
        extra={
          canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setRange(defaultRange())}>
              {t('summaries.new')}
            </Button>
          )
        }
      />
      <Table<SummaryListItem>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.summaries ?? []}
        pagination={false}
        onRow={(s) => ({ onClick: () => onOpen(s.id), style: { cursor: 'pointer' } })}
        columns={[
          {
            title: t('summaries.period'),
            render: (_, s) => `${s.from} ~ ${s.to}`,
            width: 220,
          },
          {
            title: t('summaries.title'),
            render: (_, s) => <Typography.Link>{s.title}</Typography.Link>,
          },
          {
            title: t('summaries.status'),
            width: 140,
            render: (_, s) => (
              <Tag color={s.status === 'final' ? 'green' : 'blue'}>
                {t(`summaries.statuses.${s.status}`)} · v{s.revision}
              </Tag>
            ),
          },
          { title: t('summaries.updatedBy'), dataIndex: 'updatedBy', width: 140 },
        ]}
      />
      <Modal
        open={range !== null}
        title={t('summaries.new')}
        okText={t('summaries.create')}
        confirmLoading={create.isPending}
        onCancel={() => setRange(null)}
        onOk={() => range && create.mutate(range)}
      >
        <DatePicker.RangePicker
          aria-label={t('summaries.period')}
          allowClear={false}
          value={range ?? undefined}
          onChange={(r) => r?.[0] && r[1] && setRange([r[0], r[1]])}
        />
      </Modal>
    </>
  );
}

function SummaryEditor({ id }: { id: number }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const canWrite = useCan('coordination.write');
  const qc = useQueryClient();
  const [revision, setRevision] = useState<number | undefined>(undefined);
  const q = useQuery({
    queryKey: ['summary', id, revision],
    queryFn: () => api<SummaryDetail>(`/documents/summaries/${id}`, { query: { revision } }),
  });
  const [edits, setEdits] = useState<SummaryEdits>({});
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (q.data && !dirty) setEdits(q.data.edits);
  }, [q.data, dirty]);
  const done = (s: SummaryDetail) => {
    qc.setQueryData(['summary', id, revision], s);
    void qc.invalidateQueries({ queryKey: ['summaries'] });
    setDirty(false);
    setEdits(s.edits);
  };
  const onError = (e: unknown) => {
    if (e instanceof ApiError && e.status === 409) {
      modal.warning({ title: t('summaries.stale'), content: e.message });
      return;
    }
    message.error((e as Error).message);
  };
  const save = useMutation({
    mutationFn: () =>
      api<SummaryDetail>(`/documents/summaries/${id}/edits`, {
        method: 'PUT',
        body: { edits, version: q.data!.version },
      }),
    onSuccess: (s) => {
      done(s);
      message.success(t('summaries.saved'));
    },
    onError,
  });
  const step = useMutation({
    mutationFn: (action: 'finalize' | 'reopen') =>
      api<SummaryDetail>(`/documents/summaries/${id}/${action}`, {
        body: { version: q.data!.version },
      }),
    onSuccess: done,
    onError,
  });
  if (q.error) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  if (!q.data) return <PageSpinner />;
  const s = q.data;
  const editable = canWrite && !s.frozen && s.status === 'draft';
  const setPara = (section: string, pid: string, text: string) => {
    setDirty(true);
    setEdits((e) => ({
      ...e,
      [section]: { ...e[section], paragraphs: { ...e[section]?.paragraphs, [pid]: text } },
    }));
  };
  const setAdded = (section: string, list: string[]) => {
    setDirty(true);
    setEdits((e) => ({ ...e, [section]: { ...e[section], added: list } }));
  };
  const download = (format: 'docx' | 'pdf') =>
    downloadUrl(`/documents/summaries/${id}/download`, { format, revision });
  return (
    <>
      <PageHeader
        title={s.model.title}
        crumbs={[{ title: t('nav.summaries'), to: '/summaries' }, { title: `${s.from} ~ ${s.to}` }]}
        extra={
          <Space wrap>
            <Tag color={s.frozen ? 'green' : 'blue'}>
              {t(`summaries.statuses.${s.frozen ? 'final' : 'draft'}`)} · v{s.shownRevision}
            </Tag>
            {s.revisions.length > 0 && (
              <Select
                aria-label={t('summaries.revision')}
                style={{ minWidth: 160 }}
                value={revision ?? 0}
                onChange={(v) => setRevision(v === 0 ? undefined : v)}
                options={[
                  { value: 0, label: t('summaries.current') },
                  ...s.revisions.map((r) => ({
                    value: r.revision,
                    label: `v${r.revision} ${r.finalizedAt.slice(0, 10)}`,
                  })),
                ]}
              />
            )}
            {editable && (
              <Button disabled={!dirty} loading={save.isPending} onClick={() => save.mutate()}>
                {t('summaries.save')}
              </Button>
            )}
            {editable && (
              <Button
                type="primary"
                disabled={dirty}
                loading={step.isPending}
                onClick={() =>
                  modal.confirm({
                    title: t('summaries.finalizeConfirm'),
                    onOk: () => step.mutateAsync('finalize'),
                  })
                }
              >
                {t('summaries.finalize')}
              </Button>
            )}
            {canWrite && revision === undefined && s.status === 'final' && (
              <Button loading={step.isPending} onClick={() => step.mutate('reopen')}>
                {t('summaries.reopen')}
              </Button>
            )}
            <Button icon={<DownloadOutlined />} href={download('docx')}>
              Word
            </Button>
            <Button icon={<DownloadOutlined />} href={download('pdf')}>
              PDF
            </Button>
          </Space>
        }
      />
      {!s.frozen && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('summaries.liveHint', {
            at: dayjs(s.generated.generatedAt).format('YYYY-MM-DD HH:mm'),
          })}
        />
      )}
      <Card>
        {s.generated.sections.map((sec) => {
          const e = edits[sec.id] ?? {};
          const merged = s.model.sections.find((m) => m.id === sec.id);
          return (
            <div key={sec.id} data-testid={`summary-section-${sec.id}`}>
              {sec.heading && (
                <Typography.Title level={sec.level === 1 ? 4 : 5}>{sec.heading}</Typography.Title>
              )}
              {sec.paragraphs.map((p) => (
                <div key={p.id} style={{ marginBottom: 12 }}>
                  <FigureText p={p} />
                  {editable ? (
                    <Input.TextArea
                      aria-label={`${sec.heading || t('summaries.preface')} ${p.id}`}
                      autoSize={{ minRows: 1, maxRows: 8 }}
                      placeholder={t('summaries.editHint')}
                      value={e.paragraphs?.[p.id] ?? ''}
                      onChange={(ev) => setPara(sec.id, p.id, ev.target.value)}
                    />
                  ) : (
                    merged?.paragraphs.find((m) => m.id === p.id)?.edited && (
                      <Typography.Paragraph type="secondary" style={{ textIndent: '2em' }}>
                        {t('summaries.editedAs')}
                        {merged.paragraphs.find((m) => m.id === p.id)?.text}
                      </Typography.Paragraph>
                    )
                  )}
                </div>
              ))}
              {sec.table && (
                <Table
                  size="small"
                  style={{ marginBottom: 12 }}
                  pagination={false}
                  title={() => `${sec.table!.caption}（${sec.table!.unitLine}）`}
                  rowKey={(r) => r[0]!}
                  dataSource={sec.table.rows}
                  columns={sec.table.columns.map((c, i) => ({
                    title: c.header,
                    align: c.align,
                    render: (_: unknown, r: string[]) => r[i],
                  }))}
                />
              )}
              {(editable
                ? (e.added ?? [])
                : (merged?.paragraphs ?? []).filter((p) => p.added).map((p) => p.text)
              )
                .map((text, n) => ({ text, n, at: `${sec.id}-added-${n}` }))
                .map(({ text, n, at }) =>
                  editable ? (
                    <Input.TextArea
                      key={at}
                      aria-label={`${sec.heading || t('summaries.preface')} ${t('summaries.added')} ${n + 1}`}
                      style={{ marginBottom: 8 }}
                      autoSize={{ minRows: 2, maxRows: 8 }}
                      value={text}
                      onChange={(ev) => {
                        const list = [...(e.added ?? [])];
                        list[n] = ev.target.value;
                        setAdded(sec.id, list);
                      }}
                    />
                  ) : (
                    <Typography.Paragraph key={at} style={{ textIndent: '2em' }}>
                      {text}
                    </Typography.Paragraph>
                  ),
                )}
              {editable && (
                <Flex justify="flex-end" style={{ marginBottom: 16 }}>
                  <Button
                    size="small"
                    icon={<PlusOutlined />}
                    onClick={() => setAdded(sec.id, [...(e.added ?? []), ''])}
                  >
                    {t('summaries.addParagraph')}
                  </Button>
                </Flex>
              )}
            </div>
          );
        })}
      </Card>
    </>
  );
}

/**
 * 工作总结: the list of summaries and the editor of one. The generated text comes from the
 * server (the same services as the dashboard and the statistics); each figure links to the rows
 * behind it; the office edits or adds paragraphs, finalises (freezes) and downloads the .docx.
 */
export default function SummariesPage() {
  const [params, set] = useUrlParams();
  const id = Number(params.get('id')) || null;
  return id ? (
    <SummaryEditor key={id} id={id} />
  ) : (
    <SummaryList onOpen={(i) => set({ id: String(i) })} />
  );
}
