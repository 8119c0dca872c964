import { useQuery, type QueryKey } from '@tanstack/react-query';
import { useCallback, useRef, useState, type DependencyList } from 'react';
import { errorMessage, type List } from '../api';
import type { LiveMeta } from './query';

let instances = 0;

export interface ListOptions {
  /**
   * Names the list in the shared cache, e.g. ['members', projectId]: a page shown again starts from the
   * cached copy while it refetches. Without a key the list is private to this mounted component.
   */
  key?: QueryKey;
  /** WebSocket events ("member.*", "user.updated") that make the list refetch (see query.ts). */
  invalidateOn?: readonly string[];
  /** With invalidateOn: only this project's events count. */
  projectId?: number;
}

/**
 * Loads a `{items}` list when mounted and whenever `deps` change (starting again from "loading"):
 * `items` is null until the first answer, `error` holds the last failure's message, `load()` reloads.
 * Backed by TanStack Query: failed loads are retried (not on 4xx), and `invalidateOn` events refetch it.
 */
export function useList<T>(fetchList: () => Promise<List<T>>, deps: DependencyList, options: ListOptions = {}) {
  const [instance] = useState(() => ++instances);
  const fetchRef = useRef(fetchList);
  fetchRef.current = fetchList;
  const meta: LiveMeta = { events: options.invalidateOn, projectId: options.projectId };
  const query = useQuery({
    queryKey: options.key ? ['list', ...options.key] : ['list', 'private', instance, ...deps],
    queryFn: () => fetchRef.current(),
    meta,
    // A private list dies with its component; a named one is kept 5 minutes for the next visit.
    gcTime: options.key ? 5 * 60_000 : 0,
  });
  // Pages also report their own action failures here (setError), cleared by the next successful load.
  const [ownError, setError] = useState<string | null>(null);
  const { refetch } = query;
  const load = useCallback(async () => {
    const r = await refetch();
    if (!r.error) setError(null);
  }, [refetch]);

  const items: T[] | null = query.data?.items ?? null;
  const error = ownError ?? (query.error ? errorMessage(query.error) : null);
  return { items, error, setError, load };
}
