// Group post reach (issue 9 item 2): message.info reads Message.getInfo() of a message we sent. The
// simulator lists each member once their delivery (and read) time has passed, drawn once per message,
// so the same question later gives the same answer.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SimNetwork } from '../src/sim/network';
import { SimClient } from '../src/sim/client';
import * as ops from '../src/wwebjs/ops';
import { CommandError } from '../src/bridge/protocol';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('message.info of a group post: most members get it, a share reads it, and it stays put once settled', async () => {
    // 50,000x: one real second is ~14 simulated hours.
    const net = new SimNetwork({ seed: 3, world: 'demo', speed: 50_000 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-reach-'));
    const store = { sessionExists: async () => false, save: async () => {}, extract: async () => {}, delete: async () => {} };
    const c = new SimClient({ network: net, phone: '+919800000001', clientId: 'acct-0001', store, dataPath: dir });
    const ready = new Promise<void>((r) => c.once('ready', () => r()));
    await c.initialize();
    c.simScan();
    await ready;
    const page = await ops.listGroupsPage(c, '919800000001@c.us', 0, 50);
    const group = page.groups.find((g) => g.kind === 'group' && g.size >= 20 && (!g.announce || g.participants.find((p) => p.id === '919800000001@c.us')?.admin));
    assert.ok(group, 'a group to post in');
    const msg = await c.sendMessage(group.id, 'Winter feed tips for layers');
    assert.ok(msg);
    const members = group.size - 1;
    const early = await ops.messageInfo(c, msg.id._serialized);
    assert.ok(early.delivered + early.pending <= members);
    await sleep(2500);
    const later = await ops.messageInfo(c, msg.id._serialized);
    assert.ok(later.delivered >= early.delivered);
    assert.ok(later.delivered >= 0.8 * members && later.delivered <= members, `delivered ${later.delivered} of ${members}`);
    assert.ok(later.read >= 0.15 * members && later.read <= 0.75 * members, `read ${later.read} of ${members}`);
    assert.ok(later.read <= later.delivered, 'a reader was delivered to');
    assert.deepEqual(await ops.messageInfo(c, msg.id._serialized), later);
    await assert.rejects(ops.messageInfo(c, 'true_120363000000000000@g.us_NOPE'), (e) => e instanceof CommandError && e.code === 'failed');
    await c.destroy();
});
