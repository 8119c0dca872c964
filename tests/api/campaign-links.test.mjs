// Issue 9 items 3 and 8 over HTTP on both backends: a direct campaign that really sends on the
// simulated network carries each contact's own short link (in the message WhatsApp carried, not only
// in the outbox); following it 302s to the target with UTM parameters and records a click with the
// contact and the campaign; a link-preview fetch is not a click; a tampered code is a 404 page. The
// project's webhook receives campaign.completed and campaign.paused (with the reason), signed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import path from 'node:path';
import { describeBackends } from './lib/harness.mjs';
import { newProject } from './lib/client.mjs';
import { connectWs } from './lib/ws.mjs';
import { ACCOUNT_ENV, createAccount, poll, linkSim, waitConnector } from './lib/accounts.mjs';
import { carried, sql } from './lib/outbox.mjs';

const LEDGER = 'sim-network.jsonl';  // relative: the connector runs in the server's data dir
const ENV = { ...ACCOUNT_ENV, SANGAM_CLOCK_SPEED: '120', SANGAM_SIM_SPEED: '0.5', SANGAM_KEEPALIVE_MS: '600000',
  SANGAM_TEST_RELAXED_POLICY: '1', SANGAM_SIM_LEDGER: LEDGER };
const CHROME = 'Mozilla/5.0 (Linux; Android 14; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36';
const CSV = 'phone,name,consent,consent_source\n+91 98123 88101,Asha Devi,opted_in,stall sheet\n+91 98123 88102,Babu Rao,opted_in,stall sheet\n';

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

// A webhook receiver on the loopback: keeps every delivery (headers and raw body), answers 200.
function receiver() {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { got.push({ headers: req.headers, body, json: JSON.parse(body) }); res.end('ok'); });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ got, url: `http://127.0.0.1:${server.address().port}/hook`, close: () => server.close() })));
}

describeBackends('campaign links and webhooks', (ctx) => {
  let pid, rx, secret;
  ctx.setup(async () => {
    pid = (await newProject(ctx.admin, { default_region: 'IN' })).id;
    const imp = await ctx.admin.request('POST', `/projects/${pid}/contacts/import`, undefined, { raw: CSV, headers: { 'content-type': 'text/csv' } });
    assert.equal(imp.status, 202, imp.describe());
    await poll(() => ctx.admin.ok('GET', `/projects/${pid}/jobs/${imp.body.id}`), (j) => j.status === 'succeeded', { timeout: 20_000, what: 'the import' });
    const ws = await connectWs(ctx.server, { cookie: ctx.admin.cookie });
    await ws.subscribe(pid);
    // The spawned connector may still be starting on a loaded machine: linking before it is up is a 409.
    await waitConnector(ctx.admin);
    await linkSim(ctx.admin, ws, pid, await createAccount(ctx.admin, pid, { engine: 'sim' }));
    await ctx.admin.ok('PATCH', `/projects/${pid}`, { working_hours: [{ start: '00:00', end: '23:59' }], weekend_factor: 1 });
    rx = await receiver();
    const hook = await ctx.admin.ok('POST', `/projects/${pid}/webhooks`,
      { url: rx.url, events: ['campaign.completed', 'campaign.paused'], allow_private: true }, 201);
    secret = hook.secret;
  });

  const signed = (d) => d.headers['x-sangam-signature'] === `sha256=${crypto.createHmac('sha256', secret).update(d.body).digest('hex')}`;

  test('a sent direct message carries the contact\'s own short link; its click counts, a preview does not, a tampered code is a 404 page', { timeout: 90_000 }, async () => {
    const c = await ctx.admin.ok('POST', `/projects/${pid}/campaigns`, {
      name: 'Feed chart', kind: 'direct', body: 'Hi {{first_name}}, our winter feed chart: https://poultrycare.example/chart?ref=wa. Reply STOP to stop.',
      targeting: { contacts: { filter: {} } }, schedule: {},
    }, 201);
    // A working day that ends soon on the core's clock (lateZone), so the plan takes seconds.
    await ctx.admin.ok('PATCH', `/projects/${pid}`, { time_zone: lateZone(c.created_at) });
    await ctx.admin.ok('POST', `/projects/${pid}/campaigns/${c.id}/launch`, {});
    await poll(() => ctx.admin.ok('GET', `/projects/${pid}/campaigns/${c.id}`), (x) => x.status === 'completed',
      { timeout: 60_000, interval: 300, what: 'the campaign completed' });
    const rows = await sql(ctx.server, `SELECT contact_id, content FROM outbox WHERE campaign_id = ${c.id} ORDER BY contact_id`);
    assert.equal(rows.length, 2);
    const shortLink = new RegExp(`${ctx.server.base.replace(/[.]/g, '\\.')}/r/([A-Za-z0-9]+)`);
    const codes = rows.map((r) => JSON.parse(r.content).text.match(shortLink)?.[1]);
    assert.ok(codes.every(Boolean), JSON.stringify(rows));
    assert.notEqual(codes[0], codes[1]);
    // What WhatsApp carried is the tracked link, not the target.
    const net = carried(path.join(ctx.server.dataDir, LEDGER));
    assert.ok(net.some((m) => String(m.body).includes(`/r/${codes[0]}`)), JSON.stringify(net.slice(-3)));
    assert.ok(!net.some((m) => String(m.body).includes('poultrycare.example')));

    const go = (code, ua) => fetch(`${ctx.server.base}/r/${code}`, { redirect: 'manual', headers: { 'user-agent': ua } });
    assert.equal((await go(codes[0], 'WhatsApp/2.24.1.6 A')).status, 302);
    const click = await go(codes[0], CHROME);
    assert.equal(click.status, 302);
    const to = new URL(click.headers.get('location'));
    assert.equal(to.host, 'poultrycare.example');
    assert.equal(to.searchParams.get('ref'), 'wa');
    assert.equal(to.searchParams.get('utm_source'), 'whatsapp');
    assert.equal(to.searchParams.get('utm_medium'), 'direct');
    assert.equal(to.searchParams.get('utm_campaign'), `campaign-${c.id}`);
    const last = codes[0].at(-1) === 'A' ? 'B' : 'A';
    const tampered = await go(codes[0].slice(0, -1) + last, CHROME);
    assert.equal(tampered.status, 404);
    assert.equal(tampered.headers.get('location'), null);
    assert.match(tampered.headers.get('content-type'), /text\/html/);
    assert.match(await tampered.text(), /does not work/);

    // A range of days around now: the zone changed above (lateZone) after the event writer had read
    // the project's old zone, so its day may be one off the dashboard's "today".
    const day = (d) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const table = () => ctx.admin.ok('GET', `/projects/${pid}/analytics/campaigns?from=${day(-3)}&to=${day(3)}`);
    let row;
    try {
      row = await poll(async () => (await table()).items.find((x) => x.campaign_id === c.id),
        (x) => x && x.clicks >= 1, { timeout: 10_000, what: 'the click in the campaign table' });
    } catch (err) {
      const dump = await sql(ctx.server, `SELECT kind, at, campaign_id, contact_id, data FROM analytics_events WHERE project_id = ${pid} ORDER BY id DESC LIMIT 8`);
      const roll = await sql(ctx.server, `SELECT dim, dim_id, day, sent, clicks FROM analytics_rollups WHERE project_id = ${pid}`);
      throw new Error(`${err.message}; events ${JSON.stringify(dump)}; rollups ${JSON.stringify(roll)}; table ${JSON.stringify(await table())}`);
    }
    assert.equal(row.clicks, 1);  // the preview fetch is not a click
    const ev = await sql(ctx.server, `SELECT contact_id, campaign_id, account_id FROM analytics_events WHERE project_id = ${pid} AND kind = 'click'`);
    assert.equal(ev.length, 1);
    assert.equal(Number(ev[0].contact_id), Number(rows[0].contact_id));
    assert.equal(Number(ev[0].campaign_id), c.id);
    assert.ok(ev[0].account_id);

    const done = await poll(async () => rx.got.filter((d) => d.json.event === 'campaign.completed' && d.json.data.id === c.id), (l) => l.length >= 1,
      { timeout: 15_000, what: 'the campaign.completed webhook' });
    assert.equal(done.length, 1);
    assert.ok(signed(done[0]));
    assert.equal(done[0].json.data.status, 'completed');
    assert.equal(done[0].json.data.progress.sent, 2);
  });

  test('pausing a campaign tells the webhook with the reason', { timeout: 30_000 }, async () => {
    const probe = await ctx.admin.ok('POST', `/projects/${pid}/campaigns/estimate`,
      { name: 'x', kind: 'direct', body: 'x', targeting: { contacts: { filter: {} } }, schedule: {} });
    const day = new Date(`${probe.plan.days[0].date}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 2);  // later, so nothing goes out meanwhile
    const c = await ctx.admin.ok('POST', `/projects/${pid}/campaigns`, {
      name: 'Dealer meet', kind: 'direct', body: 'Dear {{first_name}}, the dealer meet moved to Sunday; reply YES to keep your seat.',
      targeting: { contacts: { filter: {} } }, schedule: { start_date: day.toISOString().slice(0, 10) },
    }, 201);
    await ctx.admin.ok('POST', `/projects/${pid}/campaigns/${c.id}/launch`, {});
    await ctx.admin.ok('POST', `/projects/${pid}/campaigns/${c.id}/pause`, {});
    const got = await poll(async () => rx.got.filter((d) => d.json.event === 'campaign.paused' && d.json.data.id === c.id), (l) => l.length >= 1,
      { timeout: 15_000, what: 'the campaign.paused webhook' });
    assert.ok(signed(got[0]));
    assert.match(got[0].json.data.status_reason, /paused by/);
    const log = await ctx.admin.ok('GET', `/projects/${pid}/webhooks`);
    assert.equal(log.items.length, 1);
    rx.close();
  });
}, { env: ENV });
