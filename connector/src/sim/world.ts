// The simulated world each linked phone sees: groups, communities, channels, members.
// Everything derives from (seed, names) so two connectors with the same seed agree, and a group
// shared by two demo numbers has the same id and members in both of their worlds.
import { Rng, hash32 } from './prng';
import { DEMO_NUMBERS, FIRST_NAMES, LAST_NAMES, PROJECTS } from './names';

export interface Member {
    jid: string;          // 91XXXXXXXXXX@c.us
    phone: string;        // +91XXXXXXXXXX
    lid: string;          // NNNNNNNNNNNNNN@lid
    lidOnly: boolean;     // appears in groups only as @lid (privacy addressing)
    resolvable: boolean;  // getContactLidAndPhone can map the lid back to the phone
    name: string;
    contact: boolean;     // saved in the linked phone's address book
    project: string;
}

export interface SimGroup {
    id: string;
    name: string;
    description: string;
    announce: boolean;
    isCommunity: boolean;
    parent: string | null;
    members: Member[];
    admins: Set<string>;   // participant ids (jid or lid) of admins, besides us
    weAdmin: boolean;
    inviteCode: string;
    createdAt: number;     // seconds
    adminsAddOnly?: boolean;   // only admins may add members (WhatsApp's member_add_mode)
    requests?: Array<{ jid: string; t: number; method: string }>;   // people waiting for an admin to let them in
}

export interface SimChannel { id: string; name: string; description: string; followers: number; role: 'owner' | 'admin' | 'subscriber'; followersList: Member[] }

export interface World {
    phone: string;
    name: string;
    projects: string[];
    groups: SimGroup[];
    channels: SimChannel[];
    byJid: Map<string, Member>;   // jid and lid → member
}

export type WorldKind = 'demo' | 'test';

const MOBILE_FIRST = ['6', '7', '8', '9'];
/** People per project audience in the demo world. */
export const DEMO_POOL = 2400;

function makeMember(rng: Rng, project: string): Member {
    const phone = `+91${rng.pick(MOBILE_FIRST)}${rng.digits(9)}`;
    const lidOnly = rng.chance(0.12);
    return {
        jid: `${phone.slice(1)}@c.us`,
        phone,
        lid: `${rng.int(1, 9)}${rng.digits(13)}@lid`,
        lidOnly,
        resolvable: !lidOnly || rng.chance(0.7),
        name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
        contact: rng.chance(0.3),
        project,
    };
}

export function participantId(m: Member): string { return m.lidOnly ? m.lid : m.jid; }

export function pool(seed: number, project: string, size: number): Member[] {
    const rng = new Rng(`${seed}|pool|${project}`);
    const out: Member[] = [];
    for (let i = 0; i < size; i++) out.push(makeMember(rng, project));
    return out;
}

function groupId(seed: number, name: string): string {
    const rng = new Rng(`${seed}|gid|${name}`);
    return `120363${rng.digits(12)}@g.us`;
}

export function makeGroup(seed: number, name: string, members: Member[], sizeLo: number, sizeHi: number, project: string, parent: string | null, isCommunity = false): SimGroup {
    const rng = new Rng(`${seed}|group|${name}`);
    const chosen = rng.sample(members, rng.int(sizeLo, sizeHi));
    const admins = new Set(rng.sample(chosen, Math.max(1, Math.floor(chosen.length / 40))).map(participantId));
    return {
        id: groupId(seed, name),
        name,
        description: isCommunity ? `${project} community: announcements and the groups below.` : `${name} — a place for ${project} customers to share prices, news and questions. No spam.`,
        announce: isCommunity || rng.chance(0.15),
        isCommunity,
        parent,
        members: chosen,
        admins,
        weAdmin: false,
        inviteCode: rng.hex(4) + rng.hex(18).toLowerCase(),
        createdAt: 1_600_000_000 + rng.int(0, 150_000_000),
    };
}

function channel(seed: number, name: string, members: Member[], role: SimChannel['role'], project: string): SimChannel {
    const rng = new Rng(`${seed}|channel|${name}`);
    const followersList = rng.sample(members, Math.min(members.length, rng.int(20, 80)));
    return {
        id: `120363${rng.digits(12)}@newsletter`, name, description: `News and tips from ${project}.`,
        followers: rng.int(300, 4000), role, followersList,
    };
}

function indexWorld(w: Omit<World, 'byJid'>): World {
    const byJid = new Map<string, Member>();
    for (const g of w.groups) for (const m of g.members) { byJid.set(m.jid, m); byJid.set(m.lid, m); }
    for (const c of w.channels) for (const m of c.followersList) { byJid.set(m.jid, m); byJid.set(m.lid, m); }
    return { ...w, byJid };
}

/** The five demo numbers share the seed's three projects' audiences. */
function demoWorld(seed: number, phone: string): World | null {
    const spec = DEMO_NUMBERS[phone];
    if (!spec) return null;
    const groups: SimGroup[] = [];
    const channels: SimChannel[] = [];
    const production = spec.projects.length === 1;
    for (const project of spec.projects) {
        const p = PROJECTS[project];
        // 2,400 people per project and groups of 120-650 from them: ~2,000 distinct members per project
        // (6,000+ over the three), most of them in two or more groups, as in the seed's audiences.
        const members = pool(seed, project, DEMO_POOL);
        const community = makeGroup(seed, p.community, members, 400, 900, project, null, true);
        const names = production ? p.groups : p.groups.slice(p.groups.length - spec.groups - (spec.warm ? 2 : 0), p.groups.length - (spec.warm ? 2 : 0));
        const list = names.slice(0, spec.groups).map((n) => makeGroup(seed, n, members, 120, 650, project, p.groups.indexOf(n) < 5 ? community.id : null));
        if (production) {
            community.weAdmin = true;
            list.forEach((g, i) => { g.weAdmin = i !== 3 && i !== 7 && i !== 10; });   // three groups where we are a plain member
            groups.push(community);
        }
        groups.push(...list);
        channels.push(channel(seed, p.channel, members, production ? 'owner' : 'subscriber', project));
    }
    return indexWorld({ phone, name: spec.name, projects: spec.projects, groups, channels });
}

/** A small world for any other phone (and the whole `test` world), derived from seed and phone. */
function smallWorld(seed: number, phone: string): World {
    const rng = new Rng(`${seed}|small|${phone}`);
    const project = rng.pick(Object.keys(PROJECTS));
    const p = PROJECTS[project];
    const members = pool(seed ^ hash32(phone), project, 40);
    const suffix = ` ${phone.slice(-4)}`;
    const community = makeGroup(seed, `${p.community}${suffix}`, members, 12, 24, project, null, true);
    community.weAdmin = true;
    const names = rng.sample(p.groups, 3).map((n) => `${n}${suffix}`);
    const groups = names.map((n, i) => {
        const g = makeGroup(seed, n, members, 8, 20, project, i < 2 ? community.id : null);
        g.weAdmin = i !== 2;
        // Open to all, never admin-only: tests wait for two groups where we are admin and one where we
        // only observe and members talk. makeGroup's one-in-seven 'announcement' (its seed is the name,
        // which ends in the phone's last four digits) failed about one test run in seven, waiting for
        // a group that had been stored as an announcement group (calendar, welcome, inbox tests).
        g.announce = false;
        return g;
    });
    return indexWorld({
        phone, name: `${project} ${phone.slice(-4)}`, projects: [project],
        groups: [community, ...groups], channels: [channel(seed, `${p.channel}${suffix}`, members, 'owner', project)],
    });
}

/** Name of the i-th (1-based) group every test-world number shares under SANGAM_SIM_SHARED_GROUPS. */
export const sharedGroupName = (i: number) => `Shared group ${i}`;

/** N groups with the same ids and members for every number (test-only: several numbers of one
 *  project in the same groups, for failover tests). Open to all (not announce-only), we are a plain
 *  member; 8-20 members from one seed-wide pool of 40. */
function sharedGroups(seed: number, n: number): SimGroup[] {
    const project = Object.keys(PROJECTS)[0];
    const members = pool(seed, `shared|${project}`, 40);
    return Array.from({ length: n }, (_, i) => {
        const g = makeGroup(seed, sharedGroupName(i + 1), members, 8, 20, project, null);
        g.announce = false;
        return g;
    });
}

/** The world phone sees; in the test world `shared` (SANGAM_SIM_SHARED_GROUPS) adds the shared groups. */
export function buildWorld(kind: WorldKind, seed: number, phone: string, shared = 0): World {
    const demo = kind === 'demo' ? demoWorld(seed, phone) : null;
    if (demo) return demo;
    const w = smallWorld(seed, phone);
    if (kind !== 'test' || shared <= 0) return w;
    return indexWorld({ ...w, groups: [...w.groups, ...sharedGroups(seed, shared)] });
}

/** Groups no demo number is in, reachable by invite link (joining tests and the demo's "join by link"):
 *  per project one open group, one full group (1,024 members, WhatsApp's limit) and one whose link an
 *  admin reset (the old link answers "expired"). */
export interface PublicInvite { code: string; name: string; project: string; state: 'open' | 'full' | 'expired'; group: SimGroup }

export function publicInvites(seed: number): PublicInvite[] {
    const out: PublicInvite[] = [];
    for (const project of Object.keys(PROJECTS)) {
        const members = pool(seed, project, 1100);
        const open = makeGroup(seed, `${project} Buyers and Sellers (open)`, members, 60, 140, project, null);
        const full = makeGroup(seed, `${project} Mega Group`, members, 1024, 1024, project, null);
        const reset = makeGroup(seed, `${project} Old Announcements`, members, 30, 60, project, null);
        const old = new Rng(`${seed}|reset|${project}`);
        out.push({ code: open.inviteCode, name: open.name, project, state: 'open', group: open });
        out.push({ code: full.inviteCode, name: full.name, project, state: 'full', group: full });
        out.push({ code: old.hex(4) + old.hex(18).toLowerCase(), name: reset.name, project, state: 'expired', group: reset });
    }
    return out;
}
