// Group admin commands on the simulated network (issue 10 items 3, 4, 5, 7): creating a group with
// its settings, adds refused by privacy, invite codes and their revocation, join requests, removals
// and admin deletes — through the same functions the host calls for the real whatsapp-web.js client.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SimNetwork } from '../src/sim/network';
import { SimClient } from '../src/sim/client';
import * as ga from '../src/wwebjs/group_admin';
import * as ops from '../src/wwebjs/ops';
import { CommandError } from '../src/bridge/protocol';

async function readyClient(net: SimNetwork, phone: string): Promise<SimClient> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-admin-'));
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

const ME = '+919800000071', ME_JID = '919800000071@c.us';
const A = '919811100001@c.us', B = '919811100002@c.us', C = '919811100003@c.us';

test('group.create: settings applied, an invite code, and a member whose privacy refuses adds is reported invite_required', async () => {
    const net = new SimNetwork({ seed: 7, world: 'test', speed: 1000 });
    for (const j of [A, B]) net.setBlocksAdds(j, false);
    net.setBlocksAdds(C, true);
    const c = await readyClient(net, ME);
    const args = ga.parseCreate({ name: '  Layer Farmers Pune  ', participants: ['+919811100001', B, '+919811100003'], description: 'Prices and tips', announce: true, admins_add_only: true });
    const out = await ga.createGroup(c, ME_JID, args);
    assert.match(out.group_id, /@g\.us$/);
    assert.ok(out.invite_code && out.invite_code.length >= 10, 'the new group has a link');
    assert.deepEqual(out.participants.map((p) => [p.participant, p.status]), [['+919811100001', 'added'], ['+919811100002', 'added'], ['+919811100003', 'invite_required']]);
    const page = await ops.listGroupsPage(c, ME_JID, 0, 200);
    const g = page.groups.find((x) => x.id === out.group_id)!;
    assert.equal(g.name, 'Layer Farmers Pune');
    assert.equal(g.description, 'Prices and tips');
    assert.equal(g.announce, true);
    assert.equal(g.size, 3, 'us and the two who could be added');
    assert.ok(g.participants.find((p) => p.id === ME_JID)?.admin, 'we are admin of what we created');
    await c.destroy();
});

test('group.create validates its arguments', () => {
    assert.throws(() => ga.parseCreate({ name: '' }), /name/);
    assert.throws(() => ga.parseCreate({ name: 'x'.repeat(101) }), /name/);
    assert.throws(() => ga.parseCreate({ name: 'ok', participants: ['not a phone'] }), /participants/);
    assert.throws(() => ga.parseCreate({ name: 'ok', community: 'abc' }), /community/);
    assert.throws(() => ga.parseSettings({}), /one of/);
    assert.throws(() => ga.groupArg({ group: '123@c.us' }), /group/);
});

test('group.add: added, privacy → invite_required, already a member; a group we are not admin of or not in is refused', async () => {
    const net = new SimNetwork({ seed: 7, world: 'test', speed: 1000 });
    net.setBlocksAdds(A, false);
    net.setBlocksAdds(B, true);
    const c = await readyClient(net, ME);
    const { group_id } = await ga.createGroup(c, ME_JID, ga.parseCreate({ name: 'Adds' }));
    const joins: any[] = [];
    c.on('group_join', (n) => joins.push(n));
    const r = await ga.addMembers(c, ME_JID, group_id, [A, B]);
    assert.deepEqual(r.results.map((x) => [x.participant, x.code, x.status]), [['+919811100001', 200, 'added'], ['+919811100002', 403, 'invite_required']]);
    assert.equal((await ga.addMembers(c, ME_JID, group_id, [A])).results[0].status, 'already_member');
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(joins.map((j) => j.recipientIds), [[A]], 'a join event for the one who was added');

    const page = await ops.listGroupsPage(c, ME_JID, 0, 200);
    const notAdmin = page.groups.find((g) => !g.participants.find((p) => p.id === ME_JID)?.admin)!;
    assert.ok(notAdmin, 'the test world has a group where we are a plain member');
    assert.equal(await codeOf(ga.addMembers(c, ME_JID, notAdmin.id, [A])), 'not_admin');
    assert.equal(await codeOf(ga.addMembers(c, ME_JID, '120363999999999999@g.us', [A])), 'not_member');
    await c.destroy();
});

test('group.revoke_invite: a new code; the old link answers invite_expired to anyone, the new one leads to the group', async () => {
    const net = new SimNetwork({ seed: 7, world: 'test', speed: 1000 });
    const c = await readyClient(net, ME);
    const other = await readyClient(net, '+919800000072');
    const { group_id, invite_code } = await ga.createGroup(c, ME_JID, ga.parseCreate({ name: 'Links' }));
    assert.equal((await ga.inviteCode(c, ME_JID, group_id)).invite_code, invite_code);
    const fresh = (await ga.revokeInvite(c, ME_JID, group_id)).invite_code;
    assert.notEqual(fresh, invite_code);
    assert.equal(await codeOf(ops.inviteInfo(other, invite_code!)), 'invite_expired');
    assert.equal((await ops.inviteInfo(other, fresh)).group_id, group_id);
    c.simLeave(group_id);
    assert.equal(await codeOf(ga.inviteCode(c, ME_JID, group_id)), 'not_member', 'a group we left has no link for us');
    assert.equal(await codeOf(ga.revokeInvite(c, ME_JID, group_id)), 'not_member');
    await c.destroy();
    await other.destroy();
});

test('join requests: listed, approved ones join, rejected ones do not, an unknown requester is reported', async () => {
    const net = new SimNetwork({ seed: 7, world: 'test', speed: 1000 });
    const c = await readyClient(net, ME);
    const { group_id } = await ga.createGroup(c, ME_JID, ga.parseCreate({ name: 'Requests' }));
    const asked: any[] = [];
    c.on('group_membership_request', (n) => asked.push(n.author));
    c.simJoinRequest(group_id, [A, B]);
    assert.deepEqual(asked, [A, B]);
    const list = await ga.joinRequests(c, ME_JID, group_id);
    assert.deepEqual(list.requests.map((r) => r.phone), ['+919811100001', '+919811100002']);
    assert.ok(list.requests.every((r) => r.requested_at && r.method === 'InviteLink'));
    const yes = await ga.decideRequests(c, ME_JID, group_id, [A], true);
    const no = await ga.decideRequests(c, ME_JID, group_id, [B, C], false);
    assert.deepEqual(yes.results.map((r) => r.ok), [true]);
    assert.deepEqual(no.results.map((r) => [r.requester, r.ok]), [[B, true], [C, false]]);
    assert.equal((await ga.joinRequests(c, ME_JID, group_id)).requests.length, 0, 'nothing left waiting');
    const g = (await ops.listGroupsPage(c, ME_JID, 0, 200)).groups.find((x) => x.id === group_id)!;
    assert.deepEqual(g.participants.map((p) => p.id).sort(), [A, ME_JID].sort());
    await c.destroy();
});

test('admin delete and removal: a member\'s message is deleted for everyone, the member removed; not in a group where we are no admin', async () => {
    const net = new SimNetwork({ seed: 7, world: 'test', speed: 1000 });
    net.setBlocksAdds(A, false);
    const c = await readyClient(net, ME);
    const { group_id } = await ga.createGroup(c, ME_JID, ga.parseCreate({ name: 'Moderated', participants: [A] }));
    const spam = c.simIncoming(group_id, A, 'cheap loans http://spam.example', null);
    assert.deepEqual(await ga.deleteMessage(c, spam), { deleted: true });
    assert.ok(c.simDeleted(spam));
    assert.equal(await codeOf(ga.deleteMessage(c, spam)), 'not_found', 'a deleted message is gone');
    const leaves: any[] = [];
    c.on('group_leave', (n) => leaves.push(n));
    assert.deepEqual(await ga.removeMembers(c, ME_JID, group_id, [A, B]), { removed: 1 });
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(leaves.map((l) => [l.recipientIds, l.type]), [[[A], 'remove']]);

    const page = await ops.listGroupsPage(c, ME_JID, 0, 200);
    const notAdmin = page.groups.find((g) => !g.participants.find((p) => p.id === ME_JID)?.admin && g.participants.length > 1)!;
    const member = notAdmin.participants.find((p) => p.id !== ME_JID)!;
    const theirs = c.simIncoming(notAdmin.id, member.id, 'hello all', null);
    assert.equal(await codeOf(ga.deleteMessage(c, theirs)), 'not_admin');
    assert.equal(c.simDeleted(theirs), false);
    assert.equal(await codeOf(ga.removeMembers(c, ME_JID, notAdmin.id, [member.id])), 'not_admin');
    assert.equal(await codeOf(ga.groupSettings(c, ME_JID, notAdmin.id, { announce: true })), 'not_admin');
    await c.destroy();
});
