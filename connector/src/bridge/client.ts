// The connector's side of the bridge: dials the core, says hello, waits for welcome, dispatches
// commands to a handler (exactly one result per command), sends events and requests.
//
// Reconnects with exponential backoff 0.5 s → 10 s when the socket drops. The accounts keep running
// meanwhile; their events wait in a bounded queue (MAX_QUEUED_EVENTS, oldest dropped first, each drop
// logged) and go out, in order, after the next welcome. The next hello carries the `resume` token of
// the last welcome: with it the core gives this connector back the accounts it was hosting (the core
// accepts events and requests only for accounts it placed on the connection they come from). Requests made while disconnected wait for the
// connection and are bounded by REQUEST_TIMEOUT_MS overall.
import WebSocket from 'ws';
import { log } from '../log';
import { CommandError, CommandFrame, RequestError, ResponseFrame, AccountId } from './protocol';

export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 10_000;
/** 10k events ≈ a few MB; a core away for longer than that loses the oldest (acks, mostly). */
export const MAX_QUEUED_EVENTS = 10_000;
/** session.load of a ~10 MB archive over a local socket takes well under a second; 60 s is generous. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** The core pings every 15 s; we ping too, and drop a socket silent for this long (the core uses 45 s). */
export const PING_INTERVAL_MS = 15_000;
export const SILENCE_LIMIT_MS = 45_000;
export const WELCOME_TIMEOUT_MS = 10_000;

export type CommandHandler = (frame: CommandFrame) => Promise<Record<string, unknown>>;

export interface BridgeOptions {
    url: string;
    secret: string;
    connectorId: string;
    version: string;
    protocol: number;
    engines: string[];
    onCommand: CommandHandler;
    onWelcome?: () => void;
    /** The core has been silent for the welcome's fence_ms: stop every client (see fenceTick). */
    onFence?: (silentMs: number) => void;
}

interface Pending {
    resolve: (d: Record<string, unknown>) => void;
    reject: (e: Error) => void;
    timer: NodeJS.Timeout;
    frame: string;
    sent: boolean;
}

export class BridgeClient {
    private ws: WebSocket | null = null;
    private welcomed = false;
    private stopped = false;
    private backoff = BACKOFF_MIN_MS;
    private reconnectTimer: NodeJS.Timeout | null = null;
    private pingTimer: NodeJS.Timeout | null = null;
    private lastHeard = Date.now();
    private queue: string[] = [];
    private dropped = 0;
    private pending = new Map<string, Pending>();
    private seq = 0;
    private connectedWaiters: Array<() => void> = [];
    private resume: string | null = null; // from the last welcome; never logged
    // Connector-side fencing. The core's leases move a silent node's accounts to another node after
    // the lease TTL; a paused or hung core cannot tell us to stop, so we stop our clients ourselves
    // once it has been silent for fence_ms (2/3 of the TTL, from the welcome), pinging it every
    // fence_ms/4 so a live core is heard well within that.
    private fenceMs = 0;
    private fenced = false;
    private lastPing = 0;
    private fenceTimer: NodeJS.Timeout | null = null;

    constructor(private readonly opts: BridgeOptions) {}

    get connected(): boolean { return this.welcomed; }

    start(): void { this.stopped = false; this.dial(); }

    /** Resolves once the bridge has been welcomed (immediately if it is). */
    whenConnected(): Promise<void> {
        if (this.welcomed) return Promise.resolve();
        return new Promise((r) => this.connectedWaiters.push(r));
    }

    async stop(): Promise<void> {
        this.stopped = true;
        if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
        if (this.pingTimer) clearInterval(this.pingTimer);
        if (this.fenceTimer) clearInterval(this.fenceTimer);
        for (const [, p] of this.pending) { clearTimeout(p.timer); p.reject(new RequestError('failed', 'connector stopping')); }
        this.pending.clear();
        const ws = this.ws;
        this.ws = null;
        if (ws && ws.readyState === WebSocket.OPEN) {
            // Give queued frames a moment to flush, then close politely.
            await new Promise<void>((resolve) => {
                const t = setTimeout(() => { ws.terminate(); resolve(); }, 1000);
                ws.once('close', () => { clearTimeout(t); resolve(); });
                ws.close(1000, 'connector stopping');
            });
        } else if (ws) {
            ws.terminate();
        }
    }

    sendEvent(event: string, accountId: AccountId | null, data: Record<string, unknown>): void {
        const frame = JSON.stringify({ type: 'event', event, account_id: accountId, data, at: new Date().toISOString() });
        if (this.welcomed && this.ws && this.ws.readyState === WebSocket.OPEN) {
            this.ws.send(frame);
            return;
        }
        this.queue.push(frame);
        if (this.queue.length > MAX_QUEUED_EVENTS) {
            this.queue.shift();
            if (this.dropped++ % 1000 === 0) log('warn', 'bridge.event_dropped', { queued: this.queue.length, dropped: this.dropped });
        }
    }

    request(request: string, accountId: AccountId, args: Record<string, unknown>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Record<string, unknown>> {
        const id = `r-${++this.seq}`;
        const frame = JSON.stringify({ type: 'request', id, request, account_id: accountId, args });
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.pending.delete(id);
                reject(new RequestError('timeout', `${request} got no response in ${timeoutMs} ms`));
            }, timeoutMs);
            const p: Pending = { resolve, reject, timer, frame, sent: false };
            this.pending.set(id, p);
            this.trySendPending(id, p);
        });
    }

    private trySendPending(_id: string, p: Pending): void {
        if (p.sent || !this.welcomed || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
        p.sent = true;
        this.ws.send(p.frame);
    }

    private dial(): void {
        if (this.stopped) return;
        const ws = new WebSocket(this.opts.url, {
            headers: { Authorization: `Bearer ${this.opts.secret}` },
            handshakeTimeout: 10_000,
            maxPayload: 256 * 1024 * 1024, // session archives can be tens of MB
        });
        this.ws = ws;
        this.welcomed = false;
        let welcomeTimer: NodeJS.Timeout | null = null;

        ws.on('open', () => {
            this.lastHeard = Date.now();
            ws.send(JSON.stringify({
                type: 'hello', protocol: this.opts.protocol, connector_id: this.opts.connectorId,
                version: this.opts.version, engines: this.opts.engines, pid: process.pid,
                ...(this.resume ? { resume: this.resume } : {}),
            }));
            welcomeTimer = setTimeout(() => {
                log('warn', 'bridge.no_welcome', { timeout_ms: WELCOME_TIMEOUT_MS });
                ws.terminate();
            }, WELCOME_TIMEOUT_MS);
            this.pingTimer = setInterval(() => {
                if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
                    log('warn', 'bridge.silent', { silent_ms: Date.now() - this.lastHeard });
                    ws.terminate();
                    return;
                }
                try { ws.ping(); } catch { /* closed meanwhile */ }
            }, PING_INTERVAL_MS);
        });
        ws.on('ping', () => { this.lastHeard = Date.now(); });
        ws.on('pong', () => { this.lastHeard = Date.now(); });
        ws.on('unexpected-response', (_req, res) => {
            log('error', 'bridge.rejected', { status: res.statusCode, hint: res.statusCode === 401 ? 'wrong SANGAM_BRIDGE_SECRET' : undefined });
            ws.terminate();
        });
        ws.on('message', (raw) => {
            this.lastHeard = Date.now();
            let msg: any;
            try { msg = JSON.parse(raw.toString()); } catch { log('warn', 'bridge.bad_frame', {}); return; }
            if (!msg || typeof msg !== 'object') return;
            switch (msg.type) {
                case 'welcome':
                    if (welcomeTimer) clearTimeout(welcomeTimer);
                    this.resume = typeof msg.resume === 'string' ? msg.resume : null;
                    this.armFence(Number.isInteger(msg.fence_ms) && msg.fence_ms > 0 ? msg.fence_ms : 0);
                    this.onWelcome(ws);
                    break;
                case 'error': // the core refused one of our frames (docs/bridge-protocol.md)
                    log('warn', 'bridge.refused', { code: String(msg.error?.code), message: String(msg.error?.message ?? ''), about: msg.about ?? null });
                    break;
                case 'command':
                    this.onCommandFrame(ws, msg as CommandFrame);
                    break;
                case 'response':
                    this.onResponse(msg as ResponseFrame);
                    break;
                default:
                    log('warn', 'bridge.unknown_frame', { type: String(msg.type) });
            }
        });
        ws.on('error', (err) => { log('warn', 'bridge.socket_error', { message: err.message }); });
        ws.on('close', (code, reason) => {
            if (welcomeTimer) clearTimeout(welcomeTimer);
            if (this.pingTimer) { clearInterval(this.pingTimer); this.pingTimer = null; }
            const wasWelcomed = this.welcomed;
            this.welcomed = false;
            if (this.ws === ws) this.ws = null;
            // Requests already on the wire will never be answered by this socket: resend after reconnect.
            for (const p of this.pending.values()) p.sent = false;
            if (this.stopped) return;
            if (code === 4000) log('error', 'bridge.protocol_refused', { reason: reason.toString() });
            else log('warn', 'bridge.closed', { code, reason: reason.toString(), was_welcomed: wasWelcomed });
            if (wasWelcomed) this.backoff = BACKOFF_MIN_MS;
            const delay = this.backoff;
            this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
            this.reconnectTimer = setTimeout(() => this.dial(), delay);
        });
    }

    private armFence(ms: number): void {
        this.fenceMs = ms;
        this.fenced = false;
        if (this.fenceTimer) { clearInterval(this.fenceTimer); this.fenceTimer = null; }
        if (!ms) return;
        this.fenceTimer = setInterval(() => this.fenceTick(), Math.max(50, Math.floor(ms / 8)));
        this.fenceTimer.unref();
    }

    private fenceTick(): void {
        const now = Date.now();
        if (this.ws && this.welcomed && now - this.lastPing >= this.fenceMs / 4) {
            this.lastPing = now;
            try { this.ws.ping(); } catch { /* closed meanwhile */ }
        }
        const silent = now - this.lastHeard;
        if (this.fenced || silent <= this.fenceMs) return;
        this.fenced = true; // once per silence: the next welcome re-arms it
        log('warn', 'bridge.fenced', { silent_ms: silent, fence_ms: this.fenceMs });
        this.opts.onFence?.(silent);
    }

    private onWelcome(ws: WebSocket): void {
        this.welcomed = true;
        this.backoff = BACKOFF_MIN_MS;
        log('info', 'bridge.welcome', { url: this.opts.url, queued_events: this.queue.length });
        const q = this.queue;
        this.queue = [];
        for (const f of q) ws.send(f);
        for (const [id, p] of this.pending) this.trySendPending(id, p);
        const waiters = this.connectedWaiters;
        this.connectedWaiters = [];
        for (const w of waiters) w();
        this.opts.onWelcome?.();
    }

    private onResponse(msg: ResponseFrame): void {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.data ?? {});
        else p.reject(new RequestError(msg.error?.code ?? 'failed', msg.error?.message ?? 'request failed'));
    }

    private onCommandFrame(ws: WebSocket, frame: CommandFrame): void {
        if (typeof frame.id !== 'string' && typeof frame.id !== 'number') return;
        const started = Date.now();
        let result: Promise<Record<string, unknown>>;
        try { result = this.opts.onCommand(frame); } catch (e) { result = Promise.reject(e); }
        result.then(
            (data) => this.sendResult(ws, { type: 'result', id: frame.id, ok: true, data: data ?? {} }),
            (err) => {
                const code = err instanceof CommandError ? err.code : 'failed';
                const message = err instanceof Error ? err.message : String(err);
                this.sendResult(ws, { type: 'result', id: frame.id, ok: false, error: { code, message } });
            },
        ).finally(() => {
            log('debug', 'bridge.command', { id: frame.id, command: frame.command, account: frame.account_id, ms: Date.now() - started });
        });
    }

    private sendResult(ws: WebSocket, frame: Record<string, unknown>): void {
        // A result belongs to the socket its command came on; if that one is gone the core has
        // already timed the command out, so it is dropped rather than sent to a new socket.
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
        else log('warn', 'bridge.result_dropped', { id: frame.id });
    }
}
