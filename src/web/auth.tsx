import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, api, onUnauthorized, setCsrfToken } from './api.ts';
import { latestMonthQuery } from './queries.ts';
import type { Role, SessionBody, SessionUser } from './types.ts';

/**
 * Who is using the app. Three cases: a logged-in user (accounts on), nobody (show the log-in
 * page), or a server without accounts yet (404 on /api/auth/*), where every request acts as
 * the office's coordinator and the app says so in a banner.
 */
export type Session =
  | { status: 'loading' }
  /** why nobody is logged in: first visit, the session ended, or the person logged out */
  | { status: 'anonymous'; reason: 'initial' | 'expired' | 'logout' }
  | { status: 'authenticated'; user: SessionUser; accounts: boolean };

const NO_ACCOUNTS_USER: SessionUser = {
  id: 'local-coordinator',
  username: 'local',
  displayName: '统筹',
  role: 'coordinator',
  unitId: null,
  unitName: null,
  mustChangePassword: false,
  totpEnabled: false,
};

type AuthApi = {
  session: Session;
  /** after a successful log-in or password change */
  signedIn: (body: SessionBody) => void;
  logout: () => Promise<void>;
  reload: () => Promise<void>;
};

const AuthContext = createContext<AuthApi | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: 'loading' });
  const queryClient = useQueryClient();

  const reload = useCallback(async () => {
    try {
      const body = await api<SessionBody>('/auth/me');
      setCsrfToken(body.csrfToken);
      if (can(body.user.role, 'readDispatch')) void queryClient.prefetchQuery(latestMonthQuery);
      setSession({ status: 'authenticated', user: body.user, accounts: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        void queryClient.prefetchQuery(latestMonthQuery);
        setSession({ status: 'authenticated', user: NO_ACCOUNTS_USER, accounts: false });
      } else if (e instanceof ApiError && e.status === 401) {
        setSession({
          status: 'anonymous',
          reason: e.code === 'auth.session_expired' ? 'expired' : 'initial',
        });
      } else {
        // The server is unreachable: show the log-in page, which says so when the user tries.
        setSession({ status: 'anonymous', reason: 'initial' });
      }
    }
  }, [queryClient]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(
    () =>
      onUnauthorized(() => {
        // Any 401 in the middle of work means the session ended (idle timeout or revoked).
        setCsrfToken(null);
        queryClient.clear();
        setSession({ status: 'anonymous', reason: 'expired' });
      }),
    [queryClient],
  );

  const signedIn = useCallback(
    (body: SessionBody) => {
      setCsrfToken(body.csrfToken);
      queryClient.clear();
      setSession({ status: 'authenticated', user: body.user, accounts: true });
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST' });
    } catch {
      // logged out locally either way
    }
    setCsrfToken(null);
    queryClient.clear();
    setSession({ status: 'anonymous', reason: 'logout' });
  }, [queryClient]);

  return (
    <AuthContext.Provider value={{ session, signedIn, logout, reload }}>
      {children}
    </AuthContext.Provider>
  );
}

export function useAuth(): AuthApi {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user; only for pages behind RequireAuth. */
export function useUser(): SessionUser & { accounts: boolean } {
  const { session } = useAuth();
  if (session.status !== 'authenticated') throw new Error('useUser without a session');
  return { ...session.user, accounts: session.accounts };
}

/** What the interface offers each role; the server decides again on every request. */
export const ROLE_CAN = {
  editLedger: ['coordinator'],
  review: ['coordinator'],
  overrideWarning: ['coordinator'],
  settings: ['coordinator'],
  report: ['reporter', 'coordinator'],
  reportHome: ['reporter'],
  readDispatch: ['coordinator', 'leader', 'reporter'],
  imports: ['coordinator'],
  users: ['sysadmin', 'secadmin'],
  /** POST /api/units needs ledger.write: only the coordinator may add units */
  units: ['coordinator'],
  audit: ['auditadmin', 'secadmin'],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof ROLE_CAN;

export function can(role: Role, capability: Capability): boolean {
  return (ROLE_CAN[capability] as readonly Role[]).includes(role);
}

export function useCan(capability: Capability): boolean {
  const { session } = useAuth();
  return session.status === 'authenticated' && can(session.user.role, capability);
}

/** Where each role starts. */
export function homePath(role: Role): string {
  switch (role) {
    case 'reporter':
      return '/report';
    case 'sysadmin':
    case 'secadmin':
      return '/admin/users';
    case 'auditadmin':
      return '/admin/audit';
    default:
      return '/dashboard';
  }
}
