// The safety layer against the simulator's ban model (issue 8; docs/connector.md, ban model): one
// aggressive load — a direct campaign of 40 messages from one number to opted-in contacts who never
// wrote to it, launched through the API and planned within the next minute (lib/campaign.mjs) — sent
// twice on the same simulated network (real time: the simulator and the core share one clock here).
// With the policy's limits relaxed (SANGAM_TEST_RELAXED_POLICY=1, honoured only for simulated numbers)
// the number sends back to back, breaks the burst rule (over 20 sends in a minute), is restricted,
// keeps sending and is banned. With the policy on, the same load over the same time sends one message
// and waits its random 30–120 s gap before the next: nothing is banned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { newProject } from './lib/client.mjs';
import { connectWs } from './lib/ws.mjs';
import { ACCOUNT_ENV, createAccount, waitConnector, poll, linkSim, sleep, getAccount } from './lib/accounts.mjs';
import { outboxRows } from './lib/outbox.mjs';
import { importOptedIn, launchWithinAMinute } from './lib/campaign.mjs';

const LOAD = 40;
const WINDOW_MS = 10_000;  // how long the load runs with the policy on
const BAN_WITHIN_MS = 75_000;  // relaxed: the 21st send of the minute is a strike, then a ban (the plan spans 20–60 s)
// Speed 1: the ban model's windows (a minute, an hour) are real minutes and hours, like the policy's.
const ENV = { ...ACCOUNT_ENV, SANGAM_SIM_SPEED: '1' };

async function aggressive(ctx) {
  const owner = ctx.admin;
  // Every hour a working hour, every day a full day: the policy's pacing and limits are what is tested.
  const project = await newProject(owner, { name: 'Ban model', default_region: 'IN', working_hours: [{ start: '00:00', end: '23:59' }], weekend_factor: 1 });
  await waitConnector(owner);
  const ws = await connectWs(ctx.server, { cookie: owner.cookie });
  await ws.subscribe(project.id);
  const { account } = await linkSim(owner, ws, project.id, await createAccount(owner, project.id, { engine: 'sim' }));
  ws.close();
  await importOptedIn(owner, project.id, Array.from({ length: LOAD }, (_, i) => ({
    phone: `+9196${String(10000000 + i).slice(1)}0`, name: `Farmer ${i + 1}`,
  })));
  const campaign = await launchWithinAMinute(owner, project.id, {
    accountIds: [account.id], body: 'Namaste {{name}}! 10% off layer feed this week at the Salem depot.',
  });
  assert.equal(campaign.progress.planned, LOAD);
  return { owner, project, account };
}

describeBackends('ban model: the same aggressive load with the policy relaxed', (ctx) => {
  test('the unpaced number is restricted, then banned by the simulated WhatsApp', { timeout: 150_000 }, async () => {
    const { owner, project, account } = await aggressive(ctx);
    const banned = await poll(() => getAccount(owner, project.id, account.id), (a) => a.status === 'banned',
      { timeout: BAN_WITHIN_MS, interval: 200, what: 'the relaxed number banned' });
    assert.match(banned.status_reason ?? '', /banned/i);
    const sent = (await outboxRows(ctx.server, project.id)).filter((r) => r.status === 'sent').length;
    assert.ok(sent > 20, `it sent more than the burst limit (20 a minute) before the ban: ${sent}`);
  });
}, { env: { ...ENV, SANGAM_TEST_RELAXED_POLICY: '1' } });

describeBackends('ban model: the same aggressive load with the policy on', (ctx) => {
  test('the paced number is never banned', { timeout: 90_000 }, async () => {
    const { owner, project, account } = await aggressive(ctx);
    await sleep(WINDOW_MS);
    const a = await getAccount(owner, project.id, account.id);
    assert.equal(a.status, 'active', `not banned, not restricted away: ${a.status} ${a.status_reason ?? ''}`);
    const rows = await outboxRows(ctx.server, project.id);
    const sent = rows.filter((r) => r.status === 'sent').length;
    assert.ok(sent >= 1 && sent <= 2, `one send, then the pacing gap: ${sent} sent`);
    const waiting = rows.filter((r) => r.status === 'queued' && /random gap/.test(r.reason ?? ''));
    assert.ok(waiting.length >= 1, `the next row waits the pacing gap, with the reason in words: ${JSON.stringify(rows.slice(0, 3))}`);
  });
}, { env: ENV });
