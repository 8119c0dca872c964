// Issue 9 items 3-4 over HTTP on both backends: website lead intake signed with the project's lead
// secret (tampered bodies, wrong secrets, missing signatures refused with 401; bad fields 400 naming
// them; a replayed submission answers the first result, stored once), leads by hand and by CSV, and
// the /r/{code} short link (302 with UTM, previews recorded but not counted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describeBackends } from './lib/harness.mjs';
import { assertError, newProject, Client } from './lib/client.mjs';
import { poll } from './lib/accounts.mjs';

const sign = (secret, raw) => `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;

describeBackends('leads and short links', (ctx) => {
  let pid, secret, anon;
  ctx.setup(async () => {
    pid = (await newProject(ctx.admin, { default_region: 'IN' })).id;
    secret = (await ctx.admin.ok('GET', `/projects/${pid}/analytics/lead-secret`)).secret;
    anon = new Client(ctx.server, null);
  });
  // A form server posts without a session or an Origin.
  const intake = (raw, signature) => anon.request('POST', `/projects/${pid}/leads`, undefined, {
    raw, origin: false, headers: signature === undefined ? {} : { 'x-sangam-signature': signature },
  });
  const count = async () => (await ctx.admin.ok('GET', `/projects/${pid}/leads?limit=200`)).items.length;

  test('a signed submission is stored once; its replay answers the first result', async () => {
    const raw = JSON.stringify({ submission_id: 'web-1', phone: '098000 20001', form: 'contact', product: 'Layer feed',
      submitted_at: '2026-01-05T10:00:00+05:30', page: '/feeds', utm: { source: 'whatsapp', custom_key: 'kept' } });
    const first = await intake(raw, sign(secret, raw));
    assert.equal(first.status, 201, first.describe());
    assert.equal(first.body.phone, '+919800020001');
    assert.equal(first.body.submitted_at, '2026-01-05T04:30:00Z');
    assert.equal(first.body.utm.utm_custom_key, 'kept');
    assert.equal(first.body.quality, 'cold');  // no contact with that number yet
    const again = await intake(raw, sign(secret, raw));
    assert.equal(again.status, 200, again.describe());
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.body.created, false);
    assert.equal(await count(), 1);
  });

  test('forged, missing and malformed signatures are refused with 401 and store nothing', async () => {
    const before = await count();
    const raw = JSON.stringify({ submission_id: 'web-2', phone: '+919800020002' });
    const tampered = raw.replace('20002', '20003');
    assertError(await intake(tampered, sign(secret, raw)), 401, 'unauthorized', 'X-Sangam-Signature');
    assertError(await intake(raw, sign('not-the-secret', raw)), 401, 'unauthorized');
    assertError(await intake(raw, undefined), 401, 'unauthorized');
    const malformed = await intake(raw, 'md5=abc');
    assertError(malformed, 401, 'unauthorized');
    assert.match(malformed.body.error.message, /malformed|sha256/i);
    assert.equal(await count(), before);
  });

  test('bad fields answer 400 naming each of them, and nothing is stored', async () => {
    const before = await count();
    const raw = JSON.stringify({ submission_id: 'web-3', phone: '12345', submitted_at: '2099-01-01T00:00:00Z' });
    const res = await intake(raw, sign(secret, raw));
    assertError(res, 400, 'validation_failed');
    const fields = (res.body.error.errors ?? [res.body.error]).map((e) => e.field).sort();
    assert.deepEqual(fields, ['phone', 'submitted_at'], res.describe());
    assert.equal(await count(), before);
  });

  test('a rotated secret stops the old one at once', async () => {
    const fresh = (await ctx.admin.ok('POST', `/projects/${pid}/analytics/lead-secret`)).secret;
    assert.notEqual(fresh, secret);
    const raw = JSON.stringify({ submission_id: 'web-4', phone: '+919800020004' });
    assertError(await intake(raw, sign(secret, raw)), 401, 'unauthorized');
    assert.equal((await intake(raw, sign(fresh, raw))).status, 201);
    secret = fresh;
  });

  test('a lead entered by hand and a CSV of leads (all or nothing, re-import finds the same leads)', async () => {
    const manual = await ctx.admin.post(`/projects/${pid}/leads/manual`, { phone: '+91 98000 20010', form: 'phone call', fields: { demo_requested: true } });
    assert.equal(manual.status, 201, manual.describe());
    assert.equal(manual.body.quality, 'hot');
    assert.equal(manual.body.source, 'manual');
    const before = await count();
    const csv = (text) => ctx.admin.request('POST', `/projects/${pid}/leads/import`, undefined, { raw: text, headers: { 'content-type': 'text/csv' } });
    const bad = await csv('phone,form\n+919800020011,expo\nnot a number,expo\n');
    assertError(bad, 400, 'validation_failed');
    assert.match(bad.body.error.message, /line 3/);
    assert.equal(await count(), before);
    const good = 'phone,form,utm_source\n+919800020011,expo,stall\n09800020012,expo,stall\n';
    assert.deepEqual((await csv(good)).body, { created: 2, duplicates: 0 });
    assert.deepEqual((await csv(good)).body, { created: 0, duplicates: 2 });
    assert.equal(await count(), before + 2);
  });

  test('a short link redirects with UTM; a click counts, a link preview does not', async () => {
    const made = await ctx.admin.post(`/projects/${pid}/links`, { url: 'https://example.com/offer?x=1', campaign_id: 5 });
    assert.equal(made.status, 201, made.describe());
    assert.match(made.body.code, /^[A-Za-z0-9]{12}$/);
    const go = (ua) => fetch(`${ctx.server.base}/r/${made.body.code}`, { redirect: 'manual', headers: { 'user-agent': ua } });
    const preview = await go('WhatsApp/2.24.1.6 A');
    assert.equal(preview.status, 302);
    const click = await go('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/124 Mobile Safari/537.36');
    assert.equal(click.status, 302);
    const to = new URL(click.headers.get('location'));
    assert.equal(to.host, 'example.com');
    assert.equal(to.searchParams.get('x'), '1');
    assert.equal(to.searchParams.get('utm_source'), 'whatsapp');
    assert.equal(to.searchParams.get('utm_campaign'), 'campaign-5');
    assert.equal((await fetch(`${ctx.server.base}/r/AAAAAAAAAAAA`, { redirect: 'manual' })).status, 404);
    const row = await poll(async () => (await ctx.admin.ok('GET', `/projects/${pid}/analytics/campaigns`)).items.find((c) => c.campaign_id === 5),
      (c) => c && c.clicks === 1, { timeout: 5000, what: 'the click in the campaign table' });
    assert.equal(row.clicks, 1);
  });

  test('a link to something that is not http(s) is refused', async () => {
    assertError(await ctx.admin.post(`/projects/${pid}/links`, { url: 'javascript:alert(1)' }), 400, 'validation_failed', 'url');
  });
});
