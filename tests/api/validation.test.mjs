// 5. Validation: malformed JSON, types, missing fields, enums, project field rules, conflicts,
//    body size, unknown routes and methods — and bad input changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { addMember, assertError, assertStatus, newUser, newProject, putMember, uniq } from './lib/client.mjs';

const DEFAULT_HOURS = [{ start: '09:00', end: '12:00' }, { start: '14:00', end: '21:00' }];

describeBackends('validation', (ctx) => {
  let owner; let project;

  ctx.setup(async () => {
    owner = await newUser(ctx.admin);
    project = await newProject(owner.client, { name: 'Valid', time_zone: 'Europe/Berlin' });
  });

  async function assertProjectUnchanged() {
    const p = await owner.client.ok('GET', `/projects/${project.id}`);
    assert.deepEqual(p, project, 'a rejected request must change nothing');
  }

  test('a new project gets the documented defaults', async () => {
    const p = await newProject(owner.client);
    assert.equal(p.time_zone, 'Asia/Kolkata');
    assert.equal(p.default_region, 'IN');
    assert.deepEqual(p.working_hours, DEFAULT_HOURS);
    assert.equal(p.weekend_factor, 0.6);
    assert.deepEqual(p.regions, []);
    assert.deepEqual(p.personas, []);
    assert.equal(p.role, 'owner');
    assert.equal(typeof p.id, 'number');
    assert.match(p.created_at, /Z$/);
    assert.match(p.updated_at, /Z$/);
    assert.deepEqual(await owner.client.ok('GET', `/projects/${p.id}`), p);
  });

  test('a project created with every field keeps them', async () => {
    const body = {
      name: 'Full', slug: uniq('full-').toLowerCase(), time_zone: 'America/Sao_Paulo', default_region: 'BR',
      working_hours: [{ start: '08:30', end: '11:00' }, { start: '13:00', end: '17:45' }, { start: '19:00', end: '22:00' }],
      weekend_factor: 0, regions: ['BR', 'PT'], personas: ['students', 'parents'],
    };
    const p = await owner.client.ok('POST', '/projects', body, 201);
    for (const k of Object.keys(body)) assert.deepEqual(p[k], body[k], k);
    const one = await owner.client.ok('PATCH', `/projects/${p.id}`, { weekend_factor: 1 });
    assert.equal(one.weekend_factor, 1);
    assert.equal(one.name, 'Full');
  });

  test('PATCH cannot change id, role or timestamps; updated_at moves forward', async () => {
    const p = await newProject(owner.client);
    await new Promise((r) => setTimeout(r, 1100)); // timestamps have one-second resolution
    const res = await owner.client.patch(`/projects/${p.id}`, {
      id: p.id + 1000, role: 'viewer', created_at: '2000-01-01T00:00:00Z', updated_at: '2000-01-01T00:00:00Z',
    });
    assert.ok([200, 400].includes(res.status), `ignore (200) or reject (400), got ${res.describe()}`);
    const after = await owner.client.ok('GET', `/projects/${p.id}`);
    assert.equal(after.id, p.id);
    assert.equal(after.role, 'owner');
    assert.equal(after.created_at, p.created_at);
    assert.notEqual(after.updated_at, '2000-01-01T00:00:00Z');
    const renamed = await owner.client.ok('PATCH', `/projects/${p.id}`, { name: 'Renamed later' });
    assert.ok(Date.parse(renamed.updated_at) > Date.parse(p.updated_at), `updated_at must advance: ${p.updated_at} -> ${renamed.updated_at}`);
    assert.equal(renamed.created_at, p.created_at);
  });

  test('malformed JSON or a non-object body answers 400 invalid_json', async () => {
    for (const raw of ['{"name": "x", ', 'not json', '[]', '"a string"', '42', 'null', '']) {
      assertError(await owner.client.request('POST', '/projects', undefined, { raw }), 400, 'invalid_json');
      assertError(await owner.client.request('PATCH', `/projects/${project.id}`, undefined, { raw }), 400, 'invalid_json');
    }
    assertError(await owner.client.request('PUT', `/projects/${project.id}/members/${owner.user.id}`, undefined, { raw: '{role:' }), 400, 'invalid_json');
    assertError(await ctx.admin.request('POST', '/users', undefined, { raw: '{"email":' }), 400, 'invalid_json');
    assertError(await owner.client.request('POST', '/tokens', undefined, { raw: '{' }), 400, 'invalid_json');
    await assertProjectUnchanged();
  });

  test('missing required fields answer 400 validation_failed naming the field', async () => {
    assertError(await owner.client.post('/projects', { slug: uniq('s').toLowerCase() }), 400, 'validation_failed', 'name');
    assertError(await owner.client.post('/projects', { name: 'No slug' }), 400, 'validation_failed', 'slug');
    assertError(await putMember(owner.client, project.id, ctx.adminUser.id, undefined), 400, 'validation_failed', 'role');
    assertError(await addMember(owner.client, project.id, undefined, 'viewer'), 400, 'validation_failed', 'email');
    assertError(await addMember(owner.client, project.id, ctx.adminUser.email, undefined), 400, 'validation_failed', 'role');
    assertError(await ctx.admin.post('/users', { name: 'N', password: 'long-enough-pw' }), 400, 'validation_failed', 'email');
    assertError(await ctx.admin.post('/users', { email: `${uniq('u')}@example.com`, password: 'long-enough-pw' }), 400, 'validation_failed', 'name');
    assertError(await ctx.admin.post('/users', { email: `${uniq('u')}@example.com`, name: 'N' }), 400, 'validation_failed', 'password');
  });

  test('wrong types answer 400 validation_failed naming the field', async () => {
    const slug = () => uniq('t').toLowerCase();
    const cases = [
      [{ name: 5, slug: slug() }, 'name'],
      [{ name: 'x', slug: 7 }, 'slug'],
      [{ name: 'x', slug: slug(), time_zone: 1 }, 'time_zone'],
      [{ name: 'x', slug: slug(), default_region: ['IN'] }, 'default_region'],
      [{ name: 'x', slug: slug(), weekend_factor: '0.5' }, 'weekend_factor'],
      [{ name: 'x', slug: slug(), working_hours: '09:00-12:00' }, 'working_hours'],
      [{ name: 'x', slug: slug(), regions: 'IN' }, 'regions'],
      [{ name: 'x', slug: slug(), personas: { a: 1 } }, 'personas'],
    ];
    for (const [body, field] of cases) {
      assertError(await owner.client.post('/projects', body), 400, 'validation_failed', field);
    }
    assertError(await owner.client.patch(`/projects/${project.id}`, { name: null }), 400, 'validation_failed', 'name');
    assertError(await owner.client.patch(`/projects/${project.id}`, { weekend_factor: true }), 400, 'validation_failed', 'weekend_factor');
    assertError(await ctx.admin.post('/users', { email: `${uniq('u')}@example.com`, name: 'N', password: 'long-enough-pw', is_admin: 'yes' }),
      400, 'validation_failed', 'is_admin');
    assertError(await ctx.admin.patch(`/users/${owner.user.id}`, { disabled: 'no' }), 400, 'validation_failed', 'disabled');
    await assertProjectUnchanged();
  });

  test('an unknown role such as "superuser" answers 400 validation_failed field role', async () => {
    for (const role of ['superuser', 'OWNER', '', 3]) {
      assertError(await putMember(owner.client, project.id, ctx.adminUser.id, role), 400, 'validation_failed', 'role');
      assertError(await addMember(owner.client, project.id, ctx.adminUser.email, role), 400, 'validation_failed', 'role');
    }
    const members = await owner.client.ok('GET', `/projects/${project.id}/members`);
    assert.deepEqual(members.items.map((m) => m.user_id), [owner.user.id], 'no member may be added by a rejected request');
  });

  test('invalid time zone and region are rejected', async () => {
    for (const tz of ['Mars/Base', '', 'asia/kolkata_x', 'UTC+5:30']) {
      assertError(await owner.client.patch(`/projects/${project.id}`, { time_zone: tz }), 400, 'validation_failed', 'time_zone');
    }
    for (const region of ['XX', 'ZZ', 'IND', 'India', '']) {
      assertError(await owner.client.patch(`/projects/${project.id}`, { default_region: region }), 400, 'validation_failed', 'default_region');
    }
    await assertProjectUnchanged();
    const ok = await owner.client.ok('PATCH', `/projects/${project.id}`, { time_zone: 'America/New_York', default_region: 'US' });
    assert.equal(ok.time_zone, 'America/New_York');
    assert.equal(ok.default_region, 'US');
    project = await owner.client.ok('PATCH', `/projects/${project.id}`, { time_zone: 'Europe/Berlin', default_region: 'IN' });
  });

  test('invalid working hours are rejected with the window named', async () => {
    const bad = [
      // [working_hours, expected field (string = exact, RegExp = pattern)]
      [[{ start: '09:00', end: '12:00' }, { start: '14:00', end: '9pm' }], 'working_hours.1.end'],
      [[{ start: '9:00', end: '12:00' }], 'working_hours.0.start'],
      [[{ start: '09:00', end: '25:00' }], 'working_hours.0.end'],
      [[{ start: '09:60', end: '12:00' }], 'working_hours.0.start'],
      [[{ start: '09:00' }], 'working_hours.0.end'],
      [[{ start: '12:00', end: '09:00' }], /^working_hours\.0(\.(start|end))?$/],          // start after end
      [[{ start: '10:00', end: '10:00' }], /^working_hours\.0(\.(start|end))?$/],          // start == end
      [[{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }], /^working_hours(\.1(\.(start|end))?)?$/], // overlap
      [[{ start: '14:00', end: '15:00' }, { start: '09:00', end: '10:00' }], /^working_hours(\.1(\.(start|end))?)?$/], // unsorted
      [[], 'working_hours'],
      [Array.from({ length: 7 }, (_, i) => ({ start: `0${i}:00`, end: `0${i}:30` })), 'working_hours'],
      [['09:00-12:00'], /^working_hours\.0/],
    ];
    for (const [wh, field] of bad) {
      assertError(await owner.client.patch(`/projects/${project.id}`, { working_hours: wh }), 400, 'validation_failed', field);
    }
    // touching windows and six windows are fine
    const six = Array.from({ length: 6 }, (_, i) => ({ start: `${String(8 + 2 * i).padStart(2, '0')}:00`, end: `${String(9 + 2 * i).padStart(2, '0')}:00` }));
    const touching = [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '13:00' }];
    const p = await newProject(owner.client, { working_hours: six });
    assert.deepEqual(p.working_hours, six);
    assert.deepEqual((await owner.client.ok('PATCH', `/projects/${p.id}`, { working_hours: touching })).working_hours, touching);
    await assertProjectUnchanged();
  });

  test('weekend_factor must be a number from 0 to 1', async () => {
    for (const v of [1.5, -0.1, 2, '1']) {
      assertError(await owner.client.patch(`/projects/${project.id}`, { weekend_factor: v }), 400, 'validation_failed', 'weekend_factor');
    }
    await assertProjectUnchanged();
  });

  test('name, slug, regions and personas rules', async () => {
    const cases = [
      [{ name: '' }, 'name'],
      [{ name: 'n'.repeat(101) }, 'name'],
      [{ slug: 'a' }, 'slug'],
      [{ slug: 'A-upper' }, 'slug'],
      [{ slug: '1starts-with-digit' }, 'slug'],
      [{ slug: '-dash' }, 'slug'],
      [{ slug: 'under_score' }, 'slug'],
      [{ slug: 'has space' }, 'slug'],
      [{ slug: 'a'.repeat(51) }, 'slug'],
      [{ regions: ['IN', 'IN'] }, /^regions(\.\d+)?$/],
      [{ regions: [''] }, /^regions(\.0)?$/],
      [{ regions: ['x'.repeat(65)] }, /^regions(\.0)?$/],
      [{ regions: Array.from({ length: 101 }, (_, i) => `r${i}`) }, 'regions'],
      [{ regions: [1] }, /^regions(\.0)?$/],
      [{ personas: ['p'.repeat(65)] }, /^personas(\.0)?$/],
      [{ personas: ['a', 'a'] }, /^personas(\.\d+)?$/],
    ];
    for (const [body, field] of cases) {
      assertError(await owner.client.patch(`/projects/${project.id}`, body), 400, 'validation_failed', field);
    }
    // the same rules apply on create
    assertError(await owner.client.post('/projects', { name: 'x', slug: 'Bad Slug' }), 400, 'validation_failed', 'slug');
    assertError(await owner.client.post('/projects', { name: '', slug: uniq('e').toLowerCase() }), 400, 'validation_failed', 'name');
    // limits themselves are accepted
    const okSlug = `a${'b'.repeat(49)}`;
    const p = await newProject(owner.client, { name: 'n'.repeat(100), slug: okSlug, regions: Array.from({ length: 100 }, (_, i) => `r${i}`) });
    assert.equal(p.slug, okSlug);
    assert.equal(p.regions.length, 100);
    await assertProjectUnchanged();
  });

  test('a duplicate slug answers 409 conflict field slug and creates nothing', async () => {
    const listBefore = await owner.client.ok('GET', '/projects');
    assertError(await owner.client.post('/projects', { name: 'Dup', slug: project.slug }), 409, 'conflict', 'slug');
    assertError(await ctx.admin.post('/projects', { name: 'Dup', slug: project.slug }), 409, 'conflict', 'slug');
    const other = await newProject(owner.client);
    assertError(await owner.client.patch(`/projects/${other.id}`, { slug: project.slug }), 409, 'conflict', 'slug');
    const after = await owner.client.ok('GET', '/projects');
    assert.equal(after.items.length, listBefore.items.length + 1, 'only the valid project was created');
    assert.equal((await owner.client.ok('GET', `/projects/${other.id}`)).slug, other.slug);
    assertStatus(await owner.client.patch(`/projects/${project.id}`, { slug: project.slug }), 200, 'keeping your own slug is fine');
    project = await owner.client.ok('GET', `/projects/${project.id}`);
  });

  test('a PATCH with one bad field changes none of the good ones', async () => {
    const res = await owner.client.patch(`/projects/${project.id}`, {
      name: 'Should not stick', personas: ['new'], working_hours: [{ start: '10:00', end: '09:00' }],
    });
    assertError(res, 400, 'validation_failed', /^working_hours/);
    const res2 = await owner.client.patch(`/projects/${project.id}`, { name: 'Should not stick', time_zone: 'Mars/Base' });
    assertError(res2, 400, 'validation_failed', 'time_zone');
    await assertProjectUnchanged();
  });

  test('a body above 1 MiB answers 413 payload_too_large; just below is parsed', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 100), slug: 'too-big' });
    let res;
    try {
      res = await owner.client.request('POST', '/projects', undefined, { raw: big });
    } catch (err) {
      assert.fail(`the server must answer 413, but the request failed: ${err.cause?.code || err.message}`);
    }
    assertError(res, 413, 'payload_too_large');
    // a chunked body (no Content-Length) is cut off at the limit too
    const chunks = new ReadableStream({
      start(c) { for (let i = 0; i < 12; i++) c.enqueue(new TextEncoder().encode('x'.repeat(100_000))); c.close(); },
    });
    let chunked;
    try {
      const r = await fetch(`${ctx.server.base}/api/v1/projects`, {
        method: 'POST', body: chunks, duplex: 'half',
        headers: { cookie: owner.client.cookie, origin: ctx.server.origin, 'content-type': 'application/json' },
      });
      chunked = { status: r.status, body: await r.json().catch(() => null) };
    } catch (err) {
      assert.fail(`chunked: the server must answer 413, but the request failed: ${err.cause?.code || err.message}`);
    }
    assert.equal(chunked.status, 413, `chunked body above the limit: ${JSON.stringify(chunked)}`);
    assert.equal(chunked.body?.error?.code, 'payload_too_large');
    const below = JSON.stringify({ name: 'x'.repeat(1000 * 1000), slug: uniq('b').toLowerCase() });
    assertError(await owner.client.request('POST', '/projects', undefined, { raw: below }), 400, 'validation_failed', 'name');
    assert.equal((await owner.client.ok('GET', '/projects')).items.some((p) => p.slug === 'too-big'), false);
  });

  test('unknown routes answer 404 not_found JSON', async () => {
    for (const p of ['/nope', '/projects/1/nope', '/projects/abc', '/tokens/abc/x', '/auth/me/x']) {
      assertError(await owner.client.get(p), 404, 'not_found');
    }
    assertError(await ctx.admin.get('/users/abc'), 404, 'not_found');
    assertError(await owner.client.post('/nope', {}), 404, 'not_found');
  });

  test('a wrong method answers 405 method_not_allowed JSON with an Allow header', async () => {
    const cases = [
      ['PUT', '/projects', ['GET', 'POST']],
      ['DELETE', '/auth/me', ['GET']],
      ['GET', '/auth/login', ['POST']],
      ['POST', `/projects/${project.id}`, ['GET', 'PATCH', 'DELETE']],
      ['POST', `/projects/${project.id}/members/${owner.user.id}`, ['PUT', 'DELETE']],
      ['PATCH', '/tokens', ['GET', 'POST']],
      ['POST', '/timezones', ['GET']],
    ];
    for (const [method, p, allowed] of cases) {
      const res = await owner.client.request(method, p, method === 'GET' || method === 'DELETE' ? undefined : {});
      assertError(res, 405, 'method_not_allowed');
      const allow = (res.headers.get('allow') || '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
      for (const m of allowed) assert.ok(allow.includes(m), `${method} ${p}: Allow "${res.headers.get('allow')}" must list ${m}`);
      for (const m of allow) assert.ok([...allowed, 'HEAD', 'OPTIONS'].includes(m), `${method} ${p}: Allow lists unexpected ${m}`);
    }
    await assertProjectUnchanged();
  });

  test('users: email, name and password rules; duplicate email (any case) is 409 field email', async () => {
    const email = () => `${uniq('v')}@example.com`;
    const cases = [
      [{ email: 'not-an-email', name: 'N', password: 'long-enough-pw' }, 'email'],
      [{ email: '', name: 'N', password: 'long-enough-pw' }, 'email'],
      [{ email: email(), name: '', password: 'long-enough-pw' }, 'name'],
      [{ email: email(), name: 'n'.repeat(101), password: 'long-enough-pw' }, 'name'],
      [{ email: email(), name: 'N', password: 'short' }, 'password'],
      [{ email: email(), name: 'N', password: '123456789' }, 'password'],
    ];
    for (const [body, field] of cases) {
      assertError(await ctx.admin.post('/users', body), 400, 'validation_failed', field);
    }
    assertError(await ctx.admin.post('/users', { email: owner.email, name: 'Dup', password: 'long-enough-pw' }), 409, 'conflict', 'email');
    assertError(await ctx.admin.post('/users', { email: owner.email.toUpperCase(), name: 'Dup', password: 'long-enough-pw' }), 409, 'conflict', 'email');
    assertError(await ctx.admin.patch(`/users/${owner.user.id}`, { password: 'short' }), 400, 'validation_failed', 'password');
    assertError(await ctx.admin.patch(`/users/${owner.user.id}`, { name: '' }), 400, 'validation_failed', 'name');
    const u = await ctx.admin.ok('GET', `/users/${owner.user.id}`);
    assert.equal(u.name, owner.user.name, 'rejected PATCH changes nothing');
  });

  test('GET /timezones lists IANA names', async () => {
    const tz = await owner.client.ok('GET', '/timezones');
    assert.ok(Array.isArray(tz.items));
    for (const name of ['Asia/Kolkata', 'Europe/Berlin', 'America/New_York', 'Africa/Abidjan']) {
      assert.ok(tz.items.includes(name), `timezones must include ${name}`);
    }
    assert.ok(!tz.items.includes('Mars/Base'));
    assert.ok(tz.items.length > 300, `expected the full IANA list, got ${tz.items.length}`);
  });
});
