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

  test('a node paused past its lease stops its client when it runs again; the other node runs the account', async () => {
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
    } finally {
      process.kill(a.child.pid, 'SIGCONT');
    }
    const resumedAt = Date.now();
    await poll(() => Promise.resolve(a.stdout), (out) => new RegExp(`event=account\\.lease_lost account=${account.id} `).test(out),
      { timeout: 5000, what: 'node A noticing it lost the lease' });
    await poll(() => Promise.resolve(a.stdout), (out) => new RegExp(`"event":"account\\.stopped","account":${account.id}\\b`).test(out),
      { timeout: 5000, what: "node A's connector stopping the client" });
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
