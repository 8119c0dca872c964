// Issue 7 items 1-3: groups over HTTP with the real connector in simulated mode, on both backends.
// Linking a number syncs its groups, communities and channels (paged over the bridge, progress on
// GET …/groups/sync and the WebSocket); filters; a group's detail; joining by invite link under the
// daily join limit (the 4th join of the day is queued for tomorrow); malformed, expired and full
// invite links; phases by hand; activity from group messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBackends } from './lib/harness.mjs';
import { assertError, assertStatus, newUser, newProject, addMember } from './lib/client.mjs';
import { connectWs, isEvent } from './lib/ws.mjs';
import { ACCOUNT_ENV, newPhone, createAccount, waitConnector, poll, accountPath, linkSim } from './lib/accounts.mjs';

// The simulated network's invite links of groups none of our numbers is in (open, full, reset),
// derived from the same seed the server's connector uses.
const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { publicInvites } = require(path.join(ROOT, 'connector', 'dist', 'src', 'sim', 'world.js'));
const INVITES = publicInvites(Number(ACCOUNT_ENV.SANGAM_SIM_SEED));
const link = (state, i = 0) => `https://chat.whatsapp.com/${INVITES.filter((x) => x.state === state)[i].code}`;

const groupsPath = (pid) => `/projects/${pid}/groups`;

describeBackends('groups', (ctx) => {
  let owner; let viewer; let project; let a; let b; let ws;

  ctx.setup(async () => {
    [owner, viewer] = await Promise.all(['Owner', 'Viewer'].map((name) => newUser(ctx.admin, { name })));
    project = await newProject(owner.client, { name: 'Groups', default_region: 'IN' });
    assertStatus(await addMember(owner.client, project.id, viewer.email, 'viewer'), 201);
    await waitConnector(ctx.admin);
    ws = await connectWs(ctx.server, { cookie: owner.client.cookie }, { label: 'owner' });
    assert.equal((await ws.subscribe(project.id)).type, 'subscribed');
    a = await createAccount(owner.client, project.id, { phone: newPhone(), engine: 'sim' });
    b = await createAccount(owner.client, project.id, { phone: newPhone(), engine: 'sim', role: 'backup' });
  });

  const syncDone = (client, aid) => poll(async () => (await client.ok('GET', `${groupsPath(project.id)}/sync`)).items,
    (items) => items.some((r) => r.account_id === aid && r.status === 'done'), { timeout: 20_000, what: `sync of account ${aid} done` });

  test('linking a number syncs its groups, communities and channel, with progress', async () => {
    const since = ws.mark();
    await linkSim(owner.client, ws, project.id, a);
    const runs = await syncDone(owner.client, a.id);
    const run = runs.find((r) => r.account_id === a.id);
    assert.equal(run.cause, 'link');
    assert.ok(run.groups_total >= 4, JSON.stringify(run));
    assert.equal(run.groups_done, run.groups_total);
    assert.equal(run.channels, 1);
    assert.ok(run.members > 0);
    const ev = await ws.next((m) => isEvent('groups.sync', project.id)(m) && m.data.account_id === a.id && m.data.status === 'done',
      { since, timeout: 5000, what: 'groups.sync done event' });
    assert.equal(ev.data.groups_done, run.groups_total);

    const list = await viewer.client.ok('GET', groupsPath(project.id));
    assert.equal(list.total, run.groups_total + 1, 'the groups and the channel');
    const kinds = new Set(list.items.map((g) => g.kind));
    for (const k of ['community', 'channel']) assert.ok(kinds.has(k), `a ${k}: ${[...kinds]}`);
    // The sim makes about one group in seven admin-only ('announcement'): both kinds are plain groups here.
    const plain = (g) => g.kind === 'group' || g.kind === 'announcement';
    const admin = list.items.find((g) => plain(g) && g.accounts[0].is_admin);
    assert.ok(admin, 'a group where our number is admin');
    assert.match(admin.invite_link, /^https:\/\/chat\.whatsapp\.com\/[A-Za-z0-9]{10,32}$/);
    assert.equal(admin.accounts[0].phase, 'value');
    const member = list.items.find((g) => plain(g) && !g.accounts[0].is_admin);
    assert.ok(member, 'a group where our number is a plain member');
    assert.equal(member.invite_link, null, 'no invite link where we are no admin');
    assert.equal(member.accounts[0].phase, 'observation');
    const child = list.items.find((g) => g.parent);
    const community = list.items.find((g) => g.kind === 'community');
    assert.ok(child, 'a group inside the community');
    assert.deepEqual(child.parent, { wa_id: community.wa_id, id: community.id, name: community.name });
    assert.ok(list.items.every((g) => g.size > 0 && typeof g.activity.messages_per_day === 'number'));

    const one = await viewer.client.ok('GET', `${groupsPath(project.id)}/${admin.id}`);
    assert.equal(one.name, admin.name);
    assert.equal(one.members.total, admin.size);
    assert.ok(Array.isArray(one.activity.days) && Array.isArray(one.activity.keywords) && Array.isArray(one.activity.key_members));
    assert.equal(one.accounts[0].account_id, a.id);
  });

  test('filters narrow the list, and a bad filter names itself and changes nothing', async () => {
    const all = await owner.client.ok('GET', groupsPath(project.id));
    const admins = await owner.client.ok('GET', `${groupsPath(project.id)}?admin=true`);
    const members = await owner.client.ok('GET', `${groupsPath(project.id)}?admin=false`);
    assert.equal(admins.total + members.total, all.total);
    assert.ok(admins.items.every((g) => g.accounts.some((x) => x.is_admin)));
    const channels = await owner.client.ok('GET', `${groupsPath(project.id)}?kind=channel`);
    assert.equal(channels.total, 1);
    const big = await owner.client.ok('GET', `${groupsPath(project.id)}?min_members=1000000`);
    assert.equal(big.total, 0);
    const byAccount = await owner.client.ok('GET', `${groupsPath(project.id)}?account=${a.id}&phase=observation`);
    assert.ok(byAccount.items.every((g) => g.accounts.some((x) => x.account_id === a.id && x.phase === 'observation')));
    for (const [q, field] of [['phase=lurking', 'phase'], ['admin=maybe', 'admin'], ['min_members=-3', 'min_members'],
      ['kind=chat', 'kind'], ['limit=0', 'limit'], ['account=x', 'account']]) {
      assertError(await owner.client.get(`${groupsPath(project.id)}?${q}`), 400, 'validation_failed', field);
    }
    const res = await owner.client.get(`${groupsPath(project.id)}/999999`);
    assert.equal(res.status, 404);
  });

  test('joining by invite link: the daily limit queues the fourth join for tomorrow; bad links change nothing', async () => {
    await linkSim(owner.client, ws, project.id, b);
    await syncDone(owner.client, b.id);
    const join = (invite, extra = {}) => owner.client.post(`${accountPath(project.id, b.id)}/join`, { invite, ...extra });
    const joinsOf = async () => (await owner.client.ok('GET', `${groupsPath(project.id)}/joins?account=${b.id}`)).items;

    // bad input first: nothing is written, no join is used up
    assertError(await join('https://chat.whatsapp.com/too-short!'), 400, 'validation_failed', 'invite');
    assertError(await join('https://example.com/AbCdEfGhIjKlMnOpQrStUv'), 400, 'validation_failed', 'invite');
    const expired = await join(link('expired'));
    assertError(expired, 400, 'validation_failed', 'invite');
    assert.match(expired.body.error.message, /expired/);
    assertError(await join('https://chat.whatsapp.com/ZZZZZZZZZZZZZZZZZZZZZZ'), 400, 'validation_failed', 'invite');
    const full = await join(link('full'));
    assertError(full, 409, 'conflict', 'invite');
    assert.match(full.body.error.message, /full/);
    assertError(await join(link('open'), { when_limited: 'later' }), 400, 'validation_failed', 'when_limited');
    assertError(await viewer.client.post(`${accountPath(project.id, b.id)}/join`, { invite: link('open') }), 403, 'forbidden');
    assert.deepEqual(await joinsOf(), []);

    // three joins a day by default: two open groups and one of account a's own groups
    const list = await owner.client.ok('GET', `${groupsPath(project.id)}?account=${a.id}&admin=true`);
    const own = list.items.find((g) => g.kind === 'group' || g.kind === 'announcement');
    const joined = [];
    for (const invite of [link('open', 0), link('open', 1), own.invite_link]) {
      const res = await join(invite);
      assertStatus(res, 200, `join ${invite}`);
      assert.equal(res.body.status, 'joined');
      joined.push(res.body);
    }
    assert.equal(joined[0].group.accounts[0].phase, 'observation');
    const fourth = await join(link('open', 2));
    assertStatus(fourth, 202, 'the fourth join of the day');
    assert.equal(fourth.body.status, 'queued');
    assert.match(fourth.body.message, /limit/i);
    assert.ok(Date.parse(fourth.body.run_after) > Date.now(), 'queued for after midnight');
    const refused = await join(link('open', 2), { when_limited: 'refuse' });
    assertError(refused, 429, 'too_many_attempts', 'invite');
    const rows = await joinsOf();
    assert.deepEqual(rows.map((r) => r.status).sort(), ['joined', 'joined', 'joined', 'queued']);

    // the group a's number is admin of is now one group with both our numbers in it
    const shared = await poll(() => owner.client.ok('GET', `${groupsPath(project.id)}/${own.id}`),
      (g) => g.accounts.length === 2, { timeout: 10_000, what: 'both numbers in the shared group' });
    assert.deepEqual(shared.accounts.map((x) => x.account_id).sort((p, q) => p - q), [a.id, b.id].sort((p, q) => p - q));
    const total = (await owner.client.ok('GET', `${groupsPath(project.id)}?q=${encodeURIComponent(own.name)}`)).total;
    assert.equal(total, 1, 'one group, not two');

    // the limit is a project setting
    assertError(await owner.client.put(`${groupsPath(project.id)}/settings`, { joins_per_day: 50 }), 400, 'validation_failed', 'joins_per_day');
    assert.equal((await owner.client.ok('GET', `${groupsPath(project.id)}/settings`)).joins_per_day, 3);
    await owner.client.ok('PUT', `${groupsPath(project.id)}/settings`, { joins_per_day: 4 });
    assertStatus(await join(link('open', 2)), 200, 'a fourth join once the limit is 4');
  });

  test('phases by hand, and activity from group messages', async () => {
    // the number's one group where it is a plain member (the sim's test world: community, 3 groups, channel)
    const list = await owner.client.ok('GET', `${groupsPath(project.id)}?account=${a.id}&admin=false`);
    const g = list.items.find((x) => x.kind !== 'channel' && x.kind !== 'community');
    assertError(await owner.client.patch(`${groupsPath(project.id)}/${g.id}/accounts/${a.id}`, { phase: 'spam' }), 400, 'validation_failed', 'phase');
    assertError(await viewer.client.patch(`${groupsPath(project.id)}/${g.id}/accounts/${a.id}`, { phase: 'value' }), 403, 'forbidden');
    const changed = await owner.client.ok('PATCH', `${groupsPath(project.id)}/${g.id}/accounts/${a.id}`, { phase: 'contribution' });
    const mine = changed.accounts.find((x) => x.account_id === a.id);
    assert.equal(mine.phase, 'contribution');
    assert.equal(mine.phase_manual, true);
    assert.ok(mine.phases.observation && mine.phases.contribution);

    for (const body of ['இன்று கோழி தீவனம் விலை என்ன?', 'தீவனம் விலை 40', 'Broiler feed விலை?']) {
      await owner.client.ok('POST', `${accountPath(project.id, a.id)}/sim/incoming`, { chat: g.wa_id, from: '+919811100001', body }, 202);
    }
    const detail = await poll(() => owner.client.ok('GET', `${groupsPath(project.id)}/${g.id}`),
      (d) => d.activity.messages_7d >= 3, { timeout: 10_000, what: 'three messages counted' });
    assert.equal(detail.activity.keywords[0].word, 'விலை');
    assert.equal(detail.activity.keywords[0].count, 3);
    assert.equal(detail.activity.key_members[0].phone, '+919811100001');
    const busy = await owner.client.ok('GET', `${groupsPath(project.id)}?min_messages=3`);
    assert.ok(busy.items.some((x) => x.id === g.id));
  });

  test('POST …/groups/sync syncs on demand; an unlinked number is refused by name', async () => {
    const c = await createAccount(owner.client, project.id, { phone: newPhone(), engine: 'sim' });
    assertError(await owner.client.post(`${groupsPath(project.id)}/sync`, { account_id: c.id }), 409, 'conflict', 'account_id');
    assertError(await owner.client.post(`${groupsPath(project.id)}/sync`, { account_id: 'x' }), 400, 'validation_failed', 'account_id');
    const since = ws.mark();
    const res = await owner.client.post(`${groupsPath(project.id)}/sync`, { account_id: a.id });
    assertStatus(res, 202, 'POST sync');
    await ws.next((m) => isEvent('groups.sync', project.id)(m) && m.data.account_id === a.id && m.data.cause === 'manual' && m.data.status === 'done',
      { since, timeout: 20_000, what: 'the manual sync done' });
  });
}, { env: ACCOUNT_ENV });
