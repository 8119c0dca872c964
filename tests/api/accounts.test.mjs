// Issue 3: WhatsApp accounts over HTTP + WebSocket, with the real connector in simulated mode.
// CRUD and validation, roles, the state machine, linking by a simulated QR scan, a forced ban and
// its alert, and WebSocket isolation of account/alert events. (Recovery: accounts-recovery.test.mjs;
// the real whatsapp-web.js path: accounts-webjs.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { assertError, assertStatus, newUser, newProject, addMember } from './lib/client.mjs';
import { connectWs, isEvent } from './lib/ws.mjs';
import {
  ACCOUNT_ENV, ISO, newPhone, createAccount, getAccount, waitAccount, listAlerts,
  waitConnector, poll, getHealth, accountsPath, accountPath, accountUpdated, accountQr, linkSim, LINKED_STATUS,
} from './lib/accounts.mjs';

const STATUSES = ['new', 'linking', 'active', 'standby', 'warming', 'cooling', 'disconnected', 'banned', 'retired'];
const TARGETS = ['cooling', 'active', 'standby', 'warming', 'retired']; // what POST …/transition accepts

/** Checks the documented Account shape. */
function assertAccountShape(a, what = 'Account') {
  const s = JSON.stringify(a);
  assert.ok(Number.isInteger(a.id), `${what}.id: ${s}`);
  assert.ok(Number.isInteger(a.project_id), `${what}.project_id: ${s}`);
  assert.match(a.phone, /^\+[1-9]\d{6,14}$/, `${what}.phone is E.164: ${s}`);
  assert.equal(typeof a.label, 'string', `${what}.label: ${s}`);
  assert.ok(['webjs', 'sim'].includes(a.engine), `${what}.engine: ${s}`);
  assert.ok(['production', 'backup', 'warmup'].includes(a.role), `${what}.role: ${s}`);
  assert.ok(STATUSES.includes(a.status), `${what}.status: ${s}`);
  assert.ok(Number.isInteger(a.health) && a.health >= 0 && a.health <= 100, `${what}.health: ${s}`);
  assert.ok(['healthy', 'warning', 'critical'].includes(a.health_level), `${what}.health_level: ${s}`);
  assert.ok(Number.isInteger(a.usage_today) && a.usage_today >= 0, `${what}.usage_today: ${s}`);
  assert.ok(Number.isInteger(a.daily_limit) && a.daily_limit >= 0, `${what}.daily_limit: ${s}`);
  for (const k of ['linked_at', 'last_activity_at']) {
    assert.ok(a[k] === null || ISO.test(a[k]), `${what}.${k}: ${s}`);
  }
  assert.ok(a.warmup_day === null || Number.isInteger(a.warmup_day), `${what}.warmup_day: ${s}`);
  assert.ok(a.status_reason === null || typeof a.status_reason === 'string', `${what}.status_reason: ${s}`);
  assert.ok('connector_id' in a, `${what}.connector_id present: ${s}`);
  assert.match(a.created_at, ISO, `${what}.created_at: ${s}`);
  assert.match(a.updated_at, ISO, `${what}.updated_at: ${s}`);
}

function assertAlertShape(al, what = 'Alert') {
  const s = JSON.stringify(al);
  assert.ok(Number.isInteger(al.id), `${what}.id: ${s}`);
  assert.ok(Number.isInteger(al.project_id), `${what}.project_id: ${s}`);
  assert.ok(al.account_id === null || Number.isInteger(al.account_id), `${what}.account_id: ${s}`);
  assert.equal(typeof al.kind, 'string', `${what}.kind: ${s}`);
  assert.ok(['critical', 'warning', 'info'].includes(al.severity), `${what}.severity: ${s}`);
  assert.equal(typeof al.message, 'string', `${what}.message: ${s}`);
  assert.ok(al.message.length > 0, `${what}.message not empty: ${s}`);
  assert.match(al.created_at, ISO, `${what}.created_at: ${s}`);
  assert.ok(al.acknowledged_at === null || ISO.test(al.acknowledged_at), `${what}.acknowledged_at: ${s}`);
}

describeBackends('accounts', (ctx) => {
  let owner; let manager; let viewer; let outsider; let project; let other;

  ctx.setup(async () => {
    [owner, manager, viewer, outsider] = await Promise.all(
      ['Owner', 'Manager', 'Viewer', 'Outsider'].map((name) => newUser(ctx.admin, { name })));
    project = await newProject(owner.client, { name: 'Accounts', default_region: 'IN' });
    assertStatus(await addMember(owner.client, project.id, manager.email, 'manager'), 201);
    assertStatus(await addMember(owner.client, project.id, viewer.email, 'viewer'), 201);
    other = await newProject(outsider.client, { name: 'Elsewhere', default_region: 'IN' });
    await waitConnector(ctx.admin);
  });

  const wsOf = async (user, pid, label) => {
    const ws = await connectWs(ctx.server, { cookie: user.client.cookie }, { label });
    const ans = await ws.subscribe(pid);
    assert.equal(ans.type, 'subscribed', `${label}: subscribe ${pid}: ${JSON.stringify(ans)}`);
    return ws;
  };

  // ---- 1. CRUD and validation ------------------------------------------------------------------

  test('POST accounts parses the phone with the project region and applies the defaults', async () => {
    const res = await owner.client.post(accountsPath(project.id), { phone: '098000 00011', label: 'Main' });
    assertStatus(res, 201, 'POST accounts');
    const a = res.body;
    assertAccountShape(a);
    assert.equal(a.phone, '+919800000011');
    assert.equal(a.project_id, project.id);
    assert.equal(a.label, 'Main');
    assert.equal(a.engine, 'webjs', 'engine defaults to webjs');
    assert.equal(a.role, 'production', 'role defaults to production');
    assert.equal(a.status, 'new');
    assert.equal(a.linked_at, null);
    assert.equal(a.usage_today, 0);

    // E.164 input and other national formats are accepted and normalised too
    const b = await createAccount(owner.client, project.id, { phone: '+91 98000-00012', engine: 'sim', role: 'backup', daily_limit: 150 });
    assert.equal(b.phone, '+919800000012');
    assert.equal(b.engine, 'sim');
    assert.equal(b.role, 'backup');
    assert.equal(b.daily_limit, 150);

    const got = await getAccount(owner.client, project.id, a.id);
    assert.deepEqual(got, a, 'GET answers what POST answered');
    const viewerList = await viewer.client.ok('GET', accountsPath(project.id));
    const ids = viewerList.items.map((x) => x.id);
    assert.ok(ids.includes(a.id) && ids.includes(b.id), `a viewer lists the accounts: ${JSON.stringify(ids)}`);
    for (const x of viewerList.items) assertAccountShape(x, 'listed Account');
    assert.deepEqual(await getAccount(viewer.client, project.id, a.id), a, 'a viewer reads an account');
  });

  test('a phone in another region format follows the project default_region', async () => {
    const gb = await newProject(owner.client, { name: 'UK', default_region: 'GB' });
    const a = await createAccount(owner.client, gb.id, { phone: '07400 123456' });
    assert.equal(a.phone, '+447400123456');
  });

  test('an invalid or missing phone is 400 validation_failed naming phone', async () => {
    for (const phone of ['hello', '12345', '+91 12', '0000000000000000000', 12345, '', null]) {
      assertError(await owner.client.post(accountsPath(project.id), { phone, engine: 'sim' }), 400, 'validation_failed', 'phone');
    }
    assertError(await owner.client.post(accountsPath(project.id), { engine: 'sim' }), 400, 'validation_failed', 'phone');
  });

  test('a phone already used, in any project, is 409 conflict naming phone', async () => {
    const phone = newPhone();
    const a = await createAccount(owner.client, project.id, { phone });
    assertError(await owner.client.post(accountsPath(project.id), { phone, engine: 'sim' }), 409, 'conflict', 'phone');
    // another project of another owner, the same number written nationally
    const national = `0${phone.slice(3, 8)} ${phone.slice(8)}`;
    assertError(await outsider.client.post(accountsPath(other.id), { phone: national, engine: 'sim' }), 409, 'conflict', 'phone');
    assert.ok(!JSON.stringify((await outsider.client.ok('GET', accountsPath(other.id))).items).includes(phone));
    assert.equal((await getAccount(owner.client, project.id, a.id)).project_id, project.id);
  });

  test('an unknown engine, role or a bad daily_limit is 400 naming the field', async () => {
    const post = (body) => owner.client.post(accountsPath(project.id), { phone: newPhone(), ...body });
    assertError(await post({ engine: 'baileys' }), 400, 'validation_failed', 'engine');
    assertError(await post({ engine: 7 }), 400, 'validation_failed', 'engine');
    assertError(await post({ role: 'primary' }), 400, 'validation_failed', 'role');
    assertError(await post({ role: 'PRODUCTION' }), 400, 'validation_failed', 'role');
    assertError(await post({ daily_limit: -1 }), 400, 'validation_failed', 'daily_limit');
    assertError(await post({ daily_limit: 'lots' }), 400, 'validation_failed', 'daily_limit');
    assertError(await post({ label: 5 }), 400, 'validation_failed', 'label');
    assertError(await owner.client.post(accountsPath(project.id), undefined, { raw: '[1]' }), 400, 'invalid_json');
    const a = await createAccount(owner.client, project.id);
    assertError(await owner.client.patch(accountPath(project.id, a.id), { role: 'primary' }), 400, 'validation_failed', 'role');
    assertError(await owner.client.patch(accountPath(project.id, a.id), { daily_limit: -5 }), 400, 'validation_failed', 'daily_limit');
    assert.deepEqual(await getAccount(owner.client, project.id, a.id), a, 'refused PATCHes change nothing');
  });

  test('PATCH changes label, role and daily_limit', async () => {
    const a = await createAccount(owner.client, project.id, { label: 'Before' });
    const b = await manager.client.ok('PATCH', accountPath(project.id, a.id), { label: 'After', role: 'backup', daily_limit: 120 });
    assert.equal(b.label, 'After');
    assert.equal(b.role, 'backup');
    assert.equal(b.daily_limit, 120);
    assert.equal(b.phone, a.phone);
    assert.deepEqual(await getAccount(viewer.client, project.id, a.id), b);
  });

  test('a viewer cannot change accounts (403); a manager cannot delete (403); the owner can (204)', async () => {
    const a = await createAccount(owner.client, project.id);
    const base = accountPath(project.id, a.id);
    assertError(await viewer.client.post(accountsPath(project.id), { phone: newPhone(), engine: 'sim' }), 403, 'forbidden');
    assertError(await viewer.client.patch(base, { label: 'x' }), 403, 'forbidden');
    assertError(await viewer.client.post(`${base}/link`, {}), 403, 'forbidden');
    assertError(await viewer.client.get(`${base}/qr`), 403, 'forbidden');
    assertError(await viewer.client.post(`${base}/transition`, { to: 'retired' }), 403, 'forbidden');
    assertError(await viewer.client.post(`${base}/logout`, {}), 403, 'forbidden');
    assertError(await viewer.client.post(`${base}/sim/scan`, {}), 403, 'forbidden');
    assertError(await viewer.client.del(base), 403, 'forbidden');
    assertError(await manager.client.del(base), 403, 'forbidden');
    const m = await createAccount(manager.client, project.id);
    assert.equal(m.status, 'new', 'a manager creates accounts');
    assert.equal((await getAccount(owner.client, project.id, a.id)).status, 'new', 'unchanged');
    assertStatus(await owner.client.del(base), 204);
    assertError(await owner.client.get(base), 404, 'not_found');
    assert.ok(!(await owner.client.ok('GET', accountsPath(project.id))).items.some((x) => x.id === a.id));
  });

  test('a non-member gets 404 for the project accounts; ids of another project are 404', async () => {
    const a = await createAccount(owner.client, project.id);
    const base = accountPath(project.id, a.id);
    for (const [method, p, body] of [
      ['GET', accountsPath(project.id)],
      ['POST', accountsPath(project.id), { phone: newPhone(), engine: 'sim' }],
      ['GET', base], ['PATCH', base, { label: 'x' }], ['DELETE', base],
      ['POST', `${base}/link`, {}], ['GET', `${base}/qr`], ['GET', `${base}/health`],
      ['POST', `${base}/transition`, { to: 'retired' }], ['POST', `${base}/logout`, {}],
      ['POST', `${base}/sim/scan`, {}], ['GET', `/projects/${project.id}/alerts`],
    ]) {
      assertError(await outsider.client.request(method, p, body), 404, 'not_found');
    }
    // the account id through a project the outsider does own
    assertError(await outsider.client.get(accountPath(other.id, a.id)), 404, 'not_found');
    assertError(await outsider.client.patch(accountPath(other.id, a.id), { label: 'x' }), 404, 'not_found');
    assertError(await owner.client.get(accountPath(project.id, 99999999)), 404, 'not_found');
    assert.equal((await getAccount(owner.client, project.id, a.id)).label, a.label, 'unchanged');
  });

  test('sim actions on a webjs account are 409', async () => {
    const a = await createAccount(owner.client, project.id, { engine: 'webjs' });
    for (const action of ['scan', 'disconnect', 'ban']) {
      assertError(await owner.client.post(`${accountPath(project.id, a.id)}/sim/${action}`, {}), 409, 'conflict');
    }
  });

  // ---- 3. linking by a simulated scan ---------------------------------------------------------

  test('link a sim account: 202 linking, rotating account.qr events, QR history, scan → active, health 100', async () => {
    const ws = await wsOf(owner, project.id, 'owner');
    const a = await createAccount(owner.client, project.id, { role: 'production', label: 'Sim one' });
    const since = ws.mark();
    const res = await manager.client.post(`${accountPath(project.id, a.id)}/link`, {});
    assertStatus(res, 202, 'POST link');
    assert.equal(res.body.status, 'linking');
    assert.equal(res.body.id, a.id);
    // SANGAM_SIM_SPEED=50 rotates the QR every few hundred ms: wait for two
    const q1 = await ws.next(accountQr(project.id, a.id), { since, timeout: 15_000, what: 'the first account.qr' });
    const q2 = await ws.next(accountQr(project.id, a.id), { since, timeout: 15_000, what: 'a rotated account.qr' });
    for (const q of [q1, q2]) {
      assert.equal(q.data.kind, 'qr', JSON.stringify(q));
      assert.equal(typeof q.data.value, 'string');
      assert.ok(q.data.value.length > 0);
      assert.ok(Number.isInteger(q.data.attempt), JSON.stringify(q));
      assert.match(q.at, ISO);
    }
    assert.notEqual(q1.data.value, q2.data.value, 'the rotated QR differs');
    assert.ok(q2.data.attempt > q1.data.attempt, `attempt grows: ${q1.data.attempt} then ${q2.data.attempt}`);
    assert.equal((await getAccount(owner.client, project.id, a.id)).status, 'linking');

    const hist = await manager.client.ok('GET', `${accountPath(project.id, a.id)}/qr`);
    assert.ok(hist.items.length >= 2, `QR history has both QRs: ${JSON.stringify(hist)}`);
    const values = hist.items.map((i) => i.value);
    assert.ok(values.includes(q1.data.value) && values.includes(q2.data.value), `history holds the QRs sent: ${JSON.stringify(hist)}`);
    assert.ok(values.indexOf(q2.data.value) < values.indexOf(q1.data.value), 'newest first');
    for (const i of hist.items) {
      assert.equal(i.kind, 'qr');
      assert.match(i.at, ISO);
    }
    const ats = hist.items.map((i) => i.at);
    assert.deepEqual([...ats].sort().reverse(), ats, 'history sorted newest first');

    const sinceScan = ws.mark();
    const scan = await owner.client.post(`${accountPath(project.id, a.id)}/sim/scan`, {});
    assertStatus(scan, 202, 'sim/scan');
    assert.deepEqual(scan.body, {});
    const up = await ws.next(accountUpdated(project.id, a.id, 'active'), { since: sinceScan, timeout: 15_000, what: 'account.updated active' });
    assertAccountShape(up.data, 'account.updated data');
    assert.match(up.data.linked_at, ISO, 'linked_at set');
    const linked = await getAccount(owner.client, project.id, a.id);
    assert.equal(linked.status, 'active');
    assert.match(linked.linked_at, ISO);
    assert.equal(linked.phone, a.phone);

    const health = await poll(() => getHealth(viewer.client, project.id, a.id), (h) => h.score === 100,
      { what: 'health score 100 after linking' });
    assert.equal(health.level, 'healthy');
    assert.ok(Array.isArray(health.history), `health.history: ${JSON.stringify(health)}`);
    for (const k of ['connection', 'delivery', 'behaviour']) assert.ok(k in health, `health.${k}: ${JSON.stringify(health)}`);
    const acc = await waitAccount(owner.client, project.id, a.id, (x) => x.health === 100, { what: 'account health 100' });
    assert.equal(acc.health_level, 'healthy');
    assert.deepEqual(await listAlerts(owner.client, project.id, 'open').then((l) => l.filter((x) => x.account_id === a.id)), [],
      'no alert for a clean link');
    ws.close();
  });

  test('linked status follows the role: backup → standby, warmup → warming (day 1)', async () => {
    const ws = await wsOf(owner, project.id, 'owner');
    for (const role of ['backup', 'warmup']) {
      const a = await createAccount(owner.client, project.id, { role });
      const since = ws.mark();
      const { account } = await linkSim(owner.client, ws, project.id, a);
      assert.equal(account.status, LINKED_STATUS[role]);
      assert.match(account.linked_at, ISO);
      if (role === 'warmup') assert.equal(account.warmup_day, 1, `warm-up day 1: ${JSON.stringify(account)}`);
      const ev = await ws.next(accountUpdated(project.id, a.id, LINKED_STATUS[role]), { since, what: `account.updated ${LINKED_STATUS[role]}` });
      assert.match(ev.data.linked_at, ISO);
    }
    ws.close();
  });

  test('link by pairing code: account.qr carries kind pairing_code; confirming it on the phone links', async () => {
    const ws = await wsOf(owner, project.id, 'owner');
    const a = await createAccount(owner.client, project.id);
    const since = ws.mark();
    const res = await owner.client.post(`${accountPath(project.id, a.id)}/link`, { method: 'pairing_code' });
    assertStatus(res, 202, 'POST link pairing_code');
    assert.equal(res.body.status, 'linking');
    // (an alert or a status change for the account ends the wait early, with what happened)
    const ev = await ws.next((m) => (accountQr(project.id, a.id)(m) && m.data?.kind === 'pairing_code') ||
      (isEvent('alert.created', project.id)(m) && m.data?.account_id === a.id) ||
      (accountUpdated(project.id, a.id)(m) && m.data?.status !== 'linking'),
    { since, timeout: 15_000, what: 'account.qr with kind pairing_code' });
    assert.equal(ev.event, 'account.qr', `expected the pairing code, got ${JSON.stringify(ev)}`);
    assert.match(ev.data.value, /^[A-Z0-9]{4}-?[A-Z0-9]{4}$/, `a pairing code: ${JSON.stringify(ev)}`);
    const hist = await owner.client.ok('GET', `${accountPath(project.id, a.id)}/qr`);
    assert.ok(hist.items.some((i) => i.kind === 'pairing_code' && i.value === ev.data.value), `history: ${JSON.stringify(hist)}`);
    await owner.client.ok('POST', `${accountPath(project.id, a.id)}/sim/scan`, {}, 202);
    await waitAccount(owner.client, project.id, a.id, (x) => x.status === 'active', { timeout: 15_000, what: 'active after the pairing code' });
    assertError(await owner.client.post(`${accountPath(project.id, a.id)}/link`, { method: 'carrier_pigeon' }), 400, 'validation_failed', 'method');
    ws.close();
  });

  test('logout unlinks (status new, linked_at null); linking again needs a new scan', async () => {
    const ws = await wsOf(owner, project.id, 'owner');
    const { account: a } = await linkSim(owner.client, ws, project.id, await createAccount(owner.client, project.id));
    const out = await manager.client.ok('POST', `${accountPath(project.id, a.id)}/logout`, {});
    assert.equal(out.status, 'new');
    assert.equal(out.linked_at, null);
    assert.equal((await getAccount(owner.client, project.id, a.id)).status, 'new');
    // the stored session is gone: a new link shows a QR code again
    const { qr } = await linkSim(owner.client, ws, project.id, a);
    assert.equal(qr.data.kind, 'qr');
    ws.close();
  });

  test('account.created and account.deleted reach the subscribers', async () => {
    const ws = await wsOf(viewer, project.id, 'viewer');
    const since = ws.mark();
    const a = await createAccount(manager.client, project.id, { label: 'Evented' });
    const c = await ws.next((m) => isEvent('account.created', project.id)(m) && m.data?.id === a.id, { since, what: 'account.created' });
    assert.deepEqual(c.data, a);
    assertStatus(await owner.client.del(accountPath(project.id, a.id)), 204);
    const d = await ws.next((m) => isEvent('account.deleted', project.id)(m) && m.data?.id === a.id, { since, what: 'account.deleted' });
    assert.equal(d.data.id, a.id);
    ws.close();
  });

  // ---- 2. the state machine over HTTP ---------------------------------------------------------

  const transition = (client, a, to) => client.post(`${accountPath(project.id, a.id)}/transition`, { to });
  async function expectRefused(a, to) {
    const before = await getAccount(owner.client, project.id, a.id);
    assertError(await transition(owner.client, a, to), 409, 'conflict', 'to');
    const after = await getAccount(owner.client, project.id, a.id);
    assert.equal(after.status, before.status, `a refused ${before.status} → ${to} leaves the status`);
  }
  async function expectAllowed(a, to) {
    const res = await transition(owner.client, a, to);
    assertStatus(res, 200, `transition → ${to}`);
    assert.equal(res.body.status, to);
    assert.equal((await getAccount(owner.client, project.id, a.id)).status, to);
    return res.body;
  }

  test('transition: an unknown or non-target status is 400 naming to', async () => {
    const a = await createAccount(owner.client, project.id);
    for (const to of ['bogus', 'linking', 'banned', 'new', 'disconnected', '', 3, null]) {
      assertError(await transition(owner.client, a, to), 400, 'validation_failed', 'to');
    }
    assertError(await owner.client.post(`${accountPath(project.id, a.id)}/transition`, {}), 400, 'validation_failed', 'to');
  });

  test('transition from new: cooling, active, standby, warming refused (409 to); retired allowed and final', async () => {
    const a = await createAccount(owner.client, project.id);
    for (const to of ['cooling', 'active', 'standby', 'warming']) await expectRefused(a, to);
    await expectAllowed(a, 'retired');
    for (const to of TARGETS) await expectRefused(a, to);
    // a retired account cannot be linked again either
    assertError(await owner.client.post(`${accountPath(project.id, a.id)}/link`, {}), 409, 'conflict');
  });

  test('transition of a linked account: active ⇄ cooling, → retired; retired refuses everything', async () => {
    const ws = await wsOf(owner, project.id, 'owner');
    const { account: a } = await linkSim(owner.client, ws, project.id, await createAccount(owner.client, project.id));
    assert.equal(a.status, 'active');
    const since = ws.mark();
    await expectAllowed(a, 'cooling');
    await ws.next(accountUpdated(project.id, a.id, 'cooling'), { since, what: 'account.updated cooling' });
    await expectAllowed(a, 'active');
    await expectAllowed(a, 'retired');
    for (const to of TARGETS) await expectRefused(a, to);
    ws.close();
  });

  test('changing the role of a linked account moves it to the role status (docs/accounts.md)', async () => {
    const ws = await wsOf(owner, project.id, 'owner');
    const { account: a } = await linkSim(owner.client, ws, project.id, await createAccount(owner.client, project.id));
    for (const role of ['backup', 'warmup', 'production']) {
      const b = await manager.client.ok('PATCH', accountPath(project.id, a.id), { role });
      assert.equal(b.role, role);
      assert.equal(b.status, LINKED_STATUS[role], `role ${role} → status ${LINKED_STATUS[role]}: ${JSON.stringify(b)}`);
      // "warmup_day counts from the link" (docs/accounts.md): linked today → day 1
      if (role === 'warmup') assert.equal(b.warmup_day, 1, `a warming account has its warm-up day: ${JSON.stringify(b)}`);
    }
    // an account that is not linked keeps its status
    const n = await createAccount(owner.client, project.id);
    assert.equal((await owner.client.ok('PATCH', accountPath(project.id, n.id), { role: 'backup' })).status, 'new');
    ws.close();
  });

  test('transition of a banned account: active refused; retired allowed', async () => {
    const ws = await wsOf(owner, project.id, 'owner');
    const { account: a } = await linkSim(owner.client, ws, project.id, await createAccount(owner.client, project.id));
    await owner.client.ok('POST', `${accountPath(project.id, a.id)}/sim/ban`, {}, 202);
    await waitAccount(owner.client, project.id, a.id, (x) => x.status === 'banned', { what: 'banned' });
    for (const to of ['active', 'cooling', 'standby', 'warming']) await expectRefused(a, to);
    await expectAllowed(a, 'retired');
    ws.close();
  });

  // ---- 6. forced ban → banned + alert; acknowledging --------------------------------------------

  test('a forced ban sets banned at once and raises an account_banned alert; ack closes it', async () => {
    const ws = await wsOf(owner, project.id, 'owner');
    const wsV = await wsOf(viewer, project.id, 'viewer');
    const { account: a } = await linkSim(owner.client, ws, project.id, await createAccount(owner.client, project.id));
    const since = ws.mark();
    const sinceV = wsV.mark();
    const res = await manager.client.post(`${accountPath(project.id, a.id)}/sim/ban`, { reason: 'TOS_BLOCK' });
    assertStatus(res, 202, 'sim/ban');
    const up = await ws.next(accountUpdated(project.id, a.id, 'banned'), { since, timeout: 10_000, what: 'account.updated banned' });
    assert.equal(up.data.status, 'banned');
    assert.equal((await getAccount(owner.client, project.id, a.id)).status, 'banned');

    const isBanAlert = (m) => isEvent('alert.created', project.id)(m) && m.data?.kind === 'account_banned' && m.data?.account_id === a.id;
    const ev = await ws.next(isBanAlert, { since, timeout: 10_000, what: 'alert.created account_banned' });
    await wsV.next(isBanAlert, { since: sinceV, timeout: 10_000, what: 'alert.created for a viewer too' });
    const alert = ev.data;
    assertAlertShape(alert);
    assert.equal(alert.project_id, project.id);
    assert.equal(alert.severity, 'critical');
    assert.equal(alert.acknowledged_at, null);
    assert.equal(alert.acknowledged_by, null);

    const open = await listAlerts(viewer.client, project.id, 'open');
    const listed = open.find((x) => x.id === alert.id);
    assert.ok(listed, `the alert is open: ${JSON.stringify(open)}`);
    assert.deepEqual(listed, alert, 'the listed alert equals the pushed one');
    for (const x of open) assertAlertShape(x, 'listed Alert');
    const dflt = await listAlerts(viewer.client, project.id);
    assert.ok(dflt.some((x) => x.id === alert.id), 'state defaults to open');
    const createdDesc = open.map((x) => x.created_at);
    assert.deepEqual([...createdDesc].sort().reverse(), createdDesc, 'newest first');

    assertError(await viewer.client.post(`/projects/${project.id}/alerts/${alert.id}/ack`, {}), 403, 'forbidden');
    assertError(await outsider.client.post(`/projects/${project.id}/alerts/${alert.id}/ack`, {}), 404, 'not_found');
    assertError(await outsider.client.post(`/projects/${other.id}/alerts/${alert.id}/ack`, {}), 404, 'not_found');
    assertError(await owner.client.post(`/projects/${project.id}/alerts/99999999/ack`, {}), 404, 'not_found');

    const sinceAck = ws.mark();
    const acked = await manager.client.ok('POST', `/projects/${project.id}/alerts/${alert.id}/ack`, {});
    assert.equal(acked.id, alert.id);
    assert.match(acked.acknowledged_at, ISO);
    assert.equal(acked.acknowledged_by?.id, manager.user.id);
    assert.equal(acked.acknowledged_by?.email, manager.user.email);
    const ackEv = await ws.next((m) => isEvent('alert.acknowledged', project.id)(m) && m.data?.id === alert.id,
      { since: sinceAck, what: 'alert.acknowledged' });
    assert.match(ackEv.data.acknowledged_at, ISO);
    assert.ok(!(await listAlerts(owner.client, project.id, 'open')).some((x) => x.id === alert.id), 'no longer open');
    const all = await listAlerts(owner.client, project.id, 'all');
    const again = all.find((x) => x.id === alert.id);
    assert.ok(again, 'still listed with state=all');
    assert.equal(again.acknowledged_at, acked.acknowledged_at);
    assertError(await owner.client.get(`/projects/${project.id}/alerts?state=bogus`), 400, 'validation_failed', 'state');
    ws.close(); wsV.close();
  });

  // ---- 9. WebSocket isolation ------------------------------------------------------------------

  test("a member of another project never receives this project's account.* and alert.* events", async () => {
    const wsO = await wsOf(owner, project.id, 'owner');
    const wsX = await wsOf(outsider, other.id, 'outsider');
    const denied = await wsX.subscribe(project.id);
    assert.equal(denied.type, 'error');
    assert.equal(denied.error?.code, 'not_found');
    const sinceX = wsX.mark();
    const since = wsO.mark();

    const a = await createAccount(owner.client, project.id, { label: 'Secret label 4711' });
    await linkSim(owner.client, wsO, project.id, a);
    await owner.client.ok('POST', `${accountPath(project.id, a.id)}/sim/ban`, {}, 202);
    await wsO.next((m) => isEvent('alert.created', project.id)(m) && m.data?.account_id === a.id, { since, timeout: 10_000, what: 'alert.created' });
    await owner.client.ok('PATCH', accountPath(project.id, a.id), { label: 'Secret label 4712' });
    await wsO.next(accountUpdated(project.id, a.id), { since, what: 'account.updated after PATCH' });

    // barrier: the outsider's own account events do arrive
    const mine = await createAccount(outsider.client, other.id);
    await wsX.next((m) => isEvent('account.created', other.id)(m) && m.data?.id === mine.id, { since: sinceX, what: 'own account.created' });
    const foreign = (m) => m.type === 'event' && /^(account|alert)\./.test(m.event) &&
      (m.project_id === project.id || m.data?.project_id === project.id || m.data?.id === a.id || m.data?.account_id === a.id);
    await wsX.none(foreign, { since: sinceX, what: "account/alert events of another project" });
    const text = JSON.stringify(wsX.messages);
    assert.ok(!text.includes('Secret label') && !text.includes(a.phone), 'nothing of the other project leaks');
    wsO.close(); wsX.close();
  });
}, { env: ACCOUNT_ENV });
