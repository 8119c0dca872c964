// 8. WebSocket: subscriptions are limited to projects the user can see; events reach members only;
//    removed members stop receiving at once; membership.changed reaches the affected user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { assertStatus, newUser, newProject, newToken, addMember, putMember } from './lib/client.mjs';
import { connectWs, upgradeStatus, isEvent } from './lib/ws.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const isMembership = (pid, role) => (m) => m.type === 'event' && m.event === 'membership.changed' &&
  m.data?.project_id === pid && (role === undefined || m.data?.role === role);
/** any message about project pid (events carry project_id; data may too) */
const about = (pid) => (m) => m.type === 'event' && m.event !== 'membership.changed' && (m.project_id === pid || m.data?.id === pid);

describeBackends('websocket', (ctx) => {
  let alice; let bob; let carol; let dave; let pa; let pb;
  const cookieOf = (u) => ({ cookie: u.client.cookie });

  ctx.setup(async () => {
    [alice, bob, carol, dave] = await Promise.all(['Alice', 'Bob', 'Carol', 'Dave'].map((name) => newUser(ctx.admin, { name })));
    pa = await newProject(alice.client, { name: 'Alpha' });
    pb = await newProject(bob.client, { name: 'Beta' });
  });

  test('an unauthenticated upgrade is refused with 401', async () => {
    const r = await upgradeStatus(ctx.server, null, { origin: true });
    assert.equal(r.status, 401, `expected 401, got ${r.status} ${r.body}`);
  });

  test("subscribing to another user's project answers not_found and its events never arrive", async () => {
    const wsA = await connectWs(ctx.server, cookieOf(alice), { label: 'alice' });
    const wsB = await connectWs(ctx.server, cookieOf(bob), { label: 'bob' });
    const ok = await wsA.subscribe(pa.id);
    assert.equal(ok.type, 'subscribed', `expected subscribed, got ${JSON.stringify(ok)}`);
    assert.equal(ok.project_id, pa.id);
    const denied = await wsA.subscribe(pb.id);
    assert.equal(denied.type, 'error', `expected an error, got ${JSON.stringify(denied)}`);
    assert.equal(denied.error?.code, 'not_found');
    const missing = await wsA.subscribe(999999);
    assert.equal(missing.type, 'error');
    assert.equal(missing.error?.code, 'not_found');
    assert.equal((await wsB.subscribe(pb.id)).type, 'subscribed');

    const since = wsA.mark();
    await bob.client.ok('PATCH', `/projects/${pb.id}`, { name: 'Beta secret' });
    assertStatus(await addMember(bob.client, pb.id, dave.email, 'viewer'), 201);
    await wsB.next(isEvent('project.updated', pb.id), { what: "bob's own project.updated" });
    await wsB.next(isEvent('member.added', pb.id), { what: "bob's own member.added" });
    // a later event of alice's project arrives, the earlier ones of bob's never do
    await alice.client.ok('PATCH', `/projects/${pa.id}`, { name: 'Alpha 2' });
    await wsA.next(isEvent('project.updated', pa.id), { since, what: "alice's project.updated" });
    await wsA.none(about(pb.id), { since, what: "events of bob's project" });
    assert.ok(!JSON.stringify(wsA.messages).includes('Beta secret'), "bob's data must never reach alice");
    wsA.close(); wsB.close();
  });

  test('a member receives project.updated with the Project after a PATCH', async () => {
    const ws = await connectWs(ctx.server, cookieOf(alice), { label: 'alice' });
    await ws.subscribe(pa.id);
    const since = ws.mark();
    const updated = await alice.client.ok('PATCH', `/projects/${pa.id}`, { name: 'Alpha 3', weekend_factor: 0.5 });
    const ev = await ws.next(isEvent('project.updated', pa.id), { since, what: 'project.updated' });
    assert.equal(ev.data.id, pa.id);
    assert.equal(ev.data.name, 'Alpha 3');
    assert.equal(ev.data.weekend_factor, 0.5);
    assert.equal(ev.data.slug, updated.slug);
    assert.match(ev.at, ISO);
    ws.close();
  });

  test('a bearer-token WebSocket works like a cookie one', async () => {
    const { token } = await newToken(alice.client, 'ws');
    const ws = await connectWs(ctx.server, { token: token.token }, { origin: false, label: 'alice-token' });
    assert.equal((await ws.subscribe(pa.id)).type, 'subscribed');
    const since = ws.mark();
    await alice.client.ok('PATCH', `/projects/${pa.id}`, { name: 'Alpha token' });
    await ws.next(isEvent('project.updated', pa.id), { since, what: 'project.updated' });
    ws.close();
  });

  test('a member who is removed stops receiving the project at once', async () => {
    assertStatus(await addMember(alice.client, pa.id, carol.email, 'viewer'), 201);
    const wsC = await connectWs(ctx.server, cookieOf(carol), { label: 'carol' });
    const wsA = await connectWs(ctx.server, cookieOf(alice), { label: 'alice' });
    assert.equal((await wsC.subscribe(pa.id)).type, 'subscribed');
    await wsA.subscribe(pa.id);
    let since = wsC.mark();
    await alice.client.ok('PATCH', `/projects/${pa.id}`, { name: 'Alpha for Carol' });
    await wsC.next(isEvent('project.updated', pa.id), { since, what: 'project.updated while a member' });

    since = wsC.mark();
    const sinceA = wsA.mark();
    assertStatus(await alice.client.del(`/projects/${pa.id}/members/${carol.user.id}`), 204);
    const changed = await wsC.next(isMembership(pa.id), { since, what: 'membership.changed after removal' });
    assert.equal(changed.data.role, null);
    await wsA.next(isEvent('member.removed', pa.id), { since: sinceA, what: 'member.removed for the owner' });
    const after = wsC.mark();
    await alice.client.ok('PATCH', `/projects/${pa.id}`, { name: 'Alpha without Carol' });
    await wsA.next((m) => isEvent('project.updated', pa.id)(m) && m.data?.name === 'Alpha without Carol',
      { since: sinceA, what: 'project.updated for the owner' });
    // (a member.removed about carol herself may still be delivered; nothing else may)
    const notOwnRemoval = (m) => !(m.event === 'member.removed' && m.data?.user_id === carol.user.id);
    await wsC.none((m) => about(pa.id)(m) && notOwnRemoval(m), { since: after, what: 'events after removal' });
    assert.ok(!JSON.stringify(wsC.messages.slice(after)).includes('Alpha without Carol'));
    const again = await wsC.subscribe(pa.id);
    assert.equal(again.type, 'error');
    assert.equal(again.error?.code, 'not_found');
    wsC.close(); wsA.close();
  });

  test('membership.changed reaches a user who is added or whose role changes, without subscribing', async () => {
    const wsD = await connectWs(ctx.server, cookieOf(dave), { label: 'dave' });
    const wsA = await connectWs(ctx.server, cookieOf(alice), { label: 'alice' });
    await wsA.subscribe(pa.id);
    // make sure dave's socket is registered: a ping-pong through subscribe
    await wsD.subscribe(pb.id);
    let since = wsD.mark();
    const sinceA = wsA.mark();
    assertStatus(await addMember(alice.client, pa.id, dave.email, 'manager'), 201);
    const added = await wsD.next(isMembership(pa.id, 'manager'), { since, what: 'membership.changed (added)' });
    assert.equal(added.type, 'event');
    const ev = await wsA.next(isEvent('member.added', pa.id), { since: sinceA, what: 'member.added' });
    assert.equal(ev.data.user_id, dave.user.id);
    assert.equal(ev.data.role, 'manager');
    since = wsD.mark();
    assertStatus(await putMember(alice.client, pa.id, dave.user.id, 'viewer'), 200);
    await wsD.next(isMembership(pa.id, 'viewer'), { since, what: 'membership.changed (role change)' });
    const upd = await wsA.next(isEvent('member.updated', pa.id), { since: sinceA, what: 'member.updated' });
    assert.equal(upd.data.role, 'viewer');
    // dave never subscribed to pa: membership.changed is all he gets about it
    await wsD.none(about(pa.id), { since: 0, ms: 200, what: 'events of a project he did not subscribe to' });
    wsD.close(); wsA.close();
  });

  test('creating a project sends membership.changed (owner) to the creator', async () => {
    const ws = await connectWs(ctx.server, cookieOf(carol), { label: 'carol' });
    await ws.subscribe(999999); // round trip: the socket is registered
    const since = ws.mark();
    const p = await newProject(carol.client, { name: 'Carol own' });
    const ev = await ws.next(isMembership(p.id), { since, what: 'membership.changed for the new project' });
    assert.equal(ev.data.role, 'owner');
    ws.close();
  });

  test('unsubscribe stops the events; project.deleted reaches subscribers', async () => {
    const p = await newProject(alice.client, { name: 'Doomed' });
    assertStatus(await addMember(alice.client, p.id, bob.email, 'viewer'), 201);
    const wsA = await connectWs(ctx.server, cookieOf(alice), { label: 'alice' });
    const wsB = await connectWs(ctx.server, cookieOf(bob), { label: 'bob' });
    await wsA.subscribe(p.id);
    assert.equal((await wsB.subscribe(p.id)).type, 'subscribed');
    wsB.send({ type: 'unsubscribe', project_id: p.id });
    await wsB.subscribe(pb.id); // round trip: the unsubscribe has been handled
    const since = wsB.mark();
    const sinceA = wsA.mark();
    await alice.client.ok('PATCH', `/projects/${p.id}`, { name: 'Doomed 2' });
    await wsA.next(isEvent('project.updated', p.id), { since: sinceA, what: 'project.updated' });
    await wsB.none(isEvent('project.updated', p.id), { since, what: 'events after unsubscribe' });
    assertStatus(await alice.client.del(`/projects/${p.id}`), 204);
    const del = await wsA.next(isEvent('project.deleted', p.id), { since: sinceA, what: 'project.deleted' });
    assert.equal(del.project_id, p.id);
    // the members' project lists change: bob learns he has no role there any more
    const gone = await wsB.next(isMembership(p.id), { since, what: 'membership.changed after the deletion' });
    assert.equal(gone.data.role, null);
    wsA.close(); wsB.close();
  });
});
