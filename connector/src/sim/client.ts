// A simulated WhatsApp client with the subset of whatsapp-web.js's Client API the connector uses
// (same method names, event names and argument shapes), so the connector's real code paths —
// event mapping, ledger, commands, RemoteAuth-style store — run against it.
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as path from 'path';
import { log } from '../log';
import { ContentFactory, WChat, WChannel, WClientLike, WInfoMessage, WMessage, jidToPhone, toJid } from '../wwebjs/types';
import { ChatterMessage, SimNetwork } from './network';
import { Member, SimGroup, World, participantId } from './world';
import { Verdict } from './banmodel';
import { CHATTER, GENERIC_REPLIES, PROJECTS, REACTIONS, STOP_TEXTS } from './names';
import { Rng } from './prng';
import { followersAt } from './channels';

/** WhatsApp's group size limit (members). */
const GROUP_LIMIT = 1024;
/** WhatsApp rotates the linking QR every 20 s. */
export const QR_ROTATE_MS = 20_000;
const SESSION_MAGIC = 'sangam-sim-session/1';
/** Members' group messages a client can still look up (message.delete): the most recent 5,000. */
const RECEIVED_KEEP = 5000;

/** The store interface RemoteAuth uses (our BridgeStore). */
export interface SessionStore {
    sessionExists(o: { session: string }): Promise<boolean>;
    save(o: { session: string }): Promise<void>;
    extract(o: { session: string; path: string }): Promise<void>;
    delete(o: { session: string }): Promise<void>;
}

export interface SimClientOptions {
    network: SimNetwork;
    phone: string;          // E.164
    clientId: string;       // like RemoteAuth's clientId: acct-<id>
    store: SessionStore;
    dataPath: string;       // scratch dir for the archive file between the store and us
}

type State = 'new' | 'opening' | 'qr' | 'authenticated' | 'ready' | 'stopped';

interface PollContent { pollName: string; pollOptions: Array<{ name: string; localId: number }>; options?: { allowMultipleAnswers?: boolean } }
interface MediaContent { mimetype: string; data: string; filename?: string | null }

/** Content objects for the sim engine: same shapes as whatsapp-web.js's MessageMedia and Poll. */
export const simContent: ContentFactory = {
    media: (mimetype, data, filename) => ({ mimetype, data, filename }) as MediaContent,
    poll: (question, options, multiple) => ({ pollName: question, pollOptions: options.map((name, i) => ({ name, localId: i })), options: { allowMultipleAnswers: multiple } }) as PollContent,
};

export class SimClient extends EventEmitter implements WClientLike {
    info?: { wid: { _serialized: string; user: string }; pushname?: string };
    private state: State = 'new';
    private timers = new Set<NodeJS.Timeout>();
    private qrTimer: NodeJS.Timeout | null = null;
    private world: World;
    private readonly net: SimNetwork;
    private readonly me: string;
    private readonly session: string;
    private pairing = false;
    private qrAttempt = 0;
    private incomingCount = 0;
    private get links(): number { return this.net.phone(this.o.phone).tokens.size; }
    private sent = new Map<string, { chat: string; body: string; poll: PollContent | null; at?: number }>();
    private dms = new Map<string, number>();   // direct chats with activity: jid → last timestamp (s)
    private unread = new Map<string, number>();
    private received = new Map<string, string>();   // members' group messages: id → group
    private deleted = new Set<string>();

    constructor(private readonly o: SimClientOptions) {
        super();
        this.net = o.network;
        this.me = toJid(o.phone);
        this.session = `RemoteAuth-${o.clientId}`;
        this.world = this.net.world(o.phone);
    }

    get simState(): State { return this.state; }
    private stoppedNow(): boolean { return this.state === 'stopped'; }

    // ---- scheduling (simulated delays, scaled by SANGAM_SIM_SPEED) ----
    private after(simMs: number, fn: () => void): void {
        if (this.state === 'stopped') return;
        const t = setTimeout(() => { this.timers.delete(t); if (this.state !== 'stopped') fn(); }, this.net.real(simMs));
        this.timers.add(t);
    }

    private get rng(): Rng { return this.net.phone(this.o.phone).rng; }

    // ---- lifecycle ----
    async initialize(): Promise<void> {
        if (this.state !== 'new') throw new Error('client already initialized');
        this.state = 'opening';
        const ps = this.net.phone(this.o.phone);
        // RemoteAuth's restore decision comes first, before the "browser" starts.
        let restored = false;
        if (await this.o.store.sessionExists({ session: this.session })) {
            const file = path.join(this.o.dataPath, `${this.session}.zip`);
            await this.o.store.extract({ session: this.session, path: file });
            const raw = await fs.promises.readFile(file, 'utf8').catch(() => '');
            await fs.promises.rm(file, { force: true });
            restored = this.validArchive(raw);
            if (!restored) log('warn', 'sim.session_invalid', { phone: this.o.phone });
        }
        await this.sleep(this.rng.int(300, 900));   // page load
        if (this.stoppedNow()) return;
        if (ps.ban.banned) {
            this.after(100, () => this.endWith('TOS_BLOCK', true));
            return;
        }
        if (restored) {
            this.state = 'authenticated';
            this.after(200, () => {
                this.emit('authenticated');
                this.after(this.rng.int(800, 2500), () => this.becomeReady());
            });
        } else {
            this.state = 'qr';
            this.showQr();
        }
    }

    private validArchive(raw: string): boolean {
        try {
            const j = JSON.parse(raw);
            if (j.magic !== SESSION_MAGIC || j.phone !== this.o.phone || typeof j.token !== 'string') return false;
            const ps = this.net.phone(this.o.phone);
            if (ps.tokens.has(j.token)) return true;
            // A token issued by an earlier connector process: the simulated server recognises its own
            // signature (deterministic per seed), unless this process saw it revoked. This is what lets
            // a restarted connector restore sessions without a new scan, like the real network does.
            if (ps.revoked.has(j.token) || j.token !== this.signedToken(String(j.token).split('.')[0])) return false;
            ps.tokens.add(j.token);
            return true;
        } catch { return false; }
    }

    /** nonce.signature, where the signature is derived from the world's seed, the phone and the nonce. */
    private signedToken(nonce: string): string {
        return `${nonce}.${new Rng(`${this.net.seed}|device|${this.o.phone}|${nonce}`).hex(16)}`;
    }

    private revokeTokens(): void {
        const ps = this.net.phone(this.o.phone);
        for (const t of ps.tokens) ps.revoked.add(t);
        ps.tokens.clear();
    }

    private showQr(): void {
        if (this.state !== 'qr') return;
        // Derived per attempt: how many rotations happen before the scan depends on real time, and
        // must not shift the draws of everything after it.
        const r = new Rng(`${this.net.seed}|qr|${this.o.phone}|${this.links}|${++this.qrAttempt}`);
        this.emit('qr', `2@${r.hex(40)},${r.hex(44)},${r.hex(44)},${r.hex(24)}`);
        if (this.qrTimer) this.timers.delete(this.qrTimer);
        const t = setTimeout(() => { this.timers.delete(t); this.showQr(); }, this.net.real(QR_ROTATE_MS));
        this.qrTimer = t;
        this.timers.add(t);
    }

    private becomeReady(): void {
        if (this.state === 'stopped') return;
        this.state = 'ready';
        this.info = { wid: { _serialized: this.me, user: this.me.split('@')[0] }, pushname: this.world.name };
        this.emit('change_state', 'CONNECTED');
        this.emit('ready');
        if (this.net.kind === 'demo') {
            this.unsubscribeChatter?.();
            this.unsubscribeChatter = this.net.onChatter((m) => this.onChatter(m));
            this.after(1500, () => this.backlog());
        }
    }

    private unsubscribeChatter: (() => void) | null = null;

    /** A message of the network's chatter: seen when we are in its group. */
    private onChatter(m: ChatterMessage): void {
        if (this.state !== 'ready') return;
        if (!this.groups().some((g) => g.id === m.group)) return;
        if (m.direct) {
            // The member writes to us directly (STOP): one of our numbers in that group gets it.
            this.incoming(m.author.jid, m.author, m.text, null, `chatter|${m.stanza}`);
            return;
        }
        this.groupMessage(m.group, m.author, m.text, m.stanza, m.at);
    }

    /** The last seven days of the demo groups' messages, as WhatsApp Web loads them after linking. The
     *  same messages (same ids) for every one of our numbers in a group, so the core counts them once. */
    private backlog(): void {
        const start = Math.floor(this.net.startedAt() / 1000);
        let delay = 0;
        for (const g of this.groups()) {
            if (g.isCommunity || g.announce) continue;
            const rng = new Rng(`${this.net.seed}|backlog|${g.id}`);
            const n = Math.round(Math.pow(rng.next(), 1.5) * 70) + 4;
            const texts = CHATTER[g.members[0]?.project ?? ''] ?? CHATTER.PoultryCare;
            for (let i = 0; i < n; i++) {
                const who = g.members[Math.floor(Math.pow(rng.next(), 3) * g.members.length)];
                const at = start - rng.int(60, 7 * 86400);
                const text = rng.pick(texts), stanza = `SIMB${rng.hex(16)}`;
                // 5 ms apart (real time): ~400 messages per number over 2 s rather than one burst.
                delay += 5;
                const t = setTimeout(() => { this.timers.delete(t); if (this.state === 'ready') this.groupMessage(g.id, who, text, stanza, at); }, delay);
                this.timers.add(t);
            }
        }
        this.directBacklog(start, delay);
    }

    /** A few members wrote to this number directly over the last two days (questions about the
     *  product): the demo's team inbox has conversations from its first minute. */
    private directBacklog(start: number, delay: number): void {
        const members = [...new Map(this.groups().flatMap((g) => g.members).map((m) => [m.jid, m])).values()].sort((a, b) => (a.jid < b.jid ? -1 : 1));
        if (!members.length) return;
        const rng = new Rng(`${this.net.seed}|dm-backlog|${this.o.phone}`);
        const n = Math.min(members.length, 6);
        for (let i = 0; i < n; i++) {
            const who = members[rng.int(0, members.length - 1)];
            const texts = PROJECTS[who.project]?.replies ?? GENERIC_REPLIES;
            const text = rng.pick(texts);
            const at = start - rng.int(120, 2 * 86400);
            delay += 50;
            const t = setTimeout(() => { this.timers.delete(t); if (this.state === 'ready') this.incoming(who.jid, who, text, null, `dm-backlog|${i}|${who.jid}`, at); }, delay);
            this.timers.add(t);
        }
    }

    private groupMessage(group: string, who: Member, body: string, stanza: string, at: number): void {
        const author = participantId(who);
        const msg: WMessage = {
            id: { _serialized: `false_${group}_${stanza}_${author}`, fromMe: false, remote: group, id: stanza },
            from: group, to: this.me, author, body, type: 'chat', timestamp: at, fromMe: false, hasQuotedMsg: false, mentionedIds: [],
            _data: { notifyName: who.name },
        };
        this.unread.set(group, (this.unread.get(group) ?? 0) + 1);
        this.remember(msg.id._serialized, group);
        this.emit('message_create', msg);
        this.emit('message', msg);
    }

    /** Control: the simulated phone scans the QR (or confirms the pairing code). */
    simScan(): void {
        if (this.state !== 'qr') throw new Error(`no QR or pairing code is showing (state ${this.state})`);
        if (this.qrTimer) { clearTimeout(this.qrTimer); this.timers.delete(this.qrTimer); this.qrTimer = null; }
        this.state = 'authenticated';
        const ps = this.net.phone(this.o.phone);
        const token = this.signedToken(this.rng.hex(32));
        const readyDelay = this.rng.int(500, 1500);
        ps.tokens.add(token);
        this.emit('authenticated');
        // Saved at once (the core keeps it encrypted), then ready — the issue's "save immediately".
        const file = path.join(this.o.dataPath, `${this.session}.zip`);
        const archive = JSON.stringify({ magic: SESSION_MAGIC, phone: this.o.phone, token, linked_at: new Date(this.net.now()).toISOString(), pairing: this.pairing });
        (async () => {
            await fs.promises.mkdir(this.o.dataPath, { recursive: true });
            await fs.promises.writeFile(file, archive, { mode: 0o600 });
            try { await this.o.store.save({ session: this.session }); }
            finally { await fs.promises.rm(file, { force: true }); }
        })().then(
            () => this.emit('remote_session_saved'),
            (err) => log('warn', 'sim.session_save_failed', { phone: this.o.phone, message: (err as Error).message }),
        ).finally(() => this.after(readyDelay, () => this.becomeReady()));
    }

    async requestPairingCode(phoneNumber: string): Promise<string> {
        if (this.state !== 'qr') throw new Error('pairing codes are only available before linking');
        if (phoneNumber.replace(/\D/g, '') !== this.o.phone.replace(/\D/g, '')) throw new Error('the phone number does not match this account');
        this.pairing = true;
        const alphabet = 'ABCDEFGHJKLMNPQRSTVWXYZ23456789';
        let code = '';
        for (let i = 0; i < 8; i++) code += alphabet[this.rng.int(0, alphabet.length - 1)];
        this.emit('code', code);
        return code;
    }

    async destroy(): Promise<void> {
        this.state = 'stopped';
        this.unsubscribeChatter?.();
        this.unsubscribeChatter = null;
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
    }

    async logout(): Promise<void> {
        this.revokeTokens();
        await this.o.store.delete({ session: this.session });
        await this.destroy();
    }

    async getState(): Promise<string | null> {
        switch (this.state) {
            case 'ready': return 'CONNECTED';
            case 'qr': return 'UNPAIRED';
            case 'opening': case 'authenticated': return 'OPENING';
            default: return null;
        }
    }

    /** Ends the session the way whatsapp-web.js does for a state it does not accept. */
    private endWith(reason: string, revoke: boolean): void {
        if (this.state === 'stopped') return;
        if (revoke) this.revokeTokens();
        if (['CONFLICT', 'UNPAIRED', 'UNPAIRED_IDLE', 'TOS_BLOCK', 'SMB_TOS_BLOCK', 'PROXYBLOCK', 'DEPRECATED_VERSION', 'TIMEOUT', 'UNLAUNCHED'].includes(reason)) this.emit('change_state', reason);
        this.emit('disconnected', reason);
        void this.destroy();
    }

    simDisconnect(reason: string): void {
        const revoke = ['UNPAIRED', 'UNPAIRED_IDLE', 'LOGOUT', 'TOS_BLOCK', 'SMB_TOS_BLOCK'].includes(reason);
        if (reason === 'TOS_BLOCK' || reason === 'SMB_TOS_BLOCK') this.net.phone(this.o.phone).ban.banned = `forced ${reason}`;
        this.endWith(reason, revoke);
    }

    simBan(reason: string): void {
        this.net.phone(this.o.phone).ban.banned = `forced ${reason}`;
        this.endWith(reason, true);
    }

    // ---- reads ----
    private ensureReady(): void { if (this.state !== 'ready') throw new Error('client is not ready'); }

    private groups(): SimGroup[] { return [...this.world.groups, ...this.net.phone(this.o.phone).extraGroups]; }

    private chatOf(g: SimGroup): WChat {
        const participants = g.members.map((m) => ({ id: { _serialized: participantId(m) }, isAdmin: g.admins.has(participantId(m)), isSuperAdmin: false }));
        participants.unshift({ id: { _serialized: this.me }, isAdmin: g.weAdmin, isSuperAdmin: false });
        return {
            ...this.chatBase(g.id, g.name, true),
            groupMetadata: {
                desc: g.description, announce: g.announce, isParentGroup: g.isCommunity,
                parentGroup: g.parent ? { _serialized: g.parent } : null, participants, creation: g.createdAt,
                memberAddMode: g.adminsAddOnly ? 'admin_add' : 'all_member_add',
            },
            getInviteCode: async () => { if (!g.weAdmin) throw new Error('not an admin'); return g.inviteCode; },
            ...this.adminOps(g),
        };
    }

    /** GroupChat's admin methods on a simulated group (whatsapp-web.js 1.34 shapes and codes). */
    private adminOps(g: SimGroup): Partial<WChat> {
        const admin = () => { this.ensureReady(); if (!g.weAdmin) throw new Error('not an admin of this group'); };
        const has = (jid: string) => g.members.some((m) => m.jid === jid || m.lid === jid);
        return {
            addParticipants: async (ids: string[]) => {
                admin();
                const out: Record<string, { code: number; message: string; isInviteV4Sent: boolean }> = {};
                for (const jid of ids) out[jid] = { ...this.addOne(g, jid), isInviteV4Sent: false };
                const added = ids.filter((j) => out[j].code === 200);
                if (added.length) this.after(300, () => this.emit('group_join', { id: { remote: g.id }, chatId: g.id, author: this.me, recipientIds: added, type: 'add', body: '' }));
                return out;
            },
            removeParticipants: async (ids: string[]) => {
                admin();
                const gone = ids.filter(has);
                g.members = g.members.filter((m) => !gone.includes(m.jid) && !gone.includes(m.lid));
                if (gone.length) this.after(300, () => this.emit('group_leave', { id: { remote: g.id }, chatId: g.id, author: this.me, recipientIds: gone, type: 'remove', body: '' }));
                return { status: 200 };
            },
            revokeInvite: async () => {
                admin();
                this.net.revokedInvites.add(g.inviteCode);
                g.inviteCode = this.rng.hex(4) + this.rng.hex(18).toLowerCase();
                return g.inviteCode;
            },
            getGroupMembershipRequests: async () => {
                admin();
                return (g.requests ?? []).map((r) => ({ id: { _serialized: r.jid }, addedBy: { _serialized: r.jid }, parentGroupId: null, requestMethod: r.method, t: r.t }));
            },
            approveGroupMembershipRequests: async (o: { requesterIds?: string[] }) => this.decide(g, o.requesterIds ?? [], true),
            rejectGroupMembershipRequests: async (o: { requesterIds?: string[] }) => this.decide(g, o.requesterIds ?? [], false),
            setMessagesAdminsOnly: async (v: boolean) => { this.ensureReady(); if (!g.weAdmin) return false; g.announce = v; return true; },
            setAddMembersAdminsOnly: async (v: boolean) => { this.ensureReady(); if (!g.weAdmin) return false; g.adminsAddOnly = v; return true; },
            setDescription: async (d: string) => { this.ensureReady(); if (!g.weAdmin) return false; g.description = d; return true; },
        };
    }

    /** WhatsApp's answer to adding one person: 409 already in, 419 full (1,024), 403 their privacy
     *  allows only an invitation (the network's blocksAdds), else 200 and they are in. */
    private addOne(g: SimGroup, jid: string): { code: number; message: string } {
        if (g.members.some((m) => m.jid === jid || m.lid === jid)) return { code: 409, message: 'The participant is already a group member' };
        if (g.members.length + 1 >= GROUP_LIMIT) return { code: 419, message: "The participant can't be added because the group is full" };
        if (this.net.blocksAdds(jid)) return { code: 403, message: 'The participant can be added by sending private invitation only' };
        g.members.push(this.world.byJid.get(jid) ?? this.stranger(jid));
        return { code: 200, message: 'The participant was added successfully' };
    }

    private async decide(g: SimGroup, ids: string[], approve: boolean) {
        this.ensureReady();
        if (!g.weAdmin) throw new Error('not an admin of this group');
        const out: Array<{ requesterId: string; error?: number; message: string }> = [];
        const let_in: string[] = [];
        for (const id of ids) {
            const i = (g.requests ?? []).findIndex((r) => r.jid === id);
            if (i < 0) { out.push({ requesterId: id, error: 404, message: 'ResourceNotFound' }); continue; }
            g.requests!.splice(i, 1);
            if (approve) {
                if (g.members.length + 1 >= GROUP_LIMIT) { out.push({ requesterId: id, error: 419, message: 'the group is full' }); continue; }
                g.members.push(this.world.byJid.get(id) ?? this.stranger(id));
                let_in.push(id);
            }
            out.push({ requesterId: id, message: approve ? 'approved' : 'rejected' });
        }
        if (let_in.length) this.after(300, () => this.emit('group_join', { id: { remote: g.id }, chatId: g.id, author: this.me, recipientIds: let_in, type: 'invite', body: '' }));
        return out;
    }

    /** Control: our number leaves one of its groups (as if someone left it on the phone). */
    simLeave(chat: string): void {
        this.ensureReady();
        const ps = this.net.phone(this.o.phone);
        const before = this.world.groups.length + ps.extraGroups.length;
        this.world = { ...this.world, groups: this.world.groups.filter((g) => g.id !== chat) };
        ps.extraGroups = ps.extraGroups.filter((g) => g.id !== chat);
        if (this.world.groups.length + ps.extraGroups.length === before) throw new Error(`group ${chat} not found`);
        this.after(100, () => this.emit('group_leave', { id: { remote: chat }, chatId: chat, author: this.me, recipientIds: [this.me], type: 'leave', body: '' }));
    }

    /** Control: people ask to join one of our groups (its link needs an admin's approval). */
    simJoinRequest(chat: string, jids: string[]): void {
        this.ensureReady();
        const g = this.groups().find((x) => x.id === chat);
        if (!g) throw new Error(`group ${chat} not found`);
        g.requests ??= [];
        const t = Math.floor(this.net.now() / 1000);
        for (const jid of jids) {
            if (g.requests.some((r) => r.jid === jid) || g.members.some((m) => m.jid === jid)) continue;
            g.requests.push({ jid, t, method: 'InviteLink' });
            this.emit('group_membership_request', { id: { remote: g.id }, chatId: g.id, author: jid, type: 'membership_approval_request', timestamp: t });
        }
    }

    private chatBase(id: string, name: string, isGroup: boolean): WChat {
        return {
            id: { _serialized: id }, name, isGroup,
            unreadCount: this.unread.get(id) ?? 0,
            timestamp: this.dms.get(id) ?? Math.floor(this.net.now() / 1000) - 3600,
            sendStateTyping: async () => { this.ensureReady(); },
            sendStateRecording: async () => { this.ensureReady(); },
            clearState: async () => { this.ensureReady(); },
            sendSeen: async () => { this.ensureReady(); this.unread.set(id, 0); return true; },
            fetchMessages: async (o: { limit?: number; fromMe?: boolean } = {}) => { this.ensureReady(); return this.carriedMessages(id, o.limit ?? 50); },
        };
    }

    /** Our messages in a chat as the network has them (the servers' copy, not this client's memory). */
    private carriedMessages(chat: string, limit: number): WMessage[] {
        const all = this.net.carriedTo(this.o.phone, chat);
        return all.slice(Math.max(0, all.length - limit)).map((c) => ({
            id: { _serialized: c.id, fromMe: true, remote: chat, id: c.id.split('_')[2] }, from: this.me, to: chat, author: null,
            body: c.type === 'poll_creation' ? '' : c.body, pollName: c.type === 'poll_creation' ? c.body : undefined, type: c.type,
            timestamp: Math.floor(c.at / 1000), fromMe: true, ack: c.accepted ? 1 : -1,
        }));
    }

    async getChats(): Promise<WChat[]> {
        this.ensureReady();
        const out = this.groups().map((g) => this.chatOf(g));
        for (const jid of this.dms.keys()) out.push(this.chatBase(jid, this.world.byJid.get(jid)?.name ?? jidToPhone(jid) ?? jid, false));
        return out;
    }

    async getChannels(): Promise<WChannel[]> {
        this.ensureReady();
        return this.world.channels.map((c) => ({ id: { _serialized: c.id }, name: c.name, description: c.description, channelMetadata: { membershipType: c.role, subscribersCount: followersAt(c, Date.now()) } }));
    }

    async getChatById(chatId: string): Promise<WChat> {
        this.ensureReady();
        const g = this.groups().find((x) => x.id === chatId);
        if (g) return this.chatOf(g);
        if (/@(c\.us|lid)$/.test(chatId)) return this.chatBase(chatId, this.world.byJid.get(chatId)?.name ?? chatId, false);
        throw new Error(`chat ${chatId} not found`);
    }

    async getContacts(): Promise<Array<{ id: { _serialized: string }; pushname?: string }>> {
        this.ensureReady();
        const seen = new Map<string, string>();
        for (const g of this.groups()) for (const m of g.members) seen.set(participantId(m), m.name);
        return [...seen].map(([id, name]) => ({ id: { _serialized: id }, pushname: name }));
    }

    async getContactLidAndPhone(userIds: string[]): Promise<Array<{ lid?: string; pn?: string }>> {
        this.ensureReady();
        return userIds.map((id) => {
            const m = this.world.byJid.get(id);
            if (!m) return { lid: id.endsWith('@lid') ? id : undefined, pn: id.endsWith('@c.us') ? id : undefined };
            return { lid: m.lid, pn: m.resolvable ? m.jid : undefined };
        });
    }

    /** The group behind an invite, or WhatsApp's IQ error: 410 for a reset link, 404 for an unknown one. */
    private invited(inviteCode: string): SimGroup {
        if (this.net.isExpiredInvite(inviteCode)) throw Object.assign(new Error('gone: the invite link was reset'), { status: 410 });
        const g = this.net.groupByInvite(inviteCode);
        if (!g) throw Object.assign(new Error('item-not-found: no group has this invite code'), { status: 404 });
        return g;
    }

    async getInviteInfo(inviteCode: string): Promise<any> {
        this.ensureReady();
        const g = this.invited(inviteCode);
        return { id: { _serialized: g.id, server: 'g.us' }, subject: g.name, desc: g.description, size: g.members.length + (g.weAdmin ? 1 : 0), announce: g.announce, isParentGroup: g.isCommunity };
    }

    async acceptInvite(inviteCode: string): Promise<string> {
        this.ensureReady();
        const g = this.invited(inviteCode);
        if (!this.groups().some((x) => x.id === g.id)) {
            if (g.members.length >= GROUP_LIMIT) throw Object.assign(new Error('not-acceptable: the group is full'), { status: 406 });
            this.net.phone(this.o.phone).extraGroups.push({ ...g, weAdmin: false, admins: new Set(g.admins) });
        }
        this.after(500, () => this.emit('group_join', { id: { remote: g.id }, chatId: g.id, author: null, recipientIds: [this.me], type: 'invite', body: '' }));
        return g.id;
    }

    /** Client.createGroup: we are the only admin; each participant is added as addParticipants would
     *  (403 for those whose privacy refuses adds: they need the invite link). */
    async createGroup(title: string, participants: string[], options: Record<string, any> = {}): Promise<any> {
        this.ensureReady();
        const id = `120363${this.rng.digits(12)}@g.us`;
        const parent = typeof options.parentGroupId === 'string' && this.groups().some((x) => x.id === options.parentGroupId && x.isCommunity) ? options.parentGroupId : null;
        const g: SimGroup = {
            id, name: title, description: '', announce: !!options.isAnnounce, isCommunity: false, parent, members: [],
            admins: new Set(), weAdmin: true, inviteCode: this.rng.hex(4) + this.rng.hex(18).toLowerCase(), createdAt: Math.floor(this.net.now() / 1000),
            adminsAddOnly: !!options.memberAddMode, requests: [],
        };
        const out: Record<string, { statusCode: number; message: string; isGroupCreator: boolean; isInviteV4Sent: boolean }> = {};
        for (const jid of participants) { const r = this.addOne(g, jid); out[jid] = { statusCode: r.code, message: r.message, isGroupCreator: false, isInviteV4Sent: false }; }
        this.net.phone(this.o.phone).extraGroups.push(g);
        return { title, gid: { _serialized: id, server: 'g.us', user: id.split('@')[0] }, participants: out };
    }

    private stranger(jid: string): Member {
        const phone = jidToPhone(jid) ?? `+${jid.split('@')[0]}`;
        return { jid, phone, lid: `9${phone.replace(/\D/g, '').slice(-13)}@lid`, lidOnly: false, resolvable: true, name: phone, contact: false, project: this.world.projects[0] };
    }

    // ---- message info (group reach) ----
    /**
     * Message.getInfo() of a message this number sent. In a group, each member's delivery and read
     * time is drawn once from the message id (deterministic): ~95 % get it within the first hours,
     * 30-60 % of the group reads it, most within six hours; a member is listed once its time has passed.
     */
    async getMessageById(messageId: string): Promise<WInfoMessage | null> {
        this.ensureReady();
        if (this.deleted.has(messageId)) return null;
        const sent = this.sent.get(messageId);
        if (!sent) return this.receivedMessage(messageId);
        const group = sent.chat.endsWith('@g.us') ? this.groups().find((g) => g.id === sent.chat) : undefined;
        const members = group ? group.members.filter((m) => m.jid !== this.me) : [];
        const at = sent.at ?? this.net.now();
        return {
            getInfo: async () => {
                const now = this.net.now();
                const rng = new Rng(`info:${messageId}`);
                const readShare = 0.3 + rng.next() * 0.3;
                const delivery: Array<{ id: string; t: number }> = [];
                const read: Array<{ id: string; t: number }> = [];
                let remaining = 0;
                for (const m of members) {
                    const tDeliver = at + (rng.next() < 0.95 ? rng.logUniform(2_000, 3 * 3_600_000) : 30 * 86_400_000);
                    const tRead = rng.next() < readShare ? tDeliver + rng.logUniform(30_000, 6 * 3_600_000) : Infinity;
                    if (tRead <= now) read.push({ id: m.jid, t: Math.floor(tRead / 1000) });
                    else if (tDeliver <= now) delivery.push({ id: m.jid, t: Math.floor(tDeliver / 1000) });
                    else remaining++;
                }
                return { delivery, deliveryRemaining: remaining, read, readRemaining: members.length - read.length, played: [], playedRemaining: 0 };
            },
            fromMe: true,
            delete: async () => { this.ensureReady(); this.deleted.add(messageId); },
        };
    }

    /** A member's message in one of our groups: an admin may delete it for everyone. */
    private receivedMessage(messageId: string): WInfoMessage | null {
        const chat = this.received.get(messageId);
        if (!chat) return null;
        return {
            getInfo: async () => null,
            fromMe: false,
            delete: async (everyone?: boolean) => {
                this.ensureReady();
                const g = this.groups().find((x) => x.id === chat);
                if (everyone && g && !g.weAdmin) throw new Error('only a group admin can delete messages of others for everyone');
                this.deleted.add(messageId);
                this.received.delete(messageId);
            },
        };
    }

    /** Messages deleted for everyone (tests read it: the admin delete happened). */
    simDeleted(messageId: string): boolean { return this.deleted.has(messageId); }

    private remember(id: string, chat: string): void {
        this.received.set(id, chat);
        // Bounded: WhatsApp Web keeps a few thousand recent messages loaded; older ones answer not_found.
        if (this.received.size > RECEIVED_KEEP) this.received.delete(this.received.keys().next().value as string);
    }

    // ---- sending ----
    async sendMessage(chatId: string, content: any, options: Record<string, any> = {}): Promise<WMessage | null> {
        this.ensureReady();
        const isGroup = chatId.endsWith('@g.us');
        const isChannel = chatId.endsWith('@newsletter');
        const group = isGroup ? this.groups().find((g) => g.id === chatId) : undefined;
        if (isGroup && !group) throw new Error(`group ${chatId} not found (not a member)`);
        if (group && group.announce && !group.weAdmin) throw new Error('only admins can send messages to this group');
        const channel = isChannel ? this.world.channels.find((c) => c.id === chatId) : undefined;
        if (isChannel && (!channel || channel.role === 'subscriber')) throw new Error('not an admin of this channel');

        let type = 'chat';
        let body = '';
        let poll: PollContent | null = null;
        if (typeof content === 'string') body = content;
        else if (content && typeof content.pollName === 'string') { type = 'poll_creation'; poll = content; body = content.pollName; }
        else if (content && typeof content.mimetype === 'string' && typeof content.data === 'string') {
            type = options.sendMediaAsDocument ? 'document' : content.mimetype.startsWith('video/') ? 'video' : content.mimetype.startsWith('image/') ? 'image' : 'document';
            body = typeof options.caption === 'string' ? options.caption : '';
        } else throw new Error('unsupported content');

        // A send takes time on the network (SANGAM_SIM_SEND_MS): the servers have it half-way, the
        // answer comes at the end. A connector killed in the first half sent nothing; in the second,
        // the message went out but nobody heard the answer (the crash tests' two windows).
        if (this.net.sendMs > 0) {
            await this.sleep(this.net.sendMs / 2);
            this.ensureReady();
        }
        const stanza = `3EB0${this.rng.hex(16)}`;
        const id = `true_${chatId}_${stanza}`;
        const msg: WMessage = {
            id: { _serialized: id, fromMe: true, remote: chatId, id: stanza }, from: this.me, to: chatId, author: null, body, type,
            timestamp: Math.floor(this.net.now() / 1000), fromMe: true, hasQuotedMsg: !!options.quotedMessageId,
            mentionedIds: (options.mentions ?? []) as string[],
        };
        this.sent.set(id, { chat: chatId, body, poll, at: this.net.now() });
        if (!isGroup && !isChannel) this.dms.set(chatId, msg.timestamp);

        const ps = this.net.phone(this.o.phone);
        const target = isGroup || isChannel ? undefined : (this.world.byJid.get(chatId) ?? this.stranger(chatId));
        const strangerDm = !!target && !target.contact && !ps.knownChats.has(chatId);
        const verdict = ps.ban.onSend(this.net.now(), chatId, body, strangerDm);
        this.net.carry({ phone: this.o.phone, chat: chatId, id, body, type, at: this.net.now(), accepted: verdict.action === 'ok' });
        if (this.net.sendMs > 0) await this.sleep(this.net.sendMs / 2);
        setImmediate(() => this.emit('message_create', msg));
        if (verdict.action !== 'ok') {
            this.after(400, () => this.emit('message_ack', msg, -1));
            this.enforce(verdict);
            return msg;
        }
        this.deliver(msg, group, channel?.followersList, target, strangerDm);
        return msg;
    }

    private enforce(v: Verdict): void {
        if (v.action === 'restricted' && v.fresh) {
            log('info', 'sim.restricted', { phone: this.o.phone, reason: v.reason });
            this.after(50, () => this.emit('sim_restricted', { reason: v.reason, until: new Date(v.until).toISOString() }));
        } else if (v.action === 'ban') {
            log('info', 'sim.banned', { phone: this.o.phone, reason: v.reason });
            this.after(600, () => this.endWith('TOS_BLOCK', true));
        }
    }

    /** Acks and the recipients' reactions. All random draws happen now, in send order (deterministic). */
    private deliver(msg: WMessage, group: SimGroup | undefined, followers: Member[] | undefined, target: Member | undefined, strangerDm: boolean): void {
        const b = this.net.behaviour;
        const rng = this.rng;
        const ps = this.net.phone(this.o.phone);
        const tServer = rng.logUniform(300, 2500);
        const tDevice = tServer + rng.logUniform(800, 20_000);
        this.after(tServer, () => this.emit('message_ack', msg, 1));
        this.after(tDevice, () => this.emit('message_ack', msg, 2));

        const readers: Member[] = [];
        let tRead = tDevice + rng.logUniform(10_000, 2 * 3_600_000);
        if (target) {
            if (rng.chance(b.read)) readers.push(target);
        } else {
            const pool = group ? group.members : (followers ?? []);
            readers.push(...rng.sample(pool, Math.min(pool.length, Math.max(1, Math.round(b.group_sample)))));
            tRead = tDevice + rng.logUniform(10_000, 30 * 60_000);
        }
        const groupRead = !target && rng.chance(b.read * 0.5);
        if (readers.length && (target || groupRead)) {
            this.after(tRead, () => this.emit('message_ack', msg, 3));
            if (msg.type === 'video' || msg.type === 'ptt') this.after(tRead + rng.logUniform(2_000, 60_000), () => this.emit('message_ack', msg, 4));
        }

        const sent = this.sent.get(msg.id._serialized)!;
        const projectReplies = PROJECTS[(target ?? readers[0])?.project ?? '']?.replies ?? GENERIC_REPLIES;
        const isChannel = msg.to.endsWith('@newsletter');
        for (const r of readers) {
            const at = tRead + rng.logUniform(5_000, 30 * 60_000);
            if (target) {
                const pReport = ps.optedOut.has(r.jid) ? b.report_after_stop : strangerDm ? b.report_stranger : b.report;
                if (rng.chance(pReport)) {
                    this.after(at, () => {
                        const v = ps.ban.onReport(this.net.now());
                        log('info', 'sim.reported', { phone: this.o.phone, by: r.jid });
                        if (v.action !== 'ok') this.enforce(v);
                    });
                }
            }
            if (rng.chance(b.react)) {
                const emoji = rng.pick(REACTIONS);
                this.after(at, () => this.emit('message_reaction', {
                    id: { _serialized: `false_${msg.to}_${new Rng(`${this.net.seed}|react|${msg.id._serialized}|${r.jid}`).hex(20)}` }, msgId: { ...msg.id }, senderId: participantId(r),
                    reaction: emoji, timestamp: Math.floor(this.net.now() / 1000), ack: 1,
                }));
            }
            if (sent.poll && rng.chance(b.vote)) {
                const opts = sent.poll.pollOptions;
                const chosen = sent.poll.options?.allowMultipleAnswers ? rng.sample(opts, rng.int(1, opts.length)) : [rng.pick(opts)];
                this.after(at + 1000, () => this.emit('vote_update', {
                    voter: participantId(r), selectedOptions: chosen.map((o) => ({ name: o.name, localId: o.localId })),
                    interractedAtTs: this.net.now(), parentMsgKey: { ...msg.id }, parentMessage: msg,
                }));
            }
            const link = this.clickableLink(sent.body);
            if (link && rng.chance(b.click)) this.after(at + 2000, () => this.click(link, r));
            if (isChannel) continue;
            if (rng.chance(b.stop)) {
                const text = rng.pick(STOP_TEXTS);
                this.after(at + 3000, () => { ps.optedOut.add(r.jid); this.incoming(msg.to, r, text, msg.id.id ?? null, `stop|${msg.id._serialized}|${r.jid}`); });
            } else if (rng.chance(b.reply)) {
                const text = rng.pick(projectReplies);
                this.after(at + 3000, () => this.incoming(msg.to, r, text, msg.id.id ?? null, `reply|${msg.id._serialized}|${r.jid}`));
            }
        }
    }

    private clickableLink(body: string): string | null {
        if (!this.net.clickHost) return null;
        for (const m of body.matchAll(/https?:\/\/[^\s<>"']+/g)) {
            try { if (new URL(m[0]).host === this.net.clickHost) return m[0]; } catch { /* not a URL */ }
        }
        return null;
    }

    private click(url: string, who: Member): void {
        const controller = new AbortController();
        const t = setTimeout(() => controller.abort(), 5000);
        fetch(url, { redirect: 'manual', signal: controller.signal, headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 13; SM-A145F) SangamSim/1 WhatsApp' } })
            .then((res) => log('debug', 'sim.click', { phone: this.o.phone, who: who.jid, status: res.status }))
            .catch((err) => log('debug', 'sim.click_failed', { phone: this.o.phone, message: (err as Error).message }))
            .finally(() => clearTimeout(t));
    }

    /** A member writes to us: in a group when `chat` is a group, else a direct message. */
    private incoming(chat: string, who: Member | { jid: string; lidOnly?: boolean; lid?: string }, body: string, quotedStanza: string | null, salt: string, atSeconds?: number, mentions: string[] = []): WMessage {
        const isGroup = chat.endsWith('@g.us');
        const author = 'lidOnly' in who && who.lidOnly && who.lid ? who.lid : who.jid;
        const from = isGroup ? chat : author;
        const stanza = new Rng(`${this.net.seed}|in|${this.o.phone}|${salt}`).hex(20);
        const msg: WMessage = {
            id: { _serialized: `false_${from}_${stanza}${isGroup ? `_${author}` : ''}`, fromMe: false, remote: from, id: stanza },
            from, to: this.me, author: isGroup ? author : null, body, type: 'chat', timestamp: atSeconds ?? Math.floor(this.net.now() / 1000),
            fromMe: false, hasQuotedMsg: !!quotedStanza, mentionedIds: mentions,
            // The sender's own display name, as WhatsApp Web reports it (the inbox shows it).
            _data: { ...(quotedStanza ? { quotedStanzaID: quotedStanza, quotedParticipant: this.me } : {}), ...('name' in who && who.name ? { notifyName: who.name } : {}) },
        };
        if (!isGroup) { this.dms.set(from, msg.timestamp); this.net.phone(this.o.phone).knownChats.add(from); }
        else this.remember(msg.id._serialized, chat);
        this.unread.set(from, (this.unread.get(from) ?? 0) + 1);
        this.emit('message_create', msg);
        this.emit('message', msg);
        return msg;
    }

    /** Control: people join one of our groups (as if they opened its invite link). */
    simMemberJoin(chat: string, phones: string[]): void {
        this.ensureReady();
        const g = this.groups().find((x) => x.id === toJid(chat));
        if (!g) throw new Error(`group ${chat} not found`);
        const jids = phones.map((p) => toJid(p));
        for (const jid of jids) {
            if (g.members.some((m) => m.jid === jid)) continue;
            const phone = `+${jid.split('@')[0]}`;
            g.members.push({ jid, phone, lid: `${jid.split('@')[0]}0@lid`, lidOnly: false, resolvable: true, name: phone, contact: false, project: g.members[0]?.project ?? 'PoultryCare' });
        }
        this.emit('group_join', { id: { remote: g.id }, chatId: g.id, author: null, recipientIds: jids, type: 'invite', body: '' });
    }

    /** Control: an incoming message, as if `from` had written `body` in `chat`. */
    simIncoming(chat: string, from: string, body: string, quotedId: string | null, mentions: string[] = []): string {
        this.ensureReady();
        const chatJid = toJid(chat);
        const fromJid = toJid(from);
        if (chatJid.endsWith('@g.us') && !this.groups().some((g) => g.id === chatJid)) throw new Error(`group ${chatJid} not found`);
        const member = this.world.byJid.get(fromJid) ?? { jid: fromJid };
        const stanza = quotedId ? (quotedId.split('_')[2] ?? quotedId) : null;
        const target = chatJid.endsWith('@g.us') ? chatJid : fromJid;
        return this.incoming(target, member, body, stanza, `cmd|${++this.incomingCount}|${chatJid}|${fromJid}|${body}`, undefined, mentions.map((m) => toJid(m))).id._serialized;
    }

    private sleep(simMs: number): Promise<void> {
        return new Promise((resolve) => {
            const t = setTimeout(() => { this.timers.delete(t); resolve(); }, this.net.real(simMs));
            this.timers.add(t);
        });
    }
}
