// Security regressions of issue 12: user enumeration through members (item 4), lock-out by a
// stranger (item 5), authorisation before validation (item 9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { Client, assertError, assertStatus, newUser, sessionCookie } from './lib/client.mjs';

// Linux routes all of 127/8 to lo, so these are other clients of the server on 127.0.0.1.
const STRANGER_IP = '127.0.0.3';
const OWNER_IP = '127.0.0.2';

describeBackends('security: a stranger cannot lock a user out (issue 12 item 5)', (ctx) => {
  let victim;
  ctx.setup(async () => { victim = await newUser(ctx.admin, { login: false }); });

  test('5 wrong passwords from one address throttle that address only; the right password works from another', async () => {
    const stranger = new Client(ctx.server);
    const from = { localAddress: STRANGER_IP };
    for (let i = 1; i <= 5; i++) {
      assertError(await stranger.post('/auth/login', { email: victim.email, password: `wrong-password-${i}` }, from),
        401, 'invalid_credentials');
    }
    // The stranger's address stays throttled for this email, even with the right password …
    const blocked = await stranger.post('/auth/login', { email: victim.email, password: victim.password }, from);
    assertError(blocked, 429, 'too_many_attempts');
    assert.equal(sessionCookie(blocked), null, 'a throttled login must not set a session');
    // … but the owner, at another address, signs in with it.
    const res = await new Client(ctx.server).post('/auth/login', { email: victim.email, password: victim.password },
      { localAddress: OWNER_IP });
    assertStatus(res, 200, 'the right password from another address');
    const me = await new Client(ctx.server, { cookie: sessionCookie(res) }).ok('GET', '/auth/me');
    assert.equal(me.user.email, victim.email);
  });

  test('the server sees the second address (the per-IP limit keys on it)', async () => {
    // 20 failures from the stranger's address block every email from it, not from the owner's.
    const stranger = new Client(ctx.server);
    for (let i = 0; i < 15; i++) {
      const res = await stranger.post('/auth/login', { email: `ghost${i}@example.com`, password: 'wrong-password' },
        { localAddress: STRANGER_IP });
      assertError(res, 401, 'invalid_credentials');
    }
    assertError(await stranger.post('/auth/login', { email: 'someone@example.com', password: 'wrong-password' },
      { localAddress: STRANGER_IP }), 429, 'too_many_attempts');
    assertError(await stranger.post('/auth/login', { email: 'someone@example.com', password: 'wrong-password' },
      { localAddress: OWNER_IP }), 401, 'invalid_credentials');
  });
});
