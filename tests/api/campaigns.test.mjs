// Campaigns over HTTP on both backends (issue 8): templates, the builder's estimate, create/launch,
// per-message status, pause/resume/cancel, the bad-input list, roles, and a direct campaign that
// really sends on the simulated network and completes — skipping the contacts who never opted in or
// opted out. The core's clock runs 120× (SANGAM_CLOCK_SPEED) so a day's plan takes seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { addMember, assertError, newProject, newUser } from './lib/client.mjs';
import { connectWs, isEvent } from './lib/ws.mjs';
import { ACCOUNT_ENV, createAccount, poll, linkSim, waitConnector } from './lib/accounts.mjs';

const SPEED = 120;
const ENV = { ...ACCOUNT_ENV, SANGAM_CLOCK_SPEED: String(SPEED), SANGAM_SIM_SPEED: '0.5', SANGAM_KEEPALIVE_MS: '600000' };

const CSV = [
  'phone,name,consent,consent_source',
  '+91 98123 77101,Asha Devi,opted_in,stall sign-up sheet',
  '+91 98123 77102,Babu Rao,opted_in,stall sign-up sheet',
  '+91 98123 77103,Chitra,,',
  '+91 98123 77104,Dev Anand,opted_out,said stop at the stall',
].join('\r\n');

// Zones whose local time, at the server's `nowIso`, is latest in the day (but before 23:57): with
// working hours 00:00-23:59 the day's plan then spans at most ~30 minutes of the core's clock (15 s
// at 120×), and what is left at midnight goes on in the next day's window.
const ZONES = ['Etc/GMT+12', 'Etc/GMT+11', 'Etc/GMT+10', 'Etc/GMT+9', 'Etc/GMT+8', 'Etc/GMT+7', 'Etc/GMT+6', 'Etc/GMT+5', 'Etc/GMT+4',
  'Etc/GMT+3', 'Etc/GMT+2', 'Etc/GMT+1', 'Etc/GMT', 'Etc/GMT-1', 'Etc/GMT-2', 'Etc/GMT-3', 'Etc/GMT-4', 'Etc/GMT-5', 'Etc/GMT-6',
  'Etc/GMT-7', 'Etc/GMT-8', 'Etc/GMT-9', 'Etc/GMT-10', 'Etc/GMT-11', 'Etc/GMT-12', 'Etc/GMT-13', 'Etc/GMT-14', 'Asia/Kolkata',
  'Asia/Kabul', 'Asia/Yangon', 'Australia/Darwin', 'Pacific/Marquesas', 'Asia/Kathmandu', 'Australia/Eucla'];
function lateZone(nowIso) {
  let best = null;
  for (const zone of ZONES) {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(nowIso));
    const m = Number(parts.find((p) => p.type === 'hour').value) * 60 + Number(parts.find((p) => p.type === 'minute').value);
    if (m <= 23 * 60 + 56 && (!best || m > best.m)) best = { zone, m };
  }
  return best.zone;
}

async function importCsv(client, pid, csv) {
  const res = await client.request('POST', `/projects/${pid}/contacts/import`, undefined, { raw: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal(res.status, 202, res.describe());
  return poll(() => client.ok('GET', `/projects/${pid}/jobs/${res.body.id}`), (j) => j.status === 'succeeded' || j.status === 'failed',
    { timeout: 20_000, what: 'the CSV import' });
}

const direct = (extra = {}) => ({
  name: 'Thank-you follow-up', kind: 'direct', body: '{Hi|Hello} {{first_name}}, thanks for signing up at the stall!',
  targeting: { contacts: { filter: {} } }, schedule: {}, ...extra,
});

describeBackends('campaigns', (ctx) => {
  let pid, account, viewer;
  ctx.setup(async () => {
    pid = (await newProject(ctx.admin, { default_region: 'IN' })).id;
    const job = await importCsv(ctx.admin, pid, CSV);
    assert.equal(job.counts.created, 4, JSON.stringify(job));
    viewer = await newUser(ctx.admin);
    assert.equal((await addMember(ctx.admin, pid, viewer.user.email, 'viewer')).status, 201);
  });

  test('templates: saved with their checks; a template error is a 400 naming line and column; preview renders samples', async () => {
    const t = await ctx.admin.ok('POST', `/projects/${pid}/templates`,
      { name: 'Stall thanks', body: '{Hi|Hello|Vanakkam} {{name}}, {{offer}} this week', variables: { offer: '5% off' } }, 201);
    assert.equal(t.variables.offer, '5% off');
    assert.ok(Array.isArray(t.checks));
    const bad = await ctx.admin.post(`/projects/${pid}/templates`, { name: 'Broken', body: 'Hi\n{Hello|Namaste {{name}}' });
    assertError(bad, 400, 'validation_failed', 'body');
    assert.match(bad.body.error.message, /line 2, column \d+/);
    const unknown = await ctx.admin.post(`/projects/${pid}/templates`, { name: 'Unknown', body: 'Hi {{nickname}}' });
    assertError(unknown, 400, 'validation_failed', 'body');
    assert.match(unknown.body.error.message, /nickname/);
    const pv = await ctx.admin.ok('POST', `/projects/${pid}/templates/preview`, { body: 'Hi {{nickname}' });
    assert.ok(pv.errors.length >= 1 && pv.errors[0].line === 1, JSON.stringify(pv));
    const good = await ctx.admin.ok('POST', `/projects/${pid}/templates/preview`, { body: '{Hi|Hello} {{name}}!' });
    assert.equal(good.samples.length, 3);
    assert.match(good.text, /^(Hi|Hello) .+!$/);
    assert.equal((await ctx.admin.ok('GET', `/projects/${pid}/templates`)).items.length, 1);
  });

  test('bad input names the field and changes nothing', async () => {
    const before = (await ctx.admin.ok('GET', `/projects/${pid}/campaigns`)).items.length;
    const ends = await ctx.admin.post(`/projects/${pid}/campaigns`, direct({ schedule: { start_date: '2026-12-10', end_date: '2026-12-01' } }));
    assertError(ends, 400, 'validation_failed', 'schedule.end_date');
    assert.match(ends.body.error.message, /start date/);
    assertError(await ctx.admin.post(`/projects/${pid}/campaigns`, { ...direct(), kind: 'spam' }), 400, 'validation_failed', 'kind');
    assertError(await ctx.admin.post(`/projects/${pid}/campaigns`, direct({ targeting: { contacts: { filter: { consent: ['unknown'] } } } })),
      400, 'validation_failed', 'targeting.contacts.filter.consent');
    assert.equal((await ctx.admin.ok('GET', `/projects/${pid}/campaigns`)).items.length, before);
    // No linked number yet: launch names schedule.account_ids; the draft stays a draft with no messages.
    const c = await ctx.admin.ok('POST', `/projects/${pid}/campaigns`, direct(), 201);
    assertError(await ctx.admin.post(`/projects/${pid}/campaigns/${c.id}/launch`, {}), 400, 'validation_failed', 'schedule.account_ids');
    const v = await ctx.admin.ok('POST', `/projects/${pid}/campaigns`, direct({ body: 'Hi {{nickname}}' }), 201);
    const varErr = await ctx.admin.post(`/projects/${pid}/campaigns/${v.id}/launch`, {});
    assertError(varErr, 400, 'validation_failed', 'body');
    assert.match(varErr.body.error.message, /column/);
    const again = await ctx.admin.ok('GET', `/projects/${pid}/campaigns/${c.id}`);
    assert.equal(again.status, 'draft');
    assert.equal(again.progress.planned, 0);
    assert.deepEqual((await ctx.admin.ok('GET', `/projects/${pid}/campaigns/${c.id}/messages`)).items, []);
    await ctx.admin.ok('DELETE', `/projects/${pid}/campaigns/${v.id}`, undefined, 204);
  });

  test('roles: a viewer reads campaigns and estimates, but cannot create, launch or pause', async () => {
    const c = await ctx.admin.ok('POST', `/projects/${pid}/campaigns`, direct({ name: 'Viewer sees this' }), 201);
    assert.equal((await viewer.client.ok('GET', `/projects/${pid}/campaigns/${c.id}`)).name, 'Viewer sees this');
    await viewer.client.ok('POST', `/projects/${pid}/campaigns/estimate`, direct());
    assertError(await viewer.client.post(`/projects/${pid}/campaigns`, direct()), 403, 'forbidden');
    assertError(await viewer.client.post(`/projects/${pid}/campaigns/${c.id}/launch`, {}), 403, 'forbidden');
    assertError(await viewer.client.post(`/projects/${pid}/campaigns/${c.id}/pause`, {}), 403, 'forbidden');
    assertError(await viewer.client.post(`/projects/${pid}/templates`, { name: 'x', body: 'y' }), 403, 'forbidden');
  });

  test('a direct campaign sends on the simulator to the opted-in contacts only, shows progress and completes', { timeout: 90_000 }, async () => {
    const ws = await connectWs(ctx.server, { cookie: ctx.admin.cookie });
    await ws.subscribe(pid);
    // The spawned connector may still be starting on a loaded machine: linking before it is up is a 409.
    await waitConnector(ctx.admin);
    ({ account } = await linkSim(ctx.admin, ws, pid, await createAccount(ctx.admin, pid, { engine: 'sim' })));
    // The estimate: 2 selected, the unknown and the opted-out contact excluded with their reasons.
    const est = await ctx.admin.ok('POST', `/projects/${pid}/campaigns/estimate`, direct());
    assert.equal(est.targets.selected, 2, JSON.stringify(est));
    const ex = Object.fromEntries(est.targets.excluded.map((e) => [e.reason, e.count]));
    // (the linked number's groups were synced meanwhile: their members are contacts of unknown consent too)
    assert.equal(ex.opted_out, 1, JSON.stringify(ex));
    assert.ok(ex.consent_unknown >= 1, JSON.stringify(ex));
    assert.deepEqual(Object.keys(ex).sort(), ['consent_unknown', 'opted_out']);
    assert.ok(est.targets.excluded.every((e) => e.message.length > 10));
    // A working day that ends soon on the core's clock (see lateZone).
    const draft = await ctx.admin.ok('POST', `/projects/${pid}/campaigns`, direct(), 201);
    await ctx.admin.ok('PATCH', `/projects/${pid}`, { time_zone: lateZone(draft.created_at), working_hours: [{ start: '00:00', end: '23:59' }], weekend_factor: 1 });
    const since = ws.mark();
    const launched = await ctx.admin.ok('POST', `/projects/${pid}/campaigns/${draft.id}/launch`, {});
    assert.equal(launched.status, 'running', JSON.stringify(launched));
    assert.equal(launched.progress.planned, 2);
    assert.equal(launched.progress.queued, 2);
    assertError(await ctx.admin.post(`/projects/${pid}/campaigns/${draft.id}/launch`, {}), 409, 'conflict', 'status');
    const done = await poll(() => ctx.admin.ok('GET', `/projects/${pid}/campaigns/${draft.id}`), (c) => c.status === 'completed',
      { timeout: 60_000, interval: 300, what: 'the campaign completed' });
    assert.equal(done.progress.sent, 2, JSON.stringify(done.progress));
    assert.equal(done.progress.failed, 0);
    assert.ok(done.completed_at);
    const msgs = await ctx.admin.ok('GET', `/projects/${pid}/campaigns/${draft.id}/messages?limit=1`);
    assert.equal(msgs.items.length, 1);
    assert.ok(msgs.next_cursor);
    const rest = await ctx.admin.ok('GET', `/projects/${pid}/campaigns/${draft.id}/messages?limit=1&cursor=${msgs.next_cursor}`);
    assert.equal(rest.items.length, 1);
    assert.equal(rest.next_cursor, null);
    const all = [...msgs.items, ...rest.items];
    assert.deepEqual(all.map((m) => m.target).sort(), ['919812377101@c.us', '919812377102@c.us']);
    for (const m of all) {
      assert.ok(['sent', 'delivered', 'read', 'replied'].includes(m.status), JSON.stringify(m));
      assert.equal(m.account_id, account.id);
      assert.equal(m.account_phone, account.phone);
      assert.ok(m.sent_at);
    }
    // Delivery acks from the simulator reach the messages (monotonic: delivered stays delivered).
    await poll(async () => (await ctx.admin.ok('GET', `/projects/${pid}/campaigns/${draft.id}`)).progress.delivered, (n) => n >= 1,
      { timeout: 15_000, what: 'a delivery ack' });
    const ev = await ws.next((m) => isEvent('campaign.progress', pid)(m) && m.data.campaign_id === draft.id && m.data.status === 'completed',
      { since, timeout: 5000, what: 'campaign.progress completed' });
    assert.equal(ev.data.progress.planned, 2);
    assertError(await ctx.admin.post(`/projects/${pid}/campaigns/${draft.id}/pause`, {}), 409, 'conflict', 'status');
    assertError(await ctx.admin.patch(`/projects/${pid}/campaigns/${draft.id}`, { name: 'x' }), 409, 'conflict', 'status');
  });

  test('pause, resume and cancel act on the queued messages; a target that selects nobody is a 400', async () => {
    assert.ok(account, 'needs the linked account of the previous test');
    const none = await ctx.admin.ok('POST', `/projects/${pid}/campaigns`, direct({ body: 'Hello {{first_name}}, a note for our friends in Nowhere.', targeting: { contacts: { filter: { region: 'Nowhere' } } } }), 201);
    assertError(await ctx.admin.post(`/projects/${pid}/campaigns/${none.id}/launch`, {}), 400, 'validation_failed', 'targeting');
    // Tomorrow (on the core's clock: the preview's first day), so nothing goes out while we look.
    const probe = await ctx.admin.ok('POST', `/projects/${pid}/campaigns/estimate`, direct());
    const day = new Date(`${probe.plan.days[0].date}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 2);
    const c = await ctx.admin.ok('POST', `/projects/${pid}/campaigns`, direct({ name: 'Later', body: 'Dear {{first_name}}, the dealer meet moved to Sunday; reply YES to keep your seat.', schedule: { start_date: day.toISOString().slice(0, 10) } }), 201);
    const pv = await ctx.admin.ok('GET', `/projects/${pid}/campaigns/${c.id}/preview`);
    assert.equal(pv.plan.total, 2);
    assert.equal(pv.plan.days[0].accounts[0].account_id, account.id);
    const launched = await ctx.admin.ok('POST', `/projects/${pid}/campaigns/${c.id}/launch`, {});
    assert.equal(launched.status, 'scheduled');
    const paused = await ctx.admin.ok('POST', `/projects/${pid}/campaigns/${c.id}/pause`, {});
    assert.equal(paused.status, 'paused');
    assert.match(paused.status_reason, /paused by/);
    assertError(await ctx.admin.post(`/projects/${pid}/campaigns/${c.id}/pause`, {}), 409, 'conflict', 'status');
    assert.equal((await ctx.admin.ok('POST', `/projects/${pid}/campaigns/${c.id}/resume`, {})).status, 'scheduled');
    const cancelled = await ctx.admin.ok('POST', `/projects/${pid}/campaigns/${c.id}/cancel`, {});
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.progress.cancelled, 2);
    const msgs = await ctx.admin.ok('GET', `/projects/${pid}/campaigns/${c.id}/messages?status=cancelled`);
    assert.equal(msgs.items.length, 2);
    assertError(await ctx.admin.post(`/projects/${pid}/campaigns/${c.id}/resume`, {}), 409, 'conflict', 'status');
    const list = await ctx.admin.ok('GET', `/projects/${pid}/campaigns?status=cancelled`);
    assert.ok(list.items.some((x) => x.id === c.id));
    assertError(await ctx.admin.get(`/projects/${pid}/campaigns?status=nope`), 400, 'validation_failed', 'status');
    const audit = await ctx.admin.ok('GET', `/projects/${pid}/audit?kind=campaign`);
    const actions = new Set(audit.items.map((i) => i.action));
    for (const a of ['campaign.created', 'campaign.launched', 'campaign.paused', 'campaign.resumed', 'campaign.cancelled', 'campaign.completed']) {
      assert.ok(actions.has(a), `audit lacks ${a}: ${[...actions].join(', ')}`);
    }
  });
}, { env: ENV });
