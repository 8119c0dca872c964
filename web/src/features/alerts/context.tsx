// Open alerts of the project shown in the sidebar: loaded once, kept current by alert.* events,
// counted in the sidebar and announced with a toast when they arrive.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { alerts as alertsApi, type Alert } from '../../api';
import { useToast } from '../../components/Toast';
import { useLiveEvents } from '../../live';
import { alertText } from './alertText';

interface AlertsState {
  projectId: number | null;
  /** Open (unacknowledged) alerts, newest first; undefined while loading or unavailable. */
  open: Alert[] | undefined;
  refresh: () => Promise<void>;
  ack: (id: number) => Promise<Alert>;
  /** Bumped on every alert event, so pages showing "all" alerts can reload. */
  version: number;
}

const Ctx = createContext<AlertsState | null>(null);

const byNewest = (a: Alert, b: Alert) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id);

export function AlertsProvider({ projectId, children }: { projectId: number | null; children: ReactNode }) {
  const toast = useToast();
  const [open, setOpen] = useState<Alert[] | undefined>(undefined);
  const [version, setVersion] = useState(0);

  const refresh = useCallback(async () => {
    if (projectId === null) return;
    try {
      const r = await alertsApi.list(projectId, 'open');
      setOpen(r.items.filter((a) => !a.acknowledged_at).sort(byNewest));
    } catch {
      setOpen(undefined);
    }
  }, [projectId]);

  useEffect(() => {
    setOpen(undefined);
    void refresh();
  }, [refresh]);

  const put = useCallback((a: Alert) => {
    setOpen((l) => {
      const rest = (l ?? []).filter((x) => x.id !== a.id);
      return a.acknowledged_at ? rest : [...rest, a].sort(byNewest);
    });
  }, []);

  useLiveEvents((ev) => {
    if (projectId === null || ev.project_id !== projectId) return;
    if (ev.event !== 'alert.created' && ev.event !== 'alert.acknowledged') return;
    const a = ev.data as Alert | null;
    setVersion((v) => v + 1);
    if (!a || typeof a !== 'object' || typeof a.id !== 'number') {
      void refresh();
      return;
    }
    put(a);
    if (ev.event === 'alert.created') toast(alertText(a, null).sentence, a.severity === 'critical' ? 'error' : a.severity === 'warning' ? 'warning' : 'success');
  });

  const ack = useCallback(
    async (id: number) => {
      if (projectId === null) throw new Error('no project');
      const a = await alertsApi.ack(projectId, id);
      put(a);
      setVersion((v) => v + 1);
      return a;
    },
    [projectId, put],
  );

  const value = useMemo(() => ({ projectId, open, refresh, ack, version }), [projectId, open, refresh, ack, version]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAlerts(): AlertsState {
  const c = useContext(Ctx);
  if (!c) throw new Error('useAlerts outside AlertsProvider');
  return c;
}
