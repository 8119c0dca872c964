// Helpers for the WhatsApp-accounts tests (issue 3): a server environment with the local connector in
// simulated mode and fast timers, account fixtures, polling, and the link-by-simulated-scan flow.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { isEvent } from './ws.mjs';

export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/**
 * Server environment for account tests: the core spawns its own connector (`auto`), the simulated
 * network runs 50x faster (QR rotation, delays) with a fixed seed, and recovery timers are short
 * (reconnect delay 500 ms instead of 30 s, keepalive 5 s instead of 15 min).
 */
export const ACCOUNT_ENV = Object.freeze({
  SANGAM_CONNECTOR: 'auto',
  SANGAM_SIM_SPEED: '50',
  SANGAM_SIM_SEED: '7',
  SANGAM_RECONNECT_DELAY_MS: '500',
  SANGAM_KEEPALIVE_MS: '5000',
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const usedPhones = new Set();
/** A fresh Indian mobile number in E.164 (+9198xxxxxxxx), unique within this test process. */
export function newPhone() {
  for (;;) {
    const p = `+9198${String(randomInt(0, 1e8)).padStart(8, '0')}`;
    if (!usedPhones.has(p)) { usedPhones.add(p); return p; }
  }
}

/**
 * Polls get() every `interval` ms until pred(value) holds, and returns that value; after `timeout` ms
 * throws naming `what` and the last value seen (JSON). get may be async; its exceptions propagate.
 */
export async function poll(get, pred, { timeout = 10_000, interval = 100, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await get();
    if (pred(v)) return v;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last: ${JSON.stringify(v)}`);
    }
    await sleep(interval);
  }
}

export const accountsPath = (pid) => `/projects/${pid}/accounts`;
export const accountPath = (pid, aid) => `/projects/${pid}/accounts/${aid}`;

/** POST /projects/{pid}/accounts as client (201 expected); body defaults: a fresh phone, engine sim. */
export async function createAccount(client, pid, body = {}) {
  const payload = { phone: newPhone(), engine: 'sim', ...body };
  const res = await client.post(accountsPath(pid), payload);
  assert.equal(res.status, 201, `POST ${accountsPath(pid)} ${JSON.stringify(payload)}: expected 201, got ${res.describe()}`);
  return res.body;
}

export function getAccount(client, pid, aid) {
  return client.ok('GET', accountPath(pid, aid));
}

/** Polls GET account until pred(account) holds; returns the account. */
export function waitAccount(client, pid, aid, pred, { timeout = 10_000, what = 'the account' } = {}) {
  return poll(() => getAccount(client, pid, aid), pred, { timeout, what });
}

/** GET alerts (state 'open' | 'all'); returns the items. */
export async function listAlerts(client, pid, state) {
  const q = state ? `?state=${state}` : '';
  return (await client.ok('GET', `/projects/${pid}/alerts${q}`)).items;
}

/** Polls the project's alerts (state=all) until one matches pred; returns it. */
export async function waitAlert(client, pid, pred, { timeout = 10_000, what = 'an alert' } = {}) {
  const items = await poll(() => listAlerts(client, pid, 'all'), (l) => l.some(pred), { timeout, interval: 150, what });
  return items.find(pred);
}

/** GET /connectors as an admin; returns the items. */
export async function listConnectors(admin) {
  return (await admin.ok('GET', '/connectors')).items;
}

/** Waits until a connected connector with a pid is listed (optionally one with pid != notPid); returns it. */
export async function waitConnector(admin, { notPid = null, timeout = 20_000 } = {}) {
  const ok = (c) => c.connected === true && Number.isInteger(c.pid) && c.pid > 0 && c.pid !== notPid;
  const items = await poll(() => listConnectors(admin), (l) => l.some(ok), {
    timeout, what: notPid ? `a connected connector with a pid other than ${notPid}` : 'a connected connector',
  });
  return items.find(ok);
}

/** How many accounts a connector hosts (`accounts` is a count or a list of ids/objects). */
export function hostedCount(connector) {
  const a = connector?.accounts;
  if (Array.isArray(a)) return a.length;
  return Number.isInteger(a) ? a : 0;
}

/** Whether the connector's `accounts` (a list) names account aid; null when it is only a count. */
export function hosts(connector, aid) {
  const a = connector?.accounts;
  if (!Array.isArray(a)) return null;
  return a.some((x) => x === aid || x?.id === aid || x?.account_id === aid);
}

/** GET …/health. */
export function getHealth(client, pid, aid) {
  return client.ok('GET', `${accountPath(pid, aid)}/health`);
}

/** Predicate: an account.updated event of account aid (optionally with this status). */
export const accountUpdated = (pid, aid, status) => (m) => isEvent('account.updated', pid)(m) &&
  m.data?.id === aid && (status === undefined || m.data?.status === status);

/** Predicate: an account.qr event of account aid. */
export const accountQr = (pid, aid) => (m) => isEvent('account.qr', pid)(m) && m.data?.account_id === aid;

/** Status a successfully linked account takes, by role (docs/api.md). */
export const LINKED_STATUS = { production: 'active', backup: 'standby', warmup: 'warming' };

/**
 * Links a sim account by a simulated scan: POST link (202, linking), waits for the first account.qr
 * on ws (subscribed to pid), POST sim/scan (202), waits until the account has its linked status.
 * Returns {account, qr: the first account.qr event}.
 */
export async function linkSim(client, ws, pid, account, { timeout = 15_000 } = {}) {
  const since = ws.mark();
  const res = await client.post(`${accountPath(pid, account.id)}/link`, {});
  assert.equal(res.status, 202, `POST link: expected 202, got ${res.describe()}`);
  assert.equal(res.body.status, 'linking', `POST link answers the account in linking: ${res.describe()}`);
  const qr = await ws.next(accountQr(pid, account.id), { since, timeout, what: `account.qr for account ${account.id}` });
  await client.ok('POST', `${accountPath(pid, account.id)}/sim/scan`, {}, 202);
  const want = LINKED_STATUS[account.role];
  const linked = await waitAccount(client, pid, account.id, (a) => a.status === want,
    { timeout, what: `account ${account.id} ${want} after the simulated scan` });
  return { account: linked, qr };
}

/**
 * Proves that the account's WhatsApp session is live on a connector (not just `active` in the
 * database): simulated incoming messages (POST …/sim/incoming, answered by the connector only for a
 * ready client) must move the account's last_activity_at forward. Returns the account.
 * opts.check() runs before each attempt and may throw to stop waiting early.
 */
export async function waitLive(client, pid, aid, { timeout = 15_000, what = `account ${aid} live`, check = null } = {}) {
  const before = (await getAccount(client, pid, aid)).last_activity_at ?? '';
  let n = 0;
  return poll(async () => {
    if (check) check(); // may throw to end the wait early (e.g. a QR code appeared instead)
    n += 1;
    const res = await client.post(`${accountPath(pid, aid)}/sim/incoming`, { from: '+919812300001', body: `ping ${n}` });
    assert.equal(res.status, 202, `sim/incoming: ${res.describe()}`);
    await sleep(150);
    return getAccount(client, pid, aid);
  }, (a) => (a.last_activity_at ?? '') > before, { timeout, interval: 350, what: `${what} (last_activity_at after ${before || 'null'})` });
}

/**
 * Polls a project's groups (GET …/groups<query>) until pred(list) holds. A run that ended `failed`
 * (or `done` without what we wait for) is written to the test's output and started again, as a person
 * would press "Sync now"; a timeout names the sync runs as they stand (tests/api/README.md).
 */
export async function waitGroups(client, pid, query, pred, { timeout = 75_000, what = 'the groups synced' } = {}) {
  const deadline = Date.now() + timeout;
  const restarted = new Set();
  const seenDone = new Map();
  for (;;) {
    const list = await client.ok('GET', `/projects/${pid}/groups${query}`);
    if (pred(list)) return list;
    const runs = (await client.ok('GET', `/projects/${pid}/groups/sync`)).items ?? [];
    for (const r of runs) {
      // A failed run at once; a finished one that did not bring what we wait for, 15 s after we saw it
      // done (our own clock: the core's may run faster, SANGAM_CLOCK_SPEED).
      if (r.status === 'done' && !seenDone.has(r.id)) seenDone.set(r.id, Date.now());
      const stale = r.status === 'done' && Date.now() - seenDone.get(r.id) > 15_000;
      if ((r.status !== 'failed' && !stale) || restarted.has(r.id)) continue;
      restarted.add(r.id);
      console.log(`# group sync run ${r.id} of account ${r.account_id} ${r.status} (${r.error ?? `${r.groups_done} groups`}); syncing again`);
      await client.request('POST', `/projects/${pid}/groups/sync`, { account_id: r.account_id });
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; groups: ${JSON.stringify(list.items?.map((g) => [g.name, g.accounts.map((a) => a.is_admin)]))}; sync runs: ${JSON.stringify(runs)}`);
    }
    await sleep(300);
  }
}
