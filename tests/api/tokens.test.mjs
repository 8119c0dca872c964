// 3. API tokens: shown once, usable as Bearer, revocable, private to their owner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { Client, assertError, assertStatus, newUser, newToken } from './lib/client.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describeBackends('tokens', (ctx) => {
  let alice; let bob;
  ctx.setup(async () => {
    alice = await newUser(ctx.admin, { name: 'Alice' });
    bob = await newUser(ctx.admin, { name: 'Bob' });
  });

  test('create returns the token once; the list never shows it', async () => {
    const res = await alice.client.post('/tokens', { name: 'ci deploy' });
    assertStatus(res, 201);
    const t = res.body;
    assert.equal(typeof t.id, 'number');
    assert.equal(t.name, 'ci deploy');
    assert.equal(typeof t.prefix, 'string');
    assert.ok(t.prefix.length > 0);
    assert.match(t.created_at, ISO);
    assert.equal(t.last_used_at, null);
    assert.equal(t.expires_at, null);
    assert.match(t.token, /^sgm_.{16,}$/, 'token must start with sgm_ and be long enough');

    const list = await alice.client.ok('GET', '/tokens');
    const item = list.items.find((x) => x.id === t.id);
    assert.ok(item, 'new token must be listed');
    assert.equal(item.token, undefined, 'the list must not contain the token itself');
    assert.equal(item.name, 'ci deploy');
    assert.equal(item.prefix, t.prefix);
    assert.ok(!JSON.stringify(list).includes(t.token), 'the secret must not appear anywhere in the list');
    // Bob's list does not show Alice's tokens
    const bobs = await bob.client.ok('GET', '/tokens');
    assert.ok(!bobs.items.some((x) => x.id === t.id), "another user's list must not show the token");
  });

  test('expires_in_days sets expires_at; out-of-range values are rejected', async () => {
    const res = await alice.client.post('/tokens', { name: 'monthly', expires_in_days: 30 });
    assertStatus(res, 201);
    const days = (Date.parse(res.body.expires_at) - Date.now()) / 86400e3;
    assert.ok(Math.abs(days - 30) < 0.1, `expires_at should be 30 days ahead, is ${days}`);
    for (const v of [0, 3651, -1, 'ten']) {
      assertError(await alice.client.post('/tokens', { name: 'bad', expires_in_days: v }), 400, 'validation_failed', 'expires_in_days');
    }
    assertError(await alice.client.post('/tokens', {}), 400, 'validation_failed', 'name');
    assertError(await alice.client.post('/tokens', { name: 42 }), 400, 'validation_failed', 'name');
  });

  test('a token works as Bearer and records last_used_at', async () => {
    const { client, token } = await newToken(alice.client, 'bearer');
    const me = await client.ok('GET', '/auth/me');
    assert.equal(me.user.email, alice.email);
    const created = await client.post('/projects', { name: 'Via token', slug: `via-token-${token.id}` }, { origin: false });
    assertStatus(created, 201);
    const list = await alice.client.ok('GET', '/tokens');
    const item = list.items.find((x) => x.id === token.id);
    assert.match(String(item.last_used_at), ISO, 'last_used_at must be set after use');
  });

  test('revoke answers 204; the token answers 401 afterwards and leaves the list', async () => {
    const { client, token } = await newToken(alice.client, 'to revoke');
    await client.ok('GET', '/auth/me');
    assertStatus(await alice.client.del(`/tokens/${token.id}`), 204);
    assertError(await client.get('/auth/me'), 401, 'unauthorized');
    assertError(await client.get('/projects'), 401, 'unauthorized');
    const list = await alice.client.ok('GET', '/tokens');
    assert.ok(!list.items.some((x) => x.id === token.id));
    assertError(await alice.client.del(`/tokens/${token.id}`), 404, 'not_found');
  });

  test("a user cannot revoke someone else's token (404) and it keeps working", async () => {
    const { client, token } = await newToken(bob.client, 'bobs');
    assertError(await alice.client.del(`/tokens/${token.id}`), 404, 'not_found');
    assertError(await alice.client.del('/tokens/999999'), 404, 'not_found');
    const me = await client.ok('GET', '/auth/me');
    assert.equal(me.user.email, bob.email);
  });

  test('a token can be revoked with a token (bearer, no Origin needed)', async () => {
    const { client, token } = await newToken(alice.client, 'self');
    assertStatus(await client.del(`/tokens/${token.id}`, { origin: false }), 204);
    assertError(await client.get('/auth/me'), 401, 'unauthorized');
  });

  test('a non-admin token cannot use admin endpoints (403); a tampered token answers 401', async () => {
    const { client } = await newToken(bob.client);
    assertError(await client.get('/users'), 403, 'forbidden');
    const admin = await newToken(ctx.admin);
    assertStatus(await admin.client.get('/users'), 200);
    const t = admin.token.token;
    const tampered = t.slice(0, -1) + (t.endsWith('a') ? 'b' : 'a');
    assertError(await new Client(ctx.server, { token: tampered }).get('/users'), 401, 'unauthorized');
  });
});
