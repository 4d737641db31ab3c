import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Dropdown,
  Flex,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SecuritySettings } from '../../../server/modules/accounts/password-policy.ts';
import type { AdminUserView } from '../../../server/modules/accounts/user-directory.service.ts';
import { api, type Json } from '../../api.ts';
import { useCan, useUser } from '../../auth.tsx';
import { FormDrawer } from '../../components/form-drawer.tsx';
import { showFieldErrors } from '../../components/form-errors.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorState, PageSpinner, useErrorText } from '../../components/states.tsx';
import { dateTime } from '../../format.ts';
import type { Named, Role } from '../../types.ts';

type User = Json<AdminUserView>;
type UserPage = { items: User[]; total: number; page: number; pageSize: number };
type Policy = SecuritySettings & { version: number };

const ROLES: Role[] = ['coordinator', 'reporter', 'leader', 'sysadmin', 'secadmin', 'auditadmin'];
const BUSINESS: Role[] = ['coordinator', 'reporter', 'leader'];

function UserDrawer({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const role = Form.useWatch('role', form) as Role | undefined;
  const units = useQuery({
    queryKey: ['admin', 'units'],
    queryFn: () => api<Named[]>('/admin/units'),
  });
  // The system admin keeps names and contacts; the security admin grants roles and units. For
  // an existing account the server says what this duty may change of it (三权分立).
  const canManage = useCan('user.manage');
  const canGrant = useCan('user.grant');
  const manages = user ? user.allowed.profile : canManage;
  const grants = user ? user.allowed.grant : canGrant;
  const save = useMutation<unknown, Error, Record<string, unknown>>({
    mutationFn: (v) =>
      user
        ? api<User>(`/admin/users/${user.id}`, {
            method: 'PATCH',
            body: {
              version: user.version,
              ...(manages
                ? { displayName: v.displayName, phone: v.phone || null, email: v.email || null }
                : {}),
              ...(grants ? { role: v.role, unitId: v.unitId ?? null } : {}),
            },
          })
        : api<{ user: User; temporaryPassword?: string }>('/admin/users', {
            method: 'POST',
            body: {
              username: v.username,
              displayName: v.displayName,
              role: v.role,
              unitId: v.unitId ?? null,
              phone: v.phone || null,
              email: v.email || null,
              password: v.password || undefined,
            },
          }),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
      const temp = (r as { temporaryPassword?: string }).temporaryPassword;
      if (temp) {
        modal.info({
          title: t('admin.temporaryPassword'),
          content: (
            <>
              <Typography.Text code copyable>
                {temp}
              </Typography.Text>
              <p>{t('admin.copyOnce')}</p>
            </>
          ),
        });
      } else {
        message.success(user ? t('admin.updated') : t('admin.created'));
      }
      onClose();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <FormDrawer
      title={user ? `${t('app.edit')} · ${user.username}` : t('admin.newUser')}
      width={480}
      saving={save.isPending}
      onSave={() => form.submit()}
      onClose={onClose}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={
          user
            ? {
                displayName: user.displayName,
                role: user.role,
                unitId: user.unitId ?? undefined,
                phone: user.phone ?? '',
                email: user.email ?? '',
              }
            : { role: 'reporter' }
        }
      >
        {!user && (
          <Form.Item
            name="username"
            label={t('admin.username')}
            rules={[{ required: true, message: t('app.required') }]}
          >
            <Input maxLength={32} autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item
          name="displayName"
          label={t('admin.displayName')}
          rules={[{ required: true, message: t('app.required') }]}
        >
          <Input maxLength={60} disabled={!!user && !manages} />
        </Form.Item>
        <Form.Item name="role" label={t('admin.role')}>
          <Select
            disabled={!!user && !grants}
            options={(user ? ROLES : BUSINESS).map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="unitId"
          label={t('admin.unit')}
          rules={role === 'reporter' ? [{ required: true, message: t('app.required') }] : []}
        >
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            disabled={!!user && !grants}
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
        </Form.Item>
        <Form.Item name="phone" label={t('admin.phone')}>
          <Input maxLength={24} disabled={!!user && !manages} />
        </Form.Item>
        <Form.Item name="email" label={t('admin.email')}>
          <Input maxLength={200} disabled={!!user && !manages} />
        </Form.Item>
        {!user && (
          <Form.Item
            name="password"
            label={t('admin.initialPassword')}
            extra={t('admin.initialPasswordHelp')}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
      </Form>
    </FormDrawer>
  );
}

function PolicyForm() {
  const { t } = useTranslation();
  const mayEdit = useCan('security.write');
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Policy>();
  const q = useQuery({
    queryKey: ['admin', 'policy'],
    queryFn: () => api<Policy>('/admin/security-settings'),
  });
  const save = useMutation({
    mutationFn: (v: Policy) => api<Policy>('/admin/security-settings', { method: 'PUT', body: v }),
    onSuccess: (v) => {
      queryClient.setQueryData(['admin', 'policy'], v);
      form.setFieldsValue(v);
      message.success(t('admin.policiesSaved'));
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  if (q.isPending) return <PageSpinner />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const fields: (keyof SecuritySettings)[] = [
    'passwordMinLength',
    'passwordMinClasses',
    'passwordHistory',
    'passwordMaxAgeDays',
    'lockoutThreshold',
    'lockoutMinutes',
    'sessionIdleMinutes',
    'sessionAbsoluteHours',
  ];
  return (
    <Form<Policy>
      form={form}
      layout="vertical"
      initialValues={q.data}
      disabled={!mayEdit}
      onFinish={(v) => save.mutate({ ...q.data, ...v, version: q.data.version })}
    >
      <Card size="small" style={{ marginBottom: 16 }}>
        <Row gutter={24}>
          {fields.map((f) => (
            <Col xs={24} md={12} key={f}>
              <Form.Item name={f} label={t(`admin.${f}`)}>
                <InputNumber min={0} style={{ width: 160 }} />
              </Form.Item>
            </Col>
          ))}
        </Row>
      </Card>
      {mayEdit && (
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('app.save')}
        </Button>
      )}
    </Form>
  );
}

export default function UsersPage() {
  const { t } = useTranslation();
  const me = useUser();
  const manages = useCan('user.manage');
  const { message, modal } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | undefined>();
  const [status, setStatus] = useState<string>('all');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<User | null | 'new'>(null);
  const [tab, setTab] = useState('users');

  const users = useQuery({
    queryKey: ['admin', 'users', q, role, status, page],
    queryFn: () =>
      api<UserPage>('/admin/users', { query: { q, role, status, page, pageSize: 50 } }),
    placeholderData: keepPreviousData,
    enabled: me.accounts,
  });
  const act = useMutation({
    mutationFn: ({ user, action }: { user: User; action: string }) =>
      action === 'enable'
        ? api(`/admin/users/${user.id}/disable`, { method: 'POST', body: { disabled: false } })
        : action === 'disable'
          ? api(`/admin/users/${user.id}/disable`, { method: 'POST', body: { disabled: true } })
          : api<{ temporaryPassword?: string }>(`/admin/users/${user.id}/${action}`, {
              method: 'POST',
            }),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
      const temp = (r as { temporaryPassword?: string } | undefined)?.temporaryPassword;
      if (temp) {
        modal.info({
          title: t('admin.temporaryPassword'),
          content: (
            <>
              <Typography.Text code copyable>
                {temp}
              </Typography.Text>
              <p>{t('admin.copyOnce')}</p>
            </>
          ),
        });
      } else {
        message.success(t('admin.updated'));
      }
    },
    onError: (e) => message.error(errorText(e)),
  });

  if (!me.accounts) {
    return (
      <>
        <PageHeader title={t('admin.usersTitle')} />
        <Alert type="info" showIcon title={t('admin.notAvailable')} />
      </>
    );
  }

  const statusTag = (u: User) =>
    u.disabled ? (
      <Tag>{t('admin.disabled')}</Tag>
    ) : u.locked ? (
      <Tag color="red">{t('admin.locked')}</Tag>
    ) : (
      <Tag color="green">{t('admin.active')}</Tag>
    );

  const list = (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={8}>
          <Input.Search
            allowClear
            placeholder={t('admin.search')}
            aria-label={t('admin.search')}
            style={{ width: 220 }}
            onSearch={(v) => {
              setQ(v);
              setPage(1);
            }}
          />
          <Select
            allowClear
            placeholder={t('admin.allRoles')}
            aria-label={t('admin.role')}
            value={role}
            style={{ width: 150 }}
            options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            onChange={(v) => {
              setRole(v);
              setPage(1);
            }}
          />
          <Select
            value={status}
            aria-label={t('admin.status')}
            style={{ width: 130 }}
            options={[
              { value: 'all', label: t('admin.statusAll') },
              { value: 'active', label: t('admin.active') },
              { value: 'locked', label: t('admin.locked') },
              { value: 'disabled', label: t('admin.disabled') },
            ]}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
          />
        </Flex>
      </Card>
      {users.isError ? (
        <ErrorState error={users.error} onRetry={() => users.refetch()} />
      ) : (
        <Table<User>
          size="small"
          rowKey="id"
          loading={users.isFetching}
          dataSource={users.data?.items}
          scroll={{ x: 'max-content' }}
          pagination={{
            current: page,
            pageSize: 50,
            total: users.data?.total,
            onChange: setPage,
            hideOnSinglePage: true,
          }}
          columns={[
            { title: t('admin.username'), dataIndex: 'username', fixed: 'left' },
            { title: t('admin.displayName'), dataIndex: 'displayName' },
            { title: t('admin.role'), render: (_, u) => t(`roles.${u.role}`) },
            { title: t('admin.unit'), render: (_, u) => u.unitName ?? '—' },
            { title: t('admin.status'), render: (_, u) => statusTag(u) },
            {
              title: t('admin.totp'),
              render: (_, u) =>
                u.totpEnabled ? (
                  <Tag color="green">✓</Tag>
                ) : u.totpRequired ? (
                  <Tag color="orange">!</Tag>
                ) : (
                  '—'
                ),
            },
            { title: t('admin.lastLogin'), render: (_, u) => dateTime(u.lastLoginAt) },
            {
              title: t('app.actions'),
              fixed: 'right',
              render: (_, u) => {
                // Only what the server allows this duty to do to this account (三权分立).
                const items = [
                  ...(u.allowed.reset_password
                    ? [{ key: 'reset-password', label: t('admin.resetPassword') }]
                    : []),
                  ...(u.allowed.disable
                    ? [
                        u.disabled
                          ? { key: 'enable', label: t('admin.enable') }
                          : { key: 'disable', label: t('admin.disable'), danger: true },
                      ]
                    : []),
                  ...(u.allowed.unlock && u.locked
                    ? [{ key: 'unlock', label: t('admin.unlock') }]
                    : []),
                  ...(u.allowed.reset_totp && u.totpEnabled
                    ? [{ key: 'reset-totp', label: t('admin.resetTotp') }]
                    : []),
                ];
                return (
                  <Space>
                    <Button
                      size="small"
                      disabled={!u.allowed.profile && !u.allowed.grant}
                      title={
                        !u.allowed.profile && !u.allowed.grant
                          ? t('admin.dutyForbidden')
                          : undefined
                      }
                      onClick={() => setEditing(u)}
                    >
                      {t('app.edit')}
                    </Button>
                    {u.locked && u.allowed.unlock && (
                      <Button
                        size="small"
                        type="primary"
                        onClick={() => act.mutate({ user: u, action: 'unlock' })}
                      >
                        {t('admin.unlock')}
                      </Button>
                    )}
                    {items.length > 0 && (
                      <Dropdown
                        trigger={['click']}
                        menu={{
                          items,
                          onClick: ({ key }) => {
                            if (key === 'disable') {
                              modal.confirm({
                                title: t('admin.disable'),
                                content: t('admin.confirmDisable', { name: u.displayName }),
                                okButtonProps: { danger: true },
                                onOk: () => act.mutateAsync({ user: u, action: key }),
                              });
                            } else {
                              act.mutate({ user: u, action: key });
                            }
                          },
                        }}
                      >
                        <Button size="small">…</Button>
                      </Dropdown>
                    )}
                  </Space>
                );
              },
            },
          ]}
        />
      )}
    </>
  );

  return (
    <>
      <PageHeader
        title={t('admin.usersTitle')}
        subtitle={users.data ? t('admin.usersTotal', { count: users.data.total }) : undefined}
        extra={
          manages && (
            <Space>
              {/* the system admin's online backup (user.manage): a plain download */}
              <Button
                icon={<DownloadOutlined />}
                href="/api/admin/backup"
                title={t('admin.downloadBackupHelp')}
              >
                {t('admin.downloadBackup')}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                {t('admin.newUser')}
              </Button>
            </Space>
          )
        }
      />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'users', label: t('admin.usersTitle'), children: list },
          { key: 'policy', label: t('admin.policies'), children: <PolicyForm /> },
        ]}
      />
      {editing && (
        <UserDrawer user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </>
  );
}
