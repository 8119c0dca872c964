// The account host with a fake whatsapp-web.js client: idempotency keys, acks → keys, commands.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AccountHost, classifyInitError } from '../src/host/host';
import { simContent } from '../src/sim/client';
import { FakeWAClient, sleep } from './helpers';

function setup() {
    const clients: FakeWAClient[] = [];
    const events: Array<{ event: string; account: any; data: any }> = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-test-'));
    const host = new AccountHost({
        engines: { webjs: { create: () => { const c = new FakeWAClient(); clients.push(c); return c as any; }, content: simContent } },
        emit: (event, account, data) => events.push({ event, account, data }),
        request: async () => ({ archive_base64: null, exists: false }),
        dataDir: dir,
    });
    const cmd = (command: string, args: Record<string, unknown> = {}, account_id: any = 1) => host.handle({ type: 'command', id: 'x', command, account_id, args });
    return { host, clients, events, cmd, dir };
}

const send = (key: string, extra: Record<string, unknown> = {}) => ({ key, to: '919812345678@c.us', kind: 'text', text: 'Hello', ...extra });

test('an idempotency key is sent once, even when five sends with it race', async () => {
    const { clients, cmd, host, events } = setup();
    await cmd('account.start', { engine: 'webjs' });
    await assert.rejects(cmd('message.send', send('k1')), (e: any) => e.code === 'not_ready');
    const c = clients[0];
    c.emit('ready');
    c.sendDelayMs = 30;
    const results = await Promise.all(Array.from({ length: 5 }, () => cmd('message.send', send('k1'))));
    assert.equal(c.sentCount, 1);
    assert.equal(new Set(results.map((r) => r.message_id)).size, 1);
    assert.equal(results.filter((r) => r.duplicate === false).length, 1);
    // acks of that message carry the key
    c.emit('message_ack', { id: { _serialized: results[0].message_id as string, fromMe: true } }, 3);
    assert.deepEqual(events.at(-1), { event: 'message.ack', account: 1, data: { key: 'k1', message_id: results[0].message_id, ack: 'read' } });
    // the ledger survives a restart of the account within the process
    await cmd('account.stop');
    await cmd('account.start', { engine: 'webjs' });
    clients[1].emit('ready');
    const again = await cmd('message.send', send('k1'));
    assert.deepEqual(again, { message_id: results[0].message_id, duplicate: true });
    assert.equal(clients[1].sentCount, 0);
    await host.stopAll();
});

test('a send that failed inside the engine is never retried; a not_ready one may be', async () => {
    const { clients, cmd, host } = setup();
    await cmd('account.start', { engine: 'webjs' });
    const c = clients[0];
    c.emit('ready');
    const orig = c.sendMessage.bind(c);
    c.sendMessage = async () => { c.sentCount++; throw new Error('Evaluation failed: boom'); };
    await assert.rejects(cmd('message.send', send('k2')), (e: any) => e.code === 'failed' && /boom/.test(e.message));
    c.sendMessage = orig;
    await assert.rejects(cmd('message.send', send('k2')), (e: any) => e.code === 'failed' && /at most once/.test(e.message));
    assert.equal(c.sentCount, 1);
    await assert.rejects(cmd('message.send', { ...send('k3'), kind: 'poll' }), (e: any) => e.code === 'bad_request');
    const ok = await cmd('message.send', send('k3'));
    assert.equal(ok.duplicate, false);
    await host.stopAll();
});

test('media, polls, mentions and link previews reach sendMessage in whatsapp-web.js shapes', async () => {
    const { clients, cmd, host } = setup();
    await cmd('account.start', { engine: 'webjs' });
    const c = clients[0];
    c.emit('ready');
    await cmd('message.send', send('m1', { kind: 'image', text: 'Our new feed', media: { mimetype: 'image/jpeg', filename: 'feed.jpg', data_base64: 'AAAA' }, mentions: ['+919811111111'], link_preview: false }));
    await cmd('message.send', send('m2', { kind: 'document', text: '', media: { mimetype: 'application/pdf', filename: 'rates.pdf', data_base64: 'AAAA' } }));
    await cmd('message.send', send('m3', { to: '120363000000000001@g.us', kind: 'poll', poll: { question: 'Which day?', options: ['Mon', 'Tue'], multiple: true } }));
    assert.deepEqual(c.sent[0].content, { mimetype: 'image/jpeg', data: 'AAAA', filename: 'feed.jpg' });
    assert.deepEqual(c.sent[0].options, { linkPreview: false, mentions: ['919811111111@c.us'], caption: 'Our new feed' });
    assert.equal(c.sent[1].options.sendMediaAsDocument, true);
    assert.equal(c.sent[2].content.pollName, 'Which day?');
    assert.equal(c.sent[2].content.options.allowMultipleAnswers, true);
    assert.deepEqual((await cmd('account.resolve_lids', { lids: ['1234@lid'] })).phones, { '1234@lid': '+919812345678' });
    assert.equal((await cmd('group.join', { invite: 'https://chat.whatsapp.com/AbCdEfGhIjKlMnOp' })).group_id, '120363000000000001@g.us');
    assert.equal((await cmd('group.create', { name: 'New', participants: ['+919811111111'] })).group_id, '120363000000000002@g.us');
    assert.equal((await cmd('account.state')).state, 'CONNECTED');
    await host.stopAll();
    assert.ok(c.destroyed);
});

test('a disconnect tears the client down and forgets the account; sim commands are refused for webjs', async () => {
    const { clients, cmd, events } = setup();
    await cmd('account.start', { engine: 'webjs' });
    await assert.rejects(cmd('sim.scan'), (e: any) => e.code === 'unsupported');
    clients[0].emit('ready');
    clients[0].emit('disconnected', 'UNPAIRED');
    await sleep(20);
    assert.ok(clients[0].destroyed);
    assert.ok(events.some((e) => e.event === 'account.disconnected' && e.data.reason === 'UNPAIRED'));
    await assert.rejects(cmd('account.state'), (e: any) => e.code === 'unknown_account');
});

test('classifyInitError: a Chromium killed by a signal during launch is a crash; an exit code or a missing binary is a launch failure', () => {
    const launch = (code: string) => new Error(`Failed to launch the browser process:  Code: ${code}\n\nstderr:\n\nTROUBLESHOOTING: https://pptr.dev/troubleshooting\n`);
    assert.equal(classifyInitError(launch('null')).code, 'browser_crashed');
    assert.equal(classifyInitError(new Error('Connection closed.')).code, 'browser_crashed');
    assert.equal(classifyInitError(new Error('Protocol error (Target.setAutoAttach): Target closed')).code, 'browser_crashed');
    assert.equal(classifyInitError(launch('127')).code, 'browser_launch_failed');
    assert.equal(classifyInitError(new Error('Browser was not found at the configured executablePath (/nope)')).code, 'browser_launch_failed');
    assert.equal(classifyInitError(new Error('net::ERR_CONNECTION_REFUSED at https://web.whatsapp.com/')).code, 'network');
    assert.equal(classifyInitError(Object.assign(new Error('initialize timed out after 60000 ms'), { code: 'timeout' })).code, 'timeout');
});
