// Process-wide state of the simulated WhatsApp network: worlds, linked devices, ban models, opt-outs,
// the simulated clock and the behaviour probabilities. One per connector process.
import { BanModel } from './banmodel';
import { Rng } from './prng';
import { World, WorldKind, buildWorld, SimGroup } from './world';
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

export interface NetworkOptions {
    seed: number;
    world: WorldKind;
    speed: number;
    behaviour?: Partial<Behaviour>;
    /** host:port whose links members "click" (an HTTP GET); other hosts are never contacted. */
    clickHost?: string | null;
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

    constructor(o: NetworkOptions) {
        this.seed = o.seed;
        this.kind = o.world;
        this.speed = o.speed > 0 ? o.speed : 1;
        this.behaviour = { ...DEFAULT_BEHAVIOUR, ...(o.behaviour ?? {}) };
        this.clickHost = o.clickHost ?? null;
    }

    /** Simulated now, in ms since the epoch. */
    now(): number { return this.sim0 + (Date.now() - this.t0) * this.speed; }
    /** Real milliseconds for a simulated delay. */
    real(simMs: number): number { return Math.max(0, simMs / this.speed); }

    world(phone: string): World {
        let w = this.worlds.get(phone);
        if (!w) { w = buildWorld(this.kind, this.seed, phone); this.worlds.set(phone, w); }
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
        return null;
    }

    configure(b: Partial<Behaviour>): Behaviour {
        for (const [k, v] of Object.entries(b)) {
            if (k in this.behaviour && typeof v === 'number' && Number.isFinite(v) && v >= 0) (this.behaviour as any)[k] = v;
        }
        log('info', 'sim.configured', { behaviour: this.behaviour });
        return this.behaviour;
    }
}
