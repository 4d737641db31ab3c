import {
  AlertOutlined,
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  BarChartOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  DashboardOutlined,
  DesktopOutlined,
  EditOutlined,
  ExperimentOutlined,
  FileTextOutlined,
  FlagOutlined,
  ImportOutlined,
  LogoutOutlined,
  MenuOutlined,
  OrderedListOutlined,
  SafetyOutlined,
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
import { useAuth, useCapabilities, useUser } from '../auth.tsx';
import { type Lang, rememberLang, switchLanguage } from '../i18n/index.ts';
import type { Action } from '../types.ts';
import { InboxBell } from './inbox-bell.tsx';
import { PageSpinner } from './states.tsx';

const { Header, Sider, Content } = Layout;

/**
 * Each menu entry shows when the server's capabilities grant its action. Entries come in groups
 * by line of work, so a coordinator's eighteen read as four short lists.
 */
type NavGroup = 'dispatch' | 'followThrough' | 'documents' | 'admin';
type NavItem = {
  path: string;
  key: string;
  icon: React.ReactNode;
  capability: Action;
  group?: NavGroup;
};

const NAV: NavItem[] = [
  { path: '/report', key: 'report', icon: <EditOutlined />, capability: 'report.write' },
  {
    path: '/dashboard',
    key: 'dashboard',
    icon: <DashboardOutlined />,
    capability: 'read',
    group: 'dispatch',
  },
  {
    path: '/scenarios',
    key: 'scenarios',
    icon: <ExperimentOutlined />,
    capability: 'document.read',
    group: 'dispatch',
  },
  {
    path: '/ledger',
    key: 'ledger',
    icon: <TableOutlined />,
    capability: 'read',
    group: 'dispatch',
  },
  {
    path: '/review',
    key: 'review',
    icon: <CheckSquareOutlined />,
    capability: 'report.review',
    group: 'dispatch',
  },
  {
    path: '/warnings',
    key: 'warnings',
    icon: <AlertOutlined />,
    capability: 'read',
    group: 'dispatch',
  },
  {
    path: '/screen',
    key: 'screen',
    icon: <DesktopOutlined />,
    capability: 'read',
    group: 'dispatch',
  },
  {
    path: '/meetings',
    key: 'meetings',
    icon: <TeamOutlined />,
    capability: 'read',
    group: 'followThrough',
  },
  {
    path: '/action-items',
    key: 'actionItems',
    icon: <CheckSquareOutlined />,
    capability: 'read',
    group: 'followThrough',
  },
  {
    path: '/supervision-notices',
    key: 'notices',
    icon: <FlagOutlined />,
    capability: 'read',
    group: 'followThrough',
  },
  {
    path: '/rectifications',
    key: 'rectifications',
    icon: <SafetyOutlined />,
    capability: 'read',
    group: 'followThrough',
  },
  {
    path: '/work-plans',
    key: 'workPlans',
    icon: <OrderedListOutlined />,
    capability: 'read',
    group: 'followThrough',
  },
  {
    path: '/activities',
    key: 'activities',
    icon: <CalendarOutlined />,
    capability: 'read',
    group: 'followThrough',
  },
  {
    path: '/stats',
    key: 'stats',
    icon: <BarChartOutlined />,
    capability: 'read',
    group: 'documents',
  },
  {
    path: '/summaries',
    key: 'summaries',
    icon: <FileTextOutlined />,
    capability: 'document.read',
    group: 'documents',
  },
  {
    path: '/import',
    key: 'imports',
    icon: <ImportOutlined />,
    capability: 'ledger.write',
    group: 'admin',
  },
  {
    path: '/admin/users',
    key: 'users',
    icon: <TeamOutlined />,
    capability: 'user.read',
    group: 'admin',
  },
  {
    path: '/admin/units',
    key: 'units',
    icon: <ApartmentOutlined />,
    capability: 'ledger.write',
    group: 'admin',
  },
  {
    path: '/admin/feed-tokens',
    key: 'feedTokens',
    icon: <ApiOutlined />,
    capability: 'user.manage',
    group: 'admin',
  },
  {
    path: '/admin/audit',
    key: 'audit',
    icon: <AuditOutlined />,
    capability: 'audit.read',
    group: 'admin',
  },
];

const GROUPS: NavGroup[] = ['dispatch', 'followThrough', 'documents', 'admin'];

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
        void switchLanguage(lang);
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

  // Coordinators report too, but their day starts at the dashboard: 本月填报 comes first only
  // for those whose home it is.
  const capabilities = useCapabilities();
  const allowed = NAV.filter((n) => capabilities.actions[n.capability]);
  const items =
    capabilities.home === 'report'
      ? allowed
      : [
          ...allowed.filter((n) => n.key !== 'report'),
          ...allowed.filter((n) => n.key === 'report'),
        ];
  const selected =
    items.find((n) => location.pathname.startsWith(n.path))?.path ??
    (location.pathname.startsWith('/projects') ? '/ledger' : '');
  const entry = (n: NavItem) => ({
    key: n.path,
    icon: n.icon,
    label: <Link to={n.path}>{t(`nav.${n.key}` as 'nav.dashboard')}</Link>,
  });
  // A handful of entries (a reporter's, an admin's) need no headings; more do.
  const grouped = items.length > 8;
  const loose = items.filter((n) => !n.group).map(entry);
  const groups = GROUPS.flatMap((g) => {
    const inGroup = items.filter((n) => n.group === g);
    return inGroup.length === 0
      ? []
      : [
          {
            type: 'group' as const,
            key: `group-${g}`,
            label: t(`nav.group.${g}`),
            children: inGroup.map(entry),
          },
        ];
  });
  const menuItems: MenuProps['items'] = !grouped
    ? items.map(entry)
    : capabilities.home === 'report'
      ? [...loose, ...groups]
      : [...groups, ...loose];

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
              color: '#0958d9',
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
            // A menu button, not a horizontal menu: antd hides a horizontal menu's overflow items
            // with aria-hidden while their links stay focusable (axe aria-hidden-focus).
            <Dropdown menu={{ items: menuItems, selectedKeys: [selected] }} trigger={['click']}>
              <Button type="text" icon={<MenuOutlined />} data-testid="nav-menu">
                {t(`nav.${items.find((n) => n.path === selected)?.key ?? 'menu'}` as 'nav.menu')}
              </Button>
            </Dropdown>
          ) : (
            <span style={{ fontSize: 15, color: 'rgba(0,0,0,.65)' }}>{t('app.fullName')}</span>
          )}
          <Space size={narrow ? 4 : 12}>
            <InboxBell />
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
