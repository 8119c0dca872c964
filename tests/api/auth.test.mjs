// 1. Authentication: login, cookie flags, /auth/me, logout, 401 on every protected endpoint,
//    open endpoints, and the OpenAPI document covering the documented endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends, ADMIN_EMAIL, ADMIN_PASSWORD } from './lib/harness.mjs';
import { Client, assertError, assertStatus, login, sessionCookie, newProject, newToken } from './lib/client.mjs';
import { documentedEndpoints, isPublic, normalizePath } from './lib/docs.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function assertUser(u, email) {
  assert.equal(typeof u.id, 'number');
  assert.equal(u.email, email);
  assert.equal(typeof u.name, 'string');
  assert.equal(typeof u.is_admin, 'boolean');
  assert.equal(u.disabled, false);
  assert.match(u.created_at, ISO);
  for (const k of Object.keys(u)) assert.doesNotMatch(k, /pass|hash|secret/i, `User must not expose ${k}`);
}

describeBackends('auth', (ctx) => {
  test('login sets an HttpOnly SameSite=Strict session cookie for 14 days and returns the user', async () => {
    const anon = new Client(ctx.server);
    const res = await anon.post('/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    assertStatus(res, 200);
    assertUser(res.body.user, ADMIN_EMAIL);
    assert.equal(res.body.user.is_admin, true);
    const set = res.headers.getSetCookie().find((c) => c.startsWith('sangam_session='));
    assert.ok(set, `no sangam_session cookie: ${res.headers.getSetCookie()}`);
    const attrs = set.split(';').map((s) => s.trim().toLowerCase());
    assert.ok(attrs[0].length > 'sangam_session='.length + 15, 'session id looks too short');
    assert.ok(attrs.includes('httponly'), `HttpOnly missing: ${set}`);
    assert.ok(attrs.includes('samesite=strict'), `SameSite=Strict missing: ${set}`);
    assert.ok(attrs.includes('path=/'), `Path=/ missing: ${set}`);
    const maxAge = attrs.find((a) => a.startsWith('max-age='));
    const expires = attrs.find((a) => a.startsWith('expires='));
    assert.ok(maxAge || expires, `cookie must be persistent (14 days): ${set}`);
    const days = maxAge
      ? Number(maxAge.slice(8)) / 86400
      : (Date.parse(set.split(/;\s*/).find((a) => /^expires=/i.test(a)).slice(8)) - Date.now()) / 86400e3;
    assert.ok(Math.abs(days - 14) < 0.1, `cookie lifetime should be 14 days, is ${days}: ${set}`);
  });

  test('wrong password and unknown email both answer 401 invalid_credentials without a cookie', async () => {
    const anon = new Client(ctx.server);
    const wrong = await anon.post('/auth/login', { email: ADMIN_EMAIL, password: 'not-the-password' });
    assertError(wrong, 401, 'invalid_credentials');
    assert.equal(sessionCookie(wrong), null, 'no session cookie on failure');
    const unknown = await anon.post('/auth/login', { email: 'nobody@example.com', password: ADMIN_PASSWORD });
    assertError(unknown, 401, 'invalid_credentials');
    assert.equal(unknown.body.error.message, wrong.body.error.message, 'unknown email must look like a wrong password');
  });

  test('login email is case-insensitive', async () => {
    const r = await login(ctx.server, ADMIN_EMAIL.toUpperCase(), ADMIN_PASSWORD);
    assert.equal(r.user.email, ADMIN_EMAIL);
  });

  test('GET /auth/me returns the user and their memberships', async () => {
    const me = await ctx.admin.ok('GET', '/auth/me');
    assertUser(me.user, ADMIN_EMAIL);
    assert.ok(Array.isArray(me.memberships), 'memberships must be an array');
    const p = await newProject(ctx.admin);
    const me2 = await ctx.admin.ok('GET', '/auth/me');
    assert.deepEqual(me2.memberships.find((m) => m.project_id === p.id), { project_id: p.id, role: 'owner' });
  });

  test('a bearer token acts as its user on /auth/me', async () => {
    const { client } = await newToken(ctx.admin);
    const me = await client.ok('GET', '/auth/me');
    assert.equal(me.user.email, ADMIN_EMAIL);
  });

  test('garbage cookie or bearer token answers 401 unauthorized', async () => {
    assertError(await new Client(ctx.server, { cookie: 'sangam_session=not-a-session' }).get('/auth/me'), 401, 'unauthorized');
    assertError(await new Client(ctx.server, { token: 'sgm_not-a-token' }).get('/auth/me'), 401, 'unauthorized');
    assertError(await new Client(ctx.server, { token: 'garbage' }).get('/auth/me'), 401, 'unauthorized');
  });

  test('logout answers 204, clears the cookie and invalidates only that session', async () => {
    const a = await login(ctx.server, ADMIN_EMAIL, ADMIN_PASSWORD);
    const b = await login(ctx.server, ADMIN_EMAIL, ADMIN_PASSWORD);
    await a.client.ok('GET', '/auth/me');
    const res = await a.client.post('/auth/logout');
    assertStatus(res, 204);
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith('sangam_session='));
    assert.ok(cleared, 'logout must clear the cookie with a Set-Cookie header');
    assert.match(cleared, /max-age=0|expires=thu, 01 jan 1970|^sangam_session=;/i, `cookie not cleared: ${cleared}`);
    assertError(await a.client.get('/auth/me'), 401, 'unauthorized');
    assertError(await a.client.get('/projects'), 401, 'unauthorized');
    await b.client.ok('GET', '/auth/me'); // the other session still works
  });

  test('every protected endpoint of docs/api.md answers 401 unauthorized without credentials', async () => {
    const project = await newProject(ctx.admin);
    const { token } = await newToken(ctx.admin);
    const adminId = ctx.adminUser.id;
    const anon = new Client(ctx.server);
    const rows = documentedEndpoints().filter((r) => !isPublic(r));
    assert.ok(rows.length >= 20, `expected many protected endpoints, parsed ${rows.length}`);
    const failures = [];
    for (const row of rows) {
      let p = row.full;
      const id = p.startsWith('/api/v1/tokens') ? token.id : p.startsWith('/api/v1/users') ? adminId : project.id;
      p = p.replace('{id}', String(id)).replace(/\{[^}]+\}/g, String(adminId));
      const body = ['POST', 'PUT', 'PATCH'].includes(row.method) ? {} : undefined;
      for (const origin of [false, true]) {
        const res = await anon.request(row.method, p, body, { origin });
        if (res.status !== 401 || res.body?.error?.code !== 'unauthorized') {
          failures.push(`${row.method} ${p} (origin ${origin ? 'same' : 'none'}): ${res.describe()}`);
        }
      }
    }
    assert.deepEqual(failures, [], 'protected endpoints must answer 401 unauthorized');
    // and nothing changed: the project and token still exist
    await ctx.admin.ok('GET', `/projects/${project.id}`);
    const tokens = await ctx.admin.ok('GET', '/tokens');
    assert.ok(tokens.items.some((t) => t.id === token.id));
  });

  test('/healthz and /metrics are open to anyone', async () => {
    const anon = new Client(ctx.server);
    const h = await anon.get('/healthz');
    assertStatus(h, 200);
    assert.deepEqual(h.body, { status: 'ok' });
    const m = await anon.get('/metrics');
    assertStatus(m, 200);
    assert.match(m.contentType, /^text\/plain/);
    assert.match(m.text, /^# (HELP|TYPE) \w+/m, 'Prometheus text format expected');
  });

  test('openapi.json is an OpenAPI 3.0 document listing every documented endpoint', async () => {
    const res = await new Client(ctx.server).get('/api/v1/openapi.json');
    assertStatus(res, 200);
    assert.match(res.contentType, /^application\/json/);
    const doc = res.body;
    assert.match(String(doc.openapi), /^3\.0/);
    assert.equal(typeof doc.paths, 'object');
    const listed = new Set();
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const m of Object.keys(ops)) listed.add(`${m.toUpperCase()} ${normalizePath(p)}`);
    }
    const missing = documentedEndpoints()
      .map((r) => `${r.method} ${normalizePath(r.full)}`)
      .filter((k) => !listed.has(k));
    assert.deepEqual(missing, [], `openapi.json lacks documented endpoints (it lists: ${[...listed].join(', ')})`);
  });

  test('unknown route answers 404 not_found JSON', async () => {
    assertError(await ctx.admin.get('/no-such-thing'), 404, 'not_found');
    assertError(await ctx.admin.get('/projects/1/no-such-thing'), 404, 'not_found');
  });
});

describeBackends('metrics behind login (SANGAM_METRICS_PUBLIC=false)', (ctx) => {
  test('anonymous GET /metrics answers 401 unauthorized; /healthz stays open', async () => {
    const anon = new Client(ctx.server);
    assertError(await anon.get('/metrics'), 401, 'unauthorized');
    assertStatus(await anon.get('/healthz'), 200);
    const m = await ctx.admin.get('/metrics');
    assertStatus(m, 200, 'a signed-in admin still reads /metrics');
    assert.match(m.text, /^# (HELP|TYPE) \w+/m);
  });
}, { env: { SANGAM_METRICS_PUBLIC: 'false' } });
