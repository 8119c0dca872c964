// Test helpers: a tiny fake core speaking bridge protocol v1, a fake whatsapp-web.js client, and
// a way to run the real connector entry point (dist/main.js) as a child process.
import { EventEmitter } from 'events';
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { WebSocketServer, WebSocket } from 'ws';

export interface EventFrame { type: 'event'; event: string; account_id: any; data: any; at: string }

export class FakeCore {
    readonly secret = 'test-secret-' + process.pid;
    private server!: http.Server;
    private wss!: WebSocketServer;
    socket: WebSocket | null = null;
    hello: any = null;
    hellos: any[] = [];
    private welcomes = 0;
    events: EventFrame[] = [];
    requests: any[] = [];
    /** account_id → stored archives (newest last), like the core's session table. */
    sessions = new Map<string, string[]>();
    private waiters: Array<{ pred: (e: EventFrame) => boolean; resolve: (e: EventFrame) => void }> = [];
    private results = new Map<string, (r: any) => void>();
    private seq = 0;
    private connectedWaiters: Array<() => void> = [];
    port = 0;

    async listen(port = 0): Promise<void> {
        this.server = http.createServer((_req, res) => { res.writeHead(404); res.end(); });
        this.wss = new WebSocketServer({ noServer: true });
        this.server.on('upgrade', (req, sock, head) => {
            if (req.url !== '/bridge/v1' || req.headers.authorization !== `Bearer ${this.secret}`) {
                sock.write('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
                sock.destroy();
                return;
            }
            this.wss.handleUpgrade(req, sock, head, (ws) => this.onSocket(ws));
        });
        await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', () => r()));
        this.port = (this.server.address() as any).port;
    }

    /** Like a core that dies: sockets dropped, port closed. */
    async crash(): Promise<void> {
        this.socket = null;
        for (const c of this.wss.clients) c.terminate();
        await new Promise<void>((r) => this.server.close(() => r()));
    }

    /** Like a network hiccup: the connector's socket is dropped, the core keeps listening. */
    drop(): void {
        this.socket = null;
        for (const c of this.wss.clients) c.terminate();
    }

    get url(): string { return `ws://127.0.0.1:${this.port}/bridge/v1`; }

    private onSocket(ws: WebSocket): void {
        ws.on('message', (raw) => {
            const m = JSON.parse(raw.toString());
            if (m.type === 'hello') {
                this.hello = m;
                this.hellos.push(m);
                this.socket = ws;
                ws.send(JSON.stringify({ type: 'welcome', protocol: 1, resume: `resume-${this.port}-${++this.welcomes}` }));
                const w = this.connectedWaiters; this.connectedWaiters = []; w.forEach((f) => f());
            } else if (m.type === 'event') {
                this.events.push(m);
                this.waiters = this.waiters.filter((w) => { if (w.pred(m)) { w.resolve(m); return false; } return true; });
            } else if (m.type === 'result') {
                const r = this.results.get(m.id);
                if (r) { this.results.delete(m.id); r(m); }
            } else if (m.type === 'request') {
                this.requests.push(m);
                this.onRequest(ws, m);
            }
        });
    }

    private onRequest(ws: WebSocket, m: any): void {
        const key = String(m.account_id);
        const list = this.sessions.get(key) ?? [];
        const reply = (data: any) => ws.send(JSON.stringify({ type: 'response', id: m.id, ok: true, data }));
        switch (m.request) {
            case 'session.exists': return reply({ exists: list.length > 0 });
            case 'session.load': return reply({ archive_base64: list.length ? list[list.length - 1] : null });
            case 'session.save': list.push(m.args.archive_base64); this.sessions.set(key, list.slice(-7)); return reply({});
            case 'session.delete': this.sessions.delete(key); return reply({});
            default: ws.send(JSON.stringify({ type: 'response', id: m.id, ok: false, error: { code: 'bad_request', message: 'unknown request' } }));
        }
    }

    whenConnected(): Promise<void> {
        if (this.socket) return Promise.resolve();
        return new Promise((r) => this.connectedWaiters.push(r));
    }

    command(command: string, accountId: any, args: Record<string, unknown> = {}): Promise<any> {
        const id = `c-${++this.seq}`;
        return new Promise((resolve) => {
            this.results.set(id, resolve);
            this.socket!.send(JSON.stringify({ type: 'command', id, command, account_id: accountId, args }));
        });
    }

    /** Resolves with the first event (already received or future) matching `pred`. */
    waitEvent(pred: (e: EventFrame) => boolean, timeoutMs = 15_000, fromIndex = 0): Promise<EventFrame> {
        const seen = this.events.slice(fromIndex).find(pred);
        if (seen) return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`timed out waiting for an event; got: ${this.events.map((e) => e.event).join(',')}`)), timeoutMs);
            this.waiters.push({ pred, resolve: (e) => { clearTimeout(t); resolve(e); } });
        });
    }

    async close(): Promise<void> {
        for (const c of this.wss.clients) c.terminate();
        await new Promise<void>((r) => this.wss.close(() => r()));
        await new Promise<void>((r) => this.server.close(() => r()));
    }
}

export const DIST = path.resolve(__dirname, '..');

export interface Connector { child: ChildProcess; lines: any[]; exited: Promise<number | null>; dataDir: string }

/** Runs dist/main.js against core. opts.stdin 'pipe': child.stdin is a pipe the test can close. */
export function runConnector(core: FakeCore, env: Record<string, string> = {}, opts: { stdin?: 'pipe' | 'ignore' } = {}): Connector {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-conn-test-'));
    const child = spawn(process.execPath, [path.join(DIST, 'main.js')], {
        env: {
            PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp',
            SANGAM_CORE_URL: core.url, SANGAM_BRIDGE_SECRET: core.secret, SANGAM_CONNECTOR_ID: 'test-1',
            SANGAM_SIM_SEED: '7', SANGAM_SIM_WORLD: 'test', SANGAM_SIM_SPEED: '200', SANGAM_CONNECTOR_DATA: dataDir,
            ...env,
        },
        stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
    });
    const lines: any[] = [];
    let buf = '';
    child.stdout!.on('data', (d) => {
        buf += d.toString();
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i); buf = buf.slice(i + 1);
            try { lines.push(JSON.parse(line)); } catch { lines.push({ raw: line }); }
        }
    });
    let err = '';
    child.stderr!.on('data', (d) => { err += d.toString(); });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => { if (err && process.env.DEBUG_CONNECTOR) console.error(err); r(code); }));
    return { child, lines, exited, dataDir };
}

/** A fake whatsapp-web.js Client: an EventEmitter with the same event names and the methods used. */
export class FakeWAClient extends EventEmitter {
    info = { wid: { _serialized: '919800000009@c.us', user: '919800000009' }, pushname: 'Fake' };
    sentCount = 0;
    sent: Array<{ chatId: string; content: any; options: any }> = [];
    sendDelayMs = 0;
    initialized = false;
    destroyed = false;
    private n = 0;
    async initialize() { this.initialized = true; }
    async destroy() { this.destroyed = true; }
    async logout() {}
    async getState() { return 'CONNECTED'; }
    async requestPairingCode() { return 'ABCDEFGH'; }
    async sendMessage(chatId: string, content: any, options: any) {
        this.sentCount++;
        this.sent.push({ chatId, content, options });
        if (this.sendDelayMs) await new Promise((r) => setTimeout(r, this.sendDelayMs));
        const stanza = `3EB0FAKE${++this.n}`;
        return { id: { _serialized: `true_${chatId}_${stanza}`, fromMe: true, remote: chatId, id: stanza }, from: this.info.wid._serialized, to: chatId, body: typeof content === 'string' ? content : '', type: 'chat', timestamp: 1700000000, fromMe: true };
    }
    async getChats() { return []; }
    async getChannels() { return []; }
    async getChatById(id: string) { return { id: { _serialized: id }, name: id, isGroup: id.endsWith('@g.us'), sendStateTyping: async () => {}, sendStateRecording: async () => {}, clearState: async () => {}, sendSeen: async () => true }; }
    async getContactLidAndPhone(ids: string[]) { return ids.map((lid) => ({ lid, pn: '919812345678@c.us' })); }
    async acceptInvite() { return '120363000000000001@g.us'; }
    async createGroup(title: string) { return { title, gid: { _serialized: '120363000000000002@g.us' } }; }
}

export function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }
