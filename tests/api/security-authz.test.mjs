// Security regressions of issue 12: user enumeration through members (item 4), lock-out by a
// stranger (item 5), authorisation before validation (item 9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { Client, addMember, assertError, assertStatus, newProject, newUser, sessionCookie } from './lib/client.mjs';

// Linux routes all of 127/8 to lo, so these are other clients of the server on 127.0.0.1.
const STRANGER_IP = '127.0.0.3';
const OWNER_IP = '127.0.0.2';

describeBackends('security: no user enumeration through members (issue 12 item 4)', (ctx) => {
  let owner; let colleague; let hidden; let project;
  ctx.setup(async () => {
    // hidden shares no project with owner: owner must learn nothing about them from an id.
    [owner, colleague, hidden] = await Promise.all(['Owner', 'Colleague', 'Hidden'].map((name) => newUser(ctx.admin, { name })));
    project = await newProject(owner.client);
  });

  const memberIds = async () => (await owner.client.ok('GET', `/projects/${project.id}/members`)).items.map((m) => m.user_id).sort((a, b) => a - b);

  test('walking user ids through PUT/DELETE members answers like a missing id and adds nobody', async () => {
    const failures = [];
    for (const uid of [ctx.adminUser.id, colleague.user.id, hidden.user.id]) {
      for (const [method, body] of [['PUT', { role: 'viewer' }], ['DELETE']]) {
        const res = await owner.client.request(method, `/projects/${project.id}/members/${uid}`, body);
        const none = await owner.client.request(method, `/projects/${project.id}/members/999999`, body);
        if (res.status !== 404 || res.body?.error?.code !== 'not_found') failures.push(`${method} ${uid}: ${res.describe()}`);
        else if (res.text !== none.text) failures.push(`${method} ${uid}: differs from a missing id: ${res.text} vs ${none.text}`);
        for (const email of [hidden.email, colleague.email, 'admin@example.com']) {
          if (res.text.includes(email)) failures.push(`${method} ${uid}: answer names ${email}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(await memberIds(), [owner.user.id], 'nobody was added');
  });

  test('only administrators list or read users', async () => {
    for (const path of ['/users', `/users/${hidden.user.id}`, `/users/${ctx.adminUser.id}`]) {
      assertError(await owner.client.get(path), 403, 'forbidden');
    }
  });

  test('an owner adds a member by email (any letter case); the answer is the Member', async () => {
    const res = await addMember(owner.client, project.id, `  ${colleague.email.toUpperCase()} `, 'manager');
    assertStatus(res, 201);
    assert.equal(res.body.user_id, colleague.user.id);
    assert.equal(res.body.email, colleague.email);
    assert.equal(res.body.role, 'manager');
    assert.deepEqual(await memberIds(), [owner.user.id, colleague.user.id].sort((a, b) => a - b));
    // now a member: PUT changes the role, a second POST is a conflict
    assert.equal((await owner.client.ok('PUT', `/projects/${project.id}/members/${colleague.user.id}`, { role: 'viewer' })).role, 'viewer');
    assertError(await addMember(owner.client, project.id, colleague.email, 'owner'), 409, 'conflict', 'email');
  });

  test('an unknown email and a disabled user\'s email get the same 404 naming email', async () => {
    const gone = await newUser(ctx.admin, { login: false });
    assertStatus(await ctx.admin.patch(`/users/${gone.user.id}`, { disabled: true }), 200);
    const unknown = await addMember(owner.client, project.id, 'nobody-here@example.com', 'viewer');
    assertError(unknown, 404, 'not_found', 'email');
    const disabled = await addMember(owner.client, project.id, gone.email, 'viewer');
    assertError(disabled, 404, 'not_found', 'email');
    assert.equal(disabled.text, unknown.text);
    assert.deepEqual(await memberIds(), [owner.user.id, colleague.user.id].sort((a, b) => a - b));
  });

  test('members see each other, not other users', async () => {
    const seen = await colleague.client.ok('GET', `/projects/${project.id}/members`);
    assert.deepEqual(seen.items.map((m) => m.email).sort(), [owner.email, colleague.email].sort());
    assert.ok(!JSON.stringify(seen).includes(hidden.email));
  });
});

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

describeBackends('security: authorisation before validation (issue 12 item 9)', (ctx) => {
  let owner; let manager; let viewer; let outsider; let project; let account;
  ctx.setup(async () => {
    [owner, manager, viewer, outsider] = await Promise.all(
      ['Owner', 'Manager', 'Viewer', 'Outsider'].map((name) => newUser(ctx.admin, { name })));
    project = await newProject(owner.client, { name: 'Authz' });
    assertStatus(await addMember(owner.client, project.id, manager.email, 'manager'), 201);
    assertStatus(await addMember(owner.client, project.id, viewer.email, 'viewer'), 201);
    account = (await owner.client.ok('POST', `/projects/${project.id}/accounts`, { phone: '+919800000123', engine: 'sim' }, 201));
  });

  const ROLE = { viewer: 1, manager: 2, owner: 3 };
  /**
   * Requests that carry a bad body or query parameter, with the role each needs. The owner's answer
   * (400 naming `field`) proves each input is bad; whoever lacks the role must not learn that.
   */
  const badCalls = (pid, aid, uid) => [
    ['manager', 'POST', `/projects/${pid}/accounts`, { phone: 'x' }, 'phone'],
    ['manager', 'POST', `/projects/${pid}/accounts`, { raw: '{"phone":' }, null],
    ['manager', 'POST', `/projects/${pid}/accounts`, { phone: '+919800000124', colour: 'red' }, 'colour'],
    ['manager', 'PATCH', `/projects/${pid}/accounts/${aid}`, { daily_limit: -1 }, 'daily_limit'],
    ['manager', 'POST', `/projects/${pid}/accounts/${aid}/link`, { method: 'fax' }, 'method'],
    ['manager', 'POST', `/projects/${pid}/accounts/${aid}/transition`, { to: 'moon' }, 'to'],
    ['manager', 'POST', `/projects/${pid}/accounts/${aid}/sim/ban`, { reason: 'NOPE' }, 'reason'],
    ['manager', 'POST', `/projects/${pid}/accounts/${aid}/sim/incoming`, { from: 5 }, 'from'],
    ['owner', 'PUT', `/projects/${pid}/members/${uid}`, { role: 'boss' }, 'role'],
    ['owner', 'POST', `/projects/${pid}/members`, { email: 5, role: 'viewer' }, 'email'],
    ['owner', 'PATCH', `/projects/${pid}`, { time_zone: 'Mars/Base' }, 'time_zone'],
    ['owner', 'GET', `/projects/${pid}/audit?limit=abc`, undefined, 'limit'],
    ['viewer', 'GET', `/projects/${pid}/alerts?state=bogus`, undefined, 'state'],
  ];
  const send = (client, method, path, body) => (body && body.raw !== undefined
    ? client.request(method, path, undefined, { raw: body.raw })
    : client.request(method, path, body));

  async function assertUnchanged() {
    const p = await owner.client.ok('GET', `/projects/${project.id}`);
    assert.equal(p.time_zone, 'Asia/Kolkata');
    const members = await owner.client.ok('GET', `/projects/${project.id}/members`);
    assert.deepEqual(Object.fromEntries(members.items.map((m) => [m.user_id, m.role])),
      { [owner.user.id]: 'owner', [manager.user.id]: 'manager', [viewer.user.id]: 'viewer' });
    const accounts = await owner.client.ok('GET', `/projects/${project.id}/accounts`);
    assert.deepEqual(accounts.items.map((a) => [a.id, a.status, a.daily_limit]),
      [[account.id, 'new', account.daily_limit]]);
  }

  test('the owner gets 400 naming the field for each bad input (the control)', async () => {
    const failures = [];
    for (const [, method, path, body, field] of badCalls(project.id, account.id, viewer.user.id)) {
      const res = await send(owner.client, method, path, body);
      const code = field === null ? 'invalid_json' : 'validation_failed';
      if (res.status !== 400 || res.body?.error?.code !== code || (field && res.body.error.field !== field)) {
        failures.push(`${method} ${path}: ${res.describe()}`);
      }
    }
    assert.deepEqual(failures, []);
    await assertUnchanged();
  });

  for (const who of ['manager', 'viewer']) {
    test(`a ${who} gets 403 before any validation where the role is missing, 400 where it is not`, async () => {
      const client = who === 'manager' ? manager.client : viewer.client;
      const failures = [];
      for (const [need, method, path, body] of badCalls(project.id, account.id, viewer.user.id)) {
        const res = await send(client, method, path, body);
        const want = ROLE[who] >= ROLE[need] ? [400] : [403, 'forbidden'];
        if (res.status !== want[0] || (want[1] && res.body?.error?.code !== want[1])) {
          failures.push(`${method} ${path} (needs ${need}): want ${want[0]}, got ${res.describe()}`);
        }
      }
      assert.deepEqual(failures, []);
      await assertUnchanged();
    });
  }

  test('a viewer gets 403 for an account id that does not exist too (no probing through validation)', async () => {
    for (const [method, path, body] of [
      ['POST', `/projects/${project.id}/accounts/999999/link`, { method: 'fax' }],
      ['POST', `/projects/${project.id}/accounts/999999/sim/nonsense`, {}],
      ['DELETE', `/projects/${project.id}/accounts/${account.id}`],
      ['POST', `/projects/${project.id}/alerts/999999/ack`],
    ]) {
      assertError(await viewer.client.request(method, path, body), 403, 'forbidden');
    }
  });

  test('a non-member gets the 404 of a nonexistent project, whatever the body or query', async () => {
    const failures = [];
    const real = badCalls(project.id, account.id, viewer.user.id);
    const fake = badCalls(999999, account.id, viewer.user.id);
    for (let i = 0; i < real.length; i++) {
      const [, method, path, body] = real[i];
      const res = await send(outsider.client, method, path, body);
      const none = await send(outsider.client, fake[i][1], fake[i][2], fake[i][3]);
      if (res.status !== 404 || res.body?.error?.code !== 'not_found') failures.push(`${method} ${path}: ${res.describe()}`);
      else if (res.text !== none.text) failures.push(`${method} ${path}: differs from a nonexistent project: ${res.text} vs ${none.text}`);
    }
    assert.deepEqual(failures, []);
    await assertUnchanged();
  });
});
