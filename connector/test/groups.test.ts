// Groups over the bridge (issue 7 items 1, 2, 5, 13): paged listing that never needs one huge answer,
// lid resolution with members the network cannot resolve, invite links (open, reset, full,
// malformed), and the size of the demo world.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SimNetwork } from '../src/sim/network';
import { SimClient } from '../src/sim/client';
import { buildWorld, participantId } from '../src/sim/world';
import { DEMO_NUMBERS } from '../src/sim/names';
import * as ops from '../src/wwebjs/ops';
import { CommandError } from '../src/bridge/protocol';
import { FakeWAClient } from './helpers';

async function readyClient(net: SimNetwork, phone: string): Promise<SimClient> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-groups-'));
    const store = { sessionExists: async () => false, save: async () => {}, extract: async () => {}, delete: async () => {} };
    const c = new SimClient({ network: net, phone, clientId: `acct-${phone.slice(-4)}`, store, dataPath: dir });
    const ready = new Promise<void>((r) => c.once('ready', () => r()));
    await c.initialize();
    c.simScan();
    await ready;
    return c;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
    try { await p; } catch (err) { return err instanceof CommandError ? err.code : `not a CommandError: ${(err as Error).message}`; }
    return 'ok';
}

test('account.groups pages: every group exactly once, stable order, invite codes only where we are admin', async () => {
    const net = new SimNetwork({ seed: 1, world: 'demo', speed: 1000 });
    const c = await readyClient(net, '+919800000001');
    const seen: string[] = [];
    let off: number | null = 0, pages = 0, total = -1;
    while (off !== null) {
        const page: ops.GroupPage = await ops.listGroupsPage(c, '919800000001@c.us', off, 5);
        assert.ok(page.groups.length <= 5);
        if (total >= 0) assert.equal(page.total, total, 'the total does not change between pages');
        total = page.total;
        seen.push(...page.groups.map((g) => g.id));
        for (const g of page.groups) {
            assert.equal(g.size, g.participants.length);
            assert.ok(['group', 'community', 'announcement'].includes(g.kind));
            const me = g.participants.find((p) => p.id === '919800000001@c.us');
            assert.equal(g.invite_code !== null, !!me?.admin, `${g.name}: invite code iff admin`);
        }
        off = page.next_offset;
        pages++;
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total, 'no group twice');
    assert.deepEqual(seen, [...seen].sort(), 'sorted by id');
    assert.equal(pages, Math.ceil(total / 5));
    assert.ok(seen.length >= 12, `${seen.length} groups`);
    await c.destroy();
});

test('participants carry the display name each member set (from the contact list: participants have none)', async () => {
    const net = new SimNetwork({ seed: 1, world: 'demo', speed: 1000 });
    const c = await readyClient(net, '+919800000001');
    const page = await ops.listGroupsPage(c, '919800000001@c.us', 0, 3);
    const others = page.groups.flatMap((g) => g.participants.filter((p) => p.id !== '919800000001@c.us'));
    assert.ok(others.length > 0);
    const named = others.filter((p) => p.push_name !== '');
    assert.equal(named.length, others.length, 'every simulated member has a name');
    // A lid-only member is named too: the contact list is keyed by the id the group shows.
    assert.ok(named.some((p) => p.lid !== null), 'a lid member has a name');
    // A client without getContacts (or one that throws) still syncs, with empty names.
    const bare = Object.create(c, { getContacts: { value: async () => { throw new Error('page crashed'); } } });
    const again = await ops.listGroupsPage(bare, '919800000001@c.us', 0, 3);
    assert.equal(again.groups.length, page.groups.length);
    assert.ok(again.groups.every((g) => g.participants.every((p) => p.push_name === '')));
    await c.destroy();
});

test('an account in 320 groups syncs in pages of 25: no single answer carries them all', async () => {
    const fake = new FakeWAClient();
    const chats = Array.from({ length: 320 }, (_, i) => ({
        id: { _serialized: `120363${String(i).padStart(12, '0')}@g.us` }, name: `Group ${i}`, isGroup: true,
        groupMetadata: { participants: Array.from({ length: 50 }, (_, j) => ({ id: { _serialized: `9190000${String(i * 100 + j).padStart(5, '0')}@c.us` } })) },
        sendStateTyping: async () => {}, sendStateRecording: async () => {}, clearState: async () => {}, sendSeen: async () => true,
    }));
    let fetches = 0;
    (fake as any).getChats = async () => { fetches++; return [...chats].reverse(); };
    const sizes: number[] = [];
    let off: number | null = 0;
    while (off !== null) {
        const page = await ops.listGroupsPage(fake as any, null, off, ops.parsePage({}).limit);
        sizes.push(page.groups.length);
        off = page.next_offset;
    }
    assert.equal(sizes.length, 13);
    assert.ok(sizes.every((n) => n <= 25));
    assert.equal(sizes.reduce((a, b) => a + b, 0), 320);
    assert.equal(fetches, 1, 'the chat list is read once per sync, not once per page');
    assert.throws(() => ops.parsePage({ limit: 0 }), /limit/);
    assert.throws(() => ops.parsePage({ limit: 201 }), /limit/);
    assert.throws(() => ops.parsePage({ offset: -1 }), /offset/);
});

test('lid resolution: resolvable lids get their phone, the rest stay null', async () => {
    const net = new SimNetwork({ seed: 1, world: 'demo', speed: 1000 });
    const c = await readyClient(net, '+919800000001');
    const w = buildWorld('demo', 1, '+919800000001');
    const lidOnly = w.groups.flatMap((g) => g.members).filter((m) => m.lidOnly);
    const resolvable = lidOnly.find((m) => m.resolvable)!;
    const hidden = lidOnly.find((m) => !m.resolvable)!;
    assert.ok(resolvable && hidden, 'the demo world has both kinds');
    const phones = await ops.resolveLids(c, [resolvable.lid, hidden.lid]);
    assert.equal(phones[resolvable.lid], resolvable.phone);
    assert.equal(phones[hidden.lid], null);
    // and the group listing shows lid-only members by lid, without a phone
    const page = await ops.listGroupsPage(c, null, 0, 200);
    const p = page.groups.flatMap((g) => g.participants).find((x) => x.id === participantId(hidden))!;
    assert.equal(p.lid, hidden.lid);
    assert.equal(p.phone, null);
    await c.destroy();
});

test('invite links: an open group joins; a reset link is invite_expired, a full group group_full, junk bad_request', async () => {
    const net = new SimNetwork({ seed: 4, world: 'test', speed: 1000 });
    const c = await readyClient(net, '+919811177777');
    const invites = net.invites();
    const open = invites.find((i) => i.state === 'open')!;
    const full = invites.find((i) => i.state === 'full')!;
    const expired = invites.find((i) => i.state === 'expired')!;
    const info = await ops.inviteInfo(c, open.code);
    assert.equal(info.name, open.name);
    assert.equal(info.full, false);
    assert.equal((await ops.inviteInfo(c, full.code)).full, true);
    assert.equal(await codeOf(ops.inviteInfo(c, expired.code)), 'invite_expired');
    assert.equal(await codeOf(ops.inviteInfo(c, 'AAAAAAAAAAAAAAAAAAAAAA')), 'invite_invalid');
    assert.equal(await codeOf(ops.joinGroup(c, full.link)), 'group_full');
    assert.equal(await codeOf(ops.joinGroup(c, expired.link)), 'invite_expired');
    assert.throws(() => ops.inviteCodeOf('https://example.com/not a link'), /invite must be/);
    const before = (await ops.listGroupsPage(c, null, 0, 200)).total;
    const gid = await ops.joinGroup(c, open.link);
    const after = await ops.listGroupsPage(c, null, 0, 200);
    assert.equal(after.total, before + 1);
    assert.ok(after.groups.some((g) => g.id === gid && g.name === open.name));
    await c.destroy();
});

test('inviteError maps what WhatsApp Web throws to the protocol codes', () => {
    assert.equal(ops.inviteError({ status: 410 }).code, 'invite_expired');
    assert.equal(ops.inviteError(new Error('item-not-found')).code, 'invite_invalid');
    assert.equal(ops.inviteError({ status: 406, message: 'not-acceptable' }).code, 'group_full');
    assert.equal(ops.inviteError(new Error('Evaluation failed: boom')).code, 'failed');
});

test('demo world: at least 30 groups and 5,000 people over the three projects, ~10% only as @lid, many in several groups', () => {
    const groups = new Map<string, number>();
    const people = new Map<string, { lidOnly: boolean; groups: number }>();
    for (const phone of Object.keys(DEMO_NUMBERS)) {
        for (const g of buildWorld('demo', 1, phone).groups) {
            if (groups.has(g.id)) continue;
            groups.set(g.id, g.members.length);
            for (const m of g.members) {
                const p = people.get(m.jid) ?? { lidOnly: m.lidOnly, groups: 0 };
                p.groups++;
                people.set(m.jid, p);
            }
        }
    }
    assert.ok(groups.size >= 30, `${groups.size} groups`);
    assert.ok(people.size >= 5000, `${people.size} people`);
    const lid = [...people.values()].filter((p) => p.lidOnly).length / people.size;
    assert.ok(lid > 0.07 && lid < 0.15, `lid-only share ${lid}`);
    const several = [...people.values()].filter((p) => p.groups >= 2).length;
    assert.ok(several > people.size / 3, `${several} people in two or more groups`);
});

test('demo chatter: a group message reaches every one of our numbers in that group with the same id', async () => {
    const net = new SimNetwork({ seed: 1, world: 'demo', speed: 50 });
    const a = await readyClient(net, '+919800000001');
    const b = await readyClient(net, '+919800000004');
    const seen = new Map<string, Set<string>>();
    for (const [name, c] of [['a', a], ['b', b]] as const) {
        c.on('message', (m: any) => { if (m.from.endsWith('@g.us')) { const s = seen.get(m.id._serialized) ?? new Set(); s.add(name); seen.set(m.id._serialized, s); } });
    }
    await new Promise((r) => setTimeout(r, 3500));
    await a.destroy();
    await b.destroy();
    assert.ok(seen.size > 20, `${seen.size} messages (backlog and chatter)`);
    const shared = (await Promise.resolve(buildWorld('demo', 1, '+919800000004').groups.map((g) => g.id)))
        .filter((id) => buildWorld('demo', 1, '+919800000001').groups.some((g) => g.id === id));
    const inShared = [...seen.entries()].filter(([id]) => shared.some((g) => id.includes(g)));
    assert.ok(inShared.length > 0, 'messages in the shared groups');
    assert.ok(inShared.every(([, who]) => who.size === 2), 'both numbers saw each message of a shared group');
});
