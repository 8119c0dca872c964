// The session and token look-up cache (issue 6 item 9): a credential that was just used, and so is
// cached for up to 5 s, is refused on the very next request after it ends — logout, token revocation,
// disabling, deleting, a password change — and a name or admin-flag change shows at once. Across two
// nodes on one PostgreSQL database, a logout on one is refused on the other well within the 5 s bound
// (NOTIFY), and closes that session's sockets at once, also when its listener connection was just lost.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { describeBackends } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { Client, assertError, assertStatus, login, newToken, newUser } from './lib/client.mjs';
import { poll } from './lib/accounts.mjs';
import { connectWs } from './lib/ws.mjs';

const CACHE_TTL_MS = 5000; // core/src/auth/auth_cache.hpp

/** Two requests: the first looks the credential up and caches it, the second is served from the cache. */
async function useTwice(client) {
  await client.ok('GET', '/auth/me');
  return client.ok('GET', '/auth/me');
}

/** Polls until `client`'s request is refused with 401; returns how long it took (ms). */
async function refusedWithin(client, timeout, what) {
  const t0 = Date.now();
  await poll(() => client.get('/auth/me'), (res) => res.status === 401, { timeout, interval: 25, what });
  return Date.now() - t0;
}

describeBackends('auth cache: an ended credential is refused on the very next request', (ctx) => {
  test('logout', async () => {
    const u = await newUser(ctx.admin);
    await useTwice(u.client);
    assertStatus(await u.client.post('/auth/logout'), 204);
    assertError(await u.client.get('/auth/me'), 401, 'unauthorized');
  });

  test('token revocation', async () => {
    const u = await newUser(ctx.admin);
    const t = await newToken(u.client);
    await useTwice(t.client);
    assertStatus(await u.client.del(`/tokens/${t.token.id}`), 204);
    assertError(await t.client.get('/auth/me'), 401, 'unauthorized');
    await u.client.ok('GET', '/auth/me');  // the session that revoked it is another credential
  });

  test('disabling the user: every session and token', async () => {
    const u = await newUser(ctx.admin);
    const t = await newToken(u.client);
    await useTwice(u.client);
    await useTwice(t.client);
    assertStatus(await ctx.admin.patch(`/users/${u.user.id}`, { disabled: true }), 200);
    assertError(await u.client.get('/auth/me'), 401, 'unauthorized');
    assertError(await t.client.get('/auth/me'), 401, 'unauthorized');
  });

  test('deleting the user', async () => {
    const u = await newUser(ctx.admin);
    const t = await newToken(u.client);
    await useTwice(t.client);
    assertStatus(await ctx.admin.del(`/users/${u.user.id}`), 204);
    assertError(await t.client.get('/auth/me'), 401, 'unauthorized');
  });

  test('a password change: the sessions (the token stays, docs/api.md)', async () => {
    const u = await newUser(ctx.admin);
    const t = await newToken(u.client);
    await useTwice(u.client);
    await useTwice(t.client);
    assertStatus(await ctx.admin.patch(`/users/${u.user.id}`, { password: 'a-brand-new-password' }), 200);
    assertError(await u.client.get('/auth/me'), 401, 'unauthorized');
    await t.client.ok('GET', '/auth/me');
  });

  test('an admin flag removed and a new name apply to the very next request', async () => {
    const u = await newUser(ctx.admin, { is_admin: true });
    const t = await newToken(u.client);
    await t.client.ok('GET', '/users');
    await t.client.ok('GET', '/users');  // cached as an administrator
    assertStatus(await ctx.admin.patch(`/users/${u.user.id}`, { is_admin: false, name: 'Renamed' }), 200);
    assertError(await t.client.get('/users'), 403, 'forbidden');
    assert.equal((await u.client.ok('GET', '/auth/me')).user.name, 'Renamed');
  });
});

const execFileP = promisify(execFile);

/** Ends the LISTEN connections of every node on this database, as a network cut or a server restart would. */
async function killListeners(dbUrl) {
  const sql = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity " +
    "WHERE application_name = 'sangam-listen' AND datname = current_database()";
  const { stdout } = await execFileP('psql', [dbUrl, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', sql], { timeout: 30_000 });
  return Number(stdout.trim());
}

// Nodes sharing a database share its secret key (docs/operations.md).
const KEY_ENV = { SANGAM_SECRET_KEY: randomBytes(32).toString('hex') };

describeBackends('auth cache: two nodes on one PostgreSQL database', (ctx) => {
  const pgOnly = { skip: ctx.backend !== 'postgres' && 'two nodes need a shared PostgreSQL database' };
  let node2;
  ctx.setup(async () => {
    if (ctx.backend === 'postgres') node2 = await startServer({ env: { ...KEY_ENV, SANGAM_DATABASE_URL: ctx.server.db.url } });
  });
  after(async () => { if (node2) await node2.stop(); });

  test('a logout and a token revocation on node 1 are refused on node 2 well within the 5 s bound', pgOnly, async () => {
    const u = await newUser(ctx.admin);
    const t = await newToken(u.client);
    const there = new Client(node2, { cookie: u.client.cookie });
    const thereToken = new Client(node2, { token: t.client.token });
    await useTwice(there);
    await useTwice(thereToken);
    const ws = await connectWs(node2, { cookie: u.client.cookie }, { label: 'session on node 2' });
    assertStatus(await u.client.del(`/tokens/${t.token.id}`), 204);  // on node 1
    assertStatus(await u.client.post('/auth/logout'), 204);
    // Node 2 hears both through NOTIFY; its cache would have kept them for up to 5 s.
    const ms = await refusedWithin(there, 1000, 'node 2 to refuse the logged-out session');
    await refusedWithin(thereToken, 1000, 'node 2 to refuse the revoked token');
    assert.ok(ms < CACHE_TTL_MS, `refused after ${ms} ms`);
    // And it closes the session's socket then too, not at its next 5 s sweep.
    assert.ok(await ws.waitClosed({ timeout: 1000, what: 'node 2 to close the logged-out session\'s socket' }));
  });

  test('a node whose listener connection was lost forgets what it cached: a logout meanwhile is refused at once',
    pgOnly, async () => {
      const u = await newUser(ctx.admin);
      const there = new Client(node2, { cookie: u.client.cookie });
      await useTwice(there);
      assert.ok(await killListeners(ctx.server.db.url) >= 2, 'both nodes had a listener connection');
      // The NOTIFY of this logout reaches no one: both listeners are down.
      assertStatus(await u.client.post('/auth/logout'), 204);
      await refusedWithin(there, 1000, 'node 2 to refuse the session although it missed the notification');
      await poll(() => Promise.resolve(node2.stdout), (out) => /event=auth\.cache_paused/.test(out),
        { timeout: 1000, what: 'node 2 logging that it paused its cache' });
      // Both listen again (a reconnection once a second), and a logout reaches node 2 again.
      await poll(() => Promise.resolve(node2.stdout), (out) => (out.match(/event=auth\.cache_listening/g) || []).length >= 2,
        { timeout: 5000, what: 'node 2 listening again' });
      const v = await newUser(ctx.admin);
      const there2 = new Client(node2, { cookie: v.client.cookie });
      await useTwice(there2);
      assertStatus(await v.client.post('/auth/logout'), 204);
      await refusedWithin(there2, 1000, 'node 2 to refuse a logout made after it reconnected');
    });
}, { env: KEY_ENV });
