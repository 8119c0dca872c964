import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, auth, setUnauthorizedHandler, type Me } from '../../api';
import { navigate } from '../../router';

interface Session {
  /** undefined while the first /auth/me is in flight; null when signed out. */
  me: Me | null | undefined;
  /** Set when /auth/me failed for a reason other than 401 (server down, …). */
  bootError: string | null;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
}

const SessionCtx = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [bootError, setBootError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const m = await auth.me();
      setMe(m);
      setBootError(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setMe(null);
      else {
        setBootError(e instanceof Error ? e.message : String(e));
        setMe((prev) => (prev === undefined ? null : prev));
      }
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => setMe(null));
    void refresh();
    return () => setUnauthorizedHandler(null);
  }, [refresh]);

  const login = useCallback(
    async (email: string, password: string) => {
      await auth.login(email, password);
      await refresh();
    },
    [refresh],
  );

  const logout = useCallback(async () => {
    try {
      await auth.logout();
    } finally {
      // The login page, saying so: staying on the project's address after signing out looked as if
      // nothing had happened (issue 13 item 8).
      navigate('/login?signed_out=1', { replace: true });
      setMe(null);
    }
  }, []);

  const value = useMemo(() => ({ me, bootError, login, logout, refresh }), [me, bootError, login, logout, refresh]);
  return <SessionCtx.Provider value={value}>{children}</SessionCtx.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionCtx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user's data; only valid inside the signed-in app shell. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a session');
  return me;
}
