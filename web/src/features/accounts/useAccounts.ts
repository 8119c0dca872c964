// The accounts of one project, loaded once and kept current by account.* WebSocket events.
import { useCallback, useEffect, useState } from 'react';
import { accounts as accountsApi, errorMessage, type Account } from '../../api';
import { useLiveEvents } from '../../live';

export function useAccounts(projectId: number) {
  const [items, setItems] = useState<Account[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await accountsApi.list(projectId);
      setItems(r.items);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [projectId]);

  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  /** Put a fresh copy of one account in place (from an API answer or an event). */
  const upsert = useCallback((a: Account) => {
    setItems((l) => {
      if (!l) return l;
      const i = l.findIndex((x) => x.id === a.id);
      if (i < 0) return [...l, a];
      // An older copy must not overwrite a newer one (answers and events can cross).
      if (l[i].updated_at && a.updated_at && a.updated_at < l[i].updated_at) return l;
      const next = [...l];
      next[i] = a;
      return next;
    });
  }, []);

  const drop = useCallback((id: number) => setItems((l) => (l ? l.filter((x) => x.id !== id) : l)), []);

  useLiveEvents((ev) => {
    if (ev.project_id !== projectId) return;
    if (ev.event === 'account.created' || ev.event === 'account.updated') {
      const a = ev.data as Account | null;
      if (a && typeof a === 'object' && typeof a.id === 'number') upsert(a);
      else void load();
    } else if (ev.event === 'account.deleted') {
      const d = ev.data as { id?: number } | null;
      if (d && typeof d.id === 'number') drop(d.id);
      else void load();
    }
  });

  return { items, error, load, upsert, drop };
}
