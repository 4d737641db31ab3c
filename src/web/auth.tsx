import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, api, onUnauthorized, setCsrfToken } from './api.ts';
import { clearReportDrafts } from './pages/reporting/report-drafts.ts';
import { latestMonthQuery } from './queries.ts';
import type { Action, Capabilities, MeBody, SessionBody, SessionUser } from './types.ts';

/**
 * Who is using the app, and what they may do: a logged-in user with the capabilities the server
 * computed for them (policy.ts `can()`), or nobody (show the log-in page). The web app keeps no
 * rules of its own: menus, pages and buttons follow `capabilities`, and the server decides
 * again on every request.
 */
export type Session =
  | { status: 'loading' }
  /** why nobody is logged in: first visit, the session ended, or the person logged out */
  | { status: 'anonymous'; reason: 'initial' | 'expired' | 'logout' }
  | {
      status: 'authenticated';
      user: SessionUser;
      capabilities: Capabilities;
      /** always true: every server has accounts (kept for the pages that still ask) */
      accounts: boolean;
    };

type AuthApi = {
  session: Session;
  /**
   * After a successful log-in: takes the CSRF token, then asks the server what the user may do
   * (null when that failed).
   */
  signedIn: (body: SessionBody) => Promise<Capabilities | null>;
  logout: () => Promise<void>;
  /** asks the server again who is logged in and what they may do */
  reload: () => Promise<Capabilities | null>;
};

const AuthContext = createContext<AuthApi | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: 'loading' });
  const queryClient = useQueryClient();

  const reload = useCallback(async (): Promise<Capabilities | null> => {
    try {
      const body = await api<MeBody>('/auth/me');
      setCsrfToken(body.csrfToken);
      // Not while a password change is due: until then the server answers nothing else.
      if (body.capabilities.actions.read && !body.user.mustChangePassword) {
        void queryClient.prefetchQuery(latestMonthQuery);
      }
      setSession({
        status: 'authenticated',
        user: body.user,
        capabilities: body.capabilities,
        accounts: true,
      });
      return body.capabilities;
    } catch (e) {
      setSession({
        status: 'anonymous',
        reason:
          e instanceof ApiError && e.status === 401 && e.code === 'auth.session_expired'
            ? 'expired'
            : // nobody yet, or the server is unreachable: the log-in page says so on trying
              'initial',
      });
      return null;
    }
  }, [queryClient]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(
    () =>
      onUnauthorized(() => {
        // Any 401 in the middle of work means the session ended (idle timeout or revoked).
        // Drafts stay: typed text is never lost to a timeout, and they are keyed by user.
        setCsrfToken(null);
        queryClient.clear();
        setSession({ status: 'anonymous', reason: 'expired' });
      }),
    [queryClient],
  );

  const signedIn = useCallback(
    async (body: SessionBody) => {
      setCsrfToken(body.csrfToken);
      queryClient.clear();
      return reload();
    },
    [queryClient, reload],
  );

  const logout = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST' });
    } catch {
      // logged out locally either way
    }
    // Nothing of the user stays on a shared PC: their report drafts go with them.
    if (session.status === 'authenticated') clearReportDrafts(session.user.id);
    setCsrfToken(null);
    queryClient.clear();
    setSession({ status: 'anonymous', reason: 'logout' });
  }, [queryClient, session]);

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

/** What the signed-in user may do, as the server computed it; only behind RequireAuth. */
export function useCapabilities(): Capabilities {
  const { session } = useAuth();
  if (session.status !== 'authenticated') throw new Error('useCapabilities without a session');
  return session.capabilities;
}

/** May the signed-in user do this (office-wide; a reporter: on their own unit's projects)? */
export function useCan(action: Action): boolean {
  const { session } = useAuth();
  return session.status === 'authenticated' && session.capabilities.actions[action];
}

const HOME_PATHS: Record<Capabilities['home'], string> = {
  report: '/report',
  dashboard: '/dashboard',
  users: '/admin/users',
  audit: '/admin/audit',
  account: '/account',
};

/** Where the user starts, as the server says. */
export function homePath(capabilities: Capabilities): string {
  return HOME_PATHS[capabilities.home];
}
