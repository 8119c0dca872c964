// WebSocket client for /api/v1/ws: one connection per tab, automatic reconnect with
// exponential backoff (1 s doubling to 30 s, with jitter), and re-subscription of the
// projects the UI asked for after every reconnect.

export interface ServerEvent {
  type: 'event';
  event: string;
  /** null for user-level events such as membership.changed (the project is in data). */
  project_id: number | null;
  data: unknown;
  at: string;
}

type ServerMessage =
  | { type: 'subscribed'; project_id: number }
  | { type: 'unsubscribed'; project_id: number }
  | { type: 'error'; error: { code: string; message: string } }
  | ServerEvent;

export type ConnectionState = 'connecting' | 'open' | 'closed';
type EventListener = (ev: ServerEvent) => void;
type StateListener = (s: ConnectionState) => void;

const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30000;

export class LiveSocket {
  private ws: WebSocket | null = null;
  private readonly subscriptions = new Set<number>();
  private readonly listeners = new Set<EventListener>();
  private readonly stateListeners = new Set<StateListener>();
  private backoff = MIN_BACKOFF_MS;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private _state: ConnectionState = 'closed';

  constructor(private readonly url: string = defaultUrl()) {}

  get state(): ConnectionState {
    return this._state;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
    this.setState('closed');
  }

  subscribe(projectId: number): void {
    if (this.subscriptions.has(projectId)) return;
    this.subscriptions.add(projectId);
    this.send({ type: 'subscribe', project_id: projectId });
  }

  unsubscribe(projectId: number): void {
    if (!this.subscriptions.delete(projectId)) return;
    this.send({ type: 'unsubscribe', project_id: projectId });
  }

  onEvent(fn: EventListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onState(fn: StateListener): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  private setState(s: ConnectionState): void {
    if (this._state === s) return;
    this._state = s;
    this.stateListeners.forEach((fn) => fn(s));
  }

  private send(msg: object): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private connect(): void {
    this.setState('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.backoff = MIN_BACKOFF_MS;
      this.setState('open');
      for (const id of this.subscriptions) ws.send(JSON.stringify({ type: 'subscribe', project_id: id }));
    };
    ws.onmessage = (m) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(m.data)) as ServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'event') this.listeners.forEach((fn) => fn(msg as ServerEvent));
      else if (msg.type === 'error') console.warn('sangam ws:', msg.error?.code, msg.error?.message);
    };
    ws.onclose = () => {
      if (this.ws === ws) this.ws = null;
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows and schedules the reconnect
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState('closed');
    const delay = this.backoff * (0.75 + Math.random() * 0.5);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }
}

function defaultUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/ws`;
}

export const live = new LiveSocket();
