import { useCallback, useEffect, useState, type DependencyList } from 'react';
import { errorMessage, type List } from '../api';

/**
 * Loads a `{items}` list when mounted and whenever `deps` change (starting again from "loading"):
 * `items` is null until the first answer, `error` holds the last failure's message, `load()` reloads.
 */
export function useList<T>(fetchList: () => Promise<List<T>>, deps: DependencyList) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  const load = useCallback(async () => {
    try {
      const r = await fetchList();
      setItems(r.items);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, deps);

  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  return { items, error, setError, load };
}
