// Issue 3: recovery of linked accounts, with the real connector in simulated mode and fast timers
// (SANGAM_RECONNECT_DELAY_MS=500): a forced disconnect, a killed connector, a restart of sangam.
// In every case the account returns to `active` from its stored session, without a new QR scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { assertError, assertStatus, newUser, newProject, addMember } from './lib/client.mjs';
import { connectWs, isEvent } from './lib/ws.mjs';
import { alive } from './lib/procs.mjs';
import {
  ACCOUNT_ENV, ISO, sleep, poll, createAccount, getAccount, waitAccount, waitAlert, listAlerts,
  listConnectors, waitConnector, hostedCount, hosts, getHealth, accountPath, accountQr, linkSim, waitLive,
} from './lib/accounts.mjs';

/** Numeric reconnect counters found in a health `connection` component (any key naming reconnects). */
function reconnectCounters(connection) {
  if (!connection || typeof connection !== 'object') return {};
  const out = {};
  for (const [k, v] of Object.entries(connection)) if (/reconnect/i.test(k) && typeof v === 'number') out[k] = v;
  return out;
}
/** The connection component's score: the number itself, or its score/points field. */
function connectionScore(connection) {
  if (typeof connection === 'number') return connection;
  for (const k of ['score', 'points', 'value']) if (typeof connection?.[k] === 'number') return connection[k];
  return null;
}

/** Does `after` (health) show one more reconnect than `before`? */
function showsReconnect(before, after) {
  const b = reconnectCounters(before.connection);
  const a = reconnectCounters(after.connection);
  const keys = Object.keys(a);
  if (keys.length > 0) return keys.some((k) => a[k] >= (b[k] ?? 0) + 1);
  // no counter exposed: the connection score (40 points, "reconnects in 24 h") must have dropped
  const sb = connectionScore(before.connection);
  const sa = connectionScore(after.connection);
  return sb !== null && sa !== null && sa < sb;
}

/** For waitLive: throws as soon as ws received an account.qr of account aid since `since`. */
const noQrSince = (ws, pid, aid, since) => () => {
  const qr = ws.messages.slice(since).find(accountQr(pid, aid));
  if (qr) assert.fail(`account ${aid}: a new QR code was shown instead of resuming from the stored session: ${JSON.stringify(qr)}`);
};

describeBackends('accounts recovery', (ctx) => {
  let owner; let viewer; let project;
  const linked = []; // accounts linked in this block; those still active must survive each recovery

  ctx.setup(async () => {
    [owner, viewer] = await Promise.all(['Owner', 'Viewer'].map((name) => newUser(ctx.admin, { name })));
    project = await newProject(owner.client, { name: 'Recovery' });
    assertStatus(await addMember(owner.client, project.id, viewer.email, 'viewer'), 201);
    await waitConnector(ctx.admin);
  });

  const wsOwner = async () => {
    const ws = await connectWs(ctx.server, { cookie: owner.client.cookie }, { label: 'owner' });
    assert.equal((await ws.subscribe(project.id)).type, 'subscribed');
    return ws;
  };
  const qrHistory = async (aid) => (await owner.client.ok('GET', `${accountPath(project.id, aid)}/qr`)).items;

  async function newLinked(ws, label) {
    const { account } = await linkSim(owner.client, ws, project.id, await createAccount(owner.client, project.id, { label }));
    linked.push(account);
    return account;
  }

  test('GET /connectors is for admins: the spawned local connector is listed, connected, with its pid', async () => {
    const items = await listConnectors(ctx.admin);
    assert.ok(items.length >= 1, `a connector: ${JSON.stringify(items)}`);
    const c = items.find((x) => x.connected);
    assert.ok(c, `a connected connector: ${JSON.stringify(items)}`);
    assert.equal(typeof c.id, 'string');
    assert.ok(Number.isInteger(c.pid) && c.pid > 0, `pid: ${JSON.stringify(c)}`);
    assert.ok(alive(c.pid), `the connector process ${c.pid} runs on this machine`);
    assert.equal(typeof c.version, 'string');
    assert.ok(Array.isArray(c.engines) && c.engines.includes('sim') && c.engines.includes('webjs'), `engines: ${JSON.stringify(c)}`);
    assert.match(c.connected_at, ISO);
    assertError(await owner.client.get('/connectors'), 403, 'forbidden');
  });

  test('forced disconnect (NAVIGATION) → back to active within the retry policy, reconnect counted in health', { timeout: 60_000 }, async () => {
    const ws = await wsOwner();
    const a = await newLinked(ws, 'Disconnect me');
    const healthBefore = await poll(() => getHealth(owner.client, project.id, a.id), (h) => h.score === 100, { what: 'health 100 before' });
    const qrBefore = await qrHistory(a.id);
    const since = ws.mark();
    const t0 = Date.now();
    const res = await owner.client.post(`${accountPath(project.id, a.id)}/sim/disconnect`, { reason: 'NAVIGATION' });
    assertStatus(res, 202, 'sim/disconnect');
    // the core notices the disconnect, waits SANGAM_RECONNECT_DELAY_MS (500) and restores the session
    // recovered: healthy again (one reconnect costs a little), with the reconnect in the connection part
    const healthAfter = await poll(() => getHealth(owner.client, project.id, a.id),
      (h) => showsReconnect(healthBefore, h) && h.level === 'healthy', {
        timeout: 15_000,
        what: `health healthy again, its connection component showing a reconnect (before: ${JSON.stringify(healthBefore.connection)})`,
      });
    const back = await waitAccount(owner.client, project.id, a.id, (x) => x.status === 'active' && x.status_reason === null,
      { timeout: 15_000, what: 'active again, without a status_reason' });
    const took = Date.now() - t0;
    assert.ok(took < 15_000, `recovered in ${took} ms`);
    assert.equal(back.linked_at, a.linked_at, 'the same link: no new scan');
    await waitLive(owner.client, project.id, a.id, { what: 'the restored session live', check: noQrSince(ws, project.id, a.id, since) });
    assert.ok(healthAfter.score < 100, `the reconnect costs health: ${JSON.stringify(healthAfter)}`);
    assert.ok(healthAfter.history.some((x) => x.score < healthAfter.score) || healthAfter.history.length >= 2, `health history records the dip: ${JSON.stringify(healthAfter.history)}`);
    // the core saw it: some account.updated for the disconnect or the recovery was pushed
    await ws.next((m) => isEvent('account.updated', project.id)(m) && m.data?.id === a.id, { since, timeout: 5000, what: 'an account.updated about the disconnect' });
    // a reconnect that succeeds is not an incident: no QR, no "disconnected after retries" alert
    await ws.none(accountQr(project.id, a.id), { since, ms: 300, what: 'account.qr (no scan needed)' });
    assert.equal((await qrHistory(a.id)).length, qrBefore.length, 'QR history unchanged');
    const alerts = (await listAlerts(owner.client, project.id, 'all')).filter((x) => x.account_id === a.id);
    assert.ok(!alerts.some((x) => ['account_disconnected', 'relink_needed'].includes(x.kind)), `no disconnect alert: ${JSON.stringify(alerts)}`);
    ws.close();
  });

  test('connector killed (SIGKILL) → connector_crashed alert, restarted with a new pid, account active without a scan', { timeout: 60_000 }, async () => {
    const ws = await wsOwner();
    const a = await newLinked(ws, 'Survive the crash');
    const before = await waitConnector(ctx.admin);
    await poll(() => listConnectors(ctx.admin), (l) => l.some((c) => c.pid === before.pid && hostedCount(c) >= 1),
      { what: 'the connector hosting the linked account' });
    const qrBefore = await qrHistory(a.id);
    const restorable = [];
    for (const x of linked) if ((await getAccount(owner.client, project.id, x.id)).status === 'active') restorable.push(x);
    const since = ws.mark();
    process.kill(before.pid, 'SIGKILL');

    const alert = await waitAlert(owner.client, project.id, (x) => x.kind === 'connector_crashed', { timeout: 15_000, what: 'a connector_crashed alert' });
    assert.ok(['critical', 'warning'].includes(alert.severity), JSON.stringify(alert));
    assert.ok(alert.message.length > 0);
    await ws.next((m) => isEvent('alert.created', project.id)(m) && m.data?.kind === 'connector_crashed', { since, timeout: 5000, what: 'alert.created connector_crashed' });

    const after = await waitConnector(ctx.admin, { notPid: before.pid, timeout: 20_000 });
    assert.notEqual(after.pid, before.pid);
    assert.ok(alive(after.pid), `new connector ${after.pid} runs`);
    assert.ok(!alive(before.pid), `old connector ${before.pid} is gone`);
    for (const acc of restorable) {
      await waitAccount(owner.client, project.id, acc.id, (x) => x.status === 'active', { timeout: 20_000, what: `account ${acc.id} active after the connector restart` });
      await waitLive(owner.client, project.id, acc.id, { what: `account ${acc.id} live on the new connector`, check: noQrSince(ws, project.id, acc.id, since) });
    }
    const c = await poll(() => listConnectors(ctx.admin), (l) => l.some((x) => x.pid === after.pid && hostedCount(x) >= restorable.length),
      { timeout: 10_000, what: `the new connector hosting the ${restorable.length} linked accounts` });
    const now = c.find((x) => x.pid === after.pid);
    if (hosts(now, a.id) !== null) assert.ok(hosts(now, a.id), `the new connector hosts account ${a.id}: ${JSON.stringify(now)}`);
    assert.equal((await getAccount(owner.client, project.id, a.id)).linked_at, a.linked_at, 'the same link');
    await ws.none(accountQr(project.id, a.id), { since, ms: 300, what: 'account.qr after the crash (resumed from the stored session)' });
    assert.equal((await qrHistory(a.id)).length, qrBefore.length, 'QR history unchanged');
    ws.close();
  });

  test('restart sangam (same data) → the connector is replaced and accounts return to active without a scan', { timeout: 90_000 }, async () => {
    const ws = await wsOwner();
    const a = await newLinked(ws, 'Survive the restart');
    const before = await waitConnector(ctx.admin);
    // the accounts linked in this block that are active now (earlier tests may have failed)
    const restorable = [];
    for (const x of linked) if ((await getAccount(owner.client, project.id, x.id)).status === 'active') restorable.push(x);
    assert.ok(restorable.some((x) => x.id === a.id));
    const qrBefore = Object.fromEntries(await Promise.all(restorable.map(async (x) => [x.id, (await qrHistory(x.id)).length])));
    ws.close();

    const t0 = Date.now();
    await ctx.server.restart();
    const wsNew = await wsOwner(); // the session cookie survives the restart
    const since = wsNew.mark();
    // the old connector went down with the old sangam; the new sangam spawned a new one
    await poll(async () => alive(before.pid), (v) => !v, { timeout: 10_000, what: `the old connector ${before.pid} to exit with its sangam` });
    const after = await waitConnector(ctx.admin, { notPid: before.pid, timeout: 20_000 });
    for (const acc of restorable) {
      await waitAccount(owner.client, project.id, acc.id, (x) => x.status === 'active', { timeout: 30_000, what: `account ${acc.id} active after the restart` });
      await waitLive(owner.client, project.id, acc.id, { what: `account ${acc.id} live after the restart`, check: noQrSince(wsNew, project.id, acc.id, since) });
    }
    await poll(() => listConnectors(ctx.admin), (l) => l.some((x) => x.pid === after.pid && hostedCount(x) >= restorable.length),
      { timeout: 15_000, what: `the new connector hosting the ${restorable.length} linked accounts` });
    const took = Date.now() - t0;
    assert.ok(took < 45_000, `accounts resumed ${took} ms after the restart`);
    const got = await getAccount(viewer.client, project.id, a.id);
    assert.equal(got.linked_at, a.linked_at, 'the same link');
    await wsNew.none((m) => isEvent('account.qr', project.id)(m), { since, ms: 300, what: 'account.qr after the restart' });
    for (const acc of restorable) {
      assert.equal((await qrHistory(acc.id)).length, qrBefore[acc.id], `QR history of account ${acc.id} unchanged`);
    }
    wsNew.close();
  });
}, { env: ACCOUNT_ENV });
