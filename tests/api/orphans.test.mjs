// Issue 6, item 2: a connector spawned by sangam dies with it, however sangam dies. Before the fix a
// `kill -9` of sangam left the connector running (re-parented to init), retrying the bridge every
// 10 s with a secret the next sangam rejects, still holding its WhatsApp clients and their Chromium.
// Here: linked sim accounts and a webjs account whose Chromium is up (its page held loading by a
// black-hole server: WhatsApp Web is unreachable here), kill -9 of sangam → within 5 s no process it
// spawned is left; a restart on the same data → the accounts are active again without a new scan.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { describeBackends } from './lib/harness.mjs';
import { newUser, newProject } from './lib/client.mjs';
import { connectWs, isEvent } from './lib/ws.mjs';
import { processTable, descendants, isChromium, alive } from './lib/procs.mjs';
import {
  ACCOUNT_ENV, sleep, poll, createAccount, getAccount, waitAccount, waitConnector, accountPath, accountQr, linkSim, waitLive,
} from './lib/accounts.mjs';

const GONE_WITHIN_MS = 5000;

// Accepts connections and never answers: Chromium's page load for WhatsApp Web hangs (not fails).
const sockets = new Set();
const hole = net.createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); });
await new Promise((r) => hole.listen(0, '127.0.0.1', r));
after(() => { for (const s of sockets) s.destroy(); hole.close(); });

describeBackends('orphaned connectors', (ctx) => {
  let owner; let project;

  ctx.setup(async () => {
    owner = await newUser(ctx.admin, { name: 'Owner' });
    project = await newProject(owner.client, { name: 'Orphans' });
    await waitConnector(ctx.admin);
  });

  test('kill -9 of sangam → its connector and Chromium exit within 5 s; a restart resumes the accounts without a scan', { timeout: 120_000 }, async (t) => {
    const ws = await connectWs(ctx.server, { cookie: owner.client.cookie }, { label: 'owner' });
    assert.equal((await ws.subscribe(project.id)).type, 'subscribed');
    const linked = [];
    for (const label of ['One', 'Two']) {
      linked.push((await linkSim(owner.client, ws, project.id, await createAccount(owner.client, project.id, { label }))).account);
    }
    // a real whatsapp-web.js client: its Chromium starts and stays up, loading
    const real = await createAccount(owner.client, project.id, { engine: 'webjs', label: 'Real' });
    await owner.client.ok('POST', `${accountPath(project.id, real.id)}/link`, {}, 202);
    const connector = await waitConnector(ctx.admin);
    const tree = await poll(() => descendants(connector.pid), (l) => l.filter(isChromium).length >= 2,
      { timeout: 30_000, interval: 100, what: `Chromium processes under the connector ${connector.pid}` });
    await sleep(500); // its helpers (zygote, renderer) too
    const spawned = [connector, ...descendants(connector.pid)].map((p) => ({ pid: p.pid, cmd: p.cmd ?? 'connector' }));
    assert.ok(spawned.some(isChromium), JSON.stringify(tree));
    // Chromium's profile lives in the connector's scratch dir under the server's data dir: any process
    // naming it is one this sangam started, whoever its parent is now
    const marker = `${ctx.server.dataDir}/connector`;
    const left = () => {
      const table = processTable();
      const byPid = spawned.filter((p) => alive(p.pid) && table.some((q) => q.pid === p.pid));
      const byMarker = table.filter((p) => p.cmd.includes(marker) && !byPid.some((q) => q.pid === p.pid));
      return [...byPid, ...byMarker].map((p) => `${p.pid} ${p.cmd.slice(0, 100)}`);
    };
    ws.close();

    const t0 = Date.now();
    const exit = await ctx.server.kill9();
    assert.equal(exit.signal, 'SIGKILL');
    const remaining = await poll(left, (l) => l.length === 0 || Date.now() - t0 > GONE_WITHIN_MS, { timeout: GONE_WITHIN_MS + 2000, interval: 100 });
    const took = Date.now() - t0;
    assert.deepEqual(remaining, [], `processes left ${took} ms after kill -9 of sangam`);
    t.diagnostic(`${spawned.length} processes (connector ${connector.pid}, ${spawned.filter(isChromium).length} Chromium) gone ${took} ms after kill -9`);

    await ctx.server.restart();
    const wsNew = await connectWs(ctx.server, { cookie: owner.client.cookie }, { label: 'owner' });
    assert.equal((await wsNew.subscribe(project.id)).type, 'subscribed');
    const since = wsNew.mark();
    const fresh = await waitConnector(ctx.admin, { notPid: connector.pid, timeout: 20_000 });
    assert.ok(alive(fresh.pid));
    const noQr = (aid) => () => {
      const qr = wsNew.messages.slice(since).find(accountQr(project.id, aid));
      if (qr) assert.fail(`account ${aid}: a new QR code instead of the stored session: ${JSON.stringify(qr)}`);
    };
    for (const a of linked) {
      const back = await waitAccount(owner.client, project.id, a.id, (x) => x.status === 'active', { timeout: 30_000, what: `account ${a.id} active after the restart` });
      assert.equal(back.linked_at, a.linked_at, 'the same link: no new scan');
      await waitLive(owner.client, project.id, a.id, { what: `account ${a.id} live after the restart`, check: noQr(a.id) });
    }
    await wsNew.none((m) => isEvent('account.qr', project.id)(m) && linked.some((a) => a.id === m.data?.account_id),
      { since, ms: 300, what: 'account.qr of a linked account after the restart' });
    assert.equal((await getAccount(owner.client, project.id, linked[0].id)).status, 'active');
    await owner.client.ok('DELETE', accountPath(project.id, real.id), undefined, 204);
    wsNew.close();
  });
}, { env: { ...ACCOUNT_ENV, SANGAM_CHROMIUM_EXTRA_ARGS: JSON.stringify([`--host-resolver-rules=MAP * 127.0.0.1:${hole.address().port}`]) } });
