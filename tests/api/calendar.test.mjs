// The content calendar over HTTP on both backends (issue 10 items 8-9), on the simulated network: a
// recurring post's occurrences are planned into the outbox for the value-phase groups only; bad
// input names the field and changes nothing; an occurrence is moved, edited and skipped; at send
// time the dispatcher sends the post to a value-phase group and skips it, with the reason, for a
// group moved back to observation after planning. The core's clock runs 60× so minutes are seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { assertError, newProject } from './lib/client.mjs';
import { connectWs } from './lib/ws.mjs';
import { ACCOUNT_ENV, createAccount, linkSim, poll, waitConnector, waitGroups } from './lib/accounts.mjs';

const ENV = { ...ACCOUNT_ENV, SANGAM_CLOCK_SPEED: '60', SANGAM_SIM_SPEED: '0.5', SANGAM_KEEPALIVE_MS: '600000' };

const hhmm = (ms) => new Date(ms).toISOString().slice(11, 16);
const ymd = (ms) => new Date(ms).toISOString().slice(0, 10);

describeBackends('calendar', (ctx) => {
  // Setup links a number and waits for its group sync (up to 75 s on a loaded machine).
  let pid, account, ours, theirs;
  ctx.setup(async () => {
    // UTC and open all day: the test's times are the core clock's, whatever hour the test runs.
    pid = (await newProject(ctx.admin, { default_region: 'IN', time_zone: 'Etc/UTC', working_hours: [{ start: '00:00', end: '23:59' }], weekend_factor: 1 })).id;
    await waitConnector(ctx.admin);
    const ws = await connectWs(ctx.server, { cookie: ctx.admin.cookie });
    await ws.subscribe(pid);
    ({ account } = await linkSim(ctx.admin, ws, pid, await createAccount(ctx.admin, pid, { engine: 'sim' })));
    // Until both kinds are stored: a sync under load may have stored two admin groups and not yet the third.
    const both = (l) => l.items?.some((g) => g.accounts.some((a) => a.is_admin)) && l.items?.some((g) => g.accounts.every((a) => !a.is_admin));
    const groups = await waitGroups(ctx.admin, pid, '?kind=group', both, { what: 'a group where we are admin and one where we are not, synced' });
    ours = groups.items.find((g) => g.accounts.some((a) => a.is_admin));
    theirs = groups.items.find((g) => g.accounts.every((a) => !a.is_admin));
    assert.ok(ours && theirs, JSON.stringify(groups.items.map((g) => g.accounts)));
    // A joined group reaches its value-posts phase (by hand here; the rule takes 3 weeks).
    await ctx.admin.ok('PATCH', `/projects/${pid}/groups/${theirs.id}/accounts/${account.id}`, { phase: 'value' });
  });

  const entry = (extra = {}) => ({
    name: 'Wednesday product tip', kind: 'group_post', body: 'Tip for {{group}}: {clean|rinse} the water lines every week.',
    targeting: { groups: { ids: [ours.id, theirs.id] } }, recurrence: { weekdays: [1, 2, 3, 4, 5, 6, 7], time: '23:58' }, ...extra,
  });

  test('bad input names the field in words and stores nothing', async () => {
    const cases = [
      [{ recurrence: { weekdays: [0, 9], time: '10:00' } }, 'recurrence.weekdays', /1 = Monday/],
      [{ recurrence: { weekdays: [1], time: '7pm' } }, 'recurrence.time', /10:00/],
      [{ kind: 'direct' }, 'kind', /one-to-one/],
      [{ body: 'Hello {{nobody}}' }, 'body', /nobody/],
      [{ group_weekly_cap: 7 }, 'group_weekly_cap', /3/],
      [{ targeting: { contacts: { filter: {} } } }, 'targeting.contacts', /groups/],
    ];
    for (const [extra, field, words] of cases) {
      const res = await ctx.admin.post(`/projects/${pid}/calendar/entries`, entry(extra));
      assertError(res, 400, 'validation_failed', field);
      assert.match(res.body.error.message, words, res.describe());
    }
    const missing = await ctx.admin.post(`/projects/${pid}/calendar/entries`, { name: 'x', kind: 'group_post', body: 'Hi' });
    assertError(missing, 400, 'validation_failed', 'recurrence');
    assert.equal((await ctx.admin.ok('GET', `/projects/${pid}/calendar/entries`)).items.length, 0);
    assertError(await ctx.admin.get(`/projects/${pid}/calendar?week=next-week`), 400, 'validation_failed', 'week');
  });

  test('occurrences are planned a week ahead, moved, edited and skipped; the queued messages follow', async () => {
    const e = await ctx.admin.ok('POST', `/projects/${pid}/calendar/entries`, entry({ name: 'Daily tip' }), 201);
    assert.deepEqual(e.recurrence, { weekdays: [1, 2, 3, 4, 5, 6, 7], time: '23:58' });
    const now = Date.parse(e.created_at);
    // Two weeks of views hold the next 7 days' occurrences, one a day, each with a message per group.
    const a = await ctx.admin.ok('GET', `/projects/${pid}/calendar?week=${ymd(now)}`);
    const b = await ctx.admin.ok('GET', `/projects/${pid}/calendar?week=${a.next_week}`);
    const occ = [...a.occurrences, ...b.occurrences].filter((o) => o.entry_id === e.id);
    assert.ok(occ.length >= 6 && occ.length <= 7, JSON.stringify(occ.map((o) => o.date)));
    assert.equal(a.days.length, 7);
    assert.equal(a.days[0].weekday, 'Monday');
    // The per-group weekly cap (3): later days of a week are left out for both groups.
    const first = occ[0];
    assert.equal(first.status, 'planned');
    assert.equal(first.messages.queued, 2, JSON.stringify(first));
    // The card shows the post as a group gets it: a variant picked and the group's name filled in.
    assert.ok(first.sample && [ours.name, theirs.name].includes(first.sample.group), JSON.stringify(first.sample));
    assert.match(first.sample.text, new RegExp(`^Tip for ${first.sample.group.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (clean|rinse) the water lines every week\\.$`));
    assert.ok(occ.some((o) => o.excluded.some((x) => x.reason === 'weekly_cap')), 'the cap left some out');

    // Move it (the keyboard way: a date and a time) and edit its text.
    const target = ymd(Date.parse(`${first.date}T00:00:00Z`) + 86400_000);
    const moved = await ctx.admin.ok('PATCH', `/projects/${pid}/calendar/occurrences/${first.id}`, { date: target, time: '09:15' });
    assert.equal(moved.date, target);
    assert.equal(moved.time, '09:15');
    assert.equal(moved.planned_at, `${target}T09:15:00Z`);
    assert.equal(moved.messages.queued, 2);
    const edited = await ctx.admin.ok('PATCH', `/projects/${pid}/calendar/occurrences/${first.id}`, { body: 'Vaccination day in {{group}}' });
    assert.equal(edited.body, 'Vaccination day in {{group}}');
    assert.equal(edited.edited, true);
    assert.equal(edited.sample.text, `Vaccination day in ${edited.sample.group}`);
    // Bad moves change nothing.
    assertError(await ctx.admin.patch(`/projects/${pid}/calendar/occurrences/${first.id}`, { date: '2020-01-01' }), 400, 'validation_failed', 'date');
    assertError(await ctx.admin.patch(`/projects/${pid}/calendar/occurrences/${first.id}`, { time: '25:00' }), 400, 'validation_failed', 'time');
    assertError(await ctx.admin.patch(`/projects/${pid}/calendar/occurrences/${first.id}`, { when: 'later' }), 400, 'validation_failed', 'when');
    const week = await ctx.admin.ok('GET', `/projects/${pid}/calendar?week=${target}`);
    assert.equal(week.occurrences.find((o) => o.id === first.id).planned_at, `${target}T09:15:00Z`);
    // Skip it: its messages are skipped, with who did it.
    const skipped = await ctx.admin.ok('POST', `/projects/${pid}/calendar/occurrences/${first.id}/skip`, {});
    assert.equal(skipped.status, 'skipped');
    assert.equal(skipped.messages.skipped, 2);
    assert.equal(skipped.messages.queued, 0);
    assertError(await ctx.admin.post(`/projects/${pid}/calendar/occurrences/${first.id}/skip`, {}), 409, 'conflict', 'status');
    // Deleting the entry cancels what it planned.
    assert.equal((await ctx.admin.request('DELETE', `/projects/${pid}/calendar/entries/${e.id}`)).status, 204);
    const after = await ctx.admin.ok('GET', `/projects/${pid}/calendar?week=${ymd(now)}`);
    assert.equal(after.occurrences.filter((o) => o.entry_id === e.id).length, 0);
  });

  test('at send time: a value-phase group gets the post, a group moved back to observation is skipped with the reason', { timeout: 60_000 }, async () => {
    const e = await ctx.admin.ok('POST', `/projects/${pid}/calendar/entries`, entry({ name: 'Soon', recurrence: { weekdays: [1, 2, 3, 4, 5, 6, 7], time: '00:00' } }), 201);
    // Ten minutes ahead on the core's clock (10 s at 60×), today or, past midnight, tomorrow.
    const at = Date.parse(e.created_at) + 10 * 60_000;
    const patched = await ctx.admin.ok('PATCH', `/projects/${pid}/calendar/entries/${e.id}`, { recurrence: { weekdays: [1, 2, 3, 4, 5, 6, 7], time: hhmm(at) } });
    assert.equal(patched.recurrence.time, hhmm(at));
    const week = await ctx.admin.ok('GET', `/projects/${pid}/calendar?week=${ymd(at)}`);
    const o = week.occurrences.find((x) => x.entry_id === e.id && x.date === ymd(at));
    assert.ok(o, JSON.stringify(week.occurrences));
    assert.equal(o.messages.queued, 2, JSON.stringify(o));
    // The joined group goes back to observation after planning.
    await ctx.admin.ok('PATCH', `/projects/${pid}/groups/${theirs.id}/accounts/${account.id}`, { phase: 'observation' });
    const done = await poll(async () => (await ctx.admin.ok('GET', `/projects/${pid}/calendar?week=${ymd(at)}`)).occurrences.find((x) => x.id === o.id),
      (x) => x.messages.queued === 0, { timeout: 40_000, interval: 500, what: 'the occurrence sent' });
    assert.equal(done.messages.sent, 1, JSON.stringify(done));
    assert.equal(done.messages.skipped, 1, JSON.stringify(done));
    assert.equal(done.status, 'sent');
    // (a claimed row counts as sent above; WhatsApp's answer settles it a moment later)
    const settled = new RegExp(`event=outbox\\.settled id=\\d+ account=${account.id} outcome=sent`);
    await poll(async () => ctx.server.stdout, (out) => settled.test(out), { timeout: 20_000, what: 'the post settled as sent' });
  });
  test('channels: followers counted once a day with their history, no view count; media files type-checked and size-limited', async () => {
    const ch = await ctx.admin.ok('GET', `/projects/${pid}/channels`);
    const ourChannel = ch.items.find((c) => c.ours);
    assert.ok(ourChannel, JSON.stringify(ch));
    assert.ok(ourChannel.followers > 0);
    assert.equal(ourChannel.views, null);
    assert.match(ch.views_note, /no view counts/);
    // Today's count is kept (the scheduler's first snapshot comes at start; a sync may land just after it).
    const kept = await poll(() => ctx.admin.ok('GET', `/projects/${pid}/channels`), (x) => x.items.find((c) => c.id === ourChannel.id).history.length >= 1,
      { timeout: 30_000, what: "today's follower count kept" });
    const h = kept.items.find((c) => c.id === ourChannel.id).history;
    assert.match(h[h.length - 1].date, /^\d{4}-\d\d-\d\d$/);

    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    const up = await ctx.admin.request('POST', `/projects/${pid}/media?filename=tip.png`, undefined, { raw: png, headers: { 'content-type': 'image/png' } });
    assert.equal(up.status, 201, up.describe());
    assert.equal(up.body.kind, 'image');
    assert.equal(up.body.size, 208);
    const lie = await ctx.admin.request('POST', `/projects/${pid}/media?filename=x.png`, undefined, { raw: 'not a picture', headers: { 'content-type': 'image/png' } });
    assertError(lie, 400, 'validation_failed', 'file');
    assert.match(lie.body.error.message, /JPEG, PNG or WebP/);
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5 * 1024 * 1024 + 10)]);
    const tooBig = await ctx.admin.request('POST', `/projects/${pid}/media?filename=big.jpg`, undefined, { raw: big, headers: { 'content-type': 'image/jpeg' } });
    assertError(tooBig, 400, 'validation_failed', 'file');
    assert.match(tooBig.body.error.message, /at most 5 MB/);
    assert.equal((await ctx.admin.ok('GET', `/projects/${pid}/media`)).items.length, 1, 'only the good file is stored');
    // A calendar post to the channel carries it; a bad media field is named.
    const bad = await ctx.admin.post(`/projects/${pid}/calendar/entries`, entry({ name: 'Bad media', kind: 'channel_post', targeting: { groups: {} }, media: { kind: 'image', media_id: 'x' } }));
    assertError(bad, 400, 'validation_failed', 'media.media_id');
    const withImage = await ctx.admin.ok('POST', `/projects/${pid}/calendar/entries`,
      entry({ name: 'Friday success story', kind: 'channel_post', targeting: { groups: {} }, media: { kind: 'image', media_id: up.body.id } }), 201);
    assert.deepEqual(withImage.media, { kind: 'image', media_id: up.body.id });
  });
}, { env: ENV });
