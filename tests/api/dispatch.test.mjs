// The one sending path end to end (issues 7 and 8): a STOP arriving on a simulated number opts the
// contact out, queues one confirmation in the outbox, and the dispatcher sends it through the
// connector exactly once; nothing else ever reaches that contact one to one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { newProject } from './lib/client.mjs';
import { connectWs } from './lib/ws.mjs';
import { ACCOUNT_ENV, newPhone, createAccount, waitConnector, poll, accountPath, linkSim, sleep } from './lib/accounts.mjs';

describeBackends('dispatch: an opt-out confirmation through the outbox', (ctx) => {
  test('STOP → opted out for the project, one confirmation sent by the dispatcher, never a second', { timeout: 60_000 }, async () => {
    const owner = ctx.admin;
    const project = await newProject(owner, { name: 'Dispatch', default_region: 'IN' });
    await waitConnector(owner);
    const ws = await connectWs(ctx.server, { cookie: owner.cookie });
    await ws.subscribe(project.id);
    const { account } = await linkSim(owner, ws, project.id, await createAccount(owner, project.id, { phone: newPhone(), engine: 'sim' }));
    const from = '+919812377001';
    const res = await owner.post(`${accountPath(project.id, account.id)}/sim/incoming`, { from, body: 'Please STOP sending these' });
    assert.equal(res.status, 202, res.describe());
    const contact = await poll(async () => (await owner.ok('GET', `/projects/${project.id}/contacts?q=${encodeURIComponent('9812377001')}`)).items?.[0],
      (c) => c?.consent === 'opted_out', { timeout: 10_000, what: 'the contact opted out' });
    assert.equal(contact.phone, from);
    const sent = () => (ctx.server.stdout.match(new RegExp(`event=outbox\\.settled id=\\d+ account=${account.id} outcome=sent`, 'g')) ?? []).length;
    await poll(async () => sent(), (n) => n >= 1, { timeout: 15_000, what: 'the confirmation sent by the dispatcher' });
    // A second STOP does not queue (or send) a second confirmation, and nothing else goes out.
    await owner.post(`${accountPath(project.id, account.id)}/sim/incoming`, { from, body: 'STOP' });
    await sleep(3000);
    assert.equal(sent(), 1, ctx.server.stdout.slice(-3000));
  });
}, { env: ACCOUNT_ENV });
