import { useQuery } from '@tanstack/react-query';
import { Alert, Drawer, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { sumWan } from '../../../domain/money.ts';
import { formatYearMonth } from '../../../domain/periods.ts';
import { api } from '../../api.ts';
import { LevelTag, useLang } from '../../components/level-tag.tsx';
import { ErrorState } from '../../components/states.tsx';
import { monthLabel, pct, percent, wanText } from '../../format.ts';
import type { Report, Standing } from '../../types.ts';
import { type DispatchFilters, dispatchQuery } from './use-dispatch.ts';

const PAGE = 500;
const MAX_PAGES = 20;

/** Every approved report of a year, page by page: the raw rows behind the dashboard's actual. */
async function approvedReports(year: number, signal?: AbortSignal) {
  const all: Report[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const rows = await api<Report[]>('/reports', {
      query: { year, status: 'approved', page, pageSize: PAGE },
      signal,
    });
    all.push(...rows);
    if (rows.length < PAGE) return { reports: all, partial: false };
  }
  return { reports: all, partial: true };
}

type Row = {
  standing: Standing;
  reports: Report[];
  actual: string;
  annualTarget: string | null;
  timingTarget: string | null;
};

/**
 * A figure's lineage: the projects under the current filters and the approved reports whose
 * sum is the dashboard's 累计完成, so anyone can see which rows make a number.
 */
export function LineageDrawer({
  filters,
  figure,
  figureLabel,
  total,
  onClose,
}: {
  filters: DispatchFilters;
  figure: 'annualTarget' | 'timingTarget' | 'actual' | 'rate';
  figureLabel: string;
  total: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const through = formatYearMonth(filters);
  const q = useQuery({
    queryKey: ['lineage', filters],
    queryFn: async ({ signal }) => {
      const { through: month, ...rest } = dispatchQuery(filters);
      const [standings, { reports, partial }] = await Promise.all([
        api<Standing[]>('/warnings', { query: { month, ...rest }, signal }),
        approvedReports(filters.year, signal),
      ]);
      const byProject = new Map<number, Report[]>();
      for (const r of reports) {
        if (r.month > filters.month) continue;
        const list = byProject.get(r.projectId) ?? [];
        list.push(r);
        byProject.set(r.projectId, list);
      }
      const i = filters.month - 1;
      const rows: Row[] = standings.map((s) => {
        const list = (byProject.get(s.projectId) ?? []).sort((a, b) => a.month - b.month);
        return {
          standing: s,
          reports: list,
          actual: sumWan(list.map((r) => r.investment)),
          annualTarget: s.rollup?.hasPlan ? s.rollup.annualTarget : null,
          timingTarget: s.rollup?.hasPlan ? s.rollup.timingTargets[i] : null,
        };
      });
      const sortKey = (r: Row) =>
        figure === 'annualTarget'
          ? (r.annualTarget ?? r.actual)
          : figure === 'timingTarget'
            ? (r.timingTarget ?? r.actual)
            : r.actual;
      rows.sort((a, b) => Number(sortKey(b)) - Number(sortKey(a)));
      return { rows, partial };
    },
  });
  const hasTargets = q.data?.rows.some((r) => r.annualTarget !== null) ?? false;
  const sum = q.data ? sumWan(q.data.rows.map((r) => r.actual)) : null;

  return (
    <Drawer
      open
      onClose={onClose}
      size={Math.min(1000, window.innerWidth)}
      title={t('dashboard.lineageTitle', { figure: figureLabel })}
      data-testid="lineage-drawer"
    >
      <Typography.Paragraph type="secondary">
        {t('dashboard.lineageHelp', { through: monthLabel(filters, lang) })}
      </Typography.Paragraph>
      {q.data?.partial && (
        <Alert
          type="warning"
          showIcon
          title={t('dashboard.lineagePartial', { count: PAGE * MAX_PAGES })}
        />
      )}
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Table<Row>
          size="small"
          loading={q.isPending}
          rowKey={(r) => r.standing.projectId}
          dataSource={q.data?.rows}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          sticky
          expandable={{
            rowExpandable: (r) => r.reports.length > 0,
            expandedRowRender: (r) => (
              <Table<Report>
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={r.reports}
                columns={[
                  {
                    title: t('project.month'),
                    render: (_, x) => monthLabel(x, lang),
                  },
                  {
                    title: t('project.monthlyActual'),
                    align: 'right',
                    className: 'num',
                    render: (_, x) => wanText(x.investment),
                  },
                  {
                    title: t('project.progress'),
                    align: 'right',
                    render: (_, x) => pct(x.progressPercent),
                  },
                ]}
              />
            ),
          }}
          columns={[
            {
              title: t('dashboard.lineageProject'),
              fixed: 'left',
              render: (_, r) => (
                <Link to={`/projects/${encodeURIComponent(r.standing.code)}`}>
                  {r.standing.name}
                </Link>
              ),
            },
            { title: t('filters.area'), render: (_, r) => r.standing.area ?? '—' },
            { title: t('filters.unit'), render: (_, r) => r.standing.ownerUnit ?? '—' },
            {
              title: t('filters.level'),
              render: (_, r) => (
                <LevelTag
                  level={r.standing.level}
                  reasons={r.standing.reasons}
                  overridden={r.standing.level !== r.standing.computedLevel}
                />
              ),
            },
            ...(hasTargets
              ? [
                  {
                    title: t('ledger.annualTarget'),
                    align: 'right' as const,
                    className: 'num',
                    render: (_: unknown, r: Row) => wanText(r.annualTarget),
                  },
                  {
                    title: `${t('dashboard.timingTarget')}${t('app.paren', { text: t('unit.wan') })}`,
                    align: 'right' as const,
                    className: 'num',
                    render: (_: unknown, r: Row) => wanText(r.timingTarget),
                  },
                  {
                    title: t('ledger.rate'),
                    align: 'right' as const,
                    render: (_: unknown, r: Row) =>
                      r.timingTarget ? pct(percent(r.actual, r.timingTarget)) : '—',
                  },
                ]
              : []),
            {
              title: t('dashboard.lineageReports'),
              align: 'right',
              render: (_, r) => t('dashboard.lineageMonths', { count: r.reports.length }),
            },
            {
              title: t('dashboard.lineageActual'),
              align: 'right',
              className: 'num',
              render: (_, r) => wanText(r.actual),
            },
          ]}
          summary={() =>
            sum === null ? null : (
              <Table.Summary fixed>
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0} colSpan={hasTargets ? 9 : 6}>
                    <b>{t('dashboard.lineageTotal')}</b>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right">
                    <b className="num" data-testid="lineage-total">
                      {wanText(sum)}
                    </b>
                    {sum !== total && (
                      <div style={{ color: '#f5222d', fontSize: 12 }}>≠ {wanText(total)}</div>
                    )}
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              </Table.Summary>
            )
          }
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 12 }}>
        {through}
      </Typography.Paragraph>
    </Drawer>
  );
}
