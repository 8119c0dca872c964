// Process-wide state of the simulated WhatsApp network: worlds, linked devices, ban models, opt-outs,
// the simulated clock and the behaviour probabilities. One per connector process.
import * as fs from 'fs';
import { BanModel } from './banmodel';
import { Rng } from './prng';
import { World, WorldKind, buildWorld, SimGroup, PublicInvite, publicInvites, Member, participantId } from './world';
import { CHATTER, GENERIC_REPLIES, PROJECTS, STOP_TEXTS } from './names';
import { log } from '../log';

/** Per recipient of one of our messages (probabilities in [0, 1]). Defaults are mid-range for
 *  opted-in community audiences; override with SANGAM_SIM_BEHAVIOUR='{"reply":0.5}' or sim.configure. */
export interface Behaviour {
    read: number;              // a direct message gets read (groups: the group read ack, at half this)
    reply: number;             // a reader replies (quoting our message)
    react: number;             // a reader reacts with an emoji
    vote: number;              // a reader votes in a poll
    click: number;             // a reader opens a link to the core's host (an HTTP GET of the link)
    stop: number;              // a reader asks to stop ("STOP", "please remove me", …)
    report: number;            // a contact reports the message as spam
    report_stranger: number;   // a non-contact reports a direct message
    report_after_stop: number; // someone who asked to stop and is messaged again reports
    group_sample: number;      // how many members of a group act on one message at most
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
    read: 0.75, reply: 0.08, react: 0.06, vote: 0.35, click: 0.12, stop: 0.02,
    report: 0.002, report_stranger: 0.03, report_after_stop: 0.5, group_sample: 8,
};

export interface PhoneState {
    tokens: Set<string>;        // valid linked-device tokens (a session archive carries one)
    revoked: Set<string>;       // tokens this process saw unlinked (logout, unpair, ban)
    ban: BanModel;
    optedOut: Set<string>;      // member jids who asked to stop
    knownChats: Set<string>;    // jids that wrote to us (no longer strangers)
    rng: Rng;                   // behaviour draws for this phone, in the order of its sends
    extraGroups: SimGroup[];    // created or joined in this run
}

export interface ChatterMessage { group: string; author: Member; text: string; stanza: string; at: number; direct: boolean }
export type ChatterListener = (m: ChatterMessage) => void;
export { participantId };

export interface NetworkOptions {
    seed: number;
    world: WorldKind;
    speed: number;
    behaviour?: Partial<Behaviour>;
    /** host:port whose links members "click" (an HTTP GET); other hosts are never contacted. */
    clickHost?: string | null;
    /** File of every message the network carried (one JSON line each); survives connector restarts. */
    ledgerPath?: string | null;
    /** Simulated ms a send takes; the network carries it half-way (0: at once). */
    sendMs?: number;
    /** Test world only: every number is also in these many shared groups (SANGAM_SIM_SHARED_GROUPS). */
    sharedGroups?: number;
}

/** One message the simulated WhatsApp servers carried from one of our numbers. */
export interface Carried {
    phone: string;   // our number, E.164
    chat: string;    // …@c.us | …@g.us | …@newsletter
    id: string;      // the serialized message id
    body: string;    // text, caption or poll question
    type: string;
    at: number;      // simulated ms
    accepted: boolean; // false: refused by the ban model (restricted / banned), ack error
}

export class SimNetwork {
    readonly seed: number;
    readonly kind: WorldKind;
    readonly speed: number;
    behaviour: Behaviour;
    clickHost: string | null;
    private worlds = new Map<string, World>();
    private phones = new Map<string, PhoneState>();
    private readonly t0 = Date.now();
    /** Simulated clock origin; simulated time runs `speed` times faster than real time. */
    private readonly sim0 = Date.now();
    readonly sendMs: number;
    readonly sharedGroups: number;
    private readonly ledgerPath: string | null;
    private carriedByChat = new Map<string, Carried[]>();
    private carriedCount = 0;

    constructor(o: NetworkOptions) {
        this.seed = o.seed;
        this.kind = o.world;
        this.speed = o.speed > 0 ? o.speed : 1;
        this.behaviour = { ...DEFAULT_BEHAVIOUR, ...(o.behaviour ?? {}) };
        this.clickHost = o.clickHost ?? null;
        this.sendMs = Math.max(0, o.sendMs ?? 0);
        this.sharedGroups = Math.max(0, Math.trunc(o.sharedGroups ?? 0));
        this.ledgerPath = o.ledgerPath ?? null;
        if (this.ledgerPath) this.loadLedger(this.ledgerPath);
    }

    // ---- what the network carried: WhatsApp's servers remember every message, whatever happens to a
    // connector; reconciliation (message.find) and the crash tests' duplicate count read it ----
    private loadLedger(file: string): void {
        let raw = '';
        try { raw = fs.readFileSync(file, 'utf8'); } catch { return; }
        for (const line of raw.split('\n')) {
            if (!line.trim()) continue;
            try { this.index(JSON.parse(line) as Carried); } catch { /* a line torn by kill -9: never acknowledged */ }
        }
        log('info', 'sim.ledger_loaded', { messages: this.carriedCount });
    }

    private index(c: Carried): void {
        const k = `${c.phone}|${c.chat}`;
        let l = this.carriedByChat.get(k);
        if (!l) { l = []; this.carriedByChat.set(k, l); }
        l.push(c);
        this.carriedCount++;
    }

    /** Records a message as carried: appended to the ledger file (synchronously) before anyone hears of it. */
    carry(c: Carried): void {
        if (this.ledgerPath) fs.appendFileSync(this.ledgerPath, JSON.stringify(c) + '\n');
        this.index(c);
    }

    /** Every message one of our numbers sent to a chat, oldest first. */
    carriedTo(phone: string, chat: string): readonly Carried[] { return this.carriedByChat.get(`${phone}|${chat}`) ?? []; }
    get carriedTotal(): number { return this.carriedCount; }

    /** When this network started, in simulated ms (anchors the demo's message backlog). */
    startedAt(): number { return this.sim0; }
    /** Simulated now, in ms since the epoch. */
    now(): number { return this.sim0 + (Date.now() - this.t0) * this.speed; }
    /** Real milliseconds for a simulated delay. */
    real(simMs: number): number { return Math.max(0, simMs / this.speed); }

    world(phone: string): World {
        let w = this.worlds.get(phone);
        if (!w) { w = buildWorld(this.kind, this.seed, phone, this.sharedGroups); this.worlds.set(phone, w); }
        return w;
    }

    phone(phone: string): PhoneState {
        let s = this.phones.get(phone);
        if (!s) {
            s = { tokens: new Set(), revoked: new Set(), ban: new BanModel(), optedOut: new Set(), knownChats: new Set(), rng: new Rng(`${this.seed}|behaviour|${phone}`), extraGroups: [] };
            this.phones.set(phone, s);
        }
        return s;
    }

    /** Finds a group by invite code among every world built so far (and the demo worlds). */
    groupByInvite(code: string): SimGroup | null {
        for (const w of this.worlds.values()) for (const g of w.groups) if (g.inviteCode === code) return g;
        for (const s of this.phones.values()) for (const g of s.extraGroups) if (g.inviteCode === code) return g;
        for (const p of this.publics) if (p.state !== 'expired' && p.code === code) return p.group;
        return null;
    }

    private publicList: PublicInvite[] | null = null;
    private get publics(): PublicInvite[] { return (this.publicList ??= publicInvites(this.seed)); }

    /** Invite links of groups none of our numbers is in (sim.invites). */
    invites(): Array<{ link: string; code: string; name: string; project: string; state: string; size: number }> {
        return this.publics.map((p) => ({ link: `https://chat.whatsapp.com/${p.code}`, code: p.code, name: p.name, project: p.project, state: p.state, size: p.group.members.length }));
    }

    /** A link an admin reset: WhatsApp answers 410 for it. */
    isExpiredInvite(code: string): boolean { return this.revokedInvites.has(code) || this.publics.some((p) => p.state === 'expired' && p.code === code); }

    /** Codes our numbers revoked (group.revoke_invite): they answer "reset" from then on. */
    readonly revokedInvites = new Set<string>();
    private privacy = new Map<string, boolean>();

    /** Does this person's privacy setting ("who can add me to groups": my contacts / nobody) refuse
     *  being added by us? About one person in six, drawn from the seed and the jid (stable), unless a
     *  test set it (sim.privacy). */
    blocksAdds(jid: string): boolean {
        const set = this.privacy.get(jid);
        if (set !== undefined) return set;
        return new Rng(`${this.seed}|privacy|${jid}`).chance(1 / 6);
    }
    setBlocksAdds(idOrPhone: string, blocks: boolean): void { this.privacy.set(idOrPhone.includes('@') ? idOrPhone : `${idOrPhone.replace(/\D/g, '')}@c.us`, blocks); }

    // ---- group chatter (demo world): members write in the groups, every account in a group sees it ----
    private chatterTimer: NodeJS.Timeout | null = null;
    private readonly chatterListeners = new Set<ChatterListener>();
    private chatterRng: Rng | null = null;
    private chatterCount = 0;

    /** Subscribes a ready client to the chatter; returns the unsubscribe. The first subscriber starts it. */
    onChatter(fn: ChatterListener): () => void {
        this.chatterListeners.add(fn);
        if (!this.chatterTimer && this.kind === 'demo') this.scheduleChatter();
        return () => {
            this.chatterListeners.delete(fn);
            if (this.chatterListeners.size === 0 && this.chatterTimer) { clearTimeout(this.chatterTimer); this.chatterTimer = null; }
        };
    }

    /** One message every 1.5-6 simulated seconds over all groups: a lively demo without a flood
     *  (at speed 1 about 1,000 messages an hour across ~35 groups). */
    private scheduleChatter(): void {
        const rng = (this.chatterRng ??= new Rng(`${this.seed}|chatter`));
        this.chatterTimer = setTimeout(() => {
            this.chatterTimer = null;
            try { this.chatterOnce(rng); } catch (err) { log('warn', 'sim.chatter_failed', { message: (err as Error).message }); }
            if (this.chatterListeners.size) this.scheduleChatter();
        }, this.real(rng.int(1500, 6000)));
        this.chatterTimer.unref?.();
    }

    private chatterOnce(rng: Rng): void {
        const groups = new Map<string, SimGroup>();
        for (const w of this.worlds.values()) for (const g of w.groups) if (!g.isCommunity && !g.announce) groups.set(g.id, g);
        const list = [...groups.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
        if (!list.length) return;
        // Skewed: a few busy groups and many quiet ones, as real communities are.
        const g = list[Math.floor(Math.pow(rng.next(), 2) * list.length)];
        const who = g.members[Math.floor(Math.pow(rng.next(), 3) * g.members.length)];
        const stop = rng.chance(0.01);
        let text = stop ? rng.pick(STOP_TEXTS) : rng.pick(CHATTER[who.project] ?? CHATTER.PoultryCare);
        const stanza = `SIMC${rng.hex(16)}`;
        // One message in 25 is a member asking our number directly (the team inbox's daily traffic:
        // about one a minute over the demo's groups). Drawn from its own stream, so the group chatter
        // stays what it was for a seed.
        const ask = !stop && new Rng(`${this.seed}|ask|${stanza}`).chance(0.04);
        if (ask) text = new Rng(`${this.seed}|ask-text|${stanza}`).pick(PROJECTS[who.project]?.replies ?? GENERIC_REPLIES);
        const m: ChatterMessage = { group: g.id, author: who, text, stanza, at: Math.floor(this.now() / 1000), direct: stop || ask };
        this.chatterCount++;
        for (const fn of this.chatterListeners) fn(m);
    }

    configure(b: Partial<Behaviour>): Behaviour {
        for (const [k, v] of Object.entries(b)) {
            if (k in this.behaviour && typeof v === 'number' && Number.isFinite(v) && v >= 0) (this.behaviour as any)[k] = v;
        }
        log('info', 'sim.configured', { behaviour: this.behaviour });
        return this.behaviour;
    }
}
