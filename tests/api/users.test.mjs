// 9. Users admin: create, list, read, update, disable (ends sessions and tokens), delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends, ADMIN_EMAIL } from './lib/harness.mjs';
import { Client, assertError, assertStatus, login, newToken, newProject, addMember, uniq } from './lib/client.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describeBackends('users', (ctx) => {
  test('create answers 201 with the User (no secrets); list and get show it', async () => {
    const email = `${uniq('new')}@example.com`;
    const res = await ctx.admin.post('/users', { email, name: 'New Person', password: 'new-person-pw' });
    assertStatus(res, 201);
    const u = res.body;
    assert.equal(typeof u.id, 'number');
    assert.equal(u.email, email);
    assert.equal(u.name, 'New Person');
    assert.equal(u.is_admin, false);
    assert.equal(u.disabled, false);
    assert.match(u.created_at, ISO);
    for (const k of Object.keys(u)) assert.doesNotMatch(k, /pass|hash|secret/i, `User must not expose ${k}`);
    assert.ok(!res.text.includes('new-person-pw'));

    const list = await ctx.admin.ok('GET', '/users');
    assert.deepEqual(list.items.find((x) => x.id === u.id), u);
    assert.ok(list.items.some((x) => x.email === ADMIN_EMAIL && x.is_admin === true));
    assert.ok(!JSON.stringify(list).match(/"[^"]*(pass|hash)[^"]*":/i), 'no password hashes in the list');
    assert.deepEqual(await ctx.admin.ok('GET', `/users/${u.id}`), u);
    const me = await login(ctx.server, email, 'new-person-pw');
    assert.equal(me.user.id, u.id);
  });

  test('a new admin (is_admin: true) can use the admin endpoints', async () => {
    const email = `${uniq('adm')}@example.com`;
    const u = await ctx.admin.ok('POST', '/users', { email, name: 'Second Admin', password: 'second-admin-pw', is_admin: true }, 201);
    assert.equal(u.is_admin, true);
    const { client } = await login(ctx.server, email, 'second-admin-pw');
    assertStatus(await client.get('/users'), 200);
  });

  test('a duplicate email answers 409 conflict field email, in any letter case', async () => {
    const email = `${uniq('dup')}@example.com`;
    await ctx.admin.ok('POST', '/users', { email, name: 'First', password: 'first-password' }, 201);
    assertError(await ctx.admin.post('/users', { email, name: 'Second', password: 'second-password' }), 409, 'conflict', 'email');
    assertError(await ctx.admin.post('/users', { email: email.toUpperCase(), name: 'Third', password: 'third-password' }), 409, 'conflict', 'email');
    assertError(await ctx.admin.post('/users', { email: ADMIN_EMAIL, name: 'Fake', password: 'fake-password' }), 409, 'conflict', 'email');
    const list = await ctx.admin.ok('GET', '/users');
    assert.equal(list.items.filter((x) => x.email.toLowerCase() === email).length, 1);
  });

  test('PATCH changes name, password and admin flag', async () => {
    const email = `${uniq('pat')}@example.com`;
    const u = await ctx.admin.ok('POST', '/users', { email, name: 'Before', password: 'old-password-1' }, 201);
    const renamed = await ctx.admin.ok('PATCH', `/users/${u.id}`, { name: 'After' });
    assert.equal(renamed.name, 'After');
    assert.equal(renamed.email, email);
    await ctx.admin.ok('PATCH', `/users/${u.id}`, { password: 'new-password-2' });
    assertError(await new Client(ctx.server).post('/auth/login', { email, password: 'old-password-1' }), 401, 'invalid_credentials');
    const { client } = await login(ctx.server, email, 'new-password-2');
    assertError(await client.get('/users'), 403, 'forbidden');
    assert.equal((await ctx.admin.ok('PATCH', `/users/${u.id}`, { is_admin: true })).is_admin, true);
    assertStatus(await client.get('/users'), 200, 'admin rights apply to an existing session');
    assert.equal((await ctx.admin.ok('PATCH', `/users/${u.id}`, { is_admin: false })).is_admin, false);
    assertError(await client.get('/users'), 403, 'forbidden');
  });

  test('disabling a user ends their sessions and tokens and blocks login; enabling restores login', async () => {
    const email = `${uniq('dis')}@example.com`;
    const password = 'disable-me-pw';
    const u = await ctx.admin.ok('POST', '/users', { email, name: 'To Disable', password }, 201);
    const { client } = await login(ctx.server, email, password);
    const tok = await newToken(client, 'disabled soon');
    await client.ok('GET', '/auth/me');
    await tok.client.ok('GET', '/auth/me');

    const disabled = await ctx.admin.ok('PATCH', `/users/${u.id}`, { disabled: true });
    assert.equal(disabled.disabled, true);
    assertError(await client.get('/auth/me'), 401, 'unauthorized');
    assertError(await client.get('/projects'), 401, 'unauthorized');
    assertError(await tok.client.get('/auth/me'), 401, 'unauthorized');
    const res = await new Client(ctx.server).post('/auth/login', { email, password });
    assert.equal(res.status, 401, `a disabled user's login must fail with 401, got ${res.describe()}`);
    assert.ok(!res.headers.getSetCookie().some((c) => /^sangam_session=[^;]+/.test(c)), 'no session for a disabled user');
    assert.equal((await ctx.admin.ok('GET', `/users/${u.id}`)).disabled, true);

    await ctx.admin.ok('PATCH', `/users/${u.id}`, { disabled: false });
    const back = await login(ctx.server, email, password);
    await back.client.ok('GET', '/auth/me');
  });

  test('delete answers 204; the user is gone, cannot log in, sessions end, memberships vanish', async () => {
    const email = `${uniq('del')}@example.com`;
    const password = 'delete-me-pw';
    const u = await ctx.admin.ok('POST', '/users', { email, name: 'To Delete', password }, 201);
    const { client } = await login(ctx.server, email, password);
    const tok = await newToken(client);
    const p = await newProject(ctx.admin);
    assertStatus(await addMember(ctx.admin, p.id, email, 'manager'), 201);

    assertStatus(await ctx.admin.del(`/users/${u.id}`), 204);
    assertError(await ctx.admin.get(`/users/${u.id}`), 404, 'not_found');
    assert.ok(!(await ctx.admin.ok('GET', '/users')).items.some((x) => x.id === u.id));
    assertError(await client.get('/auth/me'), 401, 'unauthorized');
    assertError(await tok.client.get('/auth/me'), 401, 'unauthorized');
    assertError(await new Client(ctx.server).post('/auth/login', { email, password }), 401, 'invalid_credentials');
    const members = await ctx.admin.ok('GET', `/projects/${p.id}/members`);
    assert.ok(!members.items.some((m) => m.user_id === u.id), 'a deleted user is no member any more');
    assertError(await ctx.admin.del(`/users/${u.id}`), 404, 'not_found');
    // the email can be used again
    await ctx.admin.ok('POST', '/users', { email, name: 'Reborn', password }, 201);
  });

  test('an admin cannot delete themselves (409); unknown user ids answer 404', async () => {
    assertError(await ctx.admin.del(`/users/${ctx.adminUser.id}`), 409, 'conflict');
    await ctx.admin.ok('GET', '/auth/me');
    assertError(await ctx.admin.get('/users/999999'), 404, 'not_found');
    assertError(await ctx.admin.patch('/users/999999', { name: 'Nobody' }), 404, 'not_found');
    assertError(await ctx.admin.del('/users/999999'), 404, 'not_found');
  });
});
