import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { FormDrawer } from '../../components/form-drawer.tsx';
import { showFieldErrors } from '../../components/form-errors.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, useErrorText } from '../../components/states.tsx';
import { useUnits } from '../../queries.ts';
import type { UnitRow } from '../../types.ts';

type Kind = UnitRow['kind'];
const KINDS: Kind[] = ['owner', 'department', 'office'];
const KIND_COLOR: Record<Kind, string> = { office: 'blue', owner: 'green', department: 'purple' };

type UnitForm = { name: string; shortName?: string; kind: Kind };

function UnitDrawer({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<UnitForm>();
  const save = useMutation<UnitRow, Error, UnitForm>({
    mutationFn: (v) =>
      api<UnitRow>('/units', {
        method: 'POST',
        body: { name: v.name.trim(), shortName: v.shortName?.trim() || null, kind: v.kind },
      }),
    onSuccess: (u) => {
      void queryClient.invalidateQueries({ queryKey: ['units'] });
      message.success(t('units.created', { name: u.name }));
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <FormDrawer
      title={t('units.newUnit')}
      width={420}
      saving={save.isPending}
      onSave={() => form.submit()}
      onClose={onClose}
    >
      <Form<UnitForm>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'owner' }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          name="name"
          label={t('units.name')}
          rules={[{ required: true, whitespace: true, message: t('app.required') }]}
        >
          <Input maxLength={100} autoComplete="off" />
        </Form.Item>
        <Form.Item name="shortName" label={t('units.shortName')}>
          <Input maxLength={50} autoComplete="off" />
        </Form.Item>
        <Form.Item name="kind" label={t('units.kind')} extra={t('units.kindHelp')}>
          <Select options={KINDS.map((k) => ({ value: k, label: t(`units.kinds.${k}`) }))} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

export default function UnitsPage() {
  const { t } = useTranslation();
  const units = useUnits();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title={t('units.title')}
        subtitle={units.data ? t('units.total', { count: units.data.length }) : undefined}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('units.newUnit')}
          </Button>
        }
      />
      {units.isError ? (
        <ErrorState error={units.error} onRetry={() => units.refetch()} />
      ) : (
        <Table<UnitRow>
          size="small"
          rowKey="id"
          loading={units.isFetching}
          dataSource={units.data}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            {
              title: t('units.name'),
              dataIndex: 'name',
              sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
            },
            { title: t('units.shortName'), render: (_, u) => u.shortName || '—' },
            {
              title: t('units.kind'),
              filters: KINDS.map((k) => ({ value: k, text: t(`units.kinds.${k}`) })),
              onFilter: (v, u) => u.kind === v,
              render: (_, u) => <Tag color={KIND_COLOR[u.kind]}>{t(`units.kinds.${u.kind}`)}</Tag>,
            },
          ]}
        />
      )}
      {creating && <UnitDrawer onClose={() => setCreating(false)} />}
    </>
  );
}
