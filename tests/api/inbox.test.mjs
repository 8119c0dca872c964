// The team inbox (issue 10 item 1) end to end on the simulated network: a contact writes in, the
// conversation appears (live over the WebSocket) with its unread count; the team's answer is an
// outbox row of priority 1 from the same number, and it goes out ahead of campaign rows (P3) that were
// waiting already. Also: assignment, done, saved replies with their suggestion, the review of a send
// whose outcome is unknown, and bad input that changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { describeBackends } from './lib/harness.mjs';
import { newProject } from './lib/client.mjs';
import { connectWs } from './lib/ws.mjs';
import { ACCOUNT_ENV, newPhone, createAccount, waitConnector, poll, accountPath, linkSim, waitGroups } from './lib/accounts.mjs';

const run = promisify(execFile);

// Campaign rows are planned by the campaigns module (another branch at the time of writing): until
// its API exists here, the test writes queued P3 rows the way the planner does, straight into the
// server's database (SQLite in WAL mode takes a second writer; PostgreSQL through psql).
async function sql(server, text) {
  if (server.backend === 'sqlite') {
    const { stdout } = await run('sqlite3', ['-cmd', '.timeout 10000', path.join(server.dataDir, 'sangam.db'), text]);
    return stdout.trim();
  }
  const { stdout } = await run('psql', [server.db.url, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', text]);
  return stdout.trim();
}

async function queueCampaignRows(server, pid, aid, n) {
  const now = Date.now();
  const values = [];
  for (let i = 0; i < n; i++) {
    values.push(`(${pid}, ${aid}, '9198100${String(10000 + i).slice(1)}@c.us', 'campaign', '{"text":"Our new feed guide is out"}', 3, ${now - 1000}, 'inbox-test-p3-${pid}-${i}', ${now}, ${now})`);
  }
  await sql(server, `INSERT INTO outbox (project_id, account_id, target, kind, content, priority, planned_at, idempotency_key, created_at, updated_at) VALUES ${values.join(', ')}`);
  return (await sql(server, `SELECT id FROM outbox WHERE idempotency_key LIKE 'inbox-test-p3-${pid}-%' ORDER BY id`)).split(/\s+/).map(Number);
}

function settledOrder(stdout, aid) {
  return [...stdout.matchAll(new RegExp(`event=outbox\\.settled id=(\\d+) account=${aid} outcome=(\\w+)`, 'g'))].map((m) => ({ id: Number(m[1]), outcome: m[2] }));
}

describeBackends('inbox: conversations, answers through the outbox as P1', (ctx) => {
  let project, account, ws;
  const from = '+919812366001';
  ctx.setup(async () => {
    project = await newProject(ctx.admin, { name: 'Inbox', default_region: 'IN' });
    await waitConnector(ctx.admin);
    ws = await connectWs(ctx.server, { cookie: ctx.admin.cookie });
    await ws.subscribe(project.id);
    ({ account } = await linkSim(ctx.admin, ws, project.id, await createAccount(ctx.admin, project.id, { phone: newPhone(), engine: 'sim' })));
  });

  test('a contact writes in: one conversation, unread, waiting for an answer, announced live', { timeout: 30_000 }, async () => {
    const since = ws.mark();
    const res = await ctx.admin.post(`${accountPath(project.id, account.id)}/sim/incoming`, { from, body: 'Hello, what is the price of the starter feed?' });
    assert.equal(res.status, 202, res.describe());
    const ev = await ws.next((m) => m.type === 'event' && m.event === 'inbox.message' && m.project_id === project.id,
      { since, timeout: 10_000, what: 'inbox.message on the WebSocket' });
    assert.equal(ev.data.message.body, 'Hello, what is the price of the starter feed?');
    const list = await ctx.admin.ok('GET', `/projects/${project.id}/inbox`);
    assert.equal(list.items.length, 1, JSON.stringify(list));
    const c = list.items[0];
    assert.equal(c.kind, 'direct');
    assert.equal(c.account.id, account.id);
    assert.equal(c.contact.phone, from);
    assert.equal(c.unread, 1);
    assert.equal(c.needs_reply, true);
    assert.equal(list.counts.needs_reply, 1);
    // A second message: the same conversation, two unread.
    await ctx.admin.post(`${accountPath(project.id, account.id)}/sim/incoming`, { from, body: 'Is it available in Pune?' });
    const two = await poll(() => ctx.admin.ok('GET', `/projects/${project.id}/inbox`), (l) => l.items[0]?.unread === 2, { what: 'unread 2' });
    assert.equal(two.items.length, 1);
    // Filters: needs_reply, consent, account; a number that is not an id names its field.
    assert.equal((await ctx.admin.ok('GET', `/projects/${project.id}/inbox?needs_reply=false`)).items.length, 0);
    assert.equal((await ctx.admin.ok('GET', `/projects/${project.id}/inbox?consent=engaged`)).items.length, 1);
    assert.equal((await ctx.admin.ok('GET', `/projects/${project.id}/inbox?account=${account.id + 1000}`)).items.length, 0);
    const bad = await ctx.admin.get(`/projects/${project.id}/inbox?account=abc`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'account');
  });

  test('the answer goes out as P1 from the same number, ahead of campaign rows already waiting', { timeout: 45_000 }, async () => {
    const [c] = (await ctx.admin.ok('GET', `/projects/${project.id}/inbox`)).items;
    const p3 = await queueCampaignRows(ctx.server, project.id, account.id, 4);
    const res = await ctx.admin.post(`/projects/${project.id}/inbox/${c.id}/replies`, { text: 'Namaste! The starter feed is ₹1,450 a bag.' });
    assert.equal(res.status, 202, res.describe());
    const outboxId = res.body.outbox_id;
    assert.ok(outboxId > 0);
    const thread = await poll(() => ctx.admin.ok('GET', `/projects/${project.id}/inbox/${c.id}`),
      (t) => t.messages.at(-1)?.send_status === 'sent', { timeout: 20_000, what: 'the answer sent' });
    const mine = thread.messages.at(-1);
    assert.equal(mine.direction, 'out');
    assert.equal(mine.body, 'Namaste! The starter feed is ₹1,450 a bag.');
    assert.equal(mine.sent_by, ctx.adminUser.name);
    const row = (await sql(ctx.server, `SELECT priority || ',' || account_id || ',' || target || ',' || kind || ',' || conversation_id FROM outbox WHERE id = ${outboxId}`));
    assert.equal(row, `1,${account.id},${c.chat},reply,${c.id}`);
    // The reply settled before at least three of the four campaign rows (one may have been claimed
    // in the instant between their insert and the reply): P1 is claimed first.
    // (The log line follows the database write: waited for.)
    const order = await poll(async () => settledOrder(ctx.server.stdout, account.id), (o) => o.some((x) => x.id === outboxId),
      { timeout: 5000, what: 'the settle logged' });
    const at = order.findIndex((o) => o.id === outboxId);
    const campaignBefore = order.slice(0, at).filter((o) => p3.includes(o.id)).length;
    assert.ok(campaignBefore <= 1, `campaign rows sent before the reply: ${campaignBefore}`);
    const list = await ctx.admin.ok('GET', `/projects/${project.id}/inbox`);
    assert.equal(list.items[0].needs_reply, false);
    assert.equal(list.items[0].unread, 0);
    assert.match(list.items[0].last_preview, /^You: Namaste/);
  });

  test('assign to a team member, mark done; a new message opens it again', { timeout: 30_000 }, async () => {
    const [c] = (await ctx.admin.ok('GET', `/projects/${project.id}/inbox`)).items;
    const assigned = await ctx.admin.ok('PATCH', `/projects/${project.id}/inbox/${c.id}`, { assignee_id: ctx.adminUser.id });
    assert.equal(assigned.assignee.id, ctx.adminUser.id);
    assert.equal((await ctx.admin.ok('GET', `/projects/${project.id}/inbox?assignee=me`)).items.length, 1);
    assert.equal((await ctx.admin.ok('GET', `/projects/${project.id}/inbox?assignee=none`)).items.length, 0);
    const stranger = await ctx.admin.patch(`/projects/${project.id}/inbox/${c.id}`, { assignee_id: 987654 });
    assert.equal(stranger.status, 400);
    assert.equal(stranger.body.error.field, 'assignee_id');
    const done = await ctx.admin.ok('PATCH', `/projects/${project.id}/inbox/${c.id}`, { status: 'done' });
    assert.equal(done.status, 'done');
    assert.equal((await ctx.admin.ok('GET', `/projects/${project.id}/inbox`)).items.length, 0, 'done leaves the open list');
    assert.equal((await ctx.admin.ok('GET', `/projects/${project.id}/inbox?status=done`)).items.length, 1);
    await ctx.admin.post(`${accountPath(project.id, account.id)}/sim/incoming`, { from, body: 'One more question please' });
    const back = await poll(() => ctx.admin.ok('GET', `/projects/${project.id}/inbox`), (l) => l.items.length === 1, { what: 'open again' });
    assert.equal(back.items[0].status, 'open');
    assert.equal(back.items[0].assignee.id, ctx.adminUser.id, 'the assignee stays');
  });

  test('saved replies: variables rendered for the contact, suggested by keyword; bad input changes nothing', { timeout: 30_000 }, async () => {
    const base = `/projects/${project.id}/inbox/saved-replies`;
    const bad = await ctx.admin.post(base, { name: 'Price', body: 'Hello {{nme}}' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'body');
    assert.match(bad.body.error.message, /nme/);
    assert.equal((await ctx.admin.ok('GET', base)).items.length, 0);
    const saved = await ctx.admin.ok('POST', base, { name: 'Delivery', body: 'Hi {{first_name|there}}, we deliver to {{project}} customers in 3 days.', keywords: ['deliver', 'shipping time'] }, 201);
    assert.deepEqual(saved.keywords, ['deliver', 'shipping time']);
    const dup = await ctx.admin.post(base, { name: 'Delivery', body: 'x' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.field, 'name');
    await ctx.admin.post(`${accountPath(project.id, account.id)}/sim/incoming`, { from, body: 'Do you DELIVER to Nashik?' });
    const [c] = (await poll(() => ctx.admin.ok('GET', `/projects/${project.id}/inbox`), (l) => /DELIVER/.test(l.items[0]?.last_preview ?? ''), { what: 'the message' })).items;
    const thread = await ctx.admin.ok('GET', `/projects/${project.id}/inbox/${c.id}`);
    assert.equal(thread.suggestions.length, 1, JSON.stringify(thread.suggestions));
    assert.equal(thread.suggestions[0].saved_reply_id, saved.id);
    assert.equal(thread.suggestions[0].text, 'Hi there, we deliver to Inbox customers in 3 days.');
    // Answering with the saved reply sends its rendered text; the same idempotency key twice sends once.
    const r1 = await ctx.admin.post(`/projects/${project.id}/inbox/${c.id}/replies`, { saved_reply_id: saved.id, idempotency_key: 'k-1' });
    assert.equal(r1.status, 202, r1.describe());
    assert.equal(r1.body.body, 'Hi there, we deliver to Inbox customers in 3 days.');
    const r2 = await ctx.admin.post(`/projects/${project.id}/inbox/${c.id}/replies`, { saved_reply_id: saved.id, idempotency_key: 'k-1' });
    assert.equal(r2.status, 409);
    const empty = await ctx.admin.post(`/projects/${project.id}/inbox/${c.id}/replies`, { text: '   ' });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.field, 'text');
    const after = await ctx.admin.ok('GET', `/projects/${project.id}/inbox/${c.id}`);
    assert.equal(after.messages.filter((m) => m.direction === 'out').length, 2, 'one answer earlier, one now');
  });

  test('a send whose outcome is unknown is listed for review; mark sent and send again are audited', { timeout: 30_000 }, async () => {
    const now = Date.now();
    // Rows the reconciler has given up on (8 checks that could not settle them: docs/safety.md). A
    // fresh unknown row is the reconciler's first: it asked the simulator, found no such message and
    // queued it again while this test was deciding (seen once in ten runs after the merge).
    await sql(ctx.server, `INSERT INTO outbox (project_id, account_id, target, kind, content, priority, planned_at, status, idempotency_key, claimed_at, reason, reconcile_attempts, created_at, updated_at) VALUES
      (${project.id}, ${account.id}, '919810000101@c.us', 'campaign', '{"text":"Guide A"}', 3, ${now}, 'unknown', 'inbox-test-u1-${project.id}', ${now}, 'may have been sent (timeout)', 8, ${now}, ${now}),
      (${project.id}, ${account.id}, '919810000102@c.us', 'campaign', '{"text":"Guide B"}', 3, ${now + 3_600_000}, 'unknown', 'inbox-test-u2-${project.id}', ${now}, 'may have been sent (timeout)', 8, ${now}, ${now})`);
    const list = await ctx.admin.ok('GET', `/projects/${project.id}/inbox/unknown`);
    assert.equal(list.items.length, 2);
    const [b, a] = list.items;
    assert.equal(a.text, 'Guide A');
    const bad = await ctx.admin.post(`/projects/${project.id}/inbox/unknown/${a.id}`, { action: 'retry' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'action');
    const sent = await ctx.admin.ok('POST', `/projects/${project.id}/inbox/unknown/${a.id}`, { action: 'mark_sent' });
    assert.equal(sent.status, 'sent');
    const again = await ctx.admin.ok('POST', `/projects/${project.id}/inbox/unknown/${b.id}`, { action: 'send_again' });
    assert.ok(again.new_id > b.id);
    const twice = await ctx.admin.post(`/projects/${project.id}/inbox/unknown/${b.id}`, { action: 'send_again' });
    assert.equal(twice.status, 409, 'a decision is taken once');
    assert.equal((await ctx.admin.ok('GET', `/projects/${project.id}/inbox/unknown`)).items.length, 0);
    const fresh = await sql(ctx.server, `SELECT status || ',' || priority || ',' || (idempotency_key <> 'inbox-test-u2-${project.id}') FROM outbox WHERE id = ${again.new_id}`);
    assert.match(fresh, /^(queued|claimed|sent),3,(1|t|true)$/, 'a new row with a new key, through the outbox');
    const audit = await ctx.admin.ok('GET', `/projects/${project.id}/audit?kind=outbox`);
    assert.deepEqual(audit.items.map((i) => i.action).sort(), ['outbox.marked_sent', 'outbox.sent_again']);
  });

  test('group talk stays out; a group message that mentions our number comes in, and the observation phase holds the answer', { timeout: 90_000 }, async () => {
    // Until the observed group is stored: a sync under load may not have reached it yet.
    const observing = (g) => g.accounts.some((a) => a.account_id === account.id && a.phase === 'observation');
    const groups = await waitGroups(ctx.admin, project.id, '?kind=group', (l) => l.items?.some(observing),
      { timeout: 60_000, what: 'a group where our number observes, synced' });
    const watching = groups.items.find((g) => g.accounts.some((a) => a.account_id === account.id && a.phase === 'observation'));
    assert.ok(watching, 'a group where our number only observes');
    const before = (await ctx.admin.ok('GET', `/projects/${project.id}/inbox?status=all`)).items.length;
    const member = '+919811155501';
    await ctx.admin.ok('POST', `${accountPath(project.id, account.id)}/sim/incoming`, { chat: watching.wa_id, from: member, body: 'Broiler rate today?' }, 202);
    await ctx.admin.ok('POST', `${accountPath(project.id, account.id)}/sim/incoming`, { chat: watching.wa_id, from: member, body: `@${account.phone.slice(1)} do you sell vaccines?`, mentions: [account.phone] }, 202);
    const list = await poll(() => ctx.admin.ok('GET', `/projects/${project.id}/inbox?status=all`), (l) => l.items.length === before + 1, { what: 'the mention in the inbox' });
    const c = list.items.find((x) => x.kind === 'group');
    assert.equal(c.group.id, watching.id);
    assert.equal(c.title, watching.name);
    assert.match(c.last_preview, /do you sell vaccines/);
    const thread = await ctx.admin.ok('GET', `/projects/${project.id}/inbox/${c.id}`);
    assert.equal(thread.messages.length, 1, 'only the message addressed to us');
    const held = await ctx.admin.post(`/projects/${project.id}/inbox/${c.id}/replies`, { text: 'Yes, Ranikhet vaccine in stock.' });
    assert.equal(held.status, 409, held.describe());
    assert.equal(held.body.error.field, 'text');
    assert.match(held.body.error.message, /observ/);
    const byGroup = await ctx.admin.ok('GET', `/projects/${project.id}/inbox?status=all&group=${watching.id}`);
    assert.equal(byGroup.items.length, 1);
  });

  test('a STOP is answered by the opt-out confirmation: shown in the thread, not waiting for the team', { timeout: 30_000 }, async () => {
    const stopper = '+919812366077';
    await ctx.admin.post(`${accountPath(project.id, account.id)}/sim/incoming`, { from: stopper, body: 'STOP' });
    const conv = await poll(async () => (await ctx.admin.ok('GET', `/projects/${project.id}/inbox?status=all`)).items.find((c) => c.contact?.phone === stopper),
      (c) => c !== undefined, { timeout: 10_000, what: 'the STOP conversation' });
    assert.equal(conv.needs_reply, false, 'an opt-out already answered by Sangam needs no answer from the team');
    assert.equal(conv.unread, 1, 'it is still unread: a person sees that someone left');
    assert.match(conv.last_preview, /^Sangam: /);
    // (It goes out after the number's pacing gap; the thread shows it from the moment it is queued.)
    const thread = await ctx.admin.ok('GET', `/projects/${project.id}/inbox/${conv.id}`);
    assert.ok(['queued', 'claimed', 'sent'].includes(thread.messages.at(-1)?.send_status), JSON.stringify(thread.messages));
    assert.deepEqual(thread.messages.map((m) => m.direction), ['in', 'out']);
    assert.equal(thread.messages[1].author_name, 'Sangam (automatic)');
    assert.ok(thread.messages[1].body.length > 0);
    const waiting = await ctx.admin.ok('GET', `/projects/${project.id}/inbox?needs_reply=true&status=all`);
    assert.ok(!waiting.items.some((c) => c.id === conv.id));
  });

  test('erasing a contact removes their conversation and what they wrote in the inbox', { timeout: 30_000 }, async () => {
    const person = '+919812366088';
    await ctx.admin.post(`${accountPath(project.id, account.id)}/sim/incoming`, { from: person, body: 'My address is 12 Gandhi Road' });
    const conv = await poll(async () => (await ctx.admin.ok('GET', `/projects/${project.id}/inbox?status=all`)).items.find((c) => c.contact?.phone === person),
      (c) => c !== undefined, { timeout: 10_000, what: 'the conversation' });
    const del = await ctx.admin.del(`/projects/${project.id}/contacts/${conv.contact.id}`);
    assert.ok(del.status === 200 || del.status === 204, del.describe());
    assert.equal((await ctx.admin.get(`/projects/${project.id}/inbox/${conv.id}`)).status, 404);
    const left = await sql(ctx.server, `SELECT COUNT(*) FROM conversation_messages WHERE body LIKE '%Gandhi Road%'`);
    assert.equal(Number(left), 0);
  });

  test('an answer to a conversation that does not exist is a 404', { timeout: 20_000 }, async () => {
    const [c] = (await ctx.admin.ok('GET', `/projects/${project.id}/inbox`)).items;
    const res = await ctx.admin.post(`/projects/${project.id}/inbox/${c.id + 100000}/replies`, { text: 'hi' });
    assert.equal(res.status, 404);
  });
}, { env: ACCOUNT_ENV });
