// React glue around the shared LiveSocket (ws.ts).
import { useEffect, useRef, useState } from 'react';
import { live, type ConnectionState, type ServerEvent } from './ws';

/** Calls `handler` for every server event; the latest handler is always used. */
export function useLiveEvents(handler: (ev: ServerEvent) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => live.onEvent((ev) => ref.current(ev)), []);
}

export function useLiveState(): ConnectionState {
  const [s, setS] = useState<ConnectionState>(live.state);
  useEffect(() => live.onState(setS), []);
  return s;
}

/** Keeps the socket subscribed to one project while the component is mounted. */
export function useProjectSubscription(projectId: number | null): void {
  useEffect(() => {
    if (projectId === null) return;
    live.subscribe(projectId);
    return () => live.unsubscribe(projectId);
  }, [projectId]);
}
