// Two sangam processes on one PostgreSQL database: a node paused (SIGSTOP) past its lease loses the
// account to the other node, and when it runs again it stops its own client at once and never acts for
// the account again (fencing). Two nodes need a shared database, so this runs on PostgreSQL only.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer } from './lib/server.mjs';
import { login, newProject } from './lib/client.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './lib/harness.mjs';
import { ACCOUNT_ENV, createAccount, linkSim, poll, sleep, waitConnector, waitLive } from './lib/accounts.mjs';
import { connectWs, closeAllSockets } from './lib/ws.mjs';

const LEASE_MS = 3000;

// The connector's JSON log line for `event` about `account`, parsed (its `at` is the connector's clock).
function connectorLine(out, event, account) {
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const j = JSON.parse(line);
      if (j.event === event && j.account === account) return j;
    } catch { /* not a connector line */ }
  }
  return null;
}

describe('account leases across two nodes [postgres]', () => {
  const env = { ...ACCOUNT_ENV, SANGAM_LEASE_TTL_MS: String(LEASE_MS), SANGAM_SECRET_KEY: randomBytes(32).toString('hex') };
  let a; let b; let adminA; let adminB;

  before(async () => {
    a = await startServer({ backend: 'postgres', env });
    // The second node uses the first one's database (the 'sqlite' backend creates no database of its own;
    // SANGAM_DATABASE_URL in env wins).
    b = await startServer({ backend: 'sqlite', env: { ...env, SANGAM_DATABASE_URL: a.env.SANGAM_DATABASE_URL } });
    adminA = (await login(a, ADMIN_EMAIL, ADMIN_PASSWORD)).client;
    adminB = (await login(b, ADMIN_EMAIL, ADMIN_PASSWORD)).client;
    await waitConnector(adminA);
    await waitConnector(adminB);
  });

  after(async () => {
    closeAllSockets();
    if (a?.child?.pid && !a.exited) { try { process.kill(a.child.pid, 'SIGCONT'); } catch { /* gone */ } }
    if (b) await b.stop();
    if (a) await a.stop();
  });

  test('a node paused past its lease: its connector stops the client within the lease, the other node runs the account, the paused node never acts for it again', async () => {
    const project = await newProject(adminA, { name: 'Leases', default_region: 'IN' });
    const ws = await connectWs(a, { cookie: adminA.cookie });
    await ws.subscribe(project.id);
    const { account } = await linkSim(adminA, ws, project.id, await createAccount(adminA, project.id));
    assert.equal(account.status, 'active');

    process.kill(a.child.pid, 'SIGSTOP');
    const pausedAt = Date.now();
    try {
      // Node B adopts the account once the lease has run out by the database's clock.
      await poll(() => Promise.resolve(b.stdout), (out) => new RegExp(`event=account\\.adopt account=${account.id} `).test(out),
        { timeout: LEASE_MS + 15_000, what: 'node B adopting the account' });
      assert.ok(Date.now() - pausedAt >= LEASE_MS - 500, 'not before the lease ran out');
      await waitLive(adminB, project.id, account.id, { timeout: 15_000, what: 'the account live on node B' });
      // Connector-side fencing: node A's connector heard nothing from its paused core for 2/3 of the
      // lease and stopped its client while A was still paused, so B's client never ran beside it.
      const stopped = connectorLine(a.stdout, 'account.stopped', account.id);
      assert.ok(stopped, `node A's connector did not stop its client while its core was paused:\n${a.stdout.slice(-3000)}`);
      assert.ok(Date.parse(stopped.at) < Date.now(), 'stopped before the core ran again');
      assert.ok(Date.parse(stopped.at) - pausedAt < LEASE_MS, `stopped ${Date.parse(stopped.at) - pausedAt} ms after the pause, not within the lease`);
    } finally {
      process.kill(a.child.pid, 'SIGCONT');
    }
    const resumedAt = Date.now();
    await poll(() => Promise.resolve(a.stdout), (out) => new RegExp(`event=account\\.lease_lost account=${account.id} `).test(out),
      { timeout: 5000, what: 'node A noticing it lost the lease' });
    // The fenced connector's account.disconnected FENCED reaches node A after the lease is lost: A
    // ignores it (the account is B's now) rather than marking it disconnected.
    await poll(() => Promise.resolve(a.stdout), (out) => new RegExp(`event=account\\.fenced_elsewhere account=${account.id} `).test(out),
      { timeout: 5000, what: 'node A ignoring its fenced client' });
    assert.ok(Date.now() - resumedAt < 5000, 'at once');

    // From now on only node B runs it: node A never starts it again, across several renewals.
    const mark = a.stdout.length;
    await sleep(LEASE_MS);
    const later = a.stdout.slice(mark);
    assert.ok(!new RegExp(`"event":"account\\.starting","account":${account.id}\\b`).test(later), `node A restarted the client:\n${later}`);
    assert.ok(!new RegExp(`event=account\\.adopt account=${account.id} `).test(later));
    await waitLive(adminB, project.id, account.id, { timeout: 15_000, what: 'the account still live on node B' });
    const holder = (await adminA.ok('GET', `/projects/${project.id}/accounts/${account.id}`));
    assert.equal(holder.status, 'active');
  });
});

describe('connector-side fencing on one node', () => {
  let a; let admin;
  before(async () => {
    a = await startServer({ backend: 'sqlite', env: { ...ACCOUNT_ENV, SANGAM_LEASE_TTL_MS: String(LEASE_MS) } });
    admin = (await login(a, ADMIN_EMAIL, ADMIN_PASSWORD)).client;
    await waitConnector(admin);
  });
  after(async () => {
    closeAllSockets();
    if (a?.child?.pid && !a.exited) { try { process.kill(a.child.pid, 'SIGCONT'); } catch { /* gone */ } }
    if (a) await a.stop();
  });

  test('a core paused past the fence gets its account back when it runs again (nobody else took the lease)', async () => {
    const project = await newProject(admin, { name: 'Fence', default_region: 'IN' });
    const ws = await connectWs(a, { cookie: admin.cookie });
    await ws.subscribe(project.id);
    const { account } = await linkSim(admin, ws, project.id, await createAccount(admin, project.id));
    const mark = a.stdout.length;
    process.kill(a.child.pid, 'SIGSTOP');
    try {
      await poll(() => Promise.resolve(a.stdout.slice(mark)), (out) => connectorLine(out, 'account.stopped', account.id) !== null,
        { timeout: LEASE_MS + 5000, what: 'the connector fencing its client' });
    } finally {
      process.kill(a.child.pid, 'SIGCONT');
    }
    // The FENCED disconnect is a lost connection like any other: the stored session is restored.
    await poll(() => Promise.resolve(a.stdout.slice(mark)), (out) => /"event":"account\.starting"/.test(out) && /"restore":true/.test(out),
      { timeout: 15_000, what: 'the account restored after the pause' });
    await waitLive(admin, project.id, account.id, { timeout: 20_000, what: 'the account live again' });
  });
});
