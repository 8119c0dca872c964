// Welcome messages (issue 10 item 6) on the simulated network: members who join one of our groups
// within the window get one welcome that mentions all of them, through the outbox; a template with an
// unknown variable is refused naming the field and changes nothing; a group where we are not admin
// gets no welcome. Moderation (item 7) in its dry run: it reports a spam link and a repeat offender's
// removal, and acts on nothing (acting with dry run off: own-groups.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { newProject } from './lib/client.mjs';
import { connectWs } from './lib/ws.mjs';
import { ACCOUNT_ENV, newPhone, createAccount, waitConnector, poll, accountPath, linkSim, sleep, waitGroups } from './lib/accounts.mjs';

describeBackends('welcome: one message for the members who joined within the window', (ctx) => {
  test('joins within the window get one welcome mentioning them; bad templates change nothing', { timeout: 90_000 }, async () => {
    const owner = ctx.admin;
    // Open all day: a welcome is a P2 post and waits for working hours, whatever time the test runs.
    const project = await newProject(owner, { name: 'Welcome', default_region: 'IN', working_hours: [{ start: '00:00', end: '23:59' }] });
    await waitConnector(owner);
    const ws = await connectWs(ctx.server, { cookie: owner.cookie });
    await ws.subscribe(project.id);
    const { account } = await linkSim(owner, ws, project.id, await createAccount(owner, project.id, { phone: newPhone(), engine: 'sim' }));
    const groups = await waitGroups(owner, project.id, '?kind=group', (l) => l.items?.length >= 2, { timeout: 60_000 });
    const ours = groups.items.find((g) => g.accounts.some((a) => a.is_admin));
    const theirs = groups.items.find((g) => g.accounts.every((a) => !a.is_admin));
    assert.ok(ours, 'a group where our number is admin');
    const path = `/projects/${project.id}/groups/${ours.id}/welcome`;

    const bad = await owner.put(path, { template: 'Welcome {{memberz}}!' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'template');
    assert.match(bad.body.error.message, /memberz/);
    assert.equal((await owner.ok('GET', path)).enabled, false, 'nothing changed');
    const window = await owner.put(path, { template: 'Hi', window_seconds: 2 });
    assert.equal(window.status, 400);
    assert.equal(window.body.error.field, 'window_seconds');
    if (theirs) {
      const refused = await owner.put(`/projects/${project.id}/groups/${theirs.id}/welcome`, { template: 'Welcome {{members}}' });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.field, 'group');
    }
    const set = await owner.ok('PUT', path, { template: 'Welcome {{members}} to {{group}}!', window_seconds: 10 });
    assert.equal(set.enabled, true);

    const join = (members) => owner.ok('POST', `${accountPath(project.id, account.id)}/sim/member_join`, { chat: ours.wa_id, members }, 202);
    await join(['+919812388001', '+919812388002']);
    await sleep(1500);
    await join(['+919812388003']);
    await poll(() => owner.ok('GET', path), (w) => w.waiting === 3, { what: 'three members waiting' });
    const queued = await poll(async () => ctx.server.stdout.match(/event=welcome\.queued project=\d+ group=\d+ members=(\d+)/g) ?? [],
      (m) => m.length >= 1, { timeout: 25_000, what: 'the welcome queued' });
    assert.equal(queued.length, 1, 'one welcome for the batch');
    assert.match(queued[0], /members=3$/);
    assert.equal((await owner.ok('GET', path)).waiting, 0);
    const sent = await poll(async () => ctx.server.stdout.match(new RegExp(`event=outbox\\.settled id=\\d+ account=${account.id} outcome=sent`, 'g')) ?? [],
      (m) => m.length >= 1, { timeout: 20_000, what: 'the welcome sent by the dispatcher' });
    assert.equal(sent.length, 1);
    // A member seen joining again (a replayed event) is not welcomed twice.
    await join(['+919812388003']);
    await sleep(1000);
    assert.equal((await owner.ok('GET', path)).waiting, 0, 'nobody is welcomed twice');
  });

  test('moderation dry run: a spam link is reported for deletion, a repeat offender for removal; nothing else', { timeout: 60_000 }, async () => {
    const owner = ctx.admin;
    const project = await newProject(owner, { name: 'Moderation', default_region: 'IN' });
    const ws = await connectWs(ctx.server, { cookie: owner.cookie });
    await ws.subscribe(project.id);
    const { account } = await linkSim(owner, ws, project.id, await createAccount(owner, project.id, { phone: newPhone(), engine: 'sim' }));
    const groups = await waitGroups(owner, project.id, '?kind=group', (l) => l.items?.length >= 2, { timeout: 60_000 });
    const ours = groups.items.find((g) => g.accounts.some((a) => a.is_admin));
    const path = `/projects/${project.id}/groups/${ours.id}/moderation`;
    const bad = await owner.put(path, { rules: { banned_words: ['ok', '!!!'] } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'banned_words[1]');
    const pattern = await owner.put(path, { dry_run: false, rules: { patterns: ['[a-'] } });
    assert.equal(pattern.status, 400, 'a pattern that does not compile');
    assert.equal(pattern.body.error.field, 'patterns[0]');
    assert.equal((await owner.ok('GET', path)).enabled, false, 'nothing changed');
    await owner.ok('PUT', path, { dry_run: true, rules: { links: true, banned_words: ['loan offer'], strikes_to_remove: 2 } });
    const say = (from, body) => owner.ok('POST', `${accountPath(project.id, account.id)}/sim/incoming`, { chat: ours.wa_id, from, body }, 202);
    await say('+919811177001', 'Good morning all, broiler rate 98 today');
    await say('+919811177002', 'Cheap feed here https://spam.example/deal');
    await say('+919811177002', 'Instant LOAN offer, call now');
    const log = await poll(() => owner.ok('GET', `${path}/log`), (l) => l.items.length >= 2, { timeout: 10_000, what: 'two reports' });
    assert.equal(log.items.length, 2, JSON.stringify(log.items));
    const [second, first] = log.items;
    assert.deepEqual([first.rule, first.action, first.dry_run], ['link', 'delete', true]);
    assert.deepEqual([second.rule, second.action, second.dry_run], ['banned_word', 'remove', true]);
    assert.match(first.body, /spam\.example/);
  });
}, { env: ACCOUNT_ENV });
