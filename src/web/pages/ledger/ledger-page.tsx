import {
  DownloadOutlined,
  FileExcelOutlined,
  PlusOutlined,
  SettingOutlined,
  StarOutlined,
} from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Dropdown,
  Flex,
  Input,
  Modal,
  Popover,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
} from 'antd';
import type { SorterResult } from 'antd/es/table/interface.js';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { ProjectListOutput } from '../../../contracts/projects.ts';
import { PROJECT_PHASES } from '../../../domain/milestones.ts';
import { formatYearMonth } from '../../../domain/periods.ts';
import { api, downloadUrl } from '../../api.ts';
import { useCan } from '../../auth.tsx';
import { LevelTag, useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { EmptyState, ErrorState } from '../../components/states.tsx';
import { levelName, monthLabel, pct, wanText } from '../../format.ts';
import { useAreas, useCategories, useLatestMonth, useUnits } from '../../queries.ts';

import { ProjectForm } from './project-form.tsx';

const COLUMN_KEYS = [
  'name',
  'code',
  'area',
  'category',
  'tags',
  'ownerUnit',
  'phase',
  'level',
  'totalInvestment',
  'annualTarget',
  'actual',
  'rate',
  'plannedStart',
  'plannedFinish',
  'location',
  'remarks',
] as const;
type ColumnKey = (typeof COLUMN_KEYS)[number];
// What fits 1366 px wide without scrolling sideways (计划开工 / 计划竣工 in view); 标签, 建设阶段
// and 总投资 are one click away in the column chooser.
const DEFAULT_COLUMNS: ColumnKey[] = [
  'name',
  'code',
  'area',
  'ownerUnit',
  'level',
  'annualTarget',
  'actual',
  'rate',
  'plannedStart',
  'plannedFinish',
];
const SORTABLE: Partial<Record<ColumnKey, string>> = {
  code: 'code',
  name: 'name',
  totalInvestment: 'totalInvestment',
  plannedStart: 'plannedStart',
};
const FILTER_KEYS = [
  'q',
  'area',
  'tag',
  'unitId',
  'phase',
  'category',
  'archived',
  'sort',
] as const;

type SavedView = { name: string; search: string; columns: ColumnKey[] };
const COLUMNS_KEY = 'tiaodu.ledger.columns';
const VIEWS_KEY = 'tiaodu.ledger.views';

function load<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}
function store(key: string, value: unknown) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // not remembered; the table still works
  }
}

type Row = ProjectListOutput['items'][number];

/** A CSV of exactly the rows and columns on screen, with a BOM so Excel and WPS read Chinese. */
function exportCsv(columns: { title: string; value: (r: Row) => string }[], rows: Row[]) {
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = [columns.map((c) => esc(c.title)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => esc(c.value(r))).join(','));
  const blob = new Blob([`\ufeff${lines.join('\r\n')}`], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `tiaodu-ledger-${new Date().toISOString().slice(0, 10)}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function LedgerPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const canEdit = useCan('ledger.write');
  const areas = useAreas();
  const units = useUnits();
  const categories = useCategories();
  const latest = useLatestMonth();
  const [columns, setColumns] = useState<ColumnKey[]>(() => load(COLUMNS_KEY, DEFAULT_COLUMNS));
  const [views, setViews] = useState<SavedView[]>(() => load(VIEWS_KEY, []));
  const [creating, setCreating] = useState(false);
  const [naming, setNaming] = useState<string | null>(null);
  const [search, setSearch] = useState(params.get('q') ?? '');

  const page = Number(params.get('page') ?? 1) || 1;
  const pageSize = Number(params.get('pageSize') ?? 50) || 50;
  const query = {
    q: params.get('q') ?? undefined,
    area: params.get('area') ?? undefined,
    tag: params.get('tag') ?? undefined,
    unitId: params.get('unitId') ?? undefined,
    phase: params.get('phase') ?? undefined,
    category: params.get('category') ?? undefined,
    archived: params.get('archived') ?? undefined,
    sort: params.get('sort') ?? undefined,
    page,
    pageSize,
    // The server adds each project's 年度计划 / 累计完成 / 完成率 at this month's end.
    month: latest.data ? formatYearMonth(latest.data) : undefined,
  };
  const projects = useQuery({
    queryKey: ['projects', query],
    queryFn: ({ signal }) => api<ProjectListOutput>('/projects', { query, signal }),
    placeholderData: keepPreviousData,
    enabled: !latest.isPending,
  });
  const month = latest.data;
  // Each row's standing comes with the page (evaluated for these rows only); tags from the server.
  const tagList = useQuery({
    queryKey: ['projects', 'tags'],
    queryFn: ({ signal }) => api<string[]>('/projects/tags', { signal }),
  });
  const tags = tagList.data ?? [];
  const rows: Row[] = projects.data?.items ?? [];
  const annual = (r: Row) => r.figures?.annualTarget ?? null;
  const actual = (r: Row) => r.figures?.actualCumulative ?? null;

  const set = (patch: Record<string, string | number | undefined | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };

  const sortOrder = (key: string) => {
    const s = params.get('sort') ?? 'code';
    if (s === key) return 'ascend' as const;
    if (s === `-${key}`) return 'descend' as const;
    return null;
  };

  // A plain text column: a dash on screen where the value is empty, nothing in the CSV.
  const text = (title: string, get: (r: Row) => string | null) => ({
    title,
    render: (r: Row) => get(r) ?? '—',
    csv: (r: Row) => get(r) ?? '',
  });
  const defs: Record<
    ColumnKey,
    {
      title: string;
      render: (r: Row) => ReactNode;
      csv: (r: Row) => string;
      num?: boolean;
      width?: number;
    }
  > = {
    // Widths sized so the default columns fit 1366 px: long names and units wrap, never scroll.
    code: { title: t('ledger.code'), render: (r) => r.code, csv: (r) => r.code, width: 96 },
    name: {
      title: t('ledger.name'),
      render: (r) => (
        <Link to={`/projects/${encodeURIComponent(r.code)}`}>
          {r.name}
          {r.archivedAt && <Tag style={{ marginInlineStart: 6 }}>{t('ledger.archived')}</Tag>}
        </Link>
      ),
      csv: (r) => r.name,
      width: 190,
    },
    area: { ...text(t('ledger.area'), (r) => r.areaName), width: 110 },
    category: text(t('ledger.category'), (r) => r.categoryName),
    tags: {
      title: t('ledger.tags'),
      render: (r) => r.tags.map((x) => <Tag key={x}>{x}</Tag>),
      csv: (r) => r.tags.join('、'),
    },
    ownerUnit: { ...text(t('ledger.ownerUnit'), (r) => r.ownerUnitName), width: 140 },
    phase: {
      title: t('ledger.phase'),
      render: (r) => t(`phase.${r.phase}`),
      csv: (r) => t(`phase.${r.phase}`),
    },
    level: {
      title: month
        ? t('ledger.levelThisMonth', { month: monthLabel(month, lang) })
        : t('filters.level'),
      render: (r) =>
        r.standing ? (
          <LevelTag
            level={r.standing.level}
            reasons={r.standing.reasons}
            overridden={r.standing.level !== r.standing.computedLevel}
          />
        ) : (
          '—'
        ),
      csv: (r) => (r.standing ? levelName(r.standing.level, lang) : ''),
      width: 100,
    },
    totalInvestment: {
      title: t('ledger.totalInvestment'),
      render: (r) => wanText(r.totalInvestment),
      csv: (r) => r.totalInvestment ?? '',
      num: true,
      width: 104,
    },
    annualTarget: {
      title: t('ledger.annualTarget'),
      render: (r) => wanText(annual(r)),
      csv: (r) => annual(r) ?? '',
      num: true,
      width: 104,
    },
    actual: {
      title: t('ledger.actual'),
      render: (r) => wanText(actual(r)),
      csv: (r) => actual(r) ?? '',
      num: true,
      width: 104,
    },
    rate: {
      title: t('ledger.rate'),
      render: (r) => pct(r.figures?.rate),
      csv: (r) => r.figures?.rate ?? '',
      num: true,
      width: 76,
    },
    plannedStart: { ...text(t('ledger.plannedStart'), (r) => r.plannedStart), width: 96 },
    plannedFinish: { ...text(t('ledger.plannedFinish'), (r) => r.plannedFinish), width: 96 },
    location: text(t('ledger.location'), (r) => r.location),
    remarks: text(t('ledger.remarks'), (r) => r.remarks),
  };
  const available = COLUMN_KEYS;
  const shown = available.filter((k) => columns.includes(k) || k === 'name');

  const tableColumns: TableColumnsType<Row> = shown.map((k) => ({
    key: k,
    title: defs[k].title,
    render: (_: unknown, r: Row) => defs[k].render(r),
    align: defs[k].num ? 'right' : undefined,
    className: defs[k].num ? 'num' : undefined,
    fixed: k === 'name' ? 'left' : undefined,
    width: defs[k].width,
    sorter: SORTABLE[k] ? true : undefined,
    sortOrder: SORTABLE[k] ? sortOrder(SORTABLE[k]!) : undefined,
    onHeaderCell: () => ({ 'data-col': k }) as React.HTMLAttributes<HTMLElement>,
  }));

  const onTableChange = (
    pagination: { current?: number; pageSize?: number },
    _f: unknown,
    sorter: SorterResult<Row> | SorterResult<Row>[],
  ) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const key = s?.columnKey ? SORTABLE[s.columnKey as ColumnKey] : undefined;
    const sort = key && s.order ? (s.order === 'descend' ? `-${key}` : key) : undefined;
    const next = new URLSearchParams(params);
    if (sort) next.set('sort', sort);
    else next.delete('sort');
    if (pagination.current && pagination.current !== 1)
      next.set('page', String(pagination.current));
    else next.delete('page');
    if (pagination.pageSize && pagination.pageSize !== 50)
      next.set('pageSize', String(pagination.pageSize));
    else next.delete('pageSize');
    setParams(next, { replace: true });
  };

  const chooser = (
    <Checkbox.Group
      value={columns}
      onChange={(v) => {
        const next = v as ColumnKey[];
        setColumns(next);
        store(COLUMNS_KEY, next);
      }}
    >
      <Flex vertical gap={4}>
        {available.map((k) => (
          <Checkbox key={k} value={k} disabled={k === 'name'}>
            {defs[k].title}
          </Checkbox>
        ))}
      </Flex>
    </Checkbox.Group>
  );

  const currentSearch = () => {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = params.get(k);
      if (v) p.set(k, v);
    }
    return p.toString();
  };

  const pageTotals = projects.data?.pageTotals;
  const empty =
    projects.data && projects.data.total === 0 && FILTER_KEYS.every((k) => !params.get(k));

  return (
    <>
      <PageHeader
        title={t('ledger.title')}
        subtitle={projects.data ? t('ledger.total', { count: projects.data.total }) : undefined}
        extra={
          <>
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  ...(views.length === 0
                    ? [{ key: '_none', label: t('ledger.noViews'), disabled: true }]
                    : views.map((v) => ({
                        key: v.name,
                        label: v.name,
                        extra: (
                          <Button
                            size="small"
                            type="link"
                            danger
                            aria-label={`${t('ledger.deleteView')} ${v.name}`}
                            onClick={(e) => {
                              e.stopPropagation();
                              const next = views.filter((x) => x.name !== v.name);
                              setViews(next);
                              store(VIEWS_KEY, next);
                            }}
                          >
                            ×
                          </Button>
                        ),
                      }))),
                  { type: 'divider' as const },
                  { key: '_save', label: t('ledger.saveView'), icon: <StarOutlined /> },
                ],
                onClick: ({ key }) => {
                  if (key === '_save') return setNaming('');
                  const v = views.find((x) => x.name === key);
                  if (!v) return;
                  setParams(new URLSearchParams(v.search), { replace: true });
                  setSearch(new URLSearchParams(v.search).get('q') ?? '');
                  setColumns(v.columns);
                  store(COLUMNS_KEY, v.columns);
                },
              }}
            >
              <Button icon={<StarOutlined />}>{t('ledger.views')}</Button>
            </Dropdown>
            <Popover
              content={chooser}
              trigger="click"
              placement="bottomRight"
              title={t('ledger.columns')}
            >
              <Button icon={<SettingOutlined />}>{t('ledger.columns')}</Button>
            </Popover>
            <Button
              icon={<DownloadOutlined />}
              onClick={() =>
                exportCsv(
                  shown.map((k) => ({ title: defs[k].title, value: defs[k].csv })),
                  rows,
                )
              }
            >
              {t('ledger.exportScreen')}
            </Button>
            <Button
              icon={<FileExcelOutlined />}
              href={downloadUrl(
                '/exports/ledger',
                month ? { year: month.year, month: month.month } : undefined,
              )}
            >
              {t('ledger.exportExcel')}
            </Button>
            {canEdit && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t('ledger.newProject')}
              </Button>
            )}
          </>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={8}>
          <Input.Search
            aria-label={t('filters.keyword')}
            placeholder={t('filters.keyword')}
            allowClear
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(q) => set({ q })}
            style={{ width: 190 }}
          />
          <Select
            aria-label={t('filters.area')}
            allowClear
            placeholder={t('filters.allAreas')}
            value={params.get('area') ?? undefined}
            style={{ width: 150 }}
            options={(areas.data ?? []).map((a) => ({ value: a.name, label: a.name }))}
            onChange={(area) => set({ area })}
          />
          <Select
            aria-label={t('filters.tag')}
            allowClear
            placeholder={t('filters.allTags')}
            value={params.get('tag') ?? undefined}
            style={{ width: 110 }}
            options={tags.map((x) => ({ value: x, label: x }))}
            onChange={(tag) => set({ tag })}
          />
          <Select
            aria-label={t('filters.unit')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('filters.allUnits')}
            value={params.get('unitId') ? Number(params.get('unitId')) : undefined}
            style={{ width: 160 }}
            popupMatchSelectWidth={false}
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
            onChange={(unitId) => set({ unitId })}
          />
          <Select
            aria-label={t('filters.phase')}
            allowClear
            placeholder={t('filters.allPhases')}
            value={params.get('phase') ?? undefined}
            style={{ width: 100 }}
            options={PROJECT_PHASES.map((p) => ({ value: p, label: t(`phase.${p}`) }))}
            onChange={(phase) => set({ phase })}
          />
          <Select
            aria-label={t('filters.category')}
            allowClear
            placeholder={t('filters.allCategories')}
            value={params.get('category') ?? undefined}
            style={{ width: 110 }}
            options={(categories.data ?? []).map((c) => ({ value: c.name, label: c.name }))}
            onChange={(category) => set({ category })}
          />
          <Select
            aria-label={t('ledger.archived')}
            value={params.get('archived') ?? 'exclude'}
            style={{ width: 120 }}
            options={[
              { value: 'exclude', label: t('ledger.excludeArchived') },
              { value: 'include', label: t('ledger.includeArchived') },
              { value: 'only', label: t('ledger.onlyArchived') },
            ]}
            onChange={(archived) =>
              set({ archived: archived === 'exclude' ? undefined : archived })
            }
          />
          {FILTER_KEYS.some((k) => k !== 'sort' && params.get(k)) && (
            <Button
              type="link"
              onClick={() => {
                setSearch('');
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              {t('filters.clear')}
            </Button>
          )}
        </Flex>
      </Card>
      {projects.isError ? (
        <ErrorState error={projects.error} onRetry={() => projects.refetch()} />
      ) : empty ? (
        <Card>
          <EmptyState description={t('ledger.emptyHelp')}>
            <Space>
              <Button onClick={() => navigate('/import')}>{t('dashboard.emptyImport')}</Button>
              {canEdit && (
                <Button type="primary" onClick={() => setCreating(true)}>
                  {t('ledger.newProject')}
                </Button>
              )}
            </Space>
          </EmptyState>
        </Card>
      ) : (
        <Table<Row>
          data-testid="ledger-table"
          size="small"
          rowKey="id"
          loading={projects.isFetching}
          columns={tableColumns}
          dataSource={rows}
          sticky
          scroll={{ x: 'max-content' }}
          onChange={(p, f, s) => onTableChange(p, f, s)}
          pagination={{
            current: page,
            pageSize,
            total: projects.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (n) => t('ledger.total', { count: n }),
          }}
          summary={() =>
            rows.length === 0 ? null : (
              <Table.Summary fixed>
                <Table.Summary.Row>
                  {shown.map((k, idx) => (
                    <Table.Summary.Cell
                      key={k}
                      index={idx}
                      align={defs[k].num ? 'right' : undefined}
                      className={defs[k].num ? 'num' : undefined}
                    >
                      {idx === 0 ? (
                        <b>{t('ledger.pageSum')}</b>
                      ) : k === 'totalInvestment' ? (
                        <b>{wanText(pageTotals?.totalInvestment)}</b>
                      ) : k === 'annualTarget' ? (
                        <b>{wanText(pageTotals?.annualTarget)}</b>
                      ) : k === 'actual' ? (
                        <b>{wanText(pageTotals?.actualCumulative)}</b>
                      ) : null}
                    </Table.Summary.Cell>
                  ))}
                </Table.Summary.Row>
              </Table.Summary>
            )
          }
        />
      )}
      {creating && (
        <ProjectForm
          onClose={() => setCreating(false)}
          onSaved={(p) => {
            setCreating(false);
            navigate(`/projects/${encodeURIComponent(p.code)}`);
          }}
        />
      )}
      <Modal
        open={naming !== null}
        title={t('ledger.saveView')}
        onCancel={() => setNaming(null)}
        onOk={() => {
          const name = (naming ?? '').trim();
          if (!name) return;
          const next = [
            ...views.filter((v) => v.name !== name),
            { name, search: currentSearch(), columns },
          ];
          setViews(next);
          store(VIEWS_KEY, next);
          setNaming(null);
          message.success(t('ledger.viewSaved'));
        }}
      >
        <Input
          aria-label={t('ledger.viewName')}
          placeholder={t('ledger.viewName')}
          value={naming ?? ''}
          onChange={(e) => setNaming(e.target.value)}
          maxLength={40}
        />
      </Modal>
    </>
  );
}
