// The real connector (dist/main.js) against a tiny fake core speaking bridge protocol v1.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { FakeCore, runConnector, Connector, sleep } from './helpers';

let core: FakeCore;
let conn: Connector;

before(async () => {
    core = new FakeCore();
    await core.listen();
    conn = runConnector(core);
    await core.whenConnected();
});

after(async () => {
    if (conn.child.exitCode === null) { conn.child.kill('SIGTERM'); await conn.exited; }
    await core.close();
    fs.rmSync(conn.dataDir, { recursive: true, force: true });
});

test('hello carries the protocol, connector id, engines and pid', () => {
    assert.equal(core.hello.protocol, 1);
    assert.equal(core.hello.connector_id, 'test-1');
    assert.deepEqual(core.hello.engines, ['webjs', 'sim']);
    assert.equal(core.hello.pid, conn.child.pid);
});

test('unknown commands and accounts get error results', async () => {
    const r1 = await core.command('account.frobnicate', 1);
    assert.equal(r1.ok, false);
    assert.equal(r1.error.code, 'bad_request');
    const r2 = await core.command('account.groups', 999);
    assert.equal(r2.error.code, 'unknown_account');
    const r3 = await core.command('account.start', 998, { engine: 'telegram', phone: '+919800000001' });
    assert.equal(r3.error.code, 'unsupported');
});

test('link by simulated scan: qr → sim.scan → session.save → ready; restore without a QR', async () => {
    const acct = 7;
    const r = await core.command('account.start', acct, { engine: 'sim', phone: '+919811100007', restore: true });
    assert.deepEqual(r, { type: 'result', id: r.id, ok: true, data: {} });
    const qr1 = await core.waitEvent((e) => e.event === 'account.qr' && e.account_id === acct);
    assert.match(qr1.data.qr, /^2@/);
    assert.equal(qr1.data.attempt, 1);
    // at speed 200 the 20 s rotation takes 0.1 s
    const qr2 = await core.waitEvent((e) => e.event === 'account.qr' && e.account_id === acct && e.data.attempt === 2);
    assert.notEqual(qr2.data.qr, qr1.data.qr);
    const st = await core.command('account.state', acct);
    assert.equal(st.data.state, 'UNPAIRED');
    const notReady = await core.command('message.send', acct, { key: 'k-early', to: '919812345678@c.us', kind: 'text', text: 'hi' });
    assert.equal(notReady.error.code, 'not_ready');

    const scan = await core.command('sim.scan', acct);
    assert.equal(scan.ok, true);
    await core.waitEvent((e) => e.event === 'account.authenticated' && e.account_id === acct);
    const ready = await core.waitEvent((e) => e.event === 'account.ready' && e.account_id === acct);
    assert.equal(ready.data.phone, '+919811100007');
    const save = core.requests.find((q) => q.request === 'session.save' && q.account_id === acct);
    assert.ok(save, 'session.save was requested');
    assert.ok(core.sessions.get(String(acct))?.length === 1);
    const saveIdx = core.requests.indexOf(save);
    assert.ok(core.events.findIndex((e) => e.event === 'account.ready' && e.account_id === acct) >= 0 && saveIdx >= 0);
    assert.ok(!conn.lines.some((l) => JSON.stringify(l).includes(save.args.archive_base64)), 'the archive never reaches the log');

    const state = await core.command('account.state', acct);
    assert.equal(state.data.state, 'CONNECTED');
    assert.equal(typeof state.data.rtt_ms, 'number');

    const stop = await core.command('account.stop', acct);
    assert.equal(stop.ok, true);
    const gone = await core.command('account.state', acct);
    assert.equal(gone.error.code, 'unknown_account');

    const mark = core.events.length;
    await core.command('account.start', acct, { engine: 'sim', phone: '+919811100007', restore: true });
    await core.waitEvent((e) => e.event === 'account.ready' && e.account_id === acct, 15_000, mark);
    assert.ok(!core.events.slice(mark).some((e) => e.event === 'account.qr'), 'no QR on restore');
    assert.ok(core.requests.some((q) => q.request === 'session.load' && q.account_id === acct));
});

test('groups, channels, chats, lids from the sim world', async () => {
    const acct = 7;
    const g = await core.command('account.groups', acct);
    assert.equal(g.ok, true);
    const groups = g.data.groups;
    assert.ok(groups.length >= 3);
    const community = groups.find((x: any) => x.is_community);
    assert.ok(community);
    assert.ok(groups.some((x: any) => x.community_id === community.id));
    for (const x of groups) {
        assert.match(x.id, /@g\.us$/);
        assert.ok(x.participants.length > 0);
        for (const p of x.participants) assert.ok(p.phone === null ? /@lid$/.test(p.id) : /^\+91[6-9]\d{9}$/.test(p.phone));
    }
    assert.ok(groups.some((x: any) => x.invite_code), 'invite code where we are admin');
    const lids = groups.flatMap((x: any) => x.participants).filter((p: any) => p.lid).map((p: any) => p.lid);
    if (lids.length) {
        const r = await core.command('account.resolve_lids', acct, { lids: lids.slice(0, 3) });
        assert.deepEqual(Object.keys(r.data.phones).sort(), lids.slice(0, 3).sort());
    }
    const ch = await core.command('account.channels', acct);
    assert.equal(ch.data.channels[0].role, 'owner');
    assert.ok(ch.data.channels[0].followers > 0);
    const chats = await core.command('account.chats', acct);
    assert.ok(chats.data.chats.some((c: any) => c.is_group));
    const typing = await core.command('chat.typing', acct, { chat: groups[1].id, state: 'typing' });
    assert.equal(typing.ok, true);
    const seen = await core.command('chat.seen', acct, { chat: groups[1].id });
    assert.equal(seen.ok, true);
});

test('message.send: idempotent by key (also when racing), acks carry the key', async () => {
    const acct = 7;
    const args = { key: 'idem-1', to: '919812345678@c.us', kind: 'text', text: 'Namaste! New feed prices this week.', mentions: [], link_preview: true };
    const [a, b] = await Promise.all([core.command('message.send', acct, args), core.command('message.send', acct, args)]);
    assert.equal(a.ok, true);
    assert.equal(b.ok, true);
    assert.equal(a.data.message_id, b.data.message_id);
    assert.deepEqual([a.data.duplicate, b.data.duplicate].sort(), [false, true]);
    const c = await core.command('message.send', acct, args);
    assert.deepEqual(c.data, { message_id: a.data.message_id, duplicate: true });
    const ack = await core.waitEvent((e) => e.event === 'message.ack' && e.data.message_id === a.data.message_id && e.data.ack === 'device');
    assert.equal(ack.data.key, 'idem-1');
    const server = core.events.filter((e) => e.event === 'message.ack' && e.data.message_id === a.data.message_id && e.data.ack === 'server');
    assert.equal(server.length, 1, 'sent once, so acked once');

    const poll = await core.command('message.send', acct, { key: 'idem-poll', to: (await core.command('account.groups', acct)).data.groups[1].id, kind: 'poll', text: '', poll: { question: 'Which day?', options: ['Mon', 'Tue'], multiple: false } });
    assert.equal(poll.ok, true);
    const bad = await core.command('message.send', acct, { key: 'idem-bad', to: 'nonsense', kind: 'text', text: 'x' });
    assert.equal(bad.error.code, 'bad_request');
});

test('sim.incoming → message.received; sim.disconnect → account.disconnected; restart resumes', async () => {
    const acct = 7;
    const r = await core.command('sim.incoming', acct, { chat: '+919812345678', from: '+919812345678', body: 'please remove me' });
    assert.equal(r.ok, true);
    const got = await core.waitEvent((e) => e.event === 'message.received' && e.data.id === r.data.message_id);
    assert.equal(got.data.body, 'please remove me');
    assert.equal(got.data.from_phone, '+919812345678');
    assert.equal(got.data.is_group, false);

    const mark = core.events.length;
    const d = await core.command('sim.disconnect', acct, { reason: 'CONFLICT' });
    assert.equal(d.ok, true);
    const disc = await core.waitEvent((e) => e.event === 'account.disconnected' && e.account_id === acct, 5000, mark);
    assert.equal(disc.data.reason, 'CONFLICT');
    await sleep(100);
    assert.equal((await core.command('account.state', acct)).error.code, 'unknown_account');
    await core.command('account.start', acct, { engine: 'sim', phone: '+919811100007', restore: true });
    await core.waitEvent((e) => e.event === 'account.ready' && e.account_id === acct, 15_000, mark);
});

test('sim.ban → TOS_BLOCK; the banned number cannot come back', async () => {
    const acct = 7;
    const mark = core.events.length;
    await core.command('sim.ban', acct, { reason: 'TOS_BLOCK' });
    const disc = await core.waitEvent((e) => e.event === 'account.disconnected' && e.account_id === acct, 5000, mark);
    assert.equal(disc.data.reason, 'TOS_BLOCK');
    await sleep(100);
    const mark2 = core.events.length;
    await core.command('account.start', acct, { engine: 'sim', phone: '+919811100007', restore: true });
    const again = await core.waitEvent((e) => e.event === 'account.disconnected' && e.account_id === acct, 5000, mark2);
    assert.equal(again.data.reason, 'TOS_BLOCK');
});

test('logout deletes the session; SIGTERM exits 0', async () => {
    const acct = 8;
    await core.command('account.start', acct, { engine: 'sim', phone: '+919811100008', restore: true });
    await core.waitEvent((e) => e.event === 'account.qr' && e.account_id === acct);
    await core.command('sim.scan', acct);
    await core.waitEvent((e) => e.event === 'account.ready' && e.account_id === acct);
    assert.ok(core.sessions.has('8'));
    const lo = await core.command('account.logout', acct);
    assert.equal(lo.ok, true);
    assert.ok(!core.sessions.has('8'), 'session.delete reached the core');
    conn.child.kill('SIGTERM');
    assert.equal(await conn.exited, 0);
});
