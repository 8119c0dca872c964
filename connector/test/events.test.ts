// Each whatsapp-web.js event becomes the right bridge event (fake client, real mapping code).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { attachEventMapping } from '../src/wwebjs/events';
import { SendLedger } from '../src/host/ledger';
import { FakeWAClient } from './helpers';

function setup() {
    const client = new FakeWAClient();
    const ledger = new SendLedger();
    const out: Array<{ event: string; data: any }> = [];
    attachEventMapping(client as any, {
        emit: (event, data) => out.push({ event, data }),
        ack: (id, ack) => ledger.ack(id, ack, (d) => out.push({ event: 'message.ack', data: d })),
        ourMessageByStanza: (s) => ledger.idForStanza(s),
    });
    return { client, ledger, out };
}

test('linking events: qr (with attempts), code, authenticated, ready, auth_failure', () => {
    const { client, out } = setup();
    client.emit('qr', '2@abc');
    client.emit('qr', '2@def');
    client.emit('code', 'ABCDEFGH');
    client.emit('authenticated');
    client.emit('ready');
    client.emit('auth_failure', 'bad session');
    assert.deepEqual(out, [
        { event: 'account.qr', data: { qr: '2@abc', attempt: 1 } },
        { event: 'account.qr', data: { qr: '2@def', attempt: 2 } },
        { event: 'account.pairing_code', data: { code: 'ABCD-EFGH' } },
        { event: 'account.authenticated', data: {} },
        { event: 'account.ready', data: { phone: '+919800000009', name: 'Fake' } },
        { event: 'account.auth_failure', data: { message: 'bad session' } },
    ]);
});

test('state changes and every disconnect reason pass through as plain strings', () => {
    const { client, out } = setup();
    client.emit('change_state', 'CONFLICT');
    for (const r of ['CONFLICT', 'UNPAIRED', 'TOS_BLOCK', 'SMB_TOS_BLOCK', 'LOGOUT', 'NAVIGATION']) client.emit('disconnected', r);
    assert.deepEqual(out[0], { event: 'account.state', data: { state: 'CONFLICT' } });
    assert.deepEqual(out.slice(1).map((e) => e.data.reason), ['CONFLICT', 'UNPAIRED', 'TOS_BLOCK', 'SMB_TOS_BLOCK', 'LOGOUT', 'NAVIGATION']);
    assert.ok(out.slice(1).every((e) => e.event === 'account.disconnected'));
});

test('incoming direct and group messages: chat, from, author, quoted, mentions, kind; ours are not received', () => {
    const { client, ledger, out } = setup();
    // one of ours, so a quote of it resolves to our full id
    void ledger.send('k1', async () => 'true_919812345678@c.us_3EB0AAA');
    return new Promise<void>((done) => setImmediate(() => {
        client.emit('message', {
            id: { _serialized: 'false_919812345678@c.us_XYZ', fromMe: false }, from: '919812345678@c.us', to: '919800000009@c.us',
            body: 'STOP', type: 'chat', timestamp: 1700000000, fromMe: false, hasQuotedMsg: true, mentionedIds: [],
            _data: { quotedStanzaID: '3EB0AAA' },
        });
        client.emit('message', {
            id: { _serialized: 'false_120363111@g.us_QQ_123456789012345@lid', fromMe: false }, from: '120363111@g.us', to: '919800000009@c.us',
            author: '123456789012345@lid', body: 'photo', type: 'image', timestamp: 1700000001, fromMe: false,
            mentionedIds: [{ _serialized: '919800000009@c.us' }], _data: { notifyName: 'Murugan' },
        });
        client.emit('message', { id: { _serialized: 'true_x@c.us_1', fromMe: true }, from: 'me', to: 'x@c.us', body: 'mine', type: 'chat', timestamp: 1, fromMe: true });
        client.emit('message', { id: { _serialized: 'false_status@broadcast_1', fromMe: false }, from: 'status@broadcast', to: 'me', body: 's', type: 'chat', timestamp: 1, fromMe: false, isStatus: true });
        const got = out.filter((e) => e.event === 'message.received');
        assert.equal(got.length, 2);
        assert.deepEqual(got[0].data, {
            id: 'false_919812345678@c.us_XYZ', chat: '919812345678@c.us', from: '919812345678@c.us', from_phone: '+919812345678',
            author: null, is_group: false, body: 'STOP', kind: 'text', quoted_id: 'true_919812345678@c.us_3EB0AAA', forwarding_score: 0, mentions: [],
            timestamp: '2023-11-14T22:13:20.000Z', push_name: null,
        });
        assert.equal(got[1].data.chat, '120363111@g.us');
        assert.equal(got[1].data.from, '123456789012345@lid');
        assert.equal(got[1].data.author, '123456789012345@lid');
        assert.equal(got[1].data.from_phone, null);
        assert.equal(got[1].data.is_group, true);
        assert.equal(got[1].data.kind, 'image');
        assert.deepEqual(got[1].data.mentions, ['919800000009@c.us']);
        assert.equal(got[1].data.push_name, 'Murugan', 'the sender\'s own name (group key members)');
        done();
    }));
});

test('acks: -1..4 map to error/pending/server/device/read/played and carry the key of our message', async () => {
    const { client, ledger, out } = setup();
    await ledger.send('idem-42', async () => 'true_919812345678@c.us_3EB0BBB');
    const msg = { id: { _serialized: 'true_919812345678@c.us_3EB0BBB', fromMe: true } };
    for (const a of [-1, 0, 1, 2, 3, 4]) client.emit('message_ack', msg, a);
    client.emit('message_ack', { id: { _serialized: 'false_x@c.us_1', fromMe: false } }, 3);   // not ours: ignored
    client.emit('message_ack', { id: { _serialized: 'true_x@c.us_UNKNOWN', fromMe: true } }, 2); // ours, unknown key
    const acks = out.filter((e) => e.event === 'message.ack').map((e) => e.data);
    assert.deepEqual(acks.slice(0, 6).map((a) => a.ack), ['error', 'pending', 'server', 'device', 'read', 'played']);
    assert.ok(acks.slice(0, 6).every((a) => a.key === 'idem-42' && a.message_id === 'true_919812345678@c.us_3EB0BBB'));
    assert.deepEqual(acks[6], { key: null, message_id: 'true_x@c.us_UNKNOWN', ack: 'device' });
    assert.equal(acks.length, 7);
});

test('an ack that overtakes sendMessage() still gets its key', async () => {
    const { client, ledger, out } = setup();
    let release!: (id: string) => void;
    const p = ledger.send('idem-race', () => new Promise<string>((r) => { release = r; }));
    await new Promise((r) => setImmediate(r));
    client.emit('message_ack', { id: { _serialized: 'true_a@c.us_EARLY', fromMe: true } }, 1);
    assert.equal(out.length, 0, 'held while the send is in flight');
    release('true_a@c.us_EARLY');
    await p;
    assert.deepEqual(out, [{ event: 'message.ack', data: { key: 'idem-race', message_id: 'true_a@c.us_EARLY', ack: 'server' } }]);
});

test('reactions, poll votes, group join/leave/update', () => {
    const { client, out } = setup();
    client.emit('message_reaction', { msgId: { _serialized: 'true_120363@g.us_3EB0C', remote: '120363@g.us', fromMe: true }, senderId: '919811111111@c.us', reaction: '👍' });
    client.emit('vote_update', { voter: '919822222222@c.us', selectedOptions: [{ name: 'Yes', localId: 0 }], parentMsgKey: { _serialized: 'true_120363@g.us_3EB0P', remote: '120363@g.us' } });
    client.emit('group_join', { chatId: '120363@g.us', recipientIds: ['919833333333@c.us'], author: { _serialized: '919844444444@c.us' }, type: 'add' });
    client.emit('group_leave', { chatId: '120363@g.us', recipientIds: ['919833333333@c.us'], author: undefined, type: 'leave' });
    client.emit('group_update', { chatId: '120363@g.us', type: 'subject', body: 'New name', author: '919844444444@c.us' });
    client.emit('group_update', { chatId: '120363@g.us', type: 'announce', body: 'on', author: '919844444444@c.us' });
    assert.deepEqual(out, [
        { event: 'message.reaction', data: { message_id: 'true_120363@g.us_3EB0C', chat: '120363@g.us', from: '919811111111@c.us', reaction: '👍' } },
        { event: 'poll.vote', data: { message_id: 'true_120363@g.us_3EB0P', chat: '120363@g.us', voter: '919822222222@c.us', selected: ['Yes'] } },
        { event: 'group.join', data: { group_id: '120363@g.us', participants: ['919833333333@c.us'], by: '919844444444@c.us', type: 'add' } },
        { event: 'group.leave', data: { group_id: '120363@g.us', participants: ['919833333333@c.us'], by: null, type: 'leave' } },
        { event: 'group.update', data: { group_id: '120363@g.us', what: 'subject', value: 'New name', by: '919844444444@c.us' } },
        { event: 'group.update', data: { group_id: '120363@g.us', what: 'announce', value: 'on', by: '919844444444@c.us' } },
    ]);
});
