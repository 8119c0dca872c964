// 4. Roles per project (owner / manager / viewer / non-member / admin) and 10. unknown project ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { addMember, assertError, assertStatus, newUser, newProject, putMember } from './lib/client.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Every project endpoint, aimed at project pid; member endpoints target user uid. */
function projectCalls(pid, uid) {
  return [
    ['GET', `/projects/${pid}`],
    ['PATCH', `/projects/${pid}`, { name: 'Hijacked' }],
    ['DELETE', `/projects/${pid}`],
    ['GET', `/projects/${pid}/members`],
    ['POST', `/projects/${pid}/members`, { email: 'someone@example.com', role: 'owner' }],
    ['PUT', `/projects/${pid}/members/${uid}`, { role: 'owner' }],
    ['DELETE', `/projects/${pid}/members/${uid}`],
    ['GET', `/projects/${pid}/audit`],
  ];
}

describeBackends('roles', (ctx) => {
  let owner; let manager; let viewer; let outsider; let project;

  ctx.setup(async () => {
    [owner, manager, viewer, outsider] = await Promise.all(
      ['Owner', 'Manager', 'Viewer', 'Outsider'].map((name) => newUser(ctx.admin, { name })));
    project = await newProject(owner.client, { name: 'Roles' });
    assertStatus(await addMember(owner.client, project.id, manager.email, 'manager'), 201);
    assertStatus(await addMember(owner.client, project.id, viewer.email, 'viewer'), 201);
  });

  async function assertUnchanged() {
    const p = await owner.client.ok('GET', `/projects/${project.id}`);
    assert.equal(p.name, 'Roles', 'project must be unchanged');
    const members = await owner.client.ok('GET', `/projects/${project.id}/members`);
    const roles = Object.fromEntries(members.items.map((m) => [m.user_id, m.role]));
    assert.deepEqual(roles, {
      [owner.user.id]: 'owner', [manager.user.id]: 'manager', [viewer.user.id]: 'viewer',
    }, 'members must be unchanged');
  }

  test('POST member by email answers 201 with the Member; PUT changes the role (200)', async () => {
    const extra = await newUser(ctx.admin, { login: false, name: 'Extra' });
    const p = await newProject(owner.client);
    const added = await addMember(owner.client, p.id, extra.email.toUpperCase(), 'viewer');
    assertStatus(added, 201);
    assert.equal(added.body.user_id, extra.user.id);
    assert.equal(added.body.email, extra.email);
    assert.equal(added.body.name, 'Extra');
    assert.equal(added.body.role, 'viewer');
    assert.match(added.body.added_at, ISO);
    const changed = await putMember(owner.client, p.id, extra.user.id, 'manager');
    assertStatus(changed, 200);
    assert.equal(changed.body.role, 'manager');
    const members = await owner.client.ok('GET', `/projects/${p.id}/members`);
    assert.equal(members.items.find((m) => m.user_id === extra.user.id).role, 'manager');
  });

  test('each member sees the project with their own role, in GET /projects and /auth/me', async () => {
    for (const [who, role] of [[owner, 'owner'], [manager, 'manager'], [viewer, 'viewer']]) {
      const p = await who.client.ok('GET', `/projects/${project.id}`);
      assert.equal(p.role, role);
      assert.equal(p.name, 'Roles');
      const list = await who.client.ok('GET', '/projects');
      assert.equal(list.items.find((x) => x.id === project.id)?.role, role, `${role} must see the project in the list`);
      const me = await who.client.ok('GET', '/auth/me');
      assert.deepEqual(me.memberships.find((m) => m.project_id === project.id), { project_id: project.id, role });
    }
  });

  for (const which of ['manager', 'viewer']) {
    test(`${which} can read the project and members but gets 403 on owner actions`, async () => {
      const who = which === 'manager' ? manager : viewer;
      await who.client.ok('GET', `/projects/${project.id}`);
      const members = await who.client.ok('GET', `/projects/${project.id}/members`);
      assert.equal(members.items.length, 3);
      for (const m of members.items) {
        assert.equal(typeof m.email, 'string');
        assert.equal(typeof m.name, 'string');
        assert.match(m.added_at, ISO);
      }
      const failures = [];
      for (const [method, p, body] of [
        ['PATCH', `/projects/${project.id}`, { name: 'Hijacked' }],
        ['DELETE', `/projects/${project.id}`],
        ['POST', `/projects/${project.id}/members`, { email: outsider.email, role: 'viewer' }],
        ['PUT', `/projects/${project.id}/members/${outsider.user.id}`, { role: 'viewer' }],
        ['PUT', `/projects/${project.id}/members/${who.user.id}`, { role: 'owner' }],
        ['DELETE', `/projects/${project.id}/members/${viewer.user.id}`],
        ['GET', `/projects/${project.id}/audit`],
      ]) {
        const res = await who.client.request(method, p, body);
        if (res.status !== 403 || res.body?.error?.code !== 'forbidden') failures.push(`${method} ${p}: ${res.describe()}`);
      }
      assert.deepEqual(failures, [], `${which} must get 403 forbidden`);
      await assertUnchanged();
    });
  }

  test('a non-member gets 404 on every project endpoint, exactly like a nonexistent project', async () => {
    const failures = [];
    const real = projectCalls(project.id, outsider.user.id);
    const fake = projectCalls(999999, outsider.user.id);
    for (let i = 0; i < real.length; i++) {
      const [method, p, body] = real[i];
      const res = await outsider.client.request(method, p, body);
      const none = await outsider.client.request(fake[i][0], fake[i][1], fake[i][2]);
      if (res.status !== 404 || res.body?.error?.code !== 'not_found') failures.push(`${method} ${p}: ${res.describe()}`);
      else if (res.text.replaceAll(String(project.id), 'ID') !== none.text.replaceAll('999999', 'ID')) {
        failures.push(`${method} ${p}: answer differs from a nonexistent project: ${res.text} vs ${none.text}`);
      }
    }
    assert.deepEqual(failures, [], 'non-member must get 404 not_found');
    const list = await outsider.client.ok('GET', '/projects');
    assert.ok(!list.items.some((x) => x.id === project.id), 'non-member must not see the project in the list');
    await assertUnchanged();
  });

  test('the owner can update, manage members, read the audit and delete', async () => {
    const p = await newProject(owner.client);
    const upd = await owner.client.ok('PATCH', `/projects/${p.id}`, { name: 'Renamed' });
    assert.equal(upd.name, 'Renamed');
    assert.equal(upd.role, 'owner');
    assertStatus(await addMember(owner.client, p.id, viewer.email, 'viewer'), 201);
    assertStatus(await putMember(owner.client, p.id, viewer.user.id, 'manager'), 200);
    assertStatus(await owner.client.del(`/projects/${p.id}/members/${viewer.user.id}`), 204);
    const audit = await owner.client.ok('GET', `/projects/${p.id}/audit`);
    assert.ok(Array.isArray(audit.items) && audit.items.length > 0);
    assertStatus(await owner.client.del(`/projects/${p.id}`), 204);
    assertError(await owner.client.get(`/projects/${p.id}`), 404, 'not_found');
    assertError(await owner.client.get(`/projects/${p.id}/members`), 404, 'not_found');
    const list = await owner.client.ok('GET', '/projects');
    assert.ok(!list.items.some((x) => x.id === p.id));
  });

  test('a member removed from a project loses access (404)', async () => {
    const p = await newProject(owner.client);
    assertStatus(await addMember(owner.client, p.id, manager.email, 'manager'), 201);
    await manager.client.ok('GET', `/projects/${p.id}`);
    assertStatus(await owner.client.del(`/projects/${p.id}/members/${manager.user.id}`), 204);
    assertError(await manager.client.get(`/projects/${p.id}`), 404, 'not_found');
    assertError(await manager.client.get(`/projects/${p.id}/members`), 404, 'not_found');
  });

  test('the last owner cannot be removed or demoted (409); with a second owner they can leave', async () => {
    const p = await newProject(owner.client);
    assertError(await owner.client.del(`/projects/${p.id}/members/${owner.user.id}`), 409, 'conflict');
    assertError(await putMember(owner.client, p.id, owner.user.id, 'viewer'), 409, 'conflict');
    assertError(await putMember(owner.client, p.id, owner.user.id, 'manager'), 409, 'conflict');
    const still = await owner.client.ok('GET', `/projects/${p.id}/members`);
    assert.deepEqual(still.items.map((m) => [m.user_id, m.role]), [[owner.user.id, 'owner']]);
    assertStatus(await addMember(owner.client, p.id, manager.email, 'owner'), 201);
    assertStatus(await owner.client.del(`/projects/${p.id}/members/${owner.user.id}`), 204);
    assertError(await owner.client.get(`/projects/${p.id}`), 404, 'not_found');
    const left = await manager.client.ok('GET', `/projects/${p.id}/members`);
    assert.deepEqual(left.items.map((m) => [m.user_id, m.role]), [[manager.user.id, 'owner']]);
  });

  test('an admin who is not a member can do everything and sees the project as owner', async () => {
    const p = await newProject(owner.client);
    const seen = await ctx.admin.ok('GET', `/projects/${p.id}`);
    assert.equal(seen.role, 'owner');
    const list = await ctx.admin.ok('GET', '/projects');
    assert.equal(list.items.find((x) => x.id === p.id)?.role, 'owner', 'admins list every project');
    assert.equal((await ctx.admin.ok('PATCH', `/projects/${p.id}`, { name: 'Admin edit' })).name, 'Admin edit');
    await ctx.admin.ok('GET', `/projects/${p.id}/members`);
    assertStatus(await addMember(ctx.admin, p.id, viewer.email, 'viewer'), 201);
    assertStatus(await ctx.admin.del(`/projects/${p.id}/members/${viewer.user.id}`), 204);
    const audit = await ctx.admin.ok('GET', `/projects/${p.id}/audit`);
    assert.ok(audit.items.length > 0);
    assertStatus(await ctx.admin.del(`/projects/${p.id}`), 204);
    assertError(await owner.client.get(`/projects/${p.id}`), 404, 'not_found');
  });

  test('non-admins get 403 on every /users endpoint', async () => {
    const failures = [];
    for (const who of [owner, manager, viewer, outsider]) {
      for (const [method, p, body] of [
        ['GET', '/users'],
        ['POST', '/users', { email: 'new-user@example.com', name: 'New', password: 'long-enough-password' }],
        ['GET', `/users/${viewer.user.id}`],
        ['PATCH', `/users/${viewer.user.id}`, { is_admin: true }],
        ['PATCH', `/users/${who.user.id}`, { is_admin: true }],
        ['DELETE', `/users/${viewer.user.id}`],
      ]) {
        const res = await who.client.request(method, p, body);
        if (res.status !== 403 || res.body?.error?.code !== 'forbidden') failures.push(`${who.user.name}: ${method} ${p}: ${res.describe()}`);
      }
    }
    assert.deepEqual(failures, [], 'non-admin must get 403 forbidden on /users');
    const me = await owner.client.ok('GET', '/auth/me');
    assert.equal(me.user.is_admin, false, 'a user must not be able to make themselves admin');
  });

  test('unknown project id 999999 answers 404 not_found for owner-level callers too', async () => {
    const failures = [];
    for (const [method, p, body] of projectCalls(999999, viewer.user.id)) {
      for (const who of [ctx.admin, owner.client]) {
        const res = await who.request(method, p, body);
        if (res.status !== 404 || res.body?.error?.code !== 'not_found' || typeof res.body?.error?.message !== 'string') {
          failures.push(`${method} ${p}: ${res.describe()}`);
        }
      }
    }
    assert.deepEqual(failures, [], 'unknown project must answer 404 not_found');
  });
});
