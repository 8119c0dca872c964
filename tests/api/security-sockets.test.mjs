// Security of the two WebSocket endpoints (issues 12 and 6): what a connector holding the bridge
// secret, or a signed-in dashboard user, can do to the core with one socket.
// - issue 12.2: frames nesting 10k / 100k / 1M arrays get an error frame; the core keeps serving;
// - issue 12.3: a result counts only from the connection its command went out on; ids are random;
// - issue 6.1: wrong types, unknown frames and events, a late account.ready: an error frame, and the
//   connector stays registered and usable (before, the socket's reader died silently: a ghost);
// - issue 6.4: a connector may load, save and report only for the accounts placed on it.
// The first block drives raw bridge sockets (SANGAM_CONNECTOR=off); the second attacks a core whose
// own connector hosts real simulated accounts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { describeBackends } from './lib/harness.mjs';
import { assertError, newProject } from './lib/client.mjs';
import { connectWs, WsClient } from './lib/ws.mjs';
import {
  ACCOUNT_ENV, createAccount, getAccount, waitAccount, listAlerts, waitAlert, waitConnector, poll, accountPath,
  linkSim, waitLive, sleep,
} from './lib/accounts.mjs';

const SECRET = randomBytes(24).toString('hex');
const deep = (depth) => '['.repeat(depth) + ']'.repeat(depth);
const DEPTHS = [10_000, 100_000, 1_000_000];

const bridges = new Set();
after(() => { for (const b of bridges) b.close(); });

/** A connector speaking the bridge protocol by hand: records every frame the core sends it. */
class RawConnector extends WsClient {
  constructor(ws, label) {
    super(ws, label);
    this.seq = 0;
  }

  sendRaw(text) { this.ws.send(text); }

  async hello(extra = {}) {
    const since = this.mark();
    this.send({ type: 'hello', protocol: 1, connector_id: this.label, version: 'test', engines: ['sim', 'webjs'], pid: process.pid, ...extra });
    this.welcome = await this.next((m) => m.type === 'welcome', { since, what: 'welcome' });
    return this;
  }

  /** The next command (optionally: this command name for this account). */
  command(name, accountId, opts = {}) {
    return this.next((m) => m.type === 'command' && (!name || m.command === name) && (!accountId || m.account_id === accountId),
      { what: `command ${name ?? ''} for account ${accountId ?? 'any'}`, ...opts });
  }

  answer(cmd, data = {}) { this.send({ type: 'result', id: cmd.id, ok: true, data }); }

  fail(cmd, code, message) { this.send({ type: 'result', id: cmd.id, ok: false, error: { code, message } }); }

  event(event, accountId, data = {}) { this.send({ type: 'event', event, account_id: accountId, data, at: new Date().toISOString() }); }

  /** Sends a request and waits for its response. */
  request(request, accountId, args = {}) {
    const id = `r-${this.label}-${++this.seq}`;
    const since = this.mark();
    this.send({ type: 'request', id, request, account_id: accountId, args });
    return this.next((m) => m.type === 'response' && m.id === id, { since, what: `the response to ${request}` });
  }

  /** Sends `text` and waits for the error frame (or response) the core answers it with. */
  async refused(text, { type = 'error', timeout = 10_000 } = {}) {
    const since = this.mark();
    this.sendRaw(typeof text === 'string' ? text : JSON.stringify(text));
    return this.next((m) => m.type === type, { since, timeout, what: `a ${type} frame for ${String(text).slice(0, 120)}` });
  }

  close() {
    bridges.delete(this);
    this.ws.terminate();
  }
}

/** Opens a bridge socket with the secret; resolves once open (not yet welcomed). */
function dialBridge(server, label, secret = SECRET) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.wsBase}/bridge/v1`, { headers: { authorization: `Bearer ${secret}` }, handshakeTimeout: 5000 });
    const c = new RawConnector(ws, label);
    ws.on('open', () => { bridges.add(c); resolve(c); });
    ws.on('unexpected-response', (_req, res) => { ws.terminate(); reject(new Error(`${label}: bridge upgrade refused with HTTP ${res.statusCode}`)); });
    ws.on('error', reject);
  });
}

async function assertHealthy(server, what) {
  const res = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(5000) }).catch((err) => err);
  assert.ok(!server.exited, `${what}: sangam exited (code ${server.exited?.code}, signal ${server.exited?.signal})\n${server.logs()}`);
  assert.equal(res.status, 200, `${what}: GET /healthz: ${res.status ?? res.message}`);
}

const connectorIds = async (admin) => (await admin.ok('GET', '/connectors')).items.map((c) => c.id).sort();

/** Waits until exactly these connectors are connected (ids sorted). */
function waitConnectors(admin, ids) {
  return poll(() => connectorIds(admin), (l) => JSON.stringify(l) === JSON.stringify([...ids].sort()),
    { timeout: 10_000, what: `connectors ${ids.join(', ') || '(none)'}` });
}

const qrValues = async (client, pid, aid) => (await client.ok('GET', `${accountPath(pid, aid)}/qr`)).items.map((q) => q.value);

/** Closes the connectors and waits until the core has forgotten them (best effort: when the test
 *  failed, its own error says more). */
async function closeBridges(admin, ...cs) {
  for (const c of cs) c?.close();
  await waitConnectors(admin, []).catch(() => {});
}

/** POST link; resolves with the account.start command the connector `on` received for it. */
async function startLink(client, pid, account, on) {
  const since = on.mark();
  await client.ok('POST', `${accountPath(pid, account.id)}/link`, {}, 202);
  return on.command('account.start', account.id, { since });
}

/** The connector still works end to end: its QR event is stored, and it gets the next command. */
async function assertConnectorWorks(c, client, pid, aid) {
  const qr = `2@still-works-${randomBytes(4).toString('hex')}`;
  c.event('account.qr', aid, { qr, attempt: 1 });
  await poll(() => qrValues(client, pid, aid), (l) => l.includes(qr), { timeout: 5000, what: `${c.label}'s QR ${qr} stored` });
  const since = c.mark();
  await client.ok('POST', `${accountPath(pid, aid)}/sim/incoming`, { from: '+919812300001', body: 'ping' }, 202);
  c.answer(await c.command('sim.incoming', aid, { since }), { message_id: 'm-1' });
}

describeBackends('security: raw bridge sockets', (ctx) => {
  let project;
  ctx.setup(async () => {
    project = await newProject(ctx.admin, { name: 'Bridge security', default_region: 'IN' });
  });

  test('frames nesting 10k, 100k and 1M arrays get an error frame; the core serves and the connector keeps working', { timeout: 60_000 }, async () => {
    const x = await (await dialBridge(ctx.server, 'deep-x')).hello();
    try {
      const a = await createAccount(ctx.admin, project.id);
      const start = await startLink(ctx.admin, project.id, a, x);
      for (const depth of DEPTHS) {
        // What used to overflow the stack: the frame's data was copied recursively.
        const err = await x.refused(`{"type":"event","event":"account.state","account_id":${a.id},"data":{"state":${deep(depth)}}}`);
        assert.equal(err.error?.code, 'bad_frame', `depth ${depth}: ${JSON.stringify(err)}`);
        assert.match(err.error.message, /nests deeper than 64 levels/);
        const bare = await x.refused(deep(depth));
        assert.equal(bare.error?.code, 'bad_frame');
        await assertHealthy(ctx.server, `after a frame nesting ${depth} arrays`);
      }
      x.answer(start);
      await assertConnectorWorks(x, ctx.admin, project.id, a.id);
      assert.equal((await getAccount(ctx.admin, project.id, a.id)).status, 'linking');
    } finally {
      await closeBridges(ctx.admin, x);
    }
  });

  test('wrong types, unknown frames and events, a late account.ready: error frames, and the connector stays registered and usable', { timeout: 60_000 }, async () => {
    const x = await (await dialBridge(ctx.server, 'types-x')).hello();
    try {
      const a = await createAccount(ctx.admin, project.id);
      x.answer(await startLink(ctx.admin, project.id, a, x));
      // The first of these used to kill the socket's reader (m.value("account_id", 0) threw on a
      // string): the connector stayed listed and got commands, and nothing it sent was read again.
      const errors = [
        `{"type":"event","event":"account.qr","account_id":"${a.id}","data":{"qr":"2@typed"}}`,
        `{"type":"event","event":"account.qr","account_id":${a.id},"data":"not an object"}`,
        `{"type":"event","event":17,"account_id":${a.id}}`,
        '{"type":"result","id":17,"ok":true}',
        '{"type":"dance"}',
        '{"type":["event"]}',
        '{not json',
        '"just a string"',
        '{"type":"hello","protocol":"1"}',
      ];
      for (const frame of errors) {
        const err = await x.refused(frame);
        assert.equal(err.error?.code, 'bad_frame', `${frame}: ${JSON.stringify(err)}`);
      }
      const res = await x.refused(`{"type":"request","id":17,"request":"session.exists","account_id":${a.id}}`, { type: 'response' });
      assert.equal(res.ok, false);
      assert.equal(res.error?.code, 'bad_request');
      const res2 = await x.refused(`{"type":"request","id":"r-typed","request":"session.exists","account_id":"${a.id}"}`, { type: 'response' });
      assert.equal(res2.error?.code, 'bad_request');
      x.event('account.unheard_of', a.id, { what: 'a future event' });

      // A late account.ready for an account back in `new`: the state machine refuses new → active.
      const b = await createAccount(ctx.admin, project.id);
      x.fail(await startLink(ctx.admin, project.id, b, x), 'failed', 'no browser here');
      await waitAccount(ctx.admin, project.id, b.id, (acc) => acc.status === 'new', { what: 'account b back in new' });
      const late = await x.refused({ type: 'event', event: 'account.ready', account_id: b.id, data: { phone: b.phone } });
      assert.equal(late.error?.code, 'failed', JSON.stringify(late));
      assert.equal(late.about?.event, 'account.ready');
      assert.equal((await getAccount(ctx.admin, project.id, b.id)).status, 'new');

      await assertConnectorWorks(x, ctx.admin, project.id, a.id);
      assert.deepEqual(await connectorIds(ctx.admin), ['types-x']);
      await assertHealthy(ctx.server, 'after the malformed frames');
    } finally {
      await closeBridges(ctx.admin, x);
    }
  });

  test("a second connector's result for the first one's command is ignored; command ids are random", { timeout: 60_000 }, async () => {
    const x = await (await dialBridge(ctx.server, 'owner-x')).hello();
    let y;
    try {
      const a = await createAccount(ctx.admin, project.id);
      const start = await startLink(ctx.admin, project.id, a, x);
      assert.match(start.id, /^c-[A-Za-z0-9_-]{22,}$/, `an unguessable id, not a counter: ${start.id}`);
      const other = await createAccount(ctx.admin, project.id);
      const start2 = await startLink(ctx.admin, project.id, other, x);
      assert.notEqual(start2.id, start.id);
      y = await (await dialBridge(ctx.server, 'forger-y')).hello();
      // y learnt the id somehow: its answer must still not count.
      y.fail(start, 'failed', 'forged by y');
      await sleep(500);
      let acc = await getAccount(ctx.admin, project.id, a.id);
      assert.equal(acc.status, 'linking', `y's result must not fail x's command: ${JSON.stringify(acc)}`);
      assert.ok(!JSON.stringify(acc).includes('forged'), JSON.stringify(acc));
      x.answer(start);
      x.answer(start2);
      await assertConnectorWorks(x, ctx.admin, project.id, a.id);
      acc = await getAccount(ctx.admin, project.id, a.id);
      assert.equal(acc.status, 'linking');
    } finally {
      await closeBridges(ctx.admin, x, y);
    }
  });

  test('a connector cannot load, save or report for an account placed on another; it is refused, logged and alerted', { timeout: 60_000 }, async () => {
    const x = await (await dialBridge(ctx.server, 'host-x')).hello();
    let y;
    try {
      const a = await createAccount(ctx.admin, project.id);
      x.answer(await startLink(ctx.admin, project.id, a, x));
      y = await (await dialBridge(ctx.server, 'thief-y')).hello();

      const save = await y.request('session.save', a.id, { archive_base64: Buffer.from('planted by y').toString('base64') });
      assert.equal(save.ok, false, JSON.stringify(save));
      assert.equal(save.error?.code, 'forbidden');
      const exists = await x.request('session.exists', a.id);
      assert.deepEqual(exists.data, { exists: false }, "y's archive must not have been stored");
      assert.equal((await y.request('session.exists', a.id)).error?.code, 'forbidden');
      assert.equal((await y.request('session.delete', a.id)).error?.code, 'forbidden');
      const ready = await y.refused({ type: 'event', event: 'account.ready', account_id: a.id, data: { phone: a.phone } });
      assert.equal(ready.error?.code, 'forbidden');
      assert.equal((await getAccount(ctx.admin, project.id, a.id)).status, 'linking', "y's account.ready must not link the account");
      const alert = await waitAlert(ctx.admin, project.id, (al) => al.kind === 'connector_refused' && al.account_id === a.id,
        { what: 'a connector_refused alert' });
      assert.equal(alert.severity, 'critical');
      assert.match(alert.message, /thief-y/);

      // x, which the account was placed on, is served.
      const archive = Buffer.from('a real profile zip').toString('base64');
      assert.equal((await x.request('session.save', a.id, { archive_base64: archive })).ok, true);
      assert.equal((await y.request('session.load', a.id)).error?.code, 'forbidden');
      const load = await x.request('session.load', a.id);
      assert.equal(load.data?.archive_base64, archive);
      x.event('account.ready', a.id, { phone: a.phone, name: 'x' });
      await waitAccount(ctx.admin, project.id, a.id, (acc) => acc.status === 'active' && acc.connector_id === 'host-x',
        { what: 'the account linked on x' });
    } finally {
      await closeBridges(ctx.admin, x, y);
    }
  });

  test('restore after a connector restart, and a resumed socket, still work with scoping', { timeout: 60_000 }, async () => {
    let x = await (await dialBridge(ctx.server, 'restart-x')).hello();
    try {
      const a = await createAccount(ctx.admin, project.id);
      x.answer(await startLink(ctx.admin, project.id, a, x));
      assert.equal((await x.request('session.save', a.id, { archive_base64: 'cHJvZmlsZQ==' })).ok, true);
      x.event('account.ready', a.id, { phone: a.phone });
      await waitAccount(ctx.admin, project.id, a.id, (acc) => acc.status === 'active', { what: 'active' });

      // The socket drops and the same connector dials again with its resume token: the account's
      // queued events are accepted at once.
      const { resume } = x.welcome;
      assert.equal(typeof resume, 'string');
      x.close();
      await waitConnectors(ctx.admin, []); // the core forgets a closed connector
      x = await (await dialBridge(ctx.server, 'restart-x')).hello({ resume });
      assert.equal((await x.request('session.exists', a.id)).data?.exists, true);

      // A restarted connector (no token) gets the account only once the core restores it there:
      // account.stop + account.start (SANGAM_RECONNECT_DELAY_MS), then it may load the session.
      x.close();
      await waitConnectors(ctx.admin, []); // the core forgets a closed connector
      const fresh = await (await dialBridge(ctx.server, 'restart-x2')).hello();
      x = fresh;
      const stop = await fresh.command('account.stop', a.id, { timeout: 15_000 });
      fresh.answer(stop, { already_stopped: true });
      const start = await fresh.command('account.start', a.id, { timeout: 15_000 });
      assert.equal(start.args?.restore, true);
      const load = await fresh.request('session.load', a.id);
      assert.equal(load.data?.archive_base64, 'cHJvZmlsZQ==');
      fresh.answer(start);
      fresh.event('account.ready', a.id, { phone: a.phone });
      await waitAccount(ctx.admin, project.id, a.id, (acc) => acc.connector_id === 'restart-x2' && acc.status === 'active',
        { what: 'restored on restart-x2' });
      const refused = (await listAlerts(ctx.admin, project.id, 'all')).filter((al) => al.kind === 'connector_refused' && al.account_id === a.id);
      assert.deepEqual(refused, [], 'legitimate flows raise no connector_refused alert');
    } finally {
      await closeBridges(ctx.admin, x);
    }
  });

  test('HTTP request bodies nesting deeper than 64 levels are invalid_json, however deep', async () => {
    for (const depth of [65, ...DEPTHS.slice(0, 2)]) {
      const res = await ctx.admin.post('/projects', undefined, { raw: `{"name":${deep(depth)}}` });
      assertError(res, 400, 'invalid_json');
      assert.match(res.body.error.message, /nests deeper than 64 levels/);
    }
    assertError(await ctx.admin.post('/projects', { name: [[['64 levels are fine: the type is wrong']]] }), 400, 'validation_failed', 'name');
    await assertHealthy(ctx.server, 'after deep request bodies');
  });

  test('dashboard socket: a message nesting 10k arrays gets invalid_json; bigger ones are cut off by the size limit; the core serves', { timeout: 30_000 }, async () => {
    const ws = await connectWs(ctx.server, { cookie: ctx.admin.cookie }, { label: 'dashboard' });
    const since = ws.mark();
    ws.ws.send(`{"type":"subscribe","project_id":${project.id},"x":${deep(10_000)}}`);
    const err = await ws.next((m) => m.type === 'error' || m.type === 'subscribed', { since, what: 'the answer to a deep message' });
    assert.equal(err.type, 'error', `a 10k-deep message must not subscribe: ${JSON.stringify(err)}`);
    assert.equal(err.error?.code, 'invalid_json');
    assert.match(err.error.message, /nests deeper than 64 levels/);
    assert.equal((await ws.subscribe(project.id)).type, 'subscribed', 'the same socket keeps working');
    ws.close();
    for (const depth of [100_000, 1_000_000]) {
      const big = await connectWs(ctx.server, { cookie: ctx.admin.cookie }, { label: `dashboard-${depth}` });
      const closed = new Promise((r) => big.ws.once('close', (code) => r(code)));
      big.ws.send(deep(depth)); // over the 64 KiB message limit: the server closes the socket
      // 1009 "too big"; 1006 when the server's close overtook the rest of our 0.2-2 MB message.
      const code = await closed;
      assert.ok(code === 1009 || code === 1006, `depth ${depth}: closed as too big, got ${code}`);
      await assertHealthy(ctx.server, `after a dashboard message nesting ${depth} arrays`);
    }
    const again = await connectWs(ctx.server, { cookie: ctx.admin.cookie }, { label: 'dashboard-again' });
    assert.equal((await again.subscribe(project.id)).type, 'subscribed');
    again.close();
  });
}, { env: { ...ACCOUNT_ENV, SANGAM_CONNECTOR: 'off', SANGAM_BRIDGE_SECRET: SECRET } });

describeBackends('security: a second connector beside the local one', (ctx) => {
  let project; let ws;
  ctx.setup(async () => {
    project = await newProject(ctx.admin, { name: 'Local connector', default_region: 'IN' });
    await waitConnector(ctx.admin);
    ws = await connectWs(ctx.server, { cookie: ctx.admin.cookie }, { label: 'dashboard' });
    assert.equal((await ws.subscribe(project.id)).type, 'subscribed');
  });

  test("an intruder with the secret gets no session of the local connector's account, cannot unlink it, and crashes nothing", { timeout: 90_000 }, async () => {
    const { account } = await linkSim(ctx.admin, ws, project.id, await createAccount(ctx.admin, project.id));
    const y = await (await dialBridge(ctx.server, 'intruder')).hello();
    try {
      const load = await y.request('session.load', account.id);
      assert.equal(load.ok, false, `the decrypted session must not reach the intruder: ${JSON.stringify(load).slice(0, 200)}`);
      assert.equal(load.error?.code, 'forbidden');
      assert.ok(!('data' in load));
      const unlink = await y.refused({ type: 'event', event: 'account.disconnected', account_id: account.id, data: { reason: 'UNPAIRED' } });
      assert.equal(unlink.error?.code, 'forbidden');
      for (const depth of DEPTHS) {
        assert.equal((await y.refused(`{"type":"event","event":"account.state","account_id":${account.id},"data":{"state":${deep(depth)}}}`)).error?.code, 'bad_frame');
      }
      assert.equal((await y.refused(`{"type":"event","event":"message.received","account_id":"${account.id}"}`)).error?.code, 'bad_frame');
      await assertHealthy(ctx.server, 'after the intruder');
      await waitAlert(ctx.admin, project.id, (al) => al.kind === 'connector_refused' && al.account_id === account.id,
        { what: 'a connector_refused alert' });
      const live = await waitLive(ctx.admin, project.id, account.id);
      assert.equal(live.status, 'active', 'the account stays linked on the local connector');
      assert.equal(live.connector_id, 'local');
    } finally {
      y.close();
    }
    // The local connector's own flows raise no such alert.
    const { account: second } = await linkSim(ctx.admin, ws, project.id, await createAccount(ctx.admin, project.id));
    await waitLive(ctx.admin, project.id, second.id);
    const alerts = await listAlerts(ctx.admin, project.id, 'all');
    assert.deepEqual(alerts.filter((al) => al.kind === 'connector_refused' && al.account_id !== account.id), []);
  });
}, { env: { ...ACCOUNT_ENV, SANGAM_BRIDGE_SECRET: SECRET } });
