// 6. Audit log: project and membership changes are recorded (actor, action, before/after),
//    newest first, paginated with next_before; rejected requests leave no entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { assertError, assertStatus, newUser, newProject, addMember, putMember } from './lib/client.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function assertNewestFirst(items) {
  for (let i = 1; i < items.length; i++) {
    assert.ok(items[i - 1].id > items[i].id, `audit ids must decrease: ${items[i - 1].id} then ${items[i].id}`);
    assert.ok(Date.parse(items[i - 1].at) >= Date.parse(items[i].at), `audit times must not increase: ${items[i - 1].at} then ${items[i].at}`);
  }
}

describeBackends('audit', (ctx) => {
  let owner; let member; let viewer;

  ctx.setup(async () => {
    [owner, member, viewer] = await Promise.all([newUser(ctx.admin, { name: 'Owner' }), newUser(ctx.admin, { name: 'Member', login: false }), newUser(ctx.admin, { name: 'Viewer' })]);
  });

  test('create, update, member add/change/remove are recorded with actor and before/after, newest first', async () => {
    const p = await newProject(owner.client, { name: 'Audit A' });
    await owner.client.ok('PATCH', `/projects/${p.id}`, { name: 'Audit B' });
    assertStatus(await addMember(owner.client, p.id, member.email, 'viewer'), 201);
    assertStatus(await putMember(owner.client, p.id, member.user.id, 'manager'), 200);
    assertStatus(await owner.client.del(`/projects/${p.id}/members/${member.user.id}`), 204);

    const audit = await owner.client.ok('GET', `/projects/${p.id}/audit`);
    assert.ok(Array.isArray(audit.items));
    assert.equal(audit.next_before, null, 'a short log fits in one page');
    const items = audit.items;
    assertNewestFirst(items);
    for (const it of items) {
      assert.equal(typeof it.id, 'number');
      assert.match(it.at, ISO);
      assert.equal(typeof it.action, 'string');
      assert.ok(it.action.length > 0);
      assert.ok('target' in it, 'AuditItem.target must be present');
      assert.ok('before' in it && 'after' in it, 'AuditItem.before/after must be present (null allowed)');
    }
    const find = (what, pred) => {
      const i = items.findIndex(pred);
      assert.ok(i >= 0, `no audit entry for ${what} in ${JSON.stringify(items, null, 1)}`);
      return i;
    };
    const iCreate = find('project create', (it) => it.before === null && it.after?.name === 'Audit A');
    const iUpdate = find('project update', (it) => it.before?.name === 'Audit A' && it.after?.name === 'Audit B');
    const iAdd = find('member add', (it) => it.before === null && it.after?.role === 'viewer');
    const iChange = find('member role change', (it) => it.before?.role === 'viewer' && it.after?.role === 'manager');
    const iRemove = find('member remove', (it) => it.before?.role === 'manager' && it.after === null);
    assert.ok(iRemove < iChange && iChange < iAdd && iAdd < iUpdate && iUpdate < iCreate,
      `entries must be newest first: remove ${iRemove}, change ${iChange}, add ${iAdd}, update ${iUpdate}, create ${iCreate}`);
    for (const i of [iCreate, iUpdate, iAdd, iChange, iRemove]) {
      assert.deepEqual(items[i].actor, { id: owner.user.id, email: owner.email }, `actor of ${items[i].action}`);
    }
    assert.match(items[iCreate].action, /creat/i);
    assert.match(items[iUpdate].action, /updat/i);
    assert.match(items[iAdd].action, /add/i);
    assert.match(items[iRemove].action, /remov|delet/i);
    assert.equal(new Set([iCreate, iUpdate, iAdd, iRemove].map((i) => items[i].action)).size, 4, 'the four kinds have distinct actions');
    const addTxt = JSON.stringify(items[iAdd]);
    assert.ok(addTxt.includes(String(member.user.id)) || addTxt.includes(member.email), 'member entry must name the member');
  });

  test('an admin change is recorded with the admin as actor', async () => {
    const p = await newProject(owner.client, { name: 'Audit admin' });
    await ctx.admin.ok('PATCH', `/projects/${p.id}`, { weekend_factor: 0.25 });
    const { items } = await owner.client.ok('GET', `/projects/${p.id}/audit`);
    const it = items.find((x) => x.before?.weekend_factor === 0.6 && x.after?.weekend_factor === 0.25);
    assert.ok(it, `no entry for the admin's update: ${JSON.stringify(items)}`);
    assert.deepEqual(it.actor, { id: ctx.adminUser.id, email: ctx.adminUser.email });
    assert.equal(items[0].id, it.id, 'the newest entry comes first');
  });

  test('rejected requests (403, 400, 409) leave no audit entry', async () => {
    const p = await newProject(owner.client, { name: 'Audit quiet' });
    assertStatus(await addMember(owner.client, p.id, viewer.email, 'viewer'), 201);
    const { items: before1 } = await owner.client.ok('GET', `/projects/${p.id}/audit`);
    assertError(await viewer.client.patch(`/projects/${p.id}`, { name: 'Nope' }), 403, 'forbidden');
    assertError(await owner.client.patch(`/projects/${p.id}`, { name: '' }), 400, 'validation_failed', 'name');
    assertError(await owner.client.del(`/projects/${p.id}/members/${owner.user.id}`), 409, 'conflict');
    assertError(await owner.client.patch(`/projects/${p.id}`, { name: 'x' }, { origin: false }), 403, 'csrf_failed');
    const { items: after1 } = await owner.client.ok('GET', `/projects/${p.id}/audit`);
    assert.deepEqual(after1, before1);
  });

  test('pagination: limit and before walk the log with next_before, no gaps or repeats', async () => {
    const p = await newProject(owner.client, { name: 'Audit pages' });
    for (let i = 1; i <= 7; i++) await owner.client.ok('PATCH', `/projects/${p.id}`, { name: `Audit pages ${i}` });
    const all = await owner.client.ok('GET', `/projects/${p.id}/audit?limit=50`);
    assert.ok(all.items.length >= 8, `expected at least 8 entries, got ${all.items.length}`);
    assert.equal(all.next_before, null);
    assertNewestFirst(all.items);
    assert.equal(all.items[0].after?.name, 'Audit pages 7', 'the newest entry is the last update');

    const seen = [];
    let cursor = null;
    for (let page = 0; page < 20; page++) {
      const q = cursor === null ? '?limit=3' : `?limit=3&before=${cursor}`;
      const res = await owner.client.ok('GET', `/projects/${p.id}/audit${q}`);
      assert.ok(res.items.length <= 3, `page ${page} has ${res.items.length} > 3 items`);
      if (cursor !== null) for (const it of res.items) assert.ok(it.id < cursor, `items of a page must be older than before=${cursor}`);
      seen.push(...res.items.map((it) => it.id));
      if (res.next_before === null) break;
      assert.equal(res.items.length, 3, 'a page with a next_before is full');
      assert.equal(typeof res.next_before, 'number');
      cursor = res.next_before;
    }
    assert.deepEqual(seen, all.items.map((it) => it.id), 'pages must concatenate to the whole log');
  });
});
