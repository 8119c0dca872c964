// 2. Login throttling: 5 failures per email from one client address (or 20 per client IP) within 15 minutes -> 429 + Retry-After.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends, ADMIN_EMAIL, ADMIN_PASSWORD } from './lib/harness.mjs';
import { Client, assertError, assertStatus, login, newUser, uniq } from './lib/client.mjs';

function assertThrottled(res) {
  assertError(res, 429, 'too_many_attempts');
  const ra = res.headers.get('retry-after');
  assert.match(String(ra), /^\d+$/, `Retry-After must be a number of seconds, got ${ra}`);
  assert.ok(Number(ra) > 0 && Number(ra) <= 15 * 60, `Retry-After should be within (0, 900], got ${ra}`);
}

describeBackends('login throttling per email', (ctx) => {
  let victim; let bystander;
  ctx.setup(async () => {
    victim = await newUser(ctx.admin);            // logged in once, before the attack
    bystander = await newUser(ctx.admin, { login: false });
  });

  test('5 wrong passwords, then the 6th attempt answers 429 even with the right password', async () => {
    const anon = new Client(ctx.server);
    for (let i = 1; i <= 5; i++) {
      const res = await anon.post('/auth/login', { email: victim.email, password: `wrong-password-${i}` });
      assertError(res, 401, 'invalid_credentials');
    }
    const sixth = await anon.post('/auth/login', { email: victim.email, password: victim.password });
    assertThrottled(sixth);
    assert.equal(sixth.headers.getSetCookie().some((c) => /sangam_session=[^;]+/.test(c) && !/max-age=0/i.test(c)), false,
      'a throttled login must not set a session cookie');
    assertThrottled(await anon.post('/auth/login', { email: victim.email, password: 'wrong-password-7' }));
  });

  test('the throttle also applies to the same email in other letter case', async () => {
    const anon = new Client(ctx.server);
    assertThrottled(await anon.post('/auth/login', { email: victim.email.toUpperCase(), password: victim.password }));
  });

  test('other emails are unaffected', async () => {
    const anon = new Client(ctx.server);
    assertError(await anon.post('/auth/login', { email: bystander.email, password: 'wrong-password' }), 401, 'invalid_credentials');
    await login(ctx.server, bystander.email, bystander.password);
    await login(ctx.server, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  test('a session opened before the throttle keeps working', async () => {
    const me = await victim.client.ok('GET', '/auth/me');
    assert.equal(me.user.email, victim.email);
  });
});

describeBackends('login throttling per client IP', (ctx) => {
  test('20 failures from one IP (4 per email) throttle every email from that IP', async () => {
    const anon = new Client(ctx.server);
    for (let e = 0; e < 5; e++) {
      const email = `${uniq('ghost')}@example.com`;
      for (let i = 0; i < 4; i++) {
        assertError(await anon.post('/auth/login', { email, password: `wrong-password-${i}` }), 401, 'invalid_credentials');
      }
    }
    assertThrottled(await anon.post('/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }));
    // sessions opened earlier are not affected
    assertStatus(await ctx.admin.get('/auth/me'), 200);
  });
});
