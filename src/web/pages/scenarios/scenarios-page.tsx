import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  keepPreviousData,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Flex,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Segmented,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useDeferredValue, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { ForecastResult } from '../../../contracts/forecast.ts';
import type {
  ScenarioResultView,
  ScenarioView,
  SuggestionsView,
} from '../../../contracts/scenarios.ts';
import { formatYearMonth, parseYearMonth } from '../../../domain/periods.ts';
import type { Level } from '../../../domain/warning-rules.ts';
import { api } from '../../api.ts';
import { useCapabilities } from '../../auth.tsx';
import { useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, useErrorText } from '../../components/states.tsx';
import { LEVEL_COLOR, levelName, wanText, yi } from '../../format.ts';
import { useLatestMonth } from '../../queries.ts';

type Mode = 'extra' | 'share' | 'drop';
type EditRow = { code: string; mode: Mode; value: string };
type Move = { milestoneId: number; name: string; code: string; plannedDate: string };
type Figures = ScenarioResultView['baseline'];
type MilestoneRow = { id: number; name: string; plannedDate: string | null };

/** The editor's rows as the API's changes: the server computes every figure from them. */
function changesOf(rows: EditRow[], moves: Move[]) {
  return {
    projects: rows.map((r) =>
      r.mode === 'drop'
        ? { code: r.code, dropped: true }
        : r.mode === 'share'
          ? { code: r.code, shareOfRemainingPlan: Number(r.value || 0) }
          : { code: r.code, extraPerMonth: r.value || '0' },
    ),
    milestones: moves.map((m) => ({ milestoneId: m.milestoneId, plannedDate: m.plannedDate })),
  };
}

function Counts({ counts }: { counts: Figures['counts'] }) {
  const lang = useLang();
  return (
    <Space size={12}>
      {(['red', 'yellow', 'green'] as Level[]).map((l) => (
        <span key={l} data-testid={`scenario-count-${l}`}>
          <span className="level-dot" style={{ background: LEVEL_COLOR[l] }} />
          {levelName(l, lang)} <span className="num">{counts[l]}</span>
        </span>
      ))}
    </Space>
  );
}

/** One column of figures: the forecast's or the scenario's. */
function FiguresBlock({ title, f, testid }: { title: string; f: Figures; testid: string }) {
  const { t } = useTranslation();
  return (
    <div data-testid={testid}>
      <Typography.Title level={5}>{title}</Typography.Title>
      <Flex wrap gap={24} align="baseline">
        <div title={`${wanText(f.expected)} ${t('unit.wan')}`}>
          <Typography.Text type="secondary">{t('scenarios.expected')}</Typography.Text>
          <div>
            <span
              className="num"
              style={{ fontSize: 22, fontWeight: 600 }}
              data-testid={`${testid}-expected`}
              data-wan={f.expected ?? ''}
            >
              {yi(f.expected)}
            </span>{' '}
            {t('unit.yi')}
          </div>
        </div>
        <div>
          <Typography.Text type="secondary">{t('scenarios.rate')}</Typography.Text>
          <div className="num" style={{ fontSize: 18 }} data-testid={`${testid}-rate`}>
            {f.rate === null ? '—' : `${f.rate}%`}
          </div>
        </div>
        <div title={`${wanText(f.gap)} ${t('unit.wan')}`}>
          <Typography.Text type="secondary">{t('scenarios.gap')}</Typography.Text>
          <div className="num" style={{ fontSize: 18 }} data-testid={`${testid}-gap`}>
            {yi(f.gap)} {t('unit.yi')}
          </div>
        </div>
        <div>
          <Typography.Text type="secondary">{t('scenarios.counts')}</Typography.Text>
          <div>
            <Counts counts={f.counts} />
          </div>
        </div>
      </Flex>
    </div>
  );
}

/**
 * 假设分析 (issue 14 item 3): lay changes over the year-end forecast — extra 万元 a month, a share
 * of the remaining plan, a project dropped, a milestone moved — and see the year-end figure, the
 * completion rate and the warning counts move. The server computes every figure (POST
 * /api/scenarios/preview); the page only renders them. Saved scenarios compare side by side.
 */
export default function ScenariosPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const canWrite = useCapabilities().actions['plan.write'];
  const [params, setParams] = useSearchParams();
  const latest = useLatestMonth();
  const period = parseYearMonth(params.get('month') ?? '') ?? latest.data ?? null;
  const through = period ? formatYearMonth(period) : null;

  const [rows, setRows] = useState<EditRow[]>([]);
  const [moves, setMoves] = useState<Move[]>([]);
  const [name, setName] = useState('');
  const [msProject, setMsProject] = useState<string | null>(null);
  const [msId, setMsId] = useState<number | null>(null);
  const [msDate, setMsDate] = useState<string | null>(null);
  const changes = useDeferredValue(changesOf(rows, moves));

  const forecast = useQuery({
    queryKey: ['forecast', { through }],
    queryFn: () => api<ForecastResult>('/forecast', { query: { through: through! } }),
    enabled: through !== null,
  });
  const suggestions = useQuery({
    queryKey: ['scenario-suggestions', through],
    queryFn: () => api<SuggestionsView>('/scenarios/suggestions', { query: { through: through! } }),
    enabled: through !== null,
  });
  const preview = useQuery({
    queryKey: ['scenario-preview', through, changes],
    queryFn: () =>
      api<ScenarioResultView>('/scenarios/preview', { method: 'POST', body: { through, changes } }),
    enabled: through !== null && canWrite,
    placeholderData: keepPreviousData,
  });
  const saved = useQuery({
    queryKey: ['scenarios', period?.year],
    queryFn: () => api<ScenarioView[]>('/scenarios', { query: { year: String(period!.year) } }),
    enabled: period !== null,
  });
  const results = useQueries({
    queries: (saved.data ?? []).map((s) => ({
      queryKey: ['scenario-result', s.id, s.version],
      queryFn: () => api<ScenarioResultView>(`/scenarios/${s.id}/result`),
    })),
  });
  const milestones = useQuery({
    queryKey: ['milestones', msProject, through],
    queryFn: () =>
      api<MilestoneRow[]>(`/projects/${encodeURIComponent(msProject!)}/milestones`, {
        query: { month: through! },
      }),
    enabled: msProject !== null && through !== null,
  });

  const refreshSaved = () => queryClient.invalidateQueries({ queryKey: ['scenarios'] });
  const save = useMutation<ScenarioView, Error>({
    mutationFn: () =>
      api<ScenarioView>('/scenarios', {
        method: 'POST',
        body: { name, through, changes: changesOf(rows, moves) },
      }),
    onSuccess: () => {
      message.success(t('scenarios.saved'));
      setName('');
      void refreshSaved();
    },
    onError: (e) => message.error(errorText(e)),
  });
  const remove = useMutation<unknown, Error, number>({
    mutationFn: (id) => api(`/scenarios/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      message.success(t('scenarios.deleted'));
      void refreshSaved();
    },
    onError: (e) => message.error(errorText(e)),
  });

  const projects = forecast.data?.projects ?? [];
  const nameOf = (code: string) => projects.find((p) => p.code === code)?.name ?? code;
  const addProject = (code: string) => {
    if (rows.some((r) => r.code === code)) return;
    setRows([...rows, { code, mode: 'extra', value: '0' }]);
  };
  const patchRow = (code: string, patch: Partial<EditRow>) =>
    setRows(rows.map((r) => (r.code === code ? { ...r, ...patch } : r)));
  const result = preview.data;
  const baseline = result?.baseline ?? results.find((r) => r.data)?.data?.baseline ?? null;

  if (preview.isError && !result) return <ErrorState error={preview.error} />;

  return (
    <>
      <PageHeader
        title={t('scenarios.title')}
        subtitle={t('scenarios.subtitle')}
        extra={
          <DatePicker
            picker="month"
            allowClear={false}
            aria-label={t('scenarios.month')}
            value={through ? dayjs(`${through}-01`) : undefined}
            onChange={(d) => {
              if (!d) return;
              const next = new URLSearchParams(params);
              next.set('month', d.format('YYYY-MM'));
              setParams(next, { replace: true });
              setMoves([]);
            }}
            data-testid="scenario-month"
          />
        }
      />
      {!canWrite && (
        <Alert
          type="info"
          showIcon
          message={t('scenarios.readOnly')}
          style={{ marginBottom: 16 }}
        />
      )}
      {result?.basis === 'none' && (
        <Alert
          type="warning"
          showIcon
          message={t('scenarios.noHistory')}
          style={{ marginBottom: 16 }}
        />
      )}
      <Card size="small" style={{ marginBottom: 16 }} loading={canWrite && preview.isPending}>
        <Row gutter={[24, 16]}>
          <Col xs={24} lg={12}>
            {baseline && (
              <FiguresBlock
                title={t('scenarios.baseline')}
                f={baseline}
                testid="scenario-baseline"
              />
            )}
          </Col>
          <Col xs={24} lg={12}>
            {result && (
              <FiguresBlock
                title={t('scenarios.scenario')}
                f={result.scenario}
                testid="scenario-figures"
              />
            )}
          </Col>
        </Row>
      </Card>

      <Row gutter={16}>
        <Col xs={24}>
          <Card size="small" title={t('scenarios.suggestions')} style={{ marginBottom: 16 }}>
            <Table
              size="small"
              rowKey="code"
              loading={suggestions.isPending}
              dataSource={suggestions.data?.suggestions ?? []}
              pagination={false}
              locale={{ emptyText: <Empty description={t('scenarios.noSuggestions')} /> }}
              data-testid="scenario-suggestions"
              columns={[
                { title: t('scenarios.project'), dataIndex: 'name' },
                {
                  title: t('scenarios.closable'),
                  dataIndex: 'closable',
                  align: 'right',
                  render: (v: string) => <span className="num">{wanText(v)}</span>,
                },
                {
                  title: t('scenarios.reason'),
                  render: (_, s) => (lang === 'en' ? s.en : s.zh),
                },
                ...(canWrite
                  ? [
                      {
                        title: '',
                        key: 'add',
                        render: (_: unknown, s: { code: string; name: string }) => (
                          <Button
                            size="small"
                            icon={<PlusOutlined />}
                            disabled={rows.some((r) => r.code === s.code)}
                            onClick={() => addProject(s.code)}
                            aria-label={`${t('scenarios.add')} ${s.name}`}
                          >
                            {t('scenarios.add')}
                          </Button>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </Card>
        </Col>
        {canWrite && (
          <Col xs={24}>
            <Card size="small" title={t('scenarios.changes')} style={{ marginBottom: 16 }}>
              <Select
                showSearch
                style={{ width: '100%', marginBottom: 12 }}
                placeholder={t('scenarios.pickProject')}
                aria-label={t('scenarios.pickProject')}
                value={null}
                optionFilterProp="label"
                options={projects.map((p) => ({ value: p.code, label: `${p.code} ${p.name}` }))}
                onChange={(code: string) => addProject(code)}
                data-testid="scenario-add-project"
              />
              <Table
                size="small"
                rowKey="code"
                dataSource={rows}
                pagination={false}
                data-testid="scenario-changes"
                columns={[
                  { title: t('scenarios.project'), render: (_, r) => nameOf(r.code) },
                  {
                    title: t('scenarios.mode'),
                    render: (_, r) => (
                      <Segmented
                        size="small"
                        value={r.mode}
                        onChange={(v) => patchRow(r.code, { mode: v as Mode, value: '0' })}
                        options={[
                          { value: 'extra', label: t('scenarios.extra') },
                          { value: 'share', label: t('scenarios.share') },
                          { value: 'drop', label: t('scenarios.drop') },
                        ]}
                      />
                    ),
                  },
                  {
                    title: t('scenarios.value'),
                    render: (_, r) =>
                      r.mode === 'drop' ? null : (
                        <InputNumber
                          stringMode
                          min="0"
                          max={r.mode === 'share' ? '100' : undefined}
                          value={r.value}
                          onChange={(v) => patchRow(r.code, { value: v ?? '0' })}
                          aria-label={`${t('scenarios.value')} ${nameOf(r.code)}`}
                          data-testid={`scenario-value-${r.code}`}
                        />
                      ),
                  },
                  {
                    title: '',
                    key: 'remove',
                    render: (_, r) => (
                      <Button
                        size="small"
                        type="text"
                        icon={<DeleteOutlined />}
                        aria-label={`${t('scenarios.remove')} ${nameOf(r.code)}`}
                        onClick={() => setRows(rows.filter((x) => x.code !== r.code))}
                      />
                    ),
                  },
                ]}
              />
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                {t('scenarios.milestones')}
              </Typography.Title>
              <Flex wrap gap={8}>
                <Select
                  showSearch
                  style={{ minWidth: 200 }}
                  placeholder={t('scenarios.project')}
                  aria-label={t('scenarios.project')}
                  value={msProject}
                  optionFilterProp="label"
                  options={projects.map((p) => ({ value: p.code, label: `${p.code} ${p.name}` }))}
                  onChange={(code: string) => {
                    setMsProject(code);
                    setMsId(null);
                  }}
                />
                <Select
                  style={{ minWidth: 160 }}
                  placeholder={t('scenarios.pickMilestone')}
                  aria-label={t('scenarios.pickMilestone')}
                  value={msId}
                  options={(milestones.data ?? []).map((m) => ({
                    value: m.id,
                    label: `${m.name} ${m.plannedDate ?? ''}`,
                  }))}
                  onChange={(v: number) => setMsId(v)}
                />
                <DatePicker
                  aria-label={t('scenarios.newDate')}
                  placeholder={t('scenarios.newDate')}
                  value={msDate ? dayjs(msDate) : null}
                  onChange={(d) => setMsDate(d ? d.format('YYYY-MM-DD') : null)}
                />
                <Button
                  disabled={msId === null || msDate === null || msProject === null}
                  onClick={() => {
                    const m = milestones.data?.find((x) => x.id === msId);
                    if (!m || !msDate || !msProject) return;
                    setMoves([
                      ...moves.filter((x) => x.milestoneId !== m.id),
                      { milestoneId: m.id, name: m.name, code: msProject, plannedDate: msDate },
                    ]);
                  }}
                >
                  {t('scenarios.move')}
                </Button>
              </Flex>
              {moves.map((m) => (
                <Flex key={m.milestoneId} gap={8} align="center" style={{ marginTop: 8 }}>
                  <span>
                    {nameOf(m.code)} · {m.name} → {m.plannedDate}
                  </span>
                  <Button
                    size="small"
                    type="text"
                    icon={<DeleteOutlined />}
                    aria-label={`${t('scenarios.remove')} ${m.name}`}
                    onClick={() => setMoves(moves.filter((x) => x.milestoneId !== m.milestoneId))}
                  />
                </Flex>
              ))}
              {result && result.changed.length > 0 && (
                <Table
                  size="small"
                  rowKey="code"
                  style={{ marginTop: 16 }}
                  title={() => t('scenarios.changed')}
                  dataSource={result.changed}
                  pagination={false}
                  columns={[
                    { title: t('scenarios.project'), dataIndex: 'name' },
                    {
                      title: t('scenarios.before'),
                      align: 'right',
                      render: (_, c) => <span className="num">{wanText(c.baseExpected)}</span>,
                    },
                    {
                      title: t('scenarios.after'),
                      align: 'right',
                      render: (_, c) =>
                        c.dropped ? (
                          t('scenarios.dropped')
                        ) : (
                          <span className="num">{wanText(c.expected)}</span>
                        ),
                    },
                    {
                      title: t('scenarios.level'),
                      render: (_, c) => (
                        <span>
                          {levelName(c.baseLevel, lang)} → {levelName(c.level, lang)}
                        </span>
                      ),
                    },
                  ]}
                />
              )}
              <Flex gap={8} style={{ marginTop: 16 }}>
                <Input
                  placeholder={t('scenarios.name')}
                  aria-label={t('scenarios.name')}
                  value={name}
                  maxLength={100}
                  onChange={(e) => setName(e.target.value)}
                  data-testid="scenario-name"
                />
                <Button
                  type="primary"
                  disabled={!name.trim() || through === null}
                  loading={save.isPending}
                  onClick={() => save.mutate()}
                  data-testid="scenario-save"
                >
                  {t('scenarios.save')}
                </Button>
              </Flex>
            </Card>
          </Col>
        )}
      </Row>

      <Card size="small" title={t('scenarios.compare')} style={{ marginBottom: 16 }}>
        <Table
          size="small"
          rowKey="id"
          loading={saved.isPending}
          pagination={false}
          data-testid="scenario-compare"
          locale={{ emptyText: <Empty description={t('scenarios.noSaved')} /> }}
          dataSource={(saved.data ?? []).map((s, i) => ({ ...s, result: results[i]?.data }))}
          columns={[
            { title: t('scenarios.name'), dataIndex: 'name' },
            { title: t('scenarios.month'), dataIndex: 'through' },
            {
              title: t('scenarios.expected'),
              align: 'right',
              render: (_, s) => (
                <span className="num" data-wan={s.result?.scenario.expected ?? ''}>
                  {wanText(s.result?.scenario.expected)}
                </span>
              ),
            },
            {
              title: t('scenarios.rate'),
              align: 'right',
              render: (_, s) =>
                s.result?.scenario.rate == null ? '—' : `${s.result.scenario.rate}%`,
            },
            {
              title: t('scenarios.gap'),
              align: 'right',
              render: (_, s) => <span className="num">{wanText(s.result?.scenario.gap)}</span>,
            },
            ...(['red', 'yellow', 'green'] as const).map((l) => ({
              title: t(`scenarios.${l}`),
              align: 'right' as const,
              render: (_: unknown, s: { result?: ScenarioResultView }) =>
                s.result?.scenario.counts[l] ?? '',
            })),
            ...(canWrite
              ? [
                  {
                    title: '',
                    key: 'delete',
                    render: (_: unknown, s: ScenarioView) => (
                      <Popconfirm
                        title={t('scenarios.deleteConfirm')}
                        onConfirm={() => remove.mutate(s.id)}
                      >
                        <Button
                          size="small"
                          type="text"
                          icon={<DeleteOutlined />}
                          aria-label={`${t('scenarios.delete')} ${s.name}`}
                        />
                      </Popconfirm>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
    </>
  );
}
