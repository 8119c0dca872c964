// 7. CSRF: cookie-authenticated state changes need an Origin matching Host (or SANGAM_ALLOWED_ORIGINS);
//    bearer-token requests are exempt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { assertError, assertStatus, newUser, newProject, newToken, addMember, uniq } from './lib/client.mjs';
import { upgradeStatus } from './lib/ws.mjs';

describeBackends('csrf', (ctx) => {
  let owner; let other; let project; let token;

  ctx.setup(async () => {
    owner = await newUser(ctx.admin, { name: 'Owner' });
    other = await newUser(ctx.admin, { name: 'Other', login: false });
    project = await newProject(owner.client, { name: 'Guarded' });
    assertStatus(await addMember(owner.client, project.id, other.email, 'viewer'), 201);
    token = (await newToken(owner.client, 'kept')).token;
  });

  function badOrigins() {
    const port = ctx.server.port;
    return [
      false, // no Origin header at all
      'http://evil.example',
      'null',
      `http://127.0.0.1:${port + 1 === 65536 ? 1 : port + 1}`,
      `http://localhost:${port}`,
      `http://127.0.0.1.evil.example:${port}`,
      `http://evil.example/127.0.0.1:${port}`,
    ];
  }

  async function snapshot() {
    return {
      project: await owner.client.ok('GET', `/projects/${project.id}`),
      members: await owner.client.ok('GET', `/projects/${project.id}/members`),
      projects: (await owner.client.ok('GET', '/projects')).items.map((p) => p.id),
      tokens: (await owner.client.ok('GET', '/tokens')).items.map((t) => t.id),
      users: (await ctx.admin.ok('GET', '/users')).items,
    };
  }

  test('cookie state changes without Origin or with a foreign Origin answer 403 csrf_failed and change nothing', async () => {
    const snap = await snapshot();
    const calls = [
      [owner.client, 'POST', '/projects', { name: 'CSRF', slug: uniq('csrf').toLowerCase() }],
      [owner.client, 'PATCH', `/projects/${project.id}`, { name: 'Pwned' }],
      [owner.client, 'PUT', `/projects/${project.id}/members/${other.user.id}`, { role: 'owner' }],
      [owner.client, 'DELETE', `/projects/${project.id}/members/${other.user.id}`],
      [owner.client, 'POST', '/tokens', { name: 'stolen' }],
      [owner.client, 'DELETE', `/tokens/${token.id}`],
      [ctx.admin, 'POST', '/users', { email: `${uniq('csrf')}@example.com`, name: 'Evil', password: 'long-enough-pw' }],
      [ctx.admin, 'PATCH', `/users/${other.user.id}`, { is_admin: true }],
      [ctx.admin, 'DELETE', `/users/${other.user.id}`],
      [owner.client, 'DELETE', `/projects/${project.id}`],
      [owner.client, 'POST', '/auth/logout'],
    ];
    const failures = [];
    for (const origin of badOrigins()) {
      for (const [client, method, p, body] of calls) {
        const res = await client.request(method, p, body, { origin });
        if (res.status !== 403 || res.body?.error?.code !== 'csrf_failed') {
          failures.push(`${method} ${p} Origin=${origin === false ? '(none)' : origin}: ${res.describe()}`);
        }
      }
    }
    assert.deepEqual(failures, [], 'must answer 403 csrf_failed');
    assert.deepEqual(await snapshot(), snap, 'rejected requests must change nothing');
  });

  test('cookie GET requests need no Origin', async () => {
    assertStatus(await owner.client.get(`/projects/${project.id}`, { origin: false }), 200);
    assertStatus(await owner.client.get('/auth/me', { origin: 'http://evil.example' }), 200);
  });

  test('cookie state changes with the same Origin work', async () => {
    const p = await newProject(owner.client);
    assertStatus(await owner.client.patch(`/projects/${p.id}`, { name: 'Same origin' }), 200);
    assertStatus(await owner.client.del(`/projects/${p.id}`), 204);
  });

  test('bearer-token requests without Origin are allowed', async () => {
    const { client } = await newToken(owner.client, 'script');
    const created = await client.post('/projects', { name: 'Via bearer', slug: uniq('bearer').toLowerCase() }, { origin: false });
    assertStatus(created, 201);
    const pid = created.body.id;
    assertStatus(await client.patch(`/projects/${pid}`, { name: 'Bearer renamed' }, { origin: false }), 200);
    assertStatus(await client.post(`/projects/${pid}/members`, { email: other.email, role: 'viewer' }, { origin: false }), 201);
    assertStatus(await client.put(`/projects/${pid}/members/${other.user.id}`, { role: 'manager' }, { origin: false }), 200);
    assertStatus(await client.del(`/projects/${pid}/members/${other.user.id}`, { origin: false }), 204);
    assertStatus(await client.del(`/projects/${pid}`, { origin: false }), 204);
    assertError(await owner.client.get(`/projects/${pid}`), 404, 'not_found');
  });

  test('bearer-token requests are exempt from the Origin check, also with a foreign Origin', async () => {
    const { client } = await newToken(owner.client, 'cross-site script');
    const res = await client.post('/projects', { name: 'Foreign origin', slug: uniq('foreign').toLowerCase() }, { origin: 'http://evil.example' });
    assertStatus(res, 201);
    assertStatus(await client.patch(`/projects/${res.body.id}`, { name: 'Foreign 2' }, { origin: 'http://evil.example' }), 200);
  });

  test('a cookie WebSocket upgrade without Origin or with a foreign Origin is refused with 403', async () => {
    const auth = { cookie: owner.client.cookie };
    assert.equal((await upgradeStatus(ctx.server, auth, { origin: true })).status, 101, 'same-origin upgrade must work');
    for (const origin of [false, 'http://evil.example', `http://localhost:${ctx.server.port}`]) {
      const r = await upgradeStatus(ctx.server, auth, { origin });
      assert.equal(r.status, 403, `upgrade with Origin=${origin || '(none)'} must be refused with 403, got ${r.status} ${r.body}`);
      let code;
      try { code = JSON.parse(r.body).error.code; } catch { code = `(not an error envelope: ${r.body})`; }
      assert.equal(code, 'csrf_failed');
    }
    const bearer = (await newToken(owner.client)).token.token;
    assert.equal((await upgradeStatus(ctx.server, { token: bearer }, { origin: false })).status, 101,
      'a bearer-token upgrade needs no Origin');
  });
});

describeBackends('csrf with SANGAM_ALLOWED_ORIGINS', (ctx) => {
  test('an Origin listed in SANGAM_ALLOWED_ORIGINS is accepted, others are not', async () => {
    const slug = () => uniq('allowed').toLowerCase();
    assertStatus(await ctx.admin.post('/projects', { name: 'Allowed', slug: slug() }, { origin: 'https://dash.example.com' }), 201);
    assertStatus(await ctx.admin.post('/projects', { name: 'Allowed 2', slug: slug() }, { origin: 'https://ops.example.org:8443' }), 201);
    assertError(await ctx.admin.post('/projects', { name: 'Other', slug: slug() }, { origin: 'https://evil.example.com' }), 403, 'csrf_failed');
    assertStatus(await ctx.admin.post('/projects', { name: 'Own', slug: slug() }), 201, 'the own origin stays allowed');
  });
}, { env: { SANGAM_ALLOWED_ORIGINS: 'https://dash.example.com,https://ops.example.org:8443' } });
