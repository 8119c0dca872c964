// Issue 3: the real whatsapp-web.js path. Linking an account with engine `webjs` starts a real
// whatsapp-web.js Client on Chromium (/usr/bin/chromium). This machine cannot reach WhatsApp, so the
// link must fail cleanly: an `account_error` alert, the account out of `linking` with a reason, the
// connector still up, and no Chromium process left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { assertStatus, newUser, newProject } from './lib/client.mjs';
import { connectWs, isEvent } from './lib/ws.mjs';
import { processTable, descendants, isChromium, alive, userDataDir } from './lib/procs.mjs';
import {
  ACCOUNT_ENV, sleep, poll, createAccount, getAccount, listAlerts, waitConnector, accountPath,
} from './lib/accounts.mjs';

const FAIL_WITHIN_MS = 90_000;
const CLEANUP_WITHIN_MS = 15_000;

describeBackends('accounts webjs', (ctx) => {
  let owner; let project;

  ctx.setup(async () => {
    owner = await newUser(ctx.admin, { name: 'Owner' });
    project = await newProject(owner.client, { name: 'Real WhatsApp' });
    await waitConnector(ctx.admin);
  });

  test('linking a webjs account without network → account_error alert, not linking, no orphaned Chromium', { timeout: 180_000 }, async (t) => {
    const connector = await waitConnector(ctx.admin);
    const chromiumOf = (table) => descendants(connector.pid, table).filter(isChromium);
    const baseline = new Set(chromiumOf(processTable()).map((p) => p.pid)); // other accounts' browsers, if any
    const seen = new Map(); // pid -> cmd of every Chromium process started under the connector for this link
    const profiles = new Set();
    const sample = () => {
      const table = processTable();
      for (const p of chromiumOf(table)) {
        if (baseline.has(p.pid)) continue;
        if (!seen.has(p.pid)) seen.set(p.pid, p.cmd);
        const dir = userDataDir(p.cmd);
        if (dir) profiles.add(dir);
      }
      return table;
    };
    const sampler = setInterval(sample, 50);

    try {
      const ws = await connectWs(ctx.server, { cookie: owner.client.cookie }, { label: 'owner' });
      assert.equal((await ws.subscribe(project.id)).type, 'subscribed');
      const a = await createAccount(owner.client, project.id, { engine: 'webjs', label: 'Real' });
      const since = ws.mark();
      const t0 = Date.now();
      const res = await owner.client.post(`${accountPath(project.id, a.id)}/link`, {});
      assertStatus(res, 202, 'POST link');
      assert.equal(res.body.status, 'linking');

      // the failure becomes an alert and a settled account status, in bounded time
      const isErr = (x) => x.kind === 'account_error' && x.account_id === a.id;
      const settled = await poll(async () => ({
        account: await getAccount(owner.client, project.id, a.id),
        alert: (await listAlerts(owner.client, project.id, 'all')).find(isErr) || null,
      }), (v) => v.alert && v.account.status !== 'linking', {
        timeout: FAIL_WITHIN_MS, interval: 250, what: 'an account_error alert and the account out of linking',
      });
      const took = Date.now() - t0;
      const { account, alert } = settled;
      assert.ok(['disconnected', 'new'].includes(account.status), `status after the failure: ${JSON.stringify(account)}`);
      assert.equal(typeof account.status_reason, 'string', `status_reason set: ${JSON.stringify(account)}`);
      assert.ok(account.status_reason.length > 0, `status_reason not empty: ${JSON.stringify(account)}`);
      assert.ok(['critical', 'warning'].includes(alert.severity), JSON.stringify(alert));
      assert.ok(alert.message.length > 0);
      assert.equal(alert.project_id, project.id);
      await ws.next((m) => isEvent('alert.created', project.id)(m) && m.data?.id === alert.id, { since, timeout: 5000, what: 'alert.created account_error' });
      // no QR can have come from a WhatsApp that was never reached
      assert.ok(!ws.messages.slice(since).some((m) => isEvent('account.qr', project.id)(m) && m.data?.account_id === a.id), 'no account.qr');

      // whatsapp-web.js really ran: a Chromium process was started under the connector
      assert.ok(seen.size > 0, `no Chromium process was seen under the connector (pid ${connector.pid}) during the link (${took} ms)`);

      // and every one of them is gone: none left under the connector, none reparented elsewhere
      await poll(() => {
        const table = sample();
        return {
          under: chromiumOf(table).filter((p) => !baseline.has(p.pid)).map((p) => `${p.pid} ${p.cmd.slice(0, 120)}`),
          living: [...seen.keys()].filter(alive),
          profile: table.filter((p) => [...profiles].some((d) => p.cmd.includes(d))).map((p) => `${p.pid} ${p.cmd.slice(0, 120)}`),
        };
      }, (v) => v.under.length === 0 && v.living.length === 0 && v.profile.length === 0, {
        timeout: CLEANUP_WITHIN_MS, interval: 200, what: 'every Chromium process started for the account to exit',
      });

      // it stays settled: no retry loop relaunching browsers, the connector survived
      await sleep(2000);
      const later = await getAccount(owner.client, project.id, a.id);
      assert.notEqual(later.status, 'linking', `still settled: ${JSON.stringify(later)}`);
      const relaunched = chromiumOf(processTable()).filter((p) => !baseline.has(p.pid));
      assert.deepEqual(relaunched.map((p) => p.pid), [], 'no Chromium relaunched after the failure');
      const c = await waitConnector(ctx.admin);
      assert.equal(c.pid, connector.pid, 'the connector did not crash');
      assert.ok(took < FAIL_WITHIN_MS, `failed within ${took} ms`);

      t.diagnostic(`failed after ${took} ms: status ${account.status} (${account.status_reason}); alert "${alert.message}"; ` +
        `${seen.size} Chromium process(es) seen under connector ${connector.pid}, all gone`);
      assertStatus(await owner.client.del(accountPath(project.id, a.id)), 204);
      ws.close();
    } finally {
      clearInterval(sampler);
    }
  });
}, { env: ACCOUNT_ENV });
