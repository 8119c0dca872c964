// At most once through crashes (issue 8, crash tests): sangam and the connector are killed with
// SIGKILL while sends are in flight, five rounds, alternating, and restarted. The simulated network
// keeps every message it carried in a file (SANGAM_SIM_LEDGER), as WhatsApp's servers would, so the
// test counts what really went out: zero duplicates, no message lost, and every outcome the crashes
// made unknown reconciled (found in the chat → sent; surely absent → sent again once) or left for
// review. Sends take 400 ms (SANGAM_SIM_SEND_MS at 50x), carried half-way, so a kill lands before the
// network has the message or after it, both cases recovered.
// The messages are a direct campaign to 30 opted-in contacts over the two numbers, launched through the
// API and planned within the next minute (lib/campaign.mjs), so the kills land mid-campaign.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { describeBackends } from './lib/harness.mjs';
import { newProject, login } from './lib/client.mjs';
import { connectWs } from './lib/ws.mjs';
import { ACCOUNT_ENV, createAccount, waitConnector, poll, linkSim, sleep } from './lib/accounts.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './lib/server.mjs';
import { outboxRows, carried, sql } from './lib/outbox.mjs';
import { importOptedIn, launchWithinAMinute } from './lib/campaign.mjs';

const ROUNDS = 5;
// 24 messages in all: the ban model allows 30 to non-contacts a day and 20 identical bodies an hour (the
// body names each farmer, so none is identical); SANGAM_SIM_SPEED 50 makes its hour 72 s here.
const PER_ACCOUNT = 12;
const LEDGER = 'sim-network.jsonl';  // relative: the connector runs in the server's data dir

describeBackends('crash: kill -9 of sangam and of the connector mid-sending', (ctx) => {
  test(`${ROUNDS} kills, zero duplicate sends, nothing lost, every unknown reconciled`, { timeout: 110_000 }, async (t) => {
    let owner = ctx.admin;
    const project = await newProject(owner, { name: 'Crash', default_region: 'IN' });
    await waitConnector(owner);
    const ws = await connectWs(ctx.server, { cookie: owner.cookie });
    await ws.subscribe(project.id);
    const accounts = [];
    for (let i = 0; i < 2; i++) {
      const { account } = await linkSim(owner, ws, project.id, await createAccount(owner, project.id, { engine: 'sim' }));
      accounts.push(account);
    }
    ws.close();
    await importOptedIn(owner, project.id, Array.from({ length: 2 * PER_ACCOUNT }, (_, i) => ({
      phone: `+9197010${String(100000 + i).slice(1)}`, name: `Farmer ${i + 1}`,
    })));
    const campaign = await launchWithinAMinute(owner, project.id, {
      accountIds: accounts.map((a) => a.id), body: 'Vanakkam {{name}}, winter feed tips for your layers are ready at the depot.',
    });
    assert.equal(campaign.progress.planned, 2 * PER_ACCOUNT);

    const kills = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A send in flight: a row claimed (committed before the send leaves the core).
      const claimed = await poll(() => sql(ctx.server, `SELECT id FROM outbox WHERE project_id = ${project.id} AND status = 'claimed'`),
        (r) => r.length > 0, { timeout: 30_000, interval: 15, what: `a claimed row (round ${round + 1})` }).catch(() => []);
      if (!claimed.length) break;  // everything was sent before this round
      if (round % 2 === 0) {
        await ctx.server.kill9();
        kills.push('sangam');
        await ctx.server.restart();
        owner = (await login(ctx.server, ADMIN_EMAIL, ADMIN_PASSWORD)).client;
      } else {
        const c = await waitConnector(owner);
        process.kill(c.pid, 'SIGKILL');
        kills.push('connector');
        await waitConnector(owner, { notPid: c.pid, timeout: 30_000 });
      }
      await sleep(300);
    }
    t.diagnostic(`killed: ${kills.join(', ')}`);
    assert.ok(kills.length >= 3, `at least three kills landed mid-send (${kills.join(', ')})`);

    // Everything settles: sent, or unknown left for review (the simulator answers definitively, so none).
    const done = (r) => r.status === 'sent' || (r.status === 'unknown' && r.reconcile_attempts >= 8);
    const rows = await poll(() => outboxRows(ctx.server, project.id), (rs) => rs.every(done),
      { timeout: 60_000, interval: 300, what: 'every row sent or left for review' });
    const net = carried(path.join(ctx.server.dataDir, LEDGER)).filter((m) => accounts.some((a) => a.phone === m.phone));
    const seen = new Map();
    for (const m of net) seen.set(`${m.chat}|${m.body}`, (seen.get(`${m.chat}|${m.body}`) ?? 0) + 1);
    const dupes = [...seen].filter(([, n]) => n > 1);
    assert.deepEqual(dupes, [], 'no message reached WhatsApp twice');
    for (const r of rows) {
      const m = net.filter((x) => x.chat === r.target && x.body === r.text);
      if (r.status === 'sent') {
        assert.equal(m.length, 1, `row ${r.id} is sent and in its chat once`);
        assert.equal(r.wa_message_id, m[0].id, `row ${r.id} carries the message id WhatsApp gave it`);
      } else {
        assert.match(r.reason, /left for review/);
      }
    }
    assert.equal(net.length, rows.filter((r) => r.status === 'sent').length, 'nothing went out that the outbox does not know as sent');
    const reconciled = rows.filter((r) => /after an unknown outcome/.test(r.reason ?? '')).length;
    t.diagnostic(`${rows.length} rows, ${net.length} carried, ${reconciled} reconciled after a crash`);
    assert.equal(rows.length, 2 * PER_ACCOUNT);
    // The campaign saw it the same way: every message sent (the simulator answers every reconcile).
    const finished = await poll(() => owner.ok('GET', `/projects/${project.id}/campaigns/${campaign.id}`), (c) => c.status === 'completed',
      { timeout: 30_000, interval: 300, what: 'the campaign completed' });
    assert.equal(finished.progress.sent, rows.filter((r) => r.status === 'sent').length, JSON.stringify(finished.progress));
  });
}, { env: { ...ACCOUNT_ENV, SANGAM_TEST_RELAXED_POLICY: '1', SANGAM_SIM_LEDGER: LEDGER, SANGAM_SIM_SEND_MS: '20000' } });
