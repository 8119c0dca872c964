// The dashboard's TanStack Query client and the bridge from WebSocket events to cache invalidation.
//
// A query that wants to follow server events names them in `meta.events` (exact names such as
// "member.added", or prefixes such as "member.*"); every matching event of the query's project (or a
// user-level event, project_id null) marks it stale and refetches it if it is on screen. After the socket
// reconnects, every such query is refetched, since events sent while it was down are lost.
import { QueryClient, type Query } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ApiError } from '../api';
import { useLiveEvents, useLiveState } from '../live';

export interface LiveMeta extends Record<string, unknown> {
  /** Event names ("member.added") or prefixes ("member.*") that make this query stale. */
  events?: readonly string[];
  /** Only events of this project count (user-level events, project_id null, always do). */
  projectId?: number | null;
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx answer will not change by asking again; network errors and 5xx get two more tries
      // (after ~1 s and ~2 s, Query's exponential default), so a restarting server is ridden out.
      retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      // Lists are kept current by events, so a window focus need not refetch them.
      refetchOnWindowFocus: false,
    },
  },
});

export function eventMatches(patterns: readonly string[] | undefined, event: string): boolean {
  if (!patterns) return false;
  return patterns.some((p) => (p.endsWith('.*') ? event.startsWith(p.slice(0, -1)) : p === event));
}

function follows(q: Query): q is Query & { meta: LiveMeta } {
  return !!(q.meta as LiveMeta | undefined)?.events?.length;
}

/** Mounted once for the signed-in app: events and reconnects invalidate the queries that follow them. */
export function useLiveInvalidation(): void {
  useLiveEvents((ev) => {
    void queryClient.invalidateQueries({
      predicate: (q) => {
        if (!follows(q)) return false;
        const { events, projectId } = q.meta;
        if (ev.project_id !== null && projectId != null && projectId !== ev.project_id) return false;
        return eventMatches(events, ev.event);
      },
    });
  });
  const state = useLiveState();
  const wasOpen = useRef(false);
  useEffect(() => {
    if (state !== 'open') return;
    if (wasOpen.current) void queryClient.invalidateQueries({ predicate: follows });
    wasOpen.current = true;
  }, [state]);
}
