import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Drawer, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Lineage, LineageFigure } from '../../../contracts/dispatch.ts';
import { formatYearMonth } from '../../../domain/periods.ts';
import { api } from '../../api.ts';
import { LevelTag, useLang } from '../../components/level-tag.tsx';
import { ErrorState } from '../../components/states.tsx';
import { monthLabel, pct, wanText } from '../../format.ts';
import { type DispatchFilters, dispatchQuery } from './use-dispatch.ts';

type Row = Lineage['rows'][number];
const PAGE_SIZE = 50;

/**
 * A figure's lineage: the projects behind one dashboard card, each with its part of that card's
 * own figure (plan, timing target, actual or rate), and the total. The server builds the rows
 * and the total from the same standings as the card (GET /api/dispatch/lineage), so the total
 * is the card's figure under every filter; this drawer only prints them.
 */
export function LineageDrawer({
  filters,
  figure,
  figureLabel,
  total,
  onClose,
}: {
  filters: DispatchFilters;
  figure: LineageFigure;
  figureLabel: string;
  /** the card's figure, to show a difference should one ever appear */
  total: string | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const [page, setPage] = useState(1);
  const through = formatYearMonth(filters);
  const q = useQuery({
    queryKey: ['lineage', filters, figure, page],
    queryFn: ({ signal }) =>
      api<Lineage>('/dispatch/lineage', {
        query: { ...dispatchQuery(filters), figure, page, pageSize: PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
  const l = q.data;
  const help =
    figure === 'annualTarget'
      ? t('dashboard.lineageHelpAnnualTarget', { year: filters.year })
      : figure === 'timingTarget'
        ? t('dashboard.lineageHelpTimingTarget', { through: monthLabel(filters, lang) })
        : figure === 'rate'
          ? t('dashboard.lineageHelpRate', { through: monthLabel(filters, lang) })
          : t('dashboard.lineageHelp', { through: monthLabel(filters, lang) });
  const shown = (v: string | null) => (figure === 'rate' ? pct(v) : wanText(v));
  const money = (key: 'annualTarget' | 'timingTarget' | 'actual', title: string) => ({
    key,
    title,
    align: 'right' as const,
    className: key === figure ? 'num lineage-figure' : 'num',
    render: (_: unknown, r: Row) => (key === figure ? <b>{wanText(r[key])}</b> : wanText(r[key])),
  });
  const wan = t('app.paren', { text: t('unit.wan') });
  const columns = [
    {
      key: 'project',
      title: t('dashboard.lineageProject'),
      fixed: 'left' as const,
      render: (_: unknown, r: Row) => (
        <Link to={`/projects/${encodeURIComponent(r.code)}`}>{r.name}</Link>
      ),
    },
    { key: 'area', title: t('filters.area'), render: (_: unknown, r: Row) => r.area ?? '—' },
    {
      key: 'unit',
      title: t('filters.unit'),
      render: (_: unknown, r: Row) => r.ownerUnit ?? '—',
    },
    {
      key: 'level',
      title: t('filters.level'),
      render: (_: unknown, r: Row) => (
        <LevelTag level={r.level} overridden={r.level !== r.computedLevel} />
      ),
    },
    money('annualTarget', t('ledger.annualTarget')),
    money('timingTarget', `${t('dashboard.timingTarget')}${wan}`),
    money('actual', t('dashboard.lineageActual')),
    {
      key: 'rate',
      title: t('ledger.rate'),
      align: 'right' as const,
      render: (_: unknown, r: Row) => (figure === 'rate' ? <b>{pct(r.rate)}</b> : pct(r.rate)),
    },
  ];
  // the summary cell sits under the column of the card's own figure
  const figureIndex = columns.findIndex((c) => c.key === figure);

  return (
    <Drawer
      open
      onClose={onClose}
      size={Math.min(1000, window.innerWidth)}
      title={t('dashboard.lineageTitle', { figure: figureLabel })}
      data-testid="lineage-drawer"
    >
      <Typography.Paragraph type="secondary">{help}</Typography.Paragraph>
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Table<Row>
          size="small"
          loading={q.isPending || q.isPlaceholderData}
          rowKey="projectId"
          dataSource={l?.rows}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: l?.count ?? 0,
            hideOnSinglePage: true,
            showSizeChanger: false,
            onChange: setPage,
          }}
          sticky
          scroll={{ x: 'max-content' }}
          expandable={{
            rowExpandable: (r) => r.monthlyActual.some((v) => v !== '0.00'),
            expandedRowRender: (r) => (
              <Table
                size="small"
                rowKey="month"
                pagination={false}
                dataSource={r.monthlyActual.map((v, i) => ({ month: i + 1, actual: v }))}
                columns={[
                  {
                    title: t('project.month'),
                    render: (_, x) => monthLabel({ year: filters.year, month: x.month }, lang),
                  },
                  {
                    title: t('project.monthlyActual'),
                    align: 'right',
                    className: 'num',
                    render: (_, x) => wanText(x.actual),
                  },
                ]}
              />
            ),
          }}
          columns={columns}
          summary={() =>
            l ? (
              <Table.Summary fixed>
                <Table.Summary.Row>
                  {/* +1: the expand column comes first */}
                  <Table.Summary.Cell index={0} colSpan={figureIndex + 1}>
                    <b>{t('dashboard.lineageTotal')}</b>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right">
                    <b className="num" data-testid="lineage-total" data-value={l.total ?? ''}>
                      {shown(l.total)}
                    </b>
                    {l.total !== total && (
                      <div style={{ color: '#cf1322', fontSize: 12 }}>≠ {shown(total)}</div>
                    )}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={2} colSpan={columns.length - figureIndex - 1} />
                </Table.Summary.Row>
              </Table.Summary>
            ) : null
          }
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 12 }}>
        {through}
      </Typography.Paragraph>
    </Drawer>
  );
}
