import { HistoryOutlined, SaveOutlined, SlidersOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Segmented,
  Select,
  Table,
  Tabs,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { formatYearMonth, parseYearMonth, type YearMonth } from '../../../domain/periods.ts';
import { LEVELS, type Level } from '../../../domain/warning-rules.ts';
import { api } from '../../api.ts';
import { useCan } from '../../auth.tsx';
import { showFieldErrors } from '../../components/form-errors.ts';
import { LevelTag, reasonText, useLang } from '../../components/level-tag.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, PageSpinner, useErrorText } from '../../components/states.tsx';
import { dateTime, LEVEL_COLOR, levelName, monthLabel } from '../../format.ts';
import { useAreas, useLatestMonth, useUnits } from '../../queries.ts';
import type { Standing, Thresholds, WarningEvent } from '../../types.ts';
import { IssueNoticeButton, NoticeStatusTag } from '../coordination/notice-drawer.tsx';
import type { NoticeLink } from '../coordination/notice-types.ts';

function History({ standing, onClose }: { standing: Standing; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const q = useQuery({
    queryKey: ['warning-history', standing.code],
    queryFn: () => api<WarningEvent[]>(`/projects/${encodeURIComponent(standing.code)}/warnings`),
  });
  return (
    <Drawer
      open
      onClose={onClose}
      size={Math.min(760, window.innerWidth)}
      title={t('warnings.historyTitle', { project: standing.name })}
    >
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Table<WarningEvent>
          size="small"
          rowKey="id"
          loading={q.isPending}
          dataSource={q.data}
          pagination={{ pageSize: 24, hideOnSinglePage: true }}
          locale={{ emptyText: t('project.noWarnings') }}
          columns={[
            { title: t('project.month'), render: (_, r) => monthLabel(r, lang) },
            { title: '', render: (_, r) => t(`project.warningKind.${r.kind}`) },
            {
              title: t('project.finalLevel'),
              render: (_, r) => (
                <LevelTag level={r.finalLevel} overridden={r.overrideLevel != null} />
              ),
            },
            {
              title: t('project.reasons'),
              render: (_, r) => (
                <>
                  {r.reasons
                    .filter((x) => x.level !== 'green')
                    .map((x) => reasonText(x, lang))
                    .join(t('app.sep')) || '—'}
                  {r.overrideReason && (
                    <div className="reason">
                      {t('project.overrideReason')}
                      {t('app.colon')}
                      {r.overrideReason}
                    </div>
                  )}
                </>
              ),
            },
            { title: t('project.actor'), dataIndex: 'actor' },
            { title: t('project.at'), render: (_, r) => dateTime(r.at) },
          ]}
        />
      )}
    </Drawer>
  );
}

function OverrideModal({
  standing,
  period,
  onClose,
}: {
  standing: Standing;
  period: YearMonth;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ level: Level | 'computed'; reason: string }>();
  const save = useMutation({
    mutationFn: (v: { level: Level | 'computed'; reason: string }) =>
      api('/warnings/override', {
        method: 'POST',
        body: {
          projectId: standing.projectId,
          year: period.year,
          month: period.month,
          level: v.level === 'computed' ? null : v.level,
          reason: v.reason,
        },
      }),
    onSuccess: () => {
      message.success(t('warnings.overrideDone'));
      void queryClient.invalidateQueries({ queryKey: ['warnings'] });
      void queryClient.invalidateQueries({ queryKey: ['dispatch'] });
      void queryClient.invalidateQueries({ queryKey: ['warning-history', standing.code] });
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <Modal
      open
      title={t('warnings.overrideTitle', { project: standing.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('app.save')}
      cancelText={t('app.cancel')}
      okButtonProps={{ loading: save.isPending }}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {t('warnings.computed')}
        {t('app.colon')}
        <LevelTag level={standing.computedLevel} reasons={standing.reasons} />
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ level: standing.overrideLevel ?? standing.computedLevel }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="level" label={t('warnings.overrideLevel')}>
          <Select
            options={[
              ...LEVELS.map((l) => ({
                value: l,
                label: (
                  <span>
                    <span className="level-dot" style={{ background: LEVEL_COLOR[l] }} />
                    {levelName(l, lang)}
                  </span>
                ),
              })),
              { value: 'computed', label: t('warnings.overrideClear') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('warnings.overrideReason')}
          rules={[
            { required: true, whitespace: true, min: 4, message: t('warnings.overrideReason') },
          ]}
        >
          <Input.TextArea rows={3} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ThresholdsForm() {
  const { t } = useTranslation();
  const lang = useLang();
  const canEdit = useCan('settings.write');
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Thresholds>();
  const q = useQuery({
    queryKey: ['thresholds'],
    queryFn: () => api<Thresholds>('/settings/warnings'),
  });
  const save = useMutation({
    // The version loaded goes along: a change saved meanwhile by someone else is a 409 that
    // names them (shown below), never silently overwritten.
    mutationFn: (body: Thresholds) =>
      api<Thresholds>('/settings/warnings', { method: 'PUT', body }),
    onSuccess: (v) => {
      queryClient.setQueryData(['thresholds'], v);
      void queryClient.invalidateQueries({ queryKey: ['warnings'] });
      void queryClient.invalidateQueries({ queryKey: ['dispatch'] });
      // each milestone's lateness level follows the office's threshold too
      void queryClient.invalidateQueries({ queryKey: ['milestones'] });
      message.success(t('warnings.thresholdsSaved'));
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  if (q.isPending) return <PageSpinner />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  return (
    <Form<Thresholds>
      form={form}
      layout="vertical"
      disabled={!canEdit}
      initialValues={q.data}
      onFinish={(v) => save.mutate({ ...q.data, ...v })}
      style={{ maxWidth: 480 }}
    >
      <Typography.Paragraph type="secondary">{t('warnings.thresholdsHelp')}</Typography.Paragraph>
      <Form.Item name="investmentGreenAtPercent" label={t('warnings.greenAt')}>
        <InputNumber min={0} max={1000} style={{ width: 160 }} />
      </Form.Item>
      <Form.Item name="investmentRedBelowPercent" label={t('warnings.redBelow')}>
        <InputNumber min={0} max={1000} style={{ width: 160 }} />
      </Form.Item>
      <Form.Item name="milestoneRedAfterDays" label={t('warnings.milestoneRed')}>
        <InputNumber min={0} max={3650} style={{ width: 160 }} />
      </Form.Item>
      <Form.Item name="missingReportLevel" label={t('warnings.missingReport')}>
        <Select
          style={{ width: 200 }}
          options={LEVELS.map((l) => ({ value: l, label: levelName(l, lang) }))}
        />
      </Form.Item>
      <Form.Item
        name="staleReportAfterDays"
        label={t('warnings.staleReportAfterDays')}
        extra={t('warnings.staleHelp')}
      >
        <InputNumber min={1} max={3650} precision={0} style={{ width: 160 }} />
      </Form.Item>
      <Form.Item name="staleProgressMonths" label={t('warnings.staleProgressMonths')}>
        <InputNumber min={1} max={120} precision={0} style={{ width: 160 }} />
      </Form.Item>
      {canEdit && (
        <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={save.isPending}>
          {t('app.save')}
        </Button>
      )}
    </Form>
  );
}

export default function WarningsPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const canOverride = useCan('warning.override');
  const [params, setParams] = useSearchParams();
  const latest = useLatestMonth();
  const areas = useAreas();
  const units = useUnits();
  const period = parseYearMonth(params.get('month') ?? '') ?? latest.data ?? null;
  const level = (params.get('level') as Level | null) ?? undefined;
  const area = params.get('area') ?? undefined;
  const tag = params.get('tag') ?? undefined;
  const unitId = params.get('unitId') ? Number(params.get('unitId')) : undefined;
  const [overriding, setOverriding] = useState<Standing | null>(null);
  const [history, setHistory] = useState<Standing | null>(null);
  const tab = params.get('tab') ?? 'list';

  const q = useQuery({
    queryKey: ['warnings', period && formatYearMonth(period), area, tag, unitId],
    queryFn: ({ signal }) =>
      api<Standing[]>('/warnings', {
        query: { month: formatYearMonth(period!), area, tag, unitId },
        signal,
      }),
    enabled: !!period,
    placeholderData: keepPreviousData,
  });
  const snapshot = useMutation({
    mutationFn: () =>
      api<{ projects: number; changed: number }>('/warnings/snapshot', {
        method: 'POST',
        body: { month: formatYearMonth(period!) },
      }),
    onSuccess: (r) => {
      message.success(t('warnings.snapshotDone', r));
      void queryClient.invalidateQueries({ queryKey: ['warning-history'] });
    },
    onError: (e) => message.error(errorText(e)),
  });

  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  const all = q.data ?? [];
  const counts = { green: 0, yellow: 0, red: 0 } as Record<Level, number>;
  for (const s of all) counts[s.level]++;
  // The server answers worst first (and again after every override): shown as it comes, never
  // sorted in place in the query cache.
  const rows = level ? all.filter((s) => s.level === level) : all;

  const list = (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={12} align="center">
          <DatePicker
            picker="month"
            allowClear={false}
            aria-label={t('warnings.month')}
            value={period ? dayjs(`${formatYearMonth(period)}-01`) : undefined}
            onChange={(d) => d && set({ month: d.format('YYYY-MM') })}
          />
          <Segmented
            value={level ?? 'all'}
            onChange={(v) => set({ level: v === 'all' ? undefined : String(v) })}
            options={[
              { value: 'all', label: `${t('app.all')} ${all.length}` },
              ...[...LEVELS].reverse().map((l) => ({
                value: l,
                label: (
                  <span>
                    <span className="level-dot" style={{ background: LEVEL_COLOR[l] }} />
                    {levelName(l, lang)} {counts[l]}
                  </span>
                ),
              })),
            ]}
          />
          <Select
            aria-label={t('filters.area')}
            allowClear
            placeholder={t('filters.allAreas')}
            value={area}
            style={{ width: 170 }}
            options={(areas.data ?? []).map((a) => ({ value: a.name, label: a.name }))}
            onChange={(v) => set({ area: v })}
          />
          <Select
            aria-label={t('filters.tag')}
            allowClear
            placeholder={t('filters.allTags')}
            value={tag}
            style={{ width: 130 }}
            // tags have no list of their own: those of the projects listed, and the one chosen
            options={[...new Set([...(tag ? [tag] : []), ...all.flatMap((s) => s.tags)])]
              .sort()
              .map((x) => ({ value: x, label: x }))}
            onChange={(v) => set({ tag: v })}
          />
          <Select
            aria-label={t('filters.unit')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('filters.allUnits')}
            value={unitId}
            style={{ width: 190 }}
            popupMatchSelectWidth={false}
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
            onChange={(v) => set({ unitId: v ? String(v) : undefined })}
          />
        </Flex>
      </Card>
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Table<Standing>
          data-testid="warnings-table"
          size="small"
          rowKey="projectId"
          loading={q.isFetching}
          dataSource={rows}
          sticky
          scroll={{ x: 1250 }}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            {
              title: t('warnings.project'),
              fixed: 'left',
              width: 200,
              render: (_, s) => (
                <Link to={`/projects/${encodeURIComponent(s.code)}?tab=warnings`}>{s.name}</Link>
              ),
            },
            { title: t('filters.area'), width: 130, render: (_, s) => s.area ?? '—' },
            { title: t('filters.unit'), width: 150, render: (_, s) => s.ownerUnit ?? '—' },
            {
              title: t('warnings.final'),
              // wide enough for 提请关注 · 已人工调整 on one line
              width: 160,
              render: (_, s) => (
                <>
                  <LevelTag level={s.level} overridden={s.level !== s.computedLevel} />
                  {s.level !== s.computedLevel && (
                    <div className="reason">
                      {t('warnings.computed')}
                      {t('app.colon')}
                      {levelName(s.computedLevel, lang)}
                    </div>
                  )}
                </>
              ),
            },
            {
              title: t('warnings.reasons'),
              render: (_, s) => (
                <div>
                  {s.reasons
                    .filter((r) => r.level !== 'green' || s.computedLevel === 'green')
                    .map((r) => (
                      <div key={`${r.rule}-${r.zh}`}>
                        <span className="level-dot" style={{ background: LEVEL_COLOR[r.level] }} />
                        {reasonText(r, lang)}
                      </div>
                    ))}
                  {s.overrideReason && s.overrideLevel && (
                    <div className="reason">
                      {t('project.overrideReason')}
                      {t('app.colon')}
                      {s.overrideReason}
                    </div>
                  )}
                </div>
              ),
            },
            {
              // the warning's supervision notice, or the one-click issue the server allows
              title: t('notice.title'),
              width: 170,
              render: (_, s: Standing & NoticeLink) =>
                s.notice ? (
                  <Link to={`/supervision-notices?id=${s.notice.id}`}>
                    <div>{s.notice.number}</div>
                    <NoticeStatusTag status={s.notice.status} />
                  </Link>
                ) : (
                  s.canIssueNotice &&
                  period && (
                    <IssueNoticeButton
                      projectCode={s.code}
                      projectName={s.name}
                      month={formatYearMonth(period)}
                    />
                  )
                ),
            },
            {
              title: t('app.actions'),
              fixed: 'right',
              width: canOverride ? 190 : 90,
              render: (_, s) => (
                <Flex gap={4}>
                  {canOverride && (
                    <Button
                      size="small"
                      icon={<SlidersOutlined />}
                      onClick={() => setOverriding(s)}
                    >
                      {t('warnings.override')}
                    </Button>
                  )}
                  <Button size="small" icon={<HistoryOutlined />} onClick={() => setHistory(s)}>
                    {t('warnings.history')}
                  </Button>
                </Flex>
              ),
            },
          ]}
        />
      )}
    </>
  );

  return (
    <>
      <PageHeader
        title={t('warnings.title')}
        subtitle={
          period ? `${monthLabel(period, lang)} · ${t('warnings.counts', counts)}` : undefined
        }
        extra={
          canOverride &&
          period && (
            <Button onClick={() => snapshot.mutate()} loading={snapshot.isPending}>
              {t('warnings.snapshot')}
            </Button>
          )
        }
      />
      {!period ? (
        <PageSpinner />
      ) : (
        <Tabs
          activeKey={tab}
          onChange={(k) => set({ tab: k === 'list' ? undefined : k })}
          items={[
            { key: 'list', label: t('warnings.title'), children: list },
            { key: 'thresholds', label: t('warnings.thresholds'), children: <ThresholdsForm /> },
          ]}
        />
      )}
      {overriding && period && (
        <OverrideModal standing={overriding} period={period} onClose={() => setOverriding(null)} />
      )}
      {history && <History standing={history} onClose={() => setHistory(null)} />}
    </>
  );
}
