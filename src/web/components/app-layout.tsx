import {
  AlertOutlined,
  ApartmentOutlined,
  AuditOutlined,
  CheckSquareOutlined,
  DashboardOutlined,
  DesktopOutlined,
  EditOutlined,
  ImportOutlined,
  LogoutOutlined,
  TableOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Dropdown,
  Grid,
  Layout,
  Menu,
  type MenuProps,
  Segmented,
  Space,
} from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { type Capability, can, useAuth, useUser } from '../auth.tsx';
import { type Lang, rememberLang } from '../i18n/index.ts';
import { PageSpinner } from './states.tsx';

const { Header, Sider, Content } = Layout;

type NavItem = { path: string; key: string; icon: React.ReactNode; capability: Capability };

const NAV: NavItem[] = [
  { path: '/report', key: 'report', icon: <EditOutlined />, capability: 'report' },
  { path: '/dashboard', key: 'dashboard', icon: <DashboardOutlined />, capability: 'readDispatch' },
  { path: '/ledger', key: 'ledger', icon: <TableOutlined />, capability: 'readDispatch' },
  { path: '/review', key: 'review', icon: <CheckSquareOutlined />, capability: 'review' },
  { path: '/warnings', key: 'warnings', icon: <AlertOutlined />, capability: 'readDispatch' },
  { path: '/import', key: 'imports', icon: <ImportOutlined />, capability: 'imports' },
  { path: '/screen', key: 'screen', icon: <DesktopOutlined />, capability: 'readDispatch' },
  { path: '/admin/users', key: 'users', icon: <TeamOutlined />, capability: 'users' },
  { path: '/admin/units', key: 'units', icon: <ApartmentOutlined />, capability: 'units' },
  { path: '/admin/audit', key: 'audit', icon: <AuditOutlined />, capability: 'audit' },
];

export function LanguageSwitch({ dark }: { dark?: boolean }) {
  const { i18n, t } = useTranslation();
  return (
    <Segmented<Lang>
      aria-label={t('nav.language')}
      size="small"
      value={i18n.language === 'en' ? 'en' : 'zh-CN'}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'EN', value: 'en' },
      ]}
      onChange={(lang) => {
        rememberLang(lang);
        void i18n.changeLanguage(lang);
      }}
      style={dark ? { background: 'rgba(255,255,255,.12)' } : undefined}
      data-testid="lang-switch"
    />
  );
}

export function AppLayout() {
  const { t } = useTranslation();
  const user = useUser();
  const { logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;

  // Coordinators report too, but their day starts at the dashboard: put 本月填报 last for them.
  const allowed = NAV.filter((n) => can(user.role, n.capability));
  const items =
    user.role === 'coordinator'
      ? [...allowed.filter((n) => n.key !== 'report'), ...allowed.filter((n) => n.key === 'report')]
      : allowed;
  const selected =
    items.find((n) => location.pathname.startsWith(n.path))?.path ??
    (location.pathname.startsWith('/projects') ? '/ledger' : '');
  const menuItems: MenuProps['items'] = items.map((n) => ({
    key: n.path,
    icon: n.icon,
    label: <Link to={n.path}>{t(`nav.${n.key}` as 'nav.dashboard')}</Link>,
  }));

  const userMenu: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: `${user.displayName} · ${t(`roles.${user.role}`)}${user.unitName ? ` · ${user.unitName}` : ''}`,
    },
    { type: 'divider' },
    { key: 'account', icon: <UserOutlined />, label: t('nav.account') },
    ...(user.accounts
      ? [{ key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout'), danger: true }]
      : []),
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      {!narrow && (
        <Sider theme="light" width={200} style={{ borderRight: '1px solid #f0f0f0' }}>
          <Link
            to="/"
            style={{
              display: 'flex',
              alignItems: 'center',
              gap: 8,
              height: 56,
              padding: '0 20px',
              fontWeight: 700,
              fontSize: 18,
              color: '#1677ff',
            }}
          >
            <img src="/favicon.svg" alt="" width={24} height={24} />
            {t('app.name')}
          </Link>
          <Menu
            mode="inline"
            selectedKeys={[selected]}
            items={menuItems}
            style={{ borderInlineEnd: 0 }}
          />
        </Sider>
      )}
      <Layout>
        <Header
          style={{
            background: '#fff',
            padding: narrow ? '0 8px' : '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: '1px solid #f0f0f0',
            height: 56,
            lineHeight: '56px',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          {narrow ? (
            <Menu
              mode="horizontal"
              selectedKeys={[selected]}
              items={menuItems}
              style={{ flex: 1, minWidth: 0, borderBottom: 0 }}
              aria-label={t('nav.menu')}
            />
          ) : (
            <span style={{ fontSize: 15, color: 'rgba(0,0,0,.65)' }}>{t('app.fullName')}</span>
          )}
          <Space size={narrow ? 4 : 12}>
            <LanguageSwitch />
            <Dropdown
              menu={{
                items: userMenu,
                onClick: ({ key }) => {
                  if (key === 'account') navigate('/account');
                  if (key === 'logout') void logout();
                },
              }}
              trigger={['click']}
            >
              <Button type="text" icon={<UserOutlined />} data-testid="user-menu">
                {narrow ? null : user.displayName}
              </Button>
            </Dropdown>
          </Space>
        </Header>
        {!user.accounts && (
          <Alert type="info" banner title={t('app.noAccounts')} style={{ fontSize: 13 }} />
        )}
        <Content id="main" style={{ padding: narrow ? 12 : 24, minWidth: 0 }}>
          <Suspense fallback={<PageSpinner />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
