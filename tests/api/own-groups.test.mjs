// Our own groups (issue 10 items 3, 4, 5, 7) over HTTP on both backends, on the simulated network:
// creating a group (and the errors: a number that is not active, a missing purpose), inviting
// contacts by link through the outbox and by a paced direct add (privacy → the link instead; consent
// refusals with their reason), the invite link (show, rotate, revoke, a group we left), the public
// /j/{slug} link, join requests by rule and by hand with their log, and moderation acting once dry
// run is off (admin delete + warning, removal after K strikes). The core's clock runs 20× so adds
// 10 s apart take half a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { assertError, newProject } from './lib/client.mjs';
import { connectWs } from './lib/ws.mjs';
import { ACCOUNT_ENV, newPhone, createAccount, poll, accountPath, linkSim, sleep, waitConnector } from './lib/accounts.mjs';

const ENV = { ...ACCOUNT_ENV, SANGAM_CLOCK_SPEED: '20' };

const CSV = [
  'phone,name,consent,consent_source',
  '+91 98123 66101,Asha Devi,opted_in,stall sign-up sheet',
  '+91 98123 66102,Babu Rao,opted_in,stall sign-up sheet',
  '+91 98123 66103,Chitra,,',
  '+91 98123 66104,Dev Anand,opted_out,said stop at the stall',
  '+91 98123 66105,Esha,opted_in,stall sign-up sheet',
].join('\r\n');

async function importCsv(client, pid, csv) {
  const res = await client.request('POST', `/projects/${pid}/contacts/import`, undefined, { raw: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal(res.status, 202, res.describe());
  return poll(() => client.ok('GET', `/projects/${pid}/jobs/${res.body.id}`), (j) => j.status === 'succeeded' || j.status === 'failed',
    { timeout: 20_000, what: 'the CSV import' });
}

describeBackends('own groups', (ctx) => {
  let pid, slug, account, idle, byPhone, ws;
  const base = () => `/projects/${pid}/own-groups`;
  const sim = (action, body) => ctx.admin.ok('POST', `${accountPath(pid, account.id)}/sim/${action}`, body, 202);

  ctx.setup(async () => {
    const project = await newProject(ctx.admin, { default_region: 'IN', working_hours: [{ start: '00:00', end: '23:59' }] });
    pid = project.id;
    slug = project.slug;
    await importCsv(ctx.admin, pid, CSV);
    const contacts = await ctx.admin.ok('GET', `/projects/${pid}/contacts?limit=50`);
    byPhone = Object.fromEntries(contacts.items.map((c) => [c.phone, c.id]));
    await waitConnector(ctx.admin);
    ws = await connectWs(ctx.server, { cookie: ctx.admin.cookie });
    await ws.subscribe(pid);
    ({ account } = await linkSim(ctx.admin, ws, pid, await createAccount(ctx.admin, pid, { phone: newPhone(), engine: 'sim' })));
    idle = await createAccount(ctx.admin, pid, { phone: newPhone(), engine: 'sim' });
  });

  test('create: a number that is not active, a missing purpose, a bad community are refused and nothing is made', { timeout: 60_000 }, async () => {
    const good = { name: 'Layer Farmers Pune', purpose: 'Best practices for layer farms', account_id: account.id };
    const notActive = await ctx.admin.post(base(), { ...good, account_id: idle.id });
    assertError(notActive, 409, 'conflict', 'account_id');
    assert.match(notActive.body.error.message, /not active/);
    assertError(await ctx.admin.post(base(), { ...good, purpose: '  ' }), 400, 'validation_failed', 'purpose');
    assertError(await ctx.admin.post(base(), { ...good, name: 'x'.repeat(101) }), 400, 'validation_failed', 'name');
    assertError(await ctx.admin.post(base(), { ...good, community_id: 999999 }), 400, 'validation_failed', 'community_id');
    assertError(await ctx.admin.post(base(), { ...good, account_id: 999999 }), 400, 'validation_failed', 'account_id');
    assert.equal((await ctx.admin.ok('GET', base())).items.length, 0, 'nothing was created');

    const g = await ctx.admin.ok('POST', base(), { ...good, description: 'Prices, feed, vaccination', announce_only: false, admins_add_only: true }, 201);
    assert.equal(g.name, 'Layer Farmers Pune');
    assert.equal(g.purpose, 'Best practices for layer farms');
    assert.equal(g.account.id, account.id);
    assert.equal(g.members, 1);
    assert.deepEqual([g.phase.name, g.phase.target_min, g.phase.target_max], ['foundation', 20, 30]);
    assert.match(g.invite_link, /^https:\/\/chat\.whatsapp\.com\/\w+$/);
    const list = await ctx.admin.ok('GET', base());
    assert.equal(list.items.length, 1);
    assert.equal(list.public_link.target.group_id, g.group_id);
    assert.ok(list.public_link.url.endsWith(`/j/${slug}`));
  });

  test('invite: link through the outbox, paced adds, privacy → link; consent refusals name the contact and change nothing', { timeout: 60_000 }, async () => {
    const [g] = (await ctx.admin.ok('GET', base())).items;
    const inv = `${base()}/${g.group_id}/invites`;
    const none = await ctx.admin.post(inv, { contact_ids: [byPhone['+919812366103']], method: 'link' });
    assertError(none, 400, 'validation_failed', 'contact_ids[0]');
    assert.match(none.body.error.message, /only engaged or opted-in/);
    const stop = await ctx.admin.post(inv, { contact_ids: [byPhone['+919812366104']], method: 'add' });
    assertError(stop, 400, 'validation_failed', 'contact_ids[0]');
    assert.match(stop.body.error.message, /opted out/);
    assertError(await ctx.admin.post(inv, { contact_ids: [1], method: 'shout' }), 400, 'validation_failed', 'method');
    assert.equal((await ctx.admin.ok('GET', inv)).items.length, 0, 'nothing stored for refused requests');

    const link = await ctx.admin.ok('POST', inv, { contact_ids: [byPhone['+919812366101'], byPhone['+919812366103'], byPhone['+919812366104']], method: 'link' });
    assert.equal(link.queued.length, 1);
    assert.deepEqual(link.refused.map((r) => r.contact_id), [byPhone['+919812366103'], byPhone['+919812366104']]);
    let items = (await ctx.admin.ok('GET', inv)).items;
    assert.equal(items[0].status, 'link_sent');
    assert.ok(items[0].message_status, 'the link is a row of the outbox');

    const pace = await ctx.admin.put(`${base()}/settings`, { add_interval_seconds: 5 });
    assertError(pace, 400, 'validation_failed', 'add_interval_seconds');
    await ctx.admin.ok('PUT', `${base()}/settings`, { add_interval_seconds: 10, adds_per_day: 50 });
    await sim('privacy', { members: ['+919812366102'], blocks_adds: true });
    await sim('privacy', { members: ['+919812366105'], blocks_adds: false });
    const add = await ctx.admin.ok('POST', inv, { contact_ids: [byPhone['+919812366105'], byPhone['+919812366102'], byPhone['+919812366101']], method: 'add' });
    assert.equal(add.queued.length, 2);
    assert.match(add.refused[0].reason, /already invited/);
    items = await poll(async () => (await ctx.admin.ok('GET', inv)).items.filter((i) => i.method === 'add'),
      (l) => l.length === 2 && l.every((i) => i.status !== 'queued' && i.status !== 'adding'), { timeout: 20_000, what: 'both adds done' });
    const by = Object.fromEntries(items.map((i) => [i.contact.phone, i]));
    assert.equal(by['+919812366105'].status, 'added');
    assert.equal(by['+919812366102'].status, 'link_sent', 'privacy refused the add: the link went instead');
    assert.match(by['+919812366102'].reason, /privacy/);
    const gap = Date.parse(by['+919812366102'].planned_at) - Date.parse(by['+919812366105'].planned_at);
    assert.ok(gap >= 10_000, `adds planned ${gap} ms apart (core clock)`);
    assert.equal((await ctx.admin.ok('GET', `${base()}/${g.group_id}`)).members, 2);
  });

  test('invite link: rotate replaces it, /j/{slug} follows; revoke hides it; a group we left is a clear error', { timeout: 60_000 }, async () => {
    const [g] = (await ctx.admin.ok('GET', base())).items;
    const go = () => fetch(`${ctx.server.base}/j/${slug}`, { redirect: 'manual' });
    assert.equal((await go()).headers.get('location'), g.invite_link);
    const rotated = await ctx.admin.ok('POST', `${base()}/${g.group_id}/link/rotate`);
    assert.notEqual(rotated.invite_link, g.invite_link);
    const r = await go();
    assert.equal(r.status, 302);
    assert.equal(r.headers.get('location'), rotated.invite_link);
    const revoked = await ctx.admin.ok('POST', `${base()}/${g.group_id}/link/revoke`);
    assert.equal(revoked.invite_link, null);
    assert.equal(revoked.link_hidden, true);
    assert.equal((await go()).status, 404, 'no group open to join: the QR leads nowhere rather than to a dead link');
    const shown = await ctx.admin.ok('POST', `${base()}/${g.group_id}/link`);
    assert.match(shown.invite_link, /chat\.whatsapp\.com/);
    assert.notEqual(shown.invite_link, rotated.invite_link);

    // A second group; then our number leaves it: its link is refused and the public link skips it.
    const g2 = await ctx.admin.ok('POST', base(), { name: 'Left behind', purpose: 'to be left', account_id: account.id }, 201);
    await sim('leave', { chat: g2.wa_id });
    await sleep(300);
    const left = await ctx.admin.post(`${base()}/${g2.group_id}/link`);
    assertError(left, 409, 'conflict', 'group');
    assert.match(left.body.error.message, /no longer in this group/);
    const again = await ctx.admin.post(`${base()}/${g2.group_id}/link/rotate`);
    assertError(again, 409, 'conflict', 'group');
    assert.equal((await ctx.admin.ok('GET', `${base()}/${g2.group_id}`)).left, true);
    assert.equal((await ctx.admin.ok('GET', `${base()}/public-link`)).target.group_id, g.group_id);
    assert.equal((await fetch(`${ctx.server.base}/j/no-such-project-x`, { redirect: 'manual' })).status, 404);
  });

  test('join requests: the rule approves a number from the project\'s country and rejects one from elsewhere; by hand too; all logged', { timeout: 60_000 }, async () => {
    const [g] = (await ctx.admin.ok('GET', base())).items;
    const rq = `${base()}/${g.group_id}/requests`;
    assertError(await ctx.admin.put(`${base()}/settings`, { join_rule: { enabled: true, countries: ['india'] } }), 400, 'validation_failed', 'join_rule.countries[0]');
    await sim('join_request', { chat: g.wa_id, members: ['+919812366201', '+14155550123'] });
    const pending = await poll(() => ctx.admin.ok('GET', `${rq}?refresh=1`), (l) => l.pending.length === 2, { timeout: 15_000, what: 'two pending requests' });
    assert.deepEqual(pending.pending.map((p) => p.phone).sort(), ['+14155550123', '+919812366201']);
    assertError(await ctx.admin.post(`${rq}/apply-rule`), 409, 'conflict', 'join_rule');
    await ctx.admin.ok('PUT', `${base()}/settings`, { join_rule: { enabled: true, countries: ['IN'], reject_others: true } });
    const applied = await ctx.admin.ok('POST', `${rq}/apply-rule`);
    assert.equal(applied.decided.length, 2);
    const log = applied.requests.log;
    const byPhoneLog = Object.fromEntries(log.map((l) => [l.phone, l]));
    assert.equal(byPhoneLog['+919812366201'].status, 'approved');
    assert.equal(byPhoneLog['+919812366201'].by, 'rule');
    assert.match(byPhoneLog['+919812366201'].rule, /IN/);
    assert.equal(byPhoneLog['+14155550123'].status, 'rejected');
    assert.match(byPhoneLog['+14155550123'].rule, /not one of the project's countries/);

    await ctx.admin.ok('PUT', `${base()}/settings`, { join_rule: { enabled: false } });
    await sim('join_request', { chat: g.wa_id, members: ['+919812366202'] });
    const one = await poll(() => ctx.admin.ok('GET', `${rq}?refresh=1`), (l) => l.pending.length === 1, { timeout: 15_000, what: 'one pending request' });
    const id = one.pending[0].id;
    const done = await ctx.admin.ok('POST', `${rq}/${id}/approve`);
    assert.equal(done.status, 'approved');
    assertError(await ctx.admin.post(`${rq}/${id}/reject`), 409, 'conflict', 'request');
    const after = await ctx.admin.ok('GET', rq);
    const mine = after.log.find((l) => l.id === id);
    assert.equal(mine.by, 'hand');
    assert.equal(mine.decided_by, ctx.adminUser.id);
  });

  test('moderation with dry run off: a spam link is deleted and its author warned; at K strikes the author is removed', { timeout: 60_000 }, async () => {
    const [g] = (await ctx.admin.ok('GET', base())).items;
    const path = `/projects/${pid}/groups/${g.group_id}/moderation`;
    const bad = await ctx.admin.put(path, { dry_run: false, rules: { patterns: ['(unclosed'] } });
    assertError(bad, 400, 'validation_failed', 'patterns[0]');
    assert.match(bad.body.error.message, /does not compile/);
    assert.equal((await ctx.admin.ok('GET', path)).enabled, false, 'nothing changed');
    await ctx.admin.ok('PUT', path, { dry_run: false, rules: { links: true, patterns: ['free\\s+loan'], strikes_to_remove: 2 } });
    const say = (from, body) => sim('incoming', { chat: g.wa_id, from, body });
    await say('+919812366105', 'Good morning, egg rate 5.20 today');
    await say('+919812366105', 'Cheap feed here https://spam.example/deal');
    await say('+919812366105', 'FREE   loan, call now');
    const log = await poll(() => ctx.admin.ok('GET', `${path}/log`), (l) => l.items.length >= 2 && l.items.every((i) => i.outcome),
      { timeout: 15_000, what: 'two acted moderation entries' });
    const [second, first] = log.items;
    assert.deepEqual([first.rule, first.action, first.dry_run, first.outcome], ['link', 'delete', false, 'deleted, warned']);
    assert.deepEqual([second.rule, second.action, second.outcome], ['pattern', 'remove', 'deleted, removed']);
  });
}, { env: ENV });
