import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { homePath, useAuth } from './auth.tsx';
import { AppLayout } from './components/app-layout.tsx';
import { loadCharts } from './components/echart.tsx';
import { PageSpinner } from './components/states.tsx';
import type { Action } from './types.ts';

// Every page is its own chunk: the first route loads the shell and one page, not the app.
const pages = {
  login: () => import('./pages/login/login-page.tsx'),
  changePassword: () => import('./pages/login/change-password-page.tsx'),
  dashboard: () => import('./pages/dashboard/dashboard-page.tsx'),
  screen: () => import('./pages/dashboard/big-screen-page.tsx'),
  ledger: () => import('./pages/ledger/ledger-page.tsx'),
  project: () => import('./pages/ledger/project-page.tsx'),
  report: () => import('./pages/reporting/my-reports-page.tsx'),
  reportForm: () => import('./pages/reporting/report-form-page.tsx'),
  review: () => import('./pages/review/review-page.tsx'),
  warnings: () => import('./pages/warnings/warnings-page.tsx'),
  imports: () => import('./pages/imports/import-page.tsx'),
  users: () => import('./pages/admin/users-page.tsx'),
  units: () => import('./pages/admin/units-page.tsx'),
  feedTokens: () => import('./pages/admin/feed-tokens-page.tsx'),
  audit: () => import('./pages/admin/audit-page.tsx'),
  account: () => import('./pages/account/account-page.tsx'),
  meetings: () => import('./pages/coordination/meetings-page.tsx'),
  actionItems: () => import('./pages/coordination/action-items-page.tsx'),
  inbox: () => import('./pages/inbox/inbox-page.tsx'),
  stats: () => import('./pages/stats/stats-page.tsx'),
  activities: () => import('./pages/coordination/activities-page.tsx'),
  rectifications: () => import('./pages/coordination/rectifications-page.tsx'),
  notices: () => import('./pages/coordination/notices-page.tsx'),
  workPlans: () => import('./pages/coordination/work-plans-page.tsx'),
  summaries: () => import('./pages/summaries/summaries-page.tsx'),
  scenarios: () => import('./pages/scenarios/scenarios-page.tsx'),
};
const LoginPage = lazy(pages.login);
const ChangePasswordPage = lazy(pages.changePassword);
const DashboardPage = lazy(pages.dashboard);
const ScenariosPage = lazy(pages.scenarios);
const BigScreenPage = lazy(pages.screen);
const LedgerPage = lazy(pages.ledger);
const ProjectPage = lazy(pages.project);
const MyReportsPage = lazy(pages.report);
const ReportFormPage = lazy(pages.reportForm);
const ReviewPage = lazy(pages.review);
const WarningsPage = lazy(pages.warnings);
const ImportPage = lazy(pages.imports);
const UsersPage = lazy(pages.users);
const UnitsPage = lazy(pages.units);
const FeedTokensPage = lazy(pages.feedTokens);
const AuditPage = lazy(pages.audit);
const AccountPage = lazy(pages.account);
const MeetingsPage = lazy(pages.meetings);
const ActionItemsPage = lazy(pages.actionItems);
const InboxPage = lazy(pages.inbox);
const StatsPage = lazy(pages.stats);
const ActivitiesPage = lazy(pages.activities);
const RectificationsPage = lazy(pages.rectifications);
const NoticesPage = lazy(pages.notices);
const WorkPlansPage = lazy(pages.workPlans);
const SummariesPage = lazy(pages.summaries);
const StatusPage = lazy(() => import('./pages/status-page.tsx'));

/**
 * Starts loading the page of the address being opened while the session is still being asked
 * for, instead of after: the chunk arrives in parallel with /api/auth/me.
 */
export function preloadPage(pathname: string) {
  const first = pathname.split('/')[1] ?? '';
  const loader =
    {
      '': pages.dashboard,
      dashboard: pages.dashboard,
      screen: pages.screen,
      ledger: pages.ledger,
      projects: pages.project,
      report: pathname.split('/').length > 3 ? pages.reportForm : pages.report,
      review: pages.review,
      warnings: pages.warnings,
      import: pages.imports,
      account: pages.account,
      meetings: pages.meetings,
      'action-items': pages.actionItems,
      inbox: pages.inbox,
      stats: pages.stats,
      summaries: pages.summaries,
      activities: pages.activities,
      rectifications: pages.rectifications,
      'supervision-notices': pages.notices,
      'work-plans': pages.workPlans,
      login: pages.login,
    }[first] ?? null;
  void loader?.();
}

/**
 * Once a coordinator's or leader's first page has drawn and the browser is idle, fetches the
 * dashboard's code and the chart library: the most usual next click then waits only for its
 * figures, not for 250 KB of scripts to arrive and compile.
 */
function usePrefetchDashboard() {
  const { session } = useAuth();
  // Only for those whose home is the dashboard: a reporter on a phone opens it rarely, and the
  // download would compete with the form they came to fill.
  const reader =
    session.status === 'authenticated' && homePath(session.capabilities) === '/dashboard';
  useEffect(() => {
    if (!reader) return;
    const start = () => {
      void pages.dashboard();
      void loadCharts();
    };
    if (typeof window.requestIdleCallback === 'function') {
      const id = window.requestIdleCallback(start, { timeout: 3000 });
      return () => window.cancelIdleCallback(id);
    }
    const id = window.setTimeout(start, 1000);
    return () => window.clearTimeout(id);
  }, [reader]);
}

/** Sends visitors without a session to the log-in page and users who must change it there. */
function RequireAuth({
  children,
  capability,
  allowMustChange,
}: {
  children: ReactNode;
  /** the action the page needs, from the server's capabilities */
  capability?: Action;
  allowMustChange?: boolean;
}) {
  const { session } = useAuth();
  const location = useLocation();
  if (session.status === 'loading') return <PageSpinner />;
  if (session.status === 'anonymous') {
    // After a log-out the next person starts at their own home page, not at this one.
    if (session.reason === 'logout') return <Navigate to="/login" replace />;
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (session.user.mustChangePassword && !allowMustChange) {
    return <Navigate to="/change-password" replace />;
  }
  if (capability && !session.capabilities.actions[capability]) {
    return <StatusPage kind="forbidden" />;
  }
  return <>{children}</>;
}

function Home() {
  const { session } = useAuth();
  if (session.status !== 'authenticated') return <PageSpinner />;
  return <Navigate to={homePath(session.capabilities)} replace />;
}

const page = (node: ReactNode, capability?: Action) => (
  <RequireAuth capability={capability}>{node}</RequireAuth>
);

export function AppRoutes() {
  usePrefetchDashboard();
  return (
    <Suspense fallback={<PageSpinner />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          path="/change-password"
          element={
            <RequireAuth allowMustChange>
              <ChangePasswordPage />
            </RequireAuth>
          }
        />
        <Route path="/screen" element={page(<BigScreenPage />, 'read')} />
        <Route
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route index element={<Home />} />
          <Route path="dashboard" element={page(<DashboardPage />, 'read')} />
          <Route path="scenarios" element={page(<ScenariosPage />, 'document.read')} />
          <Route path="ledger" element={page(<LedgerPage />, 'read')} />
          <Route path="projects/:code" element={page(<ProjectPage />, 'read')} />
          <Route path="report" element={page(<MyReportsPage />, 'report.write')} />
          <Route path="report/:code/:ym" element={page(<ReportFormPage />, 'report.write')} />
          <Route path="review" element={page(<ReviewPage />, 'report.review')} />
          <Route path="warnings" element={page(<WarningsPage />, 'read')} />
          <Route path="meetings" element={page(<MeetingsPage />, 'read')} />
          <Route path="action-items" element={page(<ActionItemsPage />, 'read')} />
          <Route path="inbox" element={page(<InboxPage />, 'read')} />
          <Route path="stats" element={page(<StatsPage />, 'read')} />
          <Route path="summaries" element={page(<SummariesPage />, 'document.read')} />
          <Route path="activities" element={page(<ActivitiesPage />, 'read')} />
          <Route path="rectifications" element={page(<RectificationsPage />, 'read')} />
          <Route path="supervision-notices" element={page(<NoticesPage />, 'read')} />
          <Route path="work-plans" element={page(<WorkPlansPage />, 'read')} />
          <Route path="import" element={page(<ImportPage />, 'ledger.write')} />
          <Route path="admin/users" element={page(<UsersPage />, 'user.read')} />
          <Route path="admin/units" element={page(<UnitsPage />, 'ledger.write')} />
          <Route path="admin/feed-tokens" element={page(<FeedTokensPage />, 'user.manage')} />
          <Route path="admin/audit" element={page(<AuditPage />, 'audit.read')} />
          <Route path="account" element={<AccountPage />} />
          <Route path="*" element={<StatusPage kind="notFound" />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
