// The bridge survives the core going away: clients keep running, events are queued and delivered
// after the next welcome, and account.start for a running account repeats where it stands.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { FakeCore, runConnector, sleep } from './helpers';

test('core restart: reconnect with backoff, queued acks delivered, running accounts kept', { timeout: 60_000 }, async () => {
    const core1 = new FakeCore();
    await core1.listen();
    const port = core1.port;
    // slow sim (speed 4) so acks arrive while the core is away
    const conn = runConnector(core1, { SANGAM_SIM_SPEED: '4' });
    let core2: FakeCore | null = null;
    try {
        await core1.whenConnected();
        await core1.command('account.start', 3, { engine: 'sim', phone: '+919811100003' });
        await core1.waitEvent((e) => e.event === 'account.qr');
        await core1.command('sim.scan', 3);
        await core1.waitEvent((e) => e.event === 'account.ready', 20_000);
        const r = await core1.command('message.send', 3, { key: 'q-1', to: '919812345678@c.us', kind: 'text', text: 'Hello from before the restart' });
        assert.equal(r.ok, true);
        await core1.crash();
        await sleep(2500);   // server ack (≤ 0.6 s real) and device ack (≤ 5.6 s real) happen meanwhile
        core2 = new FakeCore();
        (core2 as any).secret = core1.secret;
        await core2.listen(port);
        await core2.whenConnected();
        assert.equal(core2.hello.connector_id, 'test-1');
        const ack = await core2.waitEvent((e) => e.event === 'message.ack' && e.data.ack === 'server', 10_000);
        assert.equal(ack.data.key, 'q-1');
        assert.equal(ack.data.message_id, r.data.message_id);
        const again = await core2.command('account.start', 3, { engine: 'sim', phone: '+919811100003' });
        assert.deepEqual(again.data, { already_running: true });
        const ready = await core2.waitEvent((e) => e.event === 'account.ready');
        assert.equal(ready.data.phone, '+919811100003');
        assert.ok(conn.lines.some((l) => l.event === 'bridge.closed'));
    } finally {
        conn.child.kill('SIGTERM');
        await conn.exited;
        if (core2) await core2.close();
        fs.rmSync(conn.dataDir, { recursive: true, force: true });
    }
});

test('a wrong secret is refused with 401 and retried with backoff, never welcomed', { timeout: 30_000 }, async () => {
    const core = new FakeCore();
    await core.listen();
    const conn = runConnector(core, { SANGAM_BRIDGE_SECRET: 'not-the-secret-xyz' });
    try {
        await sleep(2000);
        assert.equal(core.hello, null);
        const rejected = conn.lines.filter((l) => l.event === 'bridge.rejected');
        assert.ok(rejected.length >= 2 && rejected.length <= 4, `backoff 0.5 s, 1 s, 2 s…: ${rejected.length} tries in 2 s`);
        assert.equal(rejected[0].status, 401);
        assert.ok(!conn.lines.some((l) => JSON.stringify(l).includes('not-the-secret-xyz')), 'the secret is never logged');
    } finally {
        conn.child.kill('SIGTERM');
        assert.equal(await conn.exited, 0);
        await core.close();
        fs.rmSync(conn.dataDir, { recursive: true, force: true });
    }
});

test('a dropped socket: the next hello carries the resume token of the last welcome, and events flow again', { timeout: 30_000 }, async () => {
    const core = new FakeCore();
    await core.listen();
    const conn = runConnector(core);
    try {
        await core.whenConnected();
        assert.equal(core.hellos[0].resume, undefined, 'a fresh connector has nothing to resume');
        await core.command('account.start', 5, { engine: 'sim', phone: '+919811100005' });
        await core.waitEvent((e) => e.event === 'account.qr');
        core.drop();
        await core.whenConnected();
        assert.equal(core.hellos.length, 2);
        assert.equal(core.hellos[1].resume, `resume-${core.port}-1`);
        const n = core.events.length;
        await core.waitEvent((e) => e.event === 'account.qr', 15_000, n); // the client kept running
        assert.ok(!conn.lines.some((l) => JSON.stringify(l).includes(`resume-${core.port}-`)), 'the token is never logged');
    } finally {
        conn.child.kill('SIGTERM');
        await conn.exited;
        await core.close();
        fs.rmSync(conn.dataDir, { recursive: true, force: true });
    }
});
