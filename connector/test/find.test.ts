// message.find (reconciliation, docs/bridge-protocol.md): the connector answers from its ledger for
// its own sends, else from the chat; the simulated network remembers what it carried across a
// connector killed with SIGKILL (SANGAM_SIM_LEDGER), so a fresh connector still finds the message,
// and is sure about one that never left.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeCore, runConnector } from './helpers';

test('message.find: found by the ledger, then by the network after a kill -9; absent is definitive; bad args refused', async () => {
    const core = new FakeCore();
    await core.listen();
    const ledger = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sim-ledger-')), 'network.jsonl');
    const env = { SANGAM_SIM_LEDGER: ledger };
    let conn = runConnector(core, env);
    try {
        await core.whenConnected();
        const acct = 41, chat = '919812340041@c.us';
        await core.command('account.start', acct, { engine: 'sim', phone: '+919811100041', restore: true });
        await core.waitEvent((e) => e.event === 'account.qr' && e.account_id === acct);
        await core.command('sim.scan', acct);
        await core.waitEvent((e) => e.event === 'account.ready' && e.account_id === acct);
        const sent = await core.command('message.send', acct, { key: 'k-1', to: chat, kind: 'text', text: 'Winter feed tips' });
        assert.equal(sent.ok, true);
        const id = sent.data.message_id;
        const byLedger = await core.command('message.find', acct, { key: 'k-1', chat, text: 'Winter feed tips', since: Date.now() - 60_000 });
        assert.deepEqual({ found: byLedger.data.found, id: byLedger.data.message_id }, { found: true, id });

        conn.child.kill('SIGKILL');
        await conn.exited;
        const hellos = core.hellos.length, mark = core.events.length;
        conn = runConnector(core, env);
        for (let i = 0; i < 200 && core.hellos.length === hellos; i++) await new Promise((r) => setTimeout(r, 50));
        assert.equal(core.hellos.length, hellos + 1, 'the new connector said hello');
        await core.command('account.start', acct, { engine: 'sim', phone: '+919811100041', restore: true });
        await core.waitEvent((e) => e.event === 'account.ready' && e.account_id === acct, 15_000, mark);
        const since = Date.now() - 60_000;
        const found = await core.command('message.find', acct, { key: 'k-1', chat, text: '  Winter   feed tips ', since });
        assert.equal(found.data.found, true, JSON.stringify(found));
        assert.equal(found.data.message_id, id, 'the network has it under the id it was sent with');
        const known = await core.command('message.find', acct, { key: 'k-1', chat, text: 'Winter feed tips', since, known_ids: [id] });
        assert.deepEqual([known.data.found, known.data.definitive], [false, true], 'a message already matched to another row is not this one');
        const absent = await core.command('message.find', acct, { key: 'k-2', chat, text: 'Never sent', since });
        assert.deepEqual([absent.data.found, absent.data.definitive], [false, true]);
        const old = await core.command('message.find', acct, { key: 'k-1', chat, text: 'Winter feed tips', since: Date.now() + 3_600_000 });
        assert.equal(old.data.found, false, 'a message older than the claim does not count');
        const bad = await core.command('message.find', acct, { key: 'k-1', chat: 'nonsense', text: 'x', since });
        assert.equal(bad.error.code, 'bad_request');
        const gone = await core.command('message.find', 999, { key: 'k-1', chat, text: 'x', since });
        assert.equal(gone.error.code, 'unknown_account');
        assert.equal(fs.readFileSync(ledger, 'utf8').trim().split('\n').length, 1, 'the network carried one message');
    } finally {
        if (conn.child.exitCode === null) { conn.child.kill('SIGTERM'); await conn.exited; }
        await core.close();
        fs.rmSync(conn.dataDir, { recursive: true, force: true });
    }
});
