// The account host: any number of accounts, one client each, keyed by account_id; every bridge
// command lands here. Engine-specific code stays behind `EngineFactory`.
import * as fs from 'fs';
import * as path from 'path';
import { CommandError, CommandFrame, AccountId, EventSink, Requester, RequestError } from '../bridge/protocol';
import { log } from '../log';
import { SendLedger } from './ledger';
import { attachEventMapping } from '../wwebjs/events';
import { BridgeStore } from '../wwebjs/store';
import { ContentFactory, WClientLike, jidToPhone, toJid } from '../wwebjs/types';
import * as ops from '../wwebjs/ops';
import * as ga from '../wwebjs/group_admin';
import { browserOf } from '../wwebjs/real';
import { SimClient } from '../sim/client';

export interface EngineContext {
    accountId: AccountId;
    phone: string | null;
    clientId: string;
    store: BridgeStore;
    dataPath: string;
}

export interface Engine {
    create(ctx: EngineContext): WClientLike;
    content: ContentFactory;
}

export interface HostOptions {
    engines: Record<string, Engine>;
    emit: EventSink;
    request: Requester;
    dataDir: string;
    initTimeoutMs?: number;
}

/** Bounds on engine calls, so a stuck browser never holds a command past the core's 60 s timeout. */
export const CALL_TIMEOUT_MS = 45_000;
export const DESTROY_TIMEOUT_MS = 10_000;
export const LOGOUT_TIMEOUT_MS = 20_000;
/** A real client's chat history is trusted to say "not sent" only this long after it became ready. */
export const WEBJS_SETTLE_MS = 30_000;

type Status = 'launching' | 'qr' | 'authenticated' | 'ready' | 'ended';

class Account {
    status: Status = 'launching';
    stopping = false;
    stopped: Promise<void> | null = null;
    ready: Record<string, unknown> | null = null;
    lastQr: Record<string, unknown> | null = null;
    initDone = false;
    browserClosedByUs = false;
    readyAt = 0;
    constructor(
        readonly id: AccountId, readonly engineName: string, readonly engine: Engine, readonly phone: string | null,
        readonly client: WClientLike, readonly store: BridgeStore, readonly dataPath: string, readonly ledger: SendLedger,
    ) {}
    get me(): string | null { return this.phone ? toJid(this.phone) : null; }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let t: NodeJS.Timeout;
    return Promise.race([
        p.finally(() => clearTimeout(t)),
        new Promise<T>((_, reject) => { t = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'timeout' })), ms); }),
    ]);
}

/** Chromium disconnected while initialize() was still running. */
class BrowserDiedError extends Error {
    constructor() { super('the browser disconnected during initialize()'); }
}

/** Turns an initialize() failure into the protocol's account.error code. */
export function classifyInitError(err: unknown): { code: string; message: string } {
    const message = (err instanceof Error ? err.message : String(err)) || 'unknown error';
    if ((err as any)?.code === 'timeout' || /timed out|timeout/i.test(message)) return { code: 'timeout', message };
    if (/net::ERR_|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ENETUNREACH|EHOSTUNREACH|getaddrinfo/i.test(message))
        return { code: 'network', message: `cannot reach WhatsApp Web: ${message}` };
    // Chromium killed by a signal before it printed its DevTools address: puppeteer reports the
    // process's exit code, which is null for a signal ("Code: null"); a real launch failure exits
    // with a code (missing library: 127) or fails to spawn (ENOENT, EACCES).
    // The same death a moment later, while puppeteer connects to the DevTools address (before the
    // client has a Browser object to watch): its CDP connection drops under the call in flight.
    if (/Failed to launch the browser process:\s*Code: null|^Connection closed\.?$|Target closed|Session closed/.test(message))
        return { code: 'browser_crashed', message: `Chromium died while starting: ${message}` };
    if (/Failed to launch|Browser was not found|spawn|ENOENT|EACCES|executable|Could not find Chrom/i.test(message))
        return { code: 'browser_launch_failed', message: `Chromium could not start: ${message}` };
    if (err instanceof RequestError) return { code: 'session_unavailable', message: `session store: ${message}` };
    return { code: 'failed', message };
}

export class AccountHost {
    private accounts = new Map<string, Account>();
    private ledgers = new Map<string, SendLedger>();
    private readonly initTimeoutMs: number;

    constructor(private readonly o: HostOptions) {
        this.initTimeoutMs = o.initTimeoutMs ?? 60_000;
    }

    get size(): number { return this.accounts.size; }

    private emit(acc: AccountId, event: string, data: Record<string, unknown>): void { this.o.emit(event, acc, data); }

    async handle(frame: CommandFrame): Promise<Record<string, unknown>> {
        const args = (frame.args && typeof frame.args === 'object' ? frame.args : {}) as Record<string, any>;
        const id = frame.account_id;
        const needId = () => {
            if (id === undefined || id === null || id === '') throw new CommandError('bad_request', 'account_id is required');
            return id;
        };
        switch (frame.command) {
            case 'account.start': return this.start(needId(), args);
            case 'account.stop': return this.stopCommand(needId());
            case 'account.logout': return this.logout(needId());
            case 'account.state': return this.state(needId());
            case 'account.pairing_code': return this.pairingCode(needId(), args);
            case 'account.groups': {
                const { offset, limit } = ops.parsePage(args);
                return { ...await this.call(needId(), (a) => ops.listGroupsPage(a.client, a.me, offset, limit)) };
            }
            case 'account.channels': return { channels: await this.call(needId(), (a) => ops.listChannels(a.client)) };
            case 'account.chats': return { chats: await this.call(needId(), (a) => ops.listChats(a.client)) };
            case 'account.resolve_lids': {
                const lids = args.lids;
                if (!Array.isArray(lids) || !lids.every((l) => typeof l === 'string')) throw new CommandError('bad_request', 'lids: an array of …@lid strings is required');
                return { phones: await this.call(needId(), (a) => ops.resolveLids(a.client, lids)) };
            }
            case 'group.join': {
                if (typeof args.invite !== 'string') throw new CommandError('bad_request', 'invite: required');
                const code = ops.inviteCodeOf(args.invite);
                return { group_id: await this.call(needId(), (a) => ops.joinGroup(a.client, code)) };
            }
            case 'group.invite_info': {
                if (typeof args.invite !== 'string') throw new CommandError('bad_request', 'invite: required');
                const code = ops.inviteCodeOf(args.invite);
                return await this.call(needId(), (a) => ops.inviteInfo(a.client, code));
            }
            case 'sim.invites': {
                const eng = this.o.engines.sim as any;
                if (!eng?.network) throw new CommandError('unsupported', 'no simulated network here');
                return { invites: eng.network.invites() };
            }
            case 'group.create': {
                const a = ga.parseCreate(args);
                return await this.call(needId(), (x) => ga.createGroup(x.client, x.me, a));
            }
            case 'group.add': {
                const g = ga.groupArg(args), people = ga.peopleArg(args, 'participants');
                return await this.call(needId(), (x) => ga.addMembers(x.client, x.me, g, people));
            }
            case 'group.remove': {
                const g = ga.groupArg(args), people = ga.peopleArg(args, 'participants');
                return await this.call(needId(), (x) => ga.removeMembers(x.client, x.me, g, people));
            }
            case 'group.invite_code': {
                const g = ga.groupArg(args);
                return await this.call(needId(), (x) => ga.inviteCode(x.client, x.me, g));
            }
            case 'group.revoke_invite': {
                const g = ga.groupArg(args);
                return await this.call(needId(), (x) => ga.revokeInvite(x.client, x.me, g));
            }
            case 'group.requests': {
                const g = ga.groupArg(args);
                return await this.call(needId(), (x) => ga.joinRequests(x.client, x.me, g));
            }
            case 'group.approve':
            case 'group.reject': {
                const g = ga.groupArg(args), people = ga.peopleArg(args, 'requesters');
                return await this.call(needId(), (x) => ga.decideRequests(x.client, x.me, g, people, frame.command === 'group.approve'));
            }
            case 'group.settings': {
                const g = ga.groupArg(args), s = ga.parseSettings(args);
                return await this.call(needId(), (x) => ga.groupSettings(x.client, x.me, g, s));
            }
            case 'message.delete': {
                if (typeof args.message_id !== 'string' || !args.message_id) throw new CommandError('bad_request', 'message_id: required');
                return await this.call(needId(), (x) => ga.deleteMessage(x.client, args.message_id));
            }
            case 'sim.join_request': {
                if (typeof args.chat !== 'string') throw new CommandError('bad_request', 'chat: required');
                const people = ga.peopleArg(args, 'members');
                const a = this.get(needId());
                if (a.status !== 'ready') throw new CommandError('not_ready', 'account is not ready');
                this.sim(a.id).simJoinRequest(args.chat, people);
                return {};
            }
            case 'sim.leave': {
                const g = ga.groupArg({ group: args.chat });
                const a = this.get(needId());
                if (a.status !== 'ready') throw new CommandError('not_ready', 'account is not ready');
                this.sim(a.id).simLeave(g);
                return {};
            }
            case 'sim.privacy': {
                const people = ga.peopleArg(args, 'members', 1000);
                const eng = this.o.engines.sim as any;
                if (!eng?.network) throw new CommandError('unsupported', 'no simulated network here');
                for (const p of people) eng.network.setBlocksAdds(p, args.blocks_adds !== false);
                return {};
            }
            case 'message.send': return this.send(needId(), args);
            case 'message.find': return this.find(needId(), args);
            case 'message.info': {
                if (typeof args.message_id !== 'string' || !args.message_id) throw new CommandError('bad_request', 'message_id: required');
                return await this.call(needId(), (a) => ops.messageInfo(a.client, args.message_id));
            }
            case 'chat.typing': {
                if (typeof args.chat !== 'string') throw new CommandError('bad_request', 'chat: required');
                const st = args.state ?? 'typing';
                if (!['typing', 'recording', 'paused'].includes(st)) throw new CommandError('bad_request', 'state: typing, recording or paused');
                await this.call(needId(), (a) => ops.chatTyping(a.client, toJid(args.chat), st));
                return {};
            }
            case 'chat.seen': {
                if (typeof args.chat !== 'string') throw new CommandError('bad_request', 'chat: required');
                await this.call(needId(), (a) => ops.chatSeen(a.client, toJid(args.chat)));
                return {};
            }
            case 'sim.scan': { this.sim(needId()).simScan(); return {}; }
            case 'sim.disconnect': { this.sim(needId()).simDisconnect(typeof args.reason === 'string' ? args.reason : 'NAVIGATION'); return {}; }
            case 'sim.ban': { this.sim(needId()).simBan(typeof args.reason === 'string' ? args.reason : 'TOS_BLOCK'); return {}; }
            case 'sim.incoming': {
                if (typeof args.chat !== 'string' || typeof args.body !== 'string') throw new CommandError('bad_request', 'chat and body are required');
                const from = typeof args.from === 'string' ? args.from : args.chat;
                const a = this.get(needId());
                if (a.status !== 'ready') throw new CommandError('not_ready', 'account is not ready');
                const client = this.sim(a.id);
                const mentions = Array.isArray(args.mentions) ? args.mentions.filter((m: unknown) => typeof m === 'string') : [];
                return { message_id: client.simIncoming(args.chat, from, args.body, typeof args.quoted_id === 'string' ? args.quoted_id : null, mentions) };
            }
            case 'sim.member_join': {
                if (typeof args.chat !== 'string' || !Array.isArray(args.members)) throw new CommandError('bad_request', 'chat and members are required');
                const a = this.get(needId());
                if (a.status !== 'ready') throw new CommandError('not_ready', 'account is not ready');
                this.sim(a.id).simMemberJoin(args.chat, args.members.filter((m: unknown) => typeof m === 'string'));
                return {};
            }
            case 'sim.configure': {
                const eng = this.o.engines.sim as any;
                if (!eng?.network) throw new CommandError('unsupported', 'no simulated network here');
                return { behaviour: eng.network.configure(args) };
            }
            default:
                throw new CommandError('bad_request', `unknown command ${String(frame.command)}`);
        }
    }

    private get(id: AccountId): Account {
        const a = this.accounts.get(String(id));
        if (!a || a.stopping) throw new CommandError('unknown_account', `account ${id} is not hosted by this connector`);
        return a;
    }

    private sim(id: AccountId): SimClient {
        const a = this.get(id);
        if (!(a.client instanceof SimClient)) throw new CommandError('unsupported', `account ${id} does not run on the sim engine`);
        return a.client;
    }

    private async call<T>(id: AccountId, fn: (a: Account) => Promise<T>): Promise<T> {
        const a = this.get(id);
        if (a.status !== 'ready') throw new CommandError('not_ready', `account ${id} is not connected (${a.status})`);
        try {
            return await withTimeout(fn(a), CALL_TIMEOUT_MS, 'engine call');
        } catch (err) {
            if (err instanceof CommandError) throw err;
            throw new CommandError('failed', (err as Error)?.message ?? String(err));
        }
    }

    // ---- lifecycle ----
    private async start(id: AccountId, args: Record<string, any>): Promise<Record<string, unknown>> {
        const engineName = args.engine;
        const engine = typeof engineName === 'string' ? this.o.engines[engineName] : undefined;
        if (!engine) throw new CommandError(typeof engineName === 'string' ? 'unsupported' : 'bad_request', `engine must be one of ${Object.keys(this.o.engines).join(', ')}`);
        const phone = typeof args.phone === 'string' && args.phone ? '+' + args.phone.replace(/\D/g, '') : null;
        if (phone !== null && !/^\+\d{8,15}$/.test(phone)) throw new CommandError('bad_request', 'phone must be E.164 (+<country><number>)');
        if (engineName === 'sim' && !phone) throw new CommandError('bad_request', 'phone is required for the sim engine');
        const key = String(id);
        const existing = this.accounts.get(key);
        if (existing && existing.stopping) await existing.stopped;
        else if (existing) {
            if (existing.engineName !== engineName) throw new CommandError('bad_request', `account ${id} already runs on engine ${existing.engineName}; stop it first`);
            // The core re-sends account.start after a bridge reconnect: repeat where the client stands.
            if (existing.ready) this.emit(id, 'account.ready', existing.ready);
            else if (existing.lastQr) this.emit(id, 'account.qr', existing.lastQr);
            return { already_running: true };
        }

        const restore = args.restore !== false;
        const clientId = `acct-${key.replace(/[^-_\w]/g, '_')}`;
        const dataPath = path.join(this.o.dataDir, clientId);
        await fs.promises.mkdir(dataPath, { recursive: true });
        const store = new BridgeStore((request, a) => this.o.request(request, id, a), dataPath, restore);
        let client: WClientLike;
        try {
            client = engine.create({ accountId: id, phone, clientId, store, dataPath });
        } catch (err) {
            throw new CommandError('failed', `cannot create the client: ${(err as Error).message}`);
        }
        let ledger = this.ledgers.get(key);
        if (!ledger) { ledger = new SendLedger(); this.ledgers.set(key, ledger); }
        const acc = new Account(id, engineName, engine, phone, client, store, dataPath, ledger);
        this.accounts.set(key, acc);

        attachEventMapping(client, {
            emit: (event, data) => this.onClientEvent(acc, event, data),
            ack: (messageId, ack) => ledger!.ack(messageId, ack, (d) => this.onClientEvent(acc, 'message.ack', d)),
            ourMessageByStanza: (stanza) => ledger!.idForStanza(stanza),
        });
        client.on('error', (err: Error) => log('warn', 'account.client_error', { account: id, message: err?.message }));
        log('info', 'account.starting', { account: id, engine: engineName, restore });

        // initialize() does not always reject when Chromium dies under it: a page.goto or evaluate in
        // flight can wait for the init timeout (60 s) instead. The browser's 'disconnected' event ends
        // the start at once (browser_crashed); puppeteer may also reject first with a step-specific
        // message ("Target closed", "Execution context was destroyed", …), so both paths say crashed.
        let browserDied: () => void = () => {};
        const died = new Promise<never>((_, reject) => { browserDied = () => reject(new BrowserDiedError()); });
        died.catch(() => {});
        const watch = this.watchBrowser(acc, () => browserDied());
        withTimeout(Promise.race([client.initialize(), died]), this.initTimeoutMs, 'initialize').then(
            () => { acc.initDone = true; log('info', 'account.initialized', { account: id }); },
            async (err) => {
                acc.initDone = true;
                if (acc.stopping) return;
                const b = browserOf(client);
                for (let i = 0; b && b.isConnected() && !(err instanceof BrowserDiedError) && i < 20 && /closed|detached|too early|Protocol error|Session|destroyed/i.test(String((err as Error)?.message)); i++) await new Promise((r) => setTimeout(r, 100));
                if (acc.stopping) return;
                const crashed = !acc.browserClosedByUs && (err instanceof BrowserDiedError || (b && !b.isConnected()));
                const e = crashed
                    ? { code: 'browser_crashed', message: `Chromium died while the client was starting: ${(err as Error)?.message ?? err}` }
                    : classifyInitError(err);
                log('warn', 'account.init_failed', { account: id, code: e.code, message: e.message });
                void this.teardown(acc, 'init failed').then(() => this.emit(id, 'account.error', e));
            },
        ).finally(() => clearInterval(watch));
        return {};
    }

    /** Polls for the Chromium process a real client launches, to notice it dying (crash or kill). */
    private watchBrowser(acc: Account, diedDuringInit: () => void): NodeJS.Timeout {
        const timer = setInterval(() => {
            const b = browserOf(acc.client);
            if (!b || acc.stopping) return;
            clearInterval(timer);
            b.on('disconnected', () => {
                if (acc.stopping || acc.browserClosedByUs) return;
                if (!acc.initDone) { diedDuringInit(); return; }
                log('warn', 'account.browser_died', { account: acc.id });
                void this.teardown(acc, 'browser died').then(() => this.emit(acc.id, 'account.disconnected', { reason: 'BROWSER_CRASHED' }));
            });
        }, 100);
        timer.unref();
        return timer;
    }

    private onClientEvent(acc: Account, event: string, data: Record<string, unknown>): void {
        if (acc.stopping && event !== 'message.ack') return;
        switch (event) {
            case 'account.qr': acc.status = 'qr'; acc.lastQr = data; break;
            case 'account.pairing_code': acc.status = 'qr'; break;
            case 'account.authenticated': acc.status = 'authenticated'; acc.lastQr = null; break;
            case 'account.ready':
                acc.status = 'ready';
                acc.readyAt = Date.now();
                if (!data.phone && acc.phone) data.phone = acc.phone;
                acc.ready = data;
                break;
            case 'account.disconnected':
                // whatsapp-web.js destroys itself for these; we also close the browser and forget the account.
                log('info', 'account.disconnected', { account: acc.id, reason: data.reason });
                this.emit(acc.id, event, data);
                void this.teardown(acc, `disconnected ${String(data.reason)}`);
                return;
        }
        this.emit(acc.id, event, data);
    }

    /** Stops a client: destroy (closes the browser), kill Chromium if closing hangs, drop temp files. */
    private teardown(acc: Account, why: string): Promise<void> {
        if (acc.stopped) return acc.stopped;
        acc.stopping = true;
        acc.status = 'ended';
        acc.stopped = (async () => {
            acc.browserClosedByUs = true;
            const browser = browserOf(acc.client);
            const proc = browser?.process?.();
            try {
                await withTimeout(acc.client.destroy(), DESTROY_TIMEOUT_MS, 'destroy');
            } catch (err) {
                log('warn', 'account.destroy_failed', { account: acc.id, message: (err as Error).message });
            }
            if (browser) {
                try { if (browser.isConnected()) await withTimeout(browser.close(), DESTROY_TIMEOUT_MS, 'browser close'); } catch { /* killed below */ }
            }
            if (proc && proc.pid && proc.exitCode === null && proc.signalCode === null) {
                log('warn', 'account.browser_killed', { account: acc.id, pid: proc.pid });
                try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* not a group leader */ }
                try { proc.kill('SIGKILL'); } catch { /* already gone */ }
            }
            acc.client.removeAllListeners();
            acc.client.on('error', () => { /* late errors of a dead client */ });
            await fs.promises.rm(acc.dataPath, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
            if (this.accounts.get(String(acc.id)) === acc) this.accounts.delete(String(acc.id));
            log('info', 'account.stopped', { account: acc.id, why });
        })();
        return acc.stopped;
    }

    private async stopCommand(id: AccountId): Promise<Record<string, unknown>> {
        const a = this.accounts.get(String(id));
        if (!a) return { already_stopped: true };
        await this.teardown(a, 'account.stop');
        return {};
    }

    private async logout(id: AccountId): Promise<Record<string, unknown>> {
        const a = this.get(id);
        if (a.status === 'ready') {
            try { await withTimeout(a.client.logout(), LOGOUT_TIMEOUT_MS, 'logout'); }
            catch (err) { log('warn', 'account.logout_failed', { account: id, message: (err as Error).message }); }
        }
        await this.teardown(a, 'account.logout');
        if (!a.store.deleted) {
            try { await this.o.request('session.delete', id, {}); }
            catch (err) { throw new CommandError('failed', `client stopped but session.delete failed: ${(err as Error).message}`); }
        }
        return {};
    }

    private async state(id: AccountId): Promise<Record<string, unknown>> {
        const a = this.get(id);
        if (a.status !== 'ready') {
            const local = a.status === 'qr' ? 'UNPAIRED' : 'OPENING';
            return { state: local, rtt_ms: null };
        }
        const t0 = process.hrtime.bigint();
        try {
            const state = await withTimeout(a.client.getState(), 10_000, 'getState');
            return { state: state ?? 'UNLAUNCHED', rtt_ms: Number((process.hrtime.bigint() - t0) / 1_000_000n) };
        } catch (err) {
            if ((err as any)?.code === 'timeout') return { state: 'TIMEOUT', rtt_ms: null };
            throw new CommandError('failed', (err as Error).message);
        }
    }

    private async pairingCode(id: AccountId, args: Record<string, any>): Promise<Record<string, unknown>> {
        const a = this.get(id);
        const phone = typeof args.phone === 'string' ? args.phone.replace(/\D/g, '') : (a.phone ?? '').replace(/\D/g, '');
        if (!/^\d{8,15}$/.test(phone)) throw new CommandError('bad_request', 'phone: digits with country code, e.g. 919812345678');
        if (a.status === 'ready' || a.status === 'authenticated') throw new CommandError('bad_request', 'account is already linked');
        if (a.status !== 'qr') throw new CommandError('not_ready', 'the client is still launching; retry after the first account.qr');
        try {
            const code = await withTimeout(a.client.requestPairingCode(phone, true), CALL_TIMEOUT_MS, 'requestPairingCode');
            const { formatPairingCode } = await import('../wwebjs/events');
            return { code: formatPairingCode(code) };
        } catch (err) {
            throw new CommandError('failed', (err as Error).message);
        }
    }

    private async send(id: AccountId, args: Record<string, any>): Promise<Record<string, unknown>> {
        const s = ops.parseSend(args);
        const a = this.accounts.get(String(id));
        const ledger = this.ledgers.get(String(id));
        // A known key answers duplicate whatever state the client is in: never a second send.
        if (ledger && ledger.has(s.key)) return ledger.repeat(s.key);
        if (!a || a.stopping) throw new CommandError('unknown_account', `account ${id} is not hosted by this connector`);
        if (a.status !== 'ready') throw new CommandError('not_ready', `account ${id} is not connected (${a.status})`);
        if (s.to.endsWith('@c.us') && !jidToPhone(s.to)) throw new CommandError('bad_request', 'to: not a phone jid');
        return a.ledger.send(s.key, () => withTimeout(ops.sendMessage(a.client, a.engine.content, s), CALL_TIMEOUT_MS, 'sendMessage'));
    }

    /**
     * Reconciliation (docs/bridge-protocol.md, message.find): did the message with this key reach the
     * chat? This process's ledger answers for sends it made (sent, or still in flight: no verdict);
     * otherwise the chat itself is read. The ledger is a shortcut, never the truth: the core asks after
     * a restart too, when the ledger is empty.
     */
    private async find(id: AccountId, args: Record<string, any>): Promise<Record<string, unknown>> {
        const f = ops.parseFind(args);
        const st = this.ledgers.get(String(id))?.state(f.key) ?? null;
        if (st?.state === 'sent') return { found: true, message_id: st.messageId, definitive: true, scanned: 0 };
        if (st?.state === 'inflight') return { found: false, message_id: null, definitive: false, scanned: 0, reason: 'the send is still in flight on this connector' };
        const a = this.get(id);
        // whatsapp-web.js re-sends the messages it had pending in the first seconds after a restore.
        const settled = a.engineName === 'sim' || Date.now() - a.readyAt >= WEBJS_SETTLE_MS;
        const out = await this.call(id, (acc) => ops.findSent(acc.client, f, settled && acc.readyAt > 0));
        if (!out.found && out.definitive) this.ledgers.get(String(id))?.forgetFailed(f.key);
        return { ...out };
    }

    /**
     * The core went silent past its fence: stop every client so another node can run the accounts
     * alone. Sessions stay in the core's archives; the core restores each account when it hears
     * account.disconnected FENCED and still holds its lease (queued until the bridge is back).
     */
    async fenceAll(): Promise<void> {
        const accs = [...this.accounts.values()];
        log('warn', 'connector.fencing', { accounts: accs.length });
        await Promise.all(accs.map((a) => this.teardown(a, 'fenced: core silent')));
        for (const a of accs) this.emit(a.id, 'account.disconnected', { reason: 'FENCED' });
    }

    /** SIGTERM: stop every client (closing every browser). */
    async stopAll(): Promise<void> {
        await Promise.all([...this.accounts.values()].map((a) => this.teardown(a, 'connector stopping')));
    }
}
