import { DownloadOutlined, EditOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Modal,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tabs,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RollUp } from '../../../domain/work-plans.ts';
import type { WorkPlanSummary } from '../../../server/modules/work-plans/work-plans.service.ts';
import { api, downloadUrl, type Json } from '../../api.ts';
import { useCan } from '../../auth.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState } from '../../components/states.tsx';
import { useUrlParams } from '../../url-params.ts';
import {
  EditWorkPlan,
  ImportOutcome,
  NewWorkPlan,
  type WorkPlan,
  type WorkPlanImport,
  type WorkPlanItem,
  WorkPlanItemDrawer,
  WorkPlanStatusTag,
} from './work-plan-forms.tsx';

type Summary = Json<WorkPlanSummary>;

/** The plan's figures as the server counted them (a reporter: its own unit's items). */
function Figures({ plan }: { plan: Summary }) {
  const { t } = useTranslation();
  const cards = [
    { key: 'items', value: plan.items, color: undefined },
    { key: 'done', value: plan.done, color: '#237804' },
    { key: 'overdue', value: plan.overdue, color: plan.overdue > 0 ? '#cf1322' : undefined },
  ] as const;
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      {cards.map((c) => (
        <Col key={c.key} xs={12} md={6}>
          <Card size="small" data-testid={`wp-figure-${c.key}`}>
            <Statistic
              title={t(`wp.figure.${c.key}`)}
              value={c.value}
              suffix={<span style={{ fontSize: 14 }}>{t('wp.itemUnit')}</span>}
              styles={c.color ? { content: { color: c.color } } : undefined}
            />
          </Card>
        </Col>
      ))}
      <Col xs={12} md={6}>
        <Card size="small">
          <Statistic
            title={t('wp.figure.doneRate')}
            value={plan.doneRate ?? '—'}
            suffix={plan.doneRate === null ? undefined : '%'}
          />
        </Card>
      </Col>
    </Row>
  );
}

function RollUpTable({ rows, keyTitle }: { rows: RollUp[]; keyTitle: string }) {
  const { t } = useTranslation();
  return (
    <Table<RollUp>
      rowKey="key"
      size="small"
      pagination={false}
      dataSource={rows}
      columns={[
        { title: keyTitle, dataIndex: 'key' },
        { title: t('wp.figure.items'), dataIndex: 'items', align: 'right', width: 100 },
        { title: t('wp.figure.done'), dataIndex: 'done', align: 'right', width: 100 },
        {
          title: t('wp.figure.overdue'),
          dataIndex: 'overdue',
          align: 'right',
          width: 100,
          render: (v: number) => (
            <Typography.Text type={v > 0 ? 'danger' : undefined}>{v}</Typography.Text>
          ),
        },
        {
          title: t('wp.figure.doneRate'),
          dataIndex: 'doneRate',
          align: 'right',
          width: 110,
          render: (v: string | null) => (v === null ? '—' : `${v}%`),
        },
      ]}
    />
  );
}

/** Import with a preview first: nothing is written until the clerk confirms a clean file. */
function ImportButton({ plan }: { plan: WorkPlan }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<WorkPlanImport | null>(null);
  const send = useMutation({
    mutationFn: ({ f, dryRun }: { f: File; dryRun: boolean }) => {
      const form = new FormData();
      form.append('file', f);
      return api<WorkPlanImport>(`/work-plans/${plan.id}/import`, {
        query: { dryRun },
        form,
        okStatuses: [422],
      });
    },
    onSuccess: (r) => {
      setResult(r);
      if (r.ok && !r.dryRun) void client.invalidateQueries({ queryKey: ['work-plans'] });
    },
  });
  const close = () => {
    setFile(null);
    setResult(null);
  };
  return (
    <>
      <Upload
        accept=".xlsx"
        showUploadList={false}
        beforeUpload={(f) => {
          setFile(f);
          send.mutate({ f, dryRun: true });
          return false;
        }}
      >
        <Button icon={<UploadOutlined />}>{t('wp.import')}</Button>
      </Upload>
      <Modal
        open={file !== null}
        title={t('wp.import')}
        onCancel={close}
        confirmLoading={send.isPending}
        okText={result?.dryRun ? t('wp.importCommit') : t('wp.close')}
        okButtonProps={{ disabled: !result?.ok }}
        onOk={() => (result?.dryRun && file ? send.mutate({ f: file, dryRun: false }) : close())}
      >
        {result && <ImportOutcome result={result} />}
      </Modal>
    </>
  );
}

/** 工作方案: an area's plan, its themes and items, rolled up per theme and per unit. */
export default function WorkPlansPage() {
  const { t } = useTranslation();
  const [params, set] = useUrlParams();
  const [creating, setCreating] = useState(false);
  const [editingPlan, setEditingPlan] = useState(false);
  const [editing, setEditing] = useState<WorkPlanItem | 'new' | null>(null);
  const canCreate = useCan('coordination.write');
  const list = useQuery({
    queryKey: ['work-plans'],
    queryFn: () => api<{ plans: Summary[] }>('/work-plans'),
  });
  const planId = Number(params.get('plan')) || list.data?.plans[0]?.id || null;
  const plan = useQuery({
    queryKey: ['work-plans', planId],
    queryFn: () => api<WorkPlan>(`/work-plans/${planId}`),
    enabled: planId !== null,
  });
  const themeFilter = Number(params.get('theme')) || undefined;
  const items = (plan.data?.itemList ?? []).filter(
    (i) => !themeFilter || i.themeId === themeFilter,
  );
  return (
    <>
      <PageHeader
        title={t('nav.workPlans')}
        subtitle={t('wp.subtitle')}
        extra={
          canCreate && (
            <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('wp.new')}
            </Button>
          )
        }
      />
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : list.data && list.data.plans.length === 0 ? (
        <Card>
          <Empty description={t('wp.empty')} />
        </Card>
      ) : (
        <>
          <Flex gap={12} wrap style={{ marginBottom: 16 }}>
            <Select
              style={{ minWidth: 360 }}
              aria-label={t('wp.plan')}
              loading={list.isPending}
              value={planId ?? undefined}
              onChange={(v) => set({ plan: String(v), theme: null })}
              options={(list.data?.plans ?? []).map((p) => ({
                value: p.id,
                label: `${p.name}${p.areaName ? `（${p.areaName}）` : ''}`,
              }))}
            />
          </Flex>
          {plan.isError && <ErrorState error={plan.error} onRetry={() => plan.refetch()} />}
          {plan.data && (
            <>
              <Figures plan={plan.data} />
              {/* The plan's actions beside the tabs, not inside their tab list (a tablist may hold
                  tabs only: axe aria-required-children). */}
              <Card
                extra={
                  <Space>
                    <Button
                      icon={<DownloadOutlined />}
                      href={downloadUrl(`/work-plans/${plan.data.id}/export`)}
                      data-testid="wp-export"
                    >
                      {t('wp.export')}
                    </Button>
                    {plan.data.can.includes('edit') && (
                      <Button icon={<EditOutlined />} onClick={() => setEditingPlan(true)}>
                        {t('wp.edit')}
                      </Button>
                    )}
                    {plan.data.can.includes('import') && <ImportButton plan={plan.data} />}
                    {plan.data.can.includes('edit') && (
                      <Button
                        type="primary"
                        icon={<PlusOutlined />}
                        onClick={() => setEditing('new')}
                      >
                        {t('wp.newItem')}
                      </Button>
                    )}
                  </Space>
                }
              >
                <Tabs
                  items={[
                    {
                      key: 'items',
                      label: t('wp.tab.items'),
                      children: (
                        <>
                          <Select
                            allowClear
                            style={{ minWidth: 220, marginBottom: 12 }}
                            aria-label={t('wp.theme')}
                            placeholder={t('wp.theme')}
                            value={themeFilter}
                            onChange={(v) => set({ theme: v ? String(v) : null })}
                            options={plan.data.themeList.map((th) => ({
                              value: th.id,
                              label: th.name,
                            }))}
                          />
                          <Table<WorkPlanItem>
                            rowKey="id"
                            size="middle"
                            dataSource={items}
                            sticky
                            scroll={{ x: 1200 }}
                            pagination={{ pageSize: 50, showSizeChanger: false }}
                            rowClassName={(r) => (r.overdue ? 'row-overdue' : '')}
                            onRow={(r) => ({
                              onClick: () => setEditing(r),
                              style: { cursor: 'pointer' },
                            })}
                            columns={[
                              {
                                title: t('wp.seq'),
                                dataIndex: 'seq',
                                width: 70,
                                fixed: 'left',
                                align: 'right',
                              },
                              { title: t('wp.theme'), dataIndex: 'themeName', width: 140 },
                              {
                                title: t('wp.content'),
                                dataIndex: 'content',
                                width: 340,
                                // a button, so a keyboard reaches each item (the row's click is
                                // for the mouse)
                                render: (v: string, r) => (
                                  <Button
                                    type="link"
                                    danger={r.overdue}
                                    style={{
                                      padding: 0,
                                      height: 'auto',
                                      whiteSpace: 'normal',
                                      textAlign: 'left',
                                    }}
                                    onClick={(e) => {
                                      e.stopPropagation();
                                      setEditing(r);
                                    }}
                                  >
                                    {v}
                                  </Button>
                                ),
                              },
                              { title: t('wp.unit'), dataIndex: 'responsibleUnitName', width: 170 },
                              { title: t('wp.deadline'), dataIndex: 'deadline', width: 110 },
                              {
                                title: t('wp.statusLabel'),
                                width: 100,
                                render: (_, r) => <WorkPlanStatusTag item={r} />,
                              },
                              {
                                title: t('wp.progress'),
                                dataIndex: 'progress',
                                width: 260,
                                render: (v: string | null) => v ?? '—',
                              },
                              {
                                title: t('wp.projects'),
                                width: 180,
                                render: (_, r) => r.projects.map((p) => p.name).join('、') || '—',
                              },
                            ]}
                          />
                        </>
                      ),
                    },
                    {
                      key: 'themes',
                      label: t('wp.tab.byTheme'),
                      children: <RollUpTable rows={plan.data.byTheme} keyTitle={t('wp.theme')} />,
                    },
                    {
                      key: 'units',
                      label: t('wp.tab.byUnit'),
                      children: <RollUpTable rows={plan.data.byUnit} keyTitle={t('wp.unit')} />,
                    },
                  ]}
                />
              </Card>
            </>
          )}
        </>
      )}
      {creating && (
        <NewWorkPlan
          onClose={() => setCreating(false)}
          onMade={(id) => {
            setCreating(false);
            set({ plan: String(id), theme: null });
          }}
        />
      )}
      {editingPlan && plan.data && (
        <EditWorkPlan plan={plan.data} onClose={() => setEditingPlan(false)} />
      )}
      {editing && plan.data && (
        <WorkPlanItemDrawer
          plan={plan.data}
          item={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
