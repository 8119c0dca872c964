// Issue 7, contacts over HTTP on both backends: CSV import as a job with its rejected-rows report,
// files refused as a whole with nothing written, search filters and keyset pages, CSV export,
// consent changes, the global suppression list, privacy export and erasure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { assertError, newProject } from './lib/client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function importCsv(client, pid, csv, headers = { 'content-type': 'text/csv' }) {
  return client.request('POST', `/projects/${pid}/contacts/import`, undefined, { raw: csv, headers });
}

async function waitJob(client, pid, jobId) {
  const until = Date.now() + 20_000;
  for (;;) {
    const job = await client.ok('GET', `/projects/${pid}/jobs/${jobId}`);
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    assert.ok(Date.now() < until, `job ${jobId} still ${job.status}`);
    await sleep(100);
  }
}

async function search(client, pid, query = '') {
  return client.ok('GET', `/projects/${pid}/contacts${query ? `?${query}` : ''}`);
}

const GOOD = [
  'phone,name,tags,region,consent,consent_source,shop',
  '+91 98000 10001,Ravi Kumar,"broiler, fair-2026",Namakkal,opted_in,stall sign-up sheet,Ravi Feeds',
  '09800010002,"Meena, S.",fair-2026,Erode,,,',
  '98000-10003,"Line one',
  'line two",,Salem,,,',
  '12345,Bad Number,,,,,',
  '98000 10004,Wrong Consent,,,maybe,,',
  '98000 10005,No Evidence,,,opted_in,,',
  '+91 98000 10001,Duplicate,,,,,',
].join('\r\n');

describeBackends('contacts', (ctx) => {
  let pid;
  ctx.setup(async () => {
    pid = (await newProject(ctx.admin)).id;
  });

  test('a CSV import answers 202 with a job whose report names every rejected line', async () => {
    const res = await importCsv(ctx.admin, pid, `\uFEFF${GOOD}`);
    assert.equal(res.status, 202, res.describe());
    assert.ok(Number.isInteger(res.body.id));
    const job = await waitJob(ctx.admin, pid, res.body.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.equal(job.counts.created, 3);
    assert.equal(job.counts.rejected, 4);
    assert.deepEqual(job.rejected.map((r) => r.line), [6, 7, 8, 9]);
    assert.match(job.rejected[0].reason, /invalid phone "12345": too few digits/);
    assert.match(job.rejected[1].reason, /consent "maybe"/);
    assert.match(job.rejected[2].reason, /consent_source/);
    assert.match(job.rejected[3].reason, /already on line 2/);
    assert.equal(job.progress.done, job.progress.total);
    const all = await search(ctx.admin, pid);
    assert.equal(all.total, 3);
    const ravi = all.items.find((c) => c.phone === '+919800010001');
    assert.equal(ravi.name, 'Ravi Kumar');
    assert.equal(ravi.consent, 'opted_in');
    assert.deepEqual(ravi.tags, ['broiler', 'fair-2026']);
    const quoted = all.items.find((c) => c.phone === '+919800010003');
    assert.equal(quoted.region, 'Salem');
    const detail = await ctx.admin.ok('GET', `/projects/${pid}/contacts/${ravi.id}`);
    assert.equal(detail.attributes.shop, 'Ravi Feeds');
    assert.equal(detail.consent_history[0].evidence.consent_source, 'stall sign-up sheet');
  });

  test('files that are unusable as a whole are refused and change nothing', async () => {
    const before = (await search(ctx.admin, pid)).total;
    assertError(await importCsv(ctx.admin, pid, ''), 400, 'validation_failed', 'body');
    assertError(await importCsv(ctx.admin, pid, Buffer.from('phone,name\n9800010009,Jos\xe9\n', 'latin1')), 400, 'validation_failed', 'body');
    const noPhone = await importCsv(ctx.admin, pid, 'name,city\nRavi,Salem\n');
    assertError(noPhone, 400, 'validation_failed', 'header');
    assert.match(noPhone.body.error.message, /no phone column/);
    assertError(await importCsv(ctx.admin, pid, 'phone,name\n'), 400, 'validation_failed', 'body');
    const open = await importCsv(ctx.admin, pid, 'phone,name\n9800010010,"never closed\n9800010011,x\n');
    assertError(open, 400, 'validation_failed', 'body');
    assert.match(open.body.error.message, /line 2/);
    assert.equal((await search(ctx.admin, pid)).total, before);
  });

  test('Google Contacts and Outlook exports are recognised as they are, several phones per person', async () => {
    const google = [
      'Name,Given Name,Family Name,Group Membership,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value',
      'Asha Devi,Asha,Devi,* myContacts ::: Dealers,Mobile,+91 98000 20001 ::: +91 98000 20002,Work,044 2811 0000',
    ].join('\n');
    const g = await importCsv(ctx.admin, pid, google);
    assert.equal(g.status, 202, g.describe());
    assert.equal(g.body.format, 'google');
    assert.equal((await waitJob(ctx.admin, pid, g.body.id)).counts.created, 1);
    const outlook = 'First Name,Middle Name,Last Name,Business Phone,Mobile Phone,Categories\nKarthik,,Raja,,98000 20003,Farmers\n';
    const o = await importCsv(ctx.admin, pid, outlook);
    assert.equal(o.body.format, 'outlook');
    await waitJob(ctx.admin, pid, o.body.id);
    const asha = (await search(ctx.admin, pid, 'q=Asha')).items[0];
    assert.equal(asha.phone, '+919800020001');
    assert.deepEqual(asha.tags, ['Dealers']);
    const detail = await ctx.admin.ok('GET', `/projects/${pid}/contacts/${asha.id}`);
    assert.deepEqual(detail.attributes.other_phones, ['+919800020002', '+914428110000']);
    const karthik = (await search(ctx.admin, pid, 'q=98000%2020003')).items[0];
    assert.equal(karthik.name, 'Karthik Raja');
  });

  test('a multipart upload from the dashboard is read like a text/csv body', async () => {
    const boundary = '----sangam7';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\n` +
      `phone,name\r\n9800030001,Multi Part\r\n--${boundary}--\r\n`;
    const res = await importCsv(ctx.admin, pid, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    assert.equal(res.status, 202, res.describe());
    await waitJob(ctx.admin, pid, res.body.id);
    assert.equal((await search(ctx.admin, pid, 'q=Multi')).items[0].phone, '+919800030001');
  });

  test('search filters, sorts and pages by keyset with a total; bad parameters name themselves', async () => {
    const page1 = await search(ctx.admin, pid, 'limit=2&sort=name');
    assert.equal(page1.items.length, 2);
    assert.ok(page1.next_cursor);
    const page2 = await search(ctx.admin, pid, `limit=2&sort=name&cursor=${encodeURIComponent(page1.next_cursor)}`);
    const names = [...page1.items, ...page2.items].map((c) => c.name.toLowerCase());
    assert.deepEqual(names, [...names].sort());
    assert.equal(new Set([...page1.items, ...page2.items].map((c) => c.id)).size, 4);
    assert.equal((await search(ctx.admin, pid, 'tag=fair-2026')).total, 2);
    assert.equal((await search(ctx.admin, pid, 'consent=opted_in')).total, 1);
    assert.equal((await search(ctx.admin, pid, 'region=Erode')).items[0].phone, '+919800010002');
    assert.equal((await search(ctx.admin, pid, 'q=ravi')).items[0].name, 'Ravi Kumar');
    for (const [q, field] of [['consent=maybe', 'consent'], ['limit=0', 'limit'], ['min_confidence=101', 'min_confidence'],
      ['contacted_before=yesterday', 'contacted_before'], ['sort=phone', 'sort'], ['cursor=xyz', 'cursor'], ['min_engagement=-1', 'min_engagement']])
      assertError(await ctx.admin.get(`/projects/${pid}/contacts?${q}`), 400, 'validation_failed', field);
  });

  test('a CSV above the 1 MiB request limit imports; totals past 10,000 say 10,000+ unless asked exactly', async () => {
    const big = (await newProject(ctx.admin)).id;
    const rows = ['phone,name,shop'];
    // 10,050 rows of ~105 bytes: 1.05 MB, above SANGAM_MAX_BODY_BYTES, below SANGAM_MAX_UPLOAD_BYTES.
    for (let i = 0; i < 10_050; i++) rows.push(`+9197${String(10_000_000 + i)},Member ${i},${'Shop '.repeat(16)}${i}`);
    const csv = rows.join('\n');
    assert.ok(Buffer.byteLength(csv) > 1024 * 1024, `${Buffer.byteLength(csv)} bytes`);
    const res = await importCsv(ctx.admin, big, csv);
    assert.equal(res.status, 202, res.describe());
    const job = await waitJob(ctx.admin, big, res.body.id);
    assert.equal(job.counts.created, 10_050, JSON.stringify(job.counts));
    const capped = await search(ctx.admin, big, 'limit=5');
    assert.equal(capped.total, 10_000);
    assert.equal(capped.total_capped, true);
    const exact = await search(ctx.admin, big, 'limit=5&total=exact');
    assert.equal(exact.total, 10_050);
    assert.equal(exact.total_capped, false);
    const few = await search(ctx.admin, big, 'q=Member%20999');
    assert.equal(few.total_capped, false);
    assert.equal(few.total, 11);  // Member 999 and Member 9990…9999
    assertError(await ctx.admin.get(`/projects/${big}/contacts?total=some`), 400, 'validation_failed', 'total');
    // Every other route keeps the 1 MiB limit.
    const huge = await ctx.admin.request('PATCH', `/projects/${big}`, undefined,
      { raw: JSON.stringify({ name: 'x'.repeat(1100 * 1024) }), headers: { 'content-type': 'application/json' } });
    assertError(huge, 413, 'payload_too_large');
  });

  test('a filtered list exports as CSV that imports back', async () => {
    const res = await ctx.admin.get(`/projects/${pid}/contacts/export?tag=fair-2026`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/csv/);
    const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], 'phone,name,consent,persona,persona_confidence,engagement,region,tags,lid');
    assert.equal(lines.length, 3);
    assert.ok(lines.some((l) => l.startsWith('+919800010002,"Meena, S.",')));
  });

  test('consent changes need a known state and evidence for an opt-in; an opt-out is never undone by a CSV', async () => {
    const c = (await search(ctx.admin, pid, 'q=Meena')).items[0];
    const path = `/projects/${pid}/contacts/${c.id}/consent`;
    assertError(await ctx.admin.post(path, { state: 'subscribed' }), 400, 'validation_failed', 'state');
    assertError(await ctx.admin.post(path, { state: 'opted_in' }), 400, 'validation_failed', 'evidence');
    const out = await ctx.admin.ok('POST', path, { state: 'opted_out', evidence: { note: 'asked by phone call 2026-11-30' } });
    assert.equal(out.consent, 'opted_out');
    const again = await importCsv(ctx.admin, pid, 'phone,consent,consent_source\n09800010002,opted_in,old list\n');
    const job = await waitJob(ctx.admin, pid, again.body.id);
    assert.equal(job.counts.rejected, 1);
    assert.match(job.rejected[0].reason, /opted out|suppression/);
    assert.equal((await ctx.admin.ok('GET', `/projects/${pid}/contacts/${c.id}`)).consent, 'opted_out');
    const back = await ctx.admin.ok('POST', path, { state: 'opted_in', evidence: { form: 'signed up again at the stall' } });
    assert.equal(back.consent, 'opted_in');
  });

  test('a suppressed number is opted out in every project and comes in opted out', async () => {
    const other = (await newProject(ctx.admin)).id;
    assertError(await ctx.admin.post('/suppressions', { phone: '12' }), 400, 'validation_failed', 'phone');
    assertError(await ctx.admin.post('/suppressions', { phone: '9800010003', reason: 'because' }), 400, 'validation_failed', 'reason');
    await ctx.admin.ok('POST', '/suppressions', { phone: '+91 98000 10003' }, 201);
    assert.equal((await search(ctx.admin, pid, 'q=9800010003')).items[0].consent, 'opted_out');
    const r = await importCsv(ctx.admin, other, 'phone\n9800010003\n');
    await waitJob(ctx.admin, other, r.body.id);
    assert.equal((await search(ctx.admin, other)).items[0].consent, 'opted_out');
  });

  test('privacy: export gives everything about one contact; erasure leaves only a hash', async () => {
    const c = (await search(ctx.admin, pid, 'q=Ravi')).items[0];
    const exp = await ctx.admin.ok('GET', `/projects/${pid}/contacts/${c.id}/export`);
    for (const k of ['phone', 'name', 'memberships', 'consent_history', 'messages', 'attributes']) assert.ok(k in exp, k);
    const res = await ctx.admin.del(`/projects/${pid}/contacts/${c.id}`);
    assert.equal(res.status, 204, res.describe());
    assertError(await ctx.admin.get(`/projects/${pid}/contacts/${c.id}`), 404, 'not_found');
    const r = await importCsv(ctx.admin, pid, 'phone,name,consent,consent_source\n+91 98000 10001,Ravi Again,opted_in,new form\n');
    const job = await waitJob(ctx.admin, pid, r.body.id);
    assert.equal(job.counts.rejected, 1, JSON.stringify(job));
    const plain = await importCsv(ctx.admin, pid, 'phone,name\n+91 98000 10001,Ravi Again\n');
    await waitJob(ctx.admin, pid, plain.body.id);
    assert.equal((await search(ctx.admin, pid, 'q=Ravi Again')).items[0].consent, 'opted_out');
  });

  test('opt-out words are configurable per project, with field-named errors', async () => {
    const words = await ctx.admin.ok('GET', `/projects/${pid}/opt-out-words`);
    assert.ok(words.keywords.includes('stop') && words.keywords.includes('band karo') && words.keywords.includes('நிறுத்து'));
    assertError(await ctx.admin.put(`/projects/${pid}/opt-out-words`, { keywords: ['ok', '!!'] }), 400, 'validation_failed', 'keywords[1]');
    const set = await ctx.admin.ok('PUT', `/projects/${pid}/opt-out-words`, { confirmation: 'Done, no more messages.' });
    assert.equal(set.confirmation, 'Done, no more messages.');
  });
});
