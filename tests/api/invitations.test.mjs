// Invitations (issue 13 item 5): an owner invites an email with a role; the link's secret is shown
// once, works once, expires, and the person sets their own password. Managers and viewers cannot invite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { Client, addMember, assertError, login, newProject, newUser, uniq } from './lib/client.mjs';

describeBackends('invitations', (ctx) => {
  let owner; let project; let anon;

  ctx.setup(async () => {
    owner = await newUser(ctx.admin);
    project = await newProject(owner.client, { name: 'PoultryCare' });
    anon = new Client(ctx.server);
  });

  const invite = (client, body) => client.post(`/projects/${project.id}/invitations`, body);

  test('an owner invites; the link is shown once and lets the person in with their own password', async () => {
    const email = `${uniq('new')}@example.com`;
    const res = await invite(owner.client, { email, role: 'manager' });
    assert.equal(res.status, 201, res.describe());
    const inv = res.body;
    assert.equal(inv.email, email);
    assert.equal(inv.role, 'manager');
    assert.equal(inv.state, 'pending');
    assert.equal(typeof inv.token, 'string');
    assert.ok(inv.token.length >= 40, 'a 32-byte secret');
    const days = (Date.parse(inv.expires_at) - Date.now()) / 86400e3;
    assert.ok(Math.abs(days - 7) < 0.01, `expires in 7 days by default, got ${days}`);

    // Shown once: the list has no token.
    const list = await owner.client.ok('GET', `/projects/${project.id}/invitations`);
    const listed = list.items.find((x) => x.id === inv.id);
    assert.equal(listed.state, 'pending');
    assert.equal(listed.token, undefined);

    const look = await anon.post('/invitations/lookup', { token: inv.token });
    assert.equal(look.status, 200, look.describe());
    assert.equal(look.body.project_name, 'PoultryCare');
    assert.equal(look.body.email, email);
    assert.equal(look.body.role, 'manager');

    const accepted = await anon.post('/invitations/accept', { token: inv.token, name: 'Priya', password: 'priya-password-1' });
    assert.equal(accepted.status, 201, accepted.describe());
    assert.equal(accepted.body.user.email, email);
    assert.equal(accepted.body.role, 'manager');

    const priya = await login(ctx.server, email, 'priya-password-1');
    const p = await priya.client.ok('GET', `/projects/${project.id}`);
    assert.equal(p.role, 'manager');
    assert.equal((await owner.client.ok('GET', `/projects/${project.id}/invitations`)).items.find((x) => x.id === inv.id).state, 'accepted');

    // Used once: a second accept or lookup is refused and creates no second user.
    assertError(await anon.post('/invitations/accept', { token: inv.token, name: 'Again', password: 'another-password' }), 409, 'conflict', 'token');
    assertError(await anon.post('/invitations/lookup', { token: inv.token }), 409, 'conflict', 'token');
    const members = await owner.client.ok('GET', `/projects/${project.id}/members`);
    assert.equal(members.items.filter((m) => m.email === email).length, 1);

    const audit = await owner.client.ok('GET', `/projects/${project.id}/audit`, undefined);
    const actions = audit.items.map((x) => x.action);
    assert.ok(actions.includes('invitation.created') && actions.includes('invitation.accepted'), actions.join(','));
  });

  test('a wrong or withdrawn link changes nothing and says so', async () => {
    assertError(await anon.post('/invitations/lookup', { token: 'not-a-real-token' }), 404, 'not_found', 'token');
    assertError(await anon.post('/invitations/accept', { token: 'not-a-real-token', name: 'X', password: 'long-enough-pw' }), 404, 'not_found', 'token');
    const email = `${uniq('w')}@example.com`;
    const inv = (await invite(owner.client, { email, role: 'viewer' })).body;
    const del = await owner.client.request('DELETE', `/projects/${project.id}/invitations/${inv.id}`);
    assert.equal(del.status, 204, del.describe());
    const r = await anon.post('/invitations/accept', { token: inv.token, name: 'X', password: 'long-enough-pw' });
    assertError(r, 409, 'conflict', 'token');
    assert.match(r.body.error.message, /withdrawn/);
    // No user was created for the email.
    const users = await ctx.admin.ok('GET', '/users');
    assert.ok(!users.items.some((u) => u.email === email));
  });

  test('a short password or a missing name is refused before the link is spent', async () => {
    const inv = (await invite(owner.client, { email: `${uniq('pw')}@example.com`, role: 'viewer' })).body;
    assertError(await anon.post('/invitations/accept', { token: inv.token, name: 'Ravi', password: 'short' }), 400, 'validation_failed', 'password');
    assertError(await anon.post('/invitations/accept', { token: inv.token, name: '', password: 'long-enough-pw' }), 400, 'validation_failed', 'name');
    assert.equal((await anon.post('/invitations/lookup', { token: inv.token })).status, 200, 'still usable');
  });

  test('only owners invite, with a known role, and only people without an account', async () => {
    const manager = await newUser(ctx.admin);
    const viewer = await newUser(ctx.admin);
    assert.equal((await addMember(owner.client, project.id, manager.email, 'manager')).status, 201);
    assert.equal((await addMember(owner.client, project.id, viewer.email, 'viewer')).status, 201);
    const email = `${uniq('r')}@example.com`;
    assertError(await invite(manager.client, { email, role: 'viewer' }), 403, 'forbidden');
    assertError(await invite(viewer.client, { email, role: 'viewer' }), 403, 'forbidden');
    const outsider = await newUser(ctx.admin);
    assertError(await invite(outsider.client, { email, role: 'viewer' }), 404, 'not_found');
    assertError(await invite(owner.client, { email, role: 'admin' }), 400, 'validation_failed', 'role');
    assertError(await invite(owner.client, { email: 'not-an-email', role: 'viewer' }), 400, 'validation_failed', 'email');
    assertError(await invite(owner.client, { email: manager.email, role: 'viewer' }), 409, 'conflict', 'email');
    assertError(await invite(owner.client, { email: `${uniq('x')}@example.com`, role: 'viewer', expires_in_hours: 0 }), 400, 'validation_failed', 'expires_in_hours');
    assertError(await manager.client.request('GET', `/projects/${project.id}/invitations`), 403, 'forbidden');
    // An owner may invite another owner.
    assert.equal((await invite(owner.client, { email, role: 'owner' })).status, 201);
  });

  test('expires_in_hours sets the expiry', async () => {
    const inv = (await invite(owner.client, { email: `${uniq('e')}@example.com`, role: 'viewer', expires_in_hours: 2 })).body;
    const hours = (Date.parse(inv.expires_at) - Date.now()) / 3600e3;
    assert.ok(Math.abs(hours - 2) < 0.01, `2 hours, got ${hours}`);
  });
});
