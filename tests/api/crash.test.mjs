// At most once through crashes (issue 8, crash tests): sangam and the connector are killed with
// SIGKILL while sends are in flight, five rounds, alternating, and restarted. The simulated network
// keeps every message it carried in a file (SANGAM_SIM_LEDGER), as WhatsApp's servers would, so the
// test counts what really went out: zero duplicates, no message lost, and every outcome the crashes
// made unknown reconciled (found in the chat → sent; surely absent → sent again once) or left for
// review. Sends take 400 ms (SANGAM_SIM_SEND_MS at 50x), carried half-way, so a kill lands before the
// network has the message or after it, both cases recovered.
// The rows are inserted into the outbox directly (lib/outbox.mjs); once the campaigns API exists
// this test should launch a campaign instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { describeBackends } from './lib/harness.mjs';
import { newProject, login } from './lib/client.mjs';
import { connectWs } from './lib/ws.mjs';
import { ACCOUNT_ENV, createAccount, waitConnector, poll, linkSim, sleep } from './lib/accounts.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './lib/server.mjs';
import { enqueue, outboxRows, carried, sql } from './lib/outbox.mjs';

const ROUNDS = 5;
const PER_ACCOUNT = 15;
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
    for (const [n, a] of accounts.entries()) {
      const rows = Array.from({ length: PER_ACCOUNT }, (_, i) => ({
        target: `91970${n}${String(100000 + i).slice(1)}@c.us`, text: `Crash round message ${n}-${i}: winter feed tips`,
      }));
      await enqueue(ctx.server, { projectId: project.id, accountId: a.id, rows, tag: 'crash' });
    }

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
  });
}, { env: { ...ACCOUNT_ENV, SANGAM_TEST_RELAXED_POLICY: '1', SANGAM_SIM_LEDGER: LEDGER, SANGAM_SIM_SEND_MS: '20000' } });
