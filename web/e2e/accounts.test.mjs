// Browser test of the Accounts page (issue 3) against a real `sangam serve` whose connector runs the
// simulated WhatsApp network: add a simulated number, link it through the live QR dialog with a
// simulated scan, see it become active with a health score, then raise a ban alert and acknowledge it.
//
//   npm run build && npm run test:e2e      (from web/; SANGAM_BIN overrides ../build/sangam)
//
// Screenshots go to $SANGAM_ARTIFACTS_DIR (default web/e2e/artifacts/) and, with SANGAM_UPDATE_SCREENSHOTS=1, docs/screenshots/accounts.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, sleep } from './harness.mjs';

// The core spawns its own connector; the simulated network runs faster than real time so QR codes,
// scans and delays take fractions of a second (SANGAM_SIM_SPEED), with a fixed seed.
const SIM_ENV = {
  SANGAM_CONNECTOR: 'auto',
  SANGAM_SIM_SPEED: process.env.E2E_SIM_SPEED ?? '20',
  SANGAM_SIM_SEED: '7',
};

const PHONE_INPUT = '98000 00077';
const PHONE = '+919800000077';

const h = new Harness();
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  await h.start({ name: 'e2e-accounts', env: SIM_ENV });
  page = h.page;
});

after(async () => {
  await h.stop();
});

/** JSON API call made by the page itself (same cookie, same Origin). */
const api = (method, url, body) => h.api(method, url, body);

const waitApi = (get, pred, what, timeout = 15_000) => h.waitApi(get, pred, what, timeout);

test('accounts: add a simulated number, link it through the QR dialog, alerts', async (t) => {
  let projectId = 0;
  let accountId = 0;
  const row = () => page.locator(`[data-testid="accounts-table"] tr[data-phone="${PHONE}"]`);

  await t.test('log in and create a project', async () => {
    await h.login();
    await page.getByRole('heading', { name: 'New project' }).waitFor();
    await page.getByLabel('Project name').fill('PoultryCare');
    await page.getByTestId('save-project').click();
    await page.getByRole('heading', { name: 'PoultryCare', level: 1 }).waitFor();
    projectId = Number(/^\/projects\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1]);
    assert.ok(projectId > 0, `expected the overview URL, got ${page.url()}`);
  });

  await t.test('the Accounts page starts empty', async () => {
    await page.getByTestId('nav-accounts').click();
    await page.getByRole('heading', { name: 'WhatsApp accounts' }).waitFor();
    await page.getByText('No WhatsApp numbers yet').waitFor();
    await page.locator('[data-testid="live-indicator"].live-open').waitFor();
  });

  await t.test('an invalid phone number is flagged next to the phone field', async () => {
    await page.getByTestId('add-account').click();
    await page.getByLabel('Phone number').fill('12');
    await page.getByTestId('add-account-submit').click();
    const err = page.locator('[data-field="phone"] [data-error-for="phone"]');
    await err.waitFor();
    assert.ok((await err.innerText()).trim().length > 0, 'phone error is empty');
    assert.equal(await page.locator('.field-error').count(), 1, 'only the phone field shows an error');
    await h.shot('20-account-phone-error');
  });

  await t.test('add a simulated account', async () => {
    await page.getByLabel('Phone number').fill(PHONE_INPUT);
    await page.getByLabel('Label').fill('Demo sim');
    await page.getByLabel('Engine').selectOption('sim');
    await page.getByLabel('Role').selectOption('production');
    await page.getByTestId('add-account-submit').click();
    await row().waitFor();
    assert.equal(await row().locator('[data-status]').getAttribute('data-status'), 'new');
    const list = await api('GET', `/projects/${projectId}/accounts`);
    assert.equal(list.status, 200);
    const acc = list.body.items.find((a) => a.phone === PHONE);
    assert.ok(acc, `the API lists ${PHONE}: ${JSON.stringify(list.body)}`);
    assert.equal(acc.engine, 'sim');
    accountId = acc.id;
    await h.shot('21-account-added');
  });

  await t.test('Link shows a live QR code; Simulate scan links the account', async () => {
    await row().getByTestId('link-account').click();
    const dialog = page.getByTestId('link-dialog');
    await dialog.waitFor();
    const qr = dialog.getByTestId('qr-code');
    await qr.waitFor({ timeout: 20_000 });
    // A real drawing: a non-trivial path of dark modules, for the value the server sent.
    const d = await qr.locator('path').getAttribute('d');
    assert.ok(d && d.length > 200, 'the QR code has modules');
    const value = await qr.getAttribute('data-qr-value');
    assert.ok(value && value.length > 10, 'the QR code carries a value');
    const history = await api('GET', `/projects/${projectId}/accounts/${accountId}/qr`);
    assert.equal(history.status, 200);
    assert.ok(history.body.items.length >= 1, 'the QR history has the code');
    await sleep(300);
    await h.shot('22-link-qr');

    await dialog.getByTestId('simulate-scan').click();
    await page.getByTestId('link-success').waitFor({ timeout: 20_000 });
    await h.shot('23-link-success');
    // The dialog closes itself.
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  });

  await t.test('the table shows the account active with a health score', async () => {
    await page.locator(`[data-testid="accounts-table"] tr[data-phone="${PHONE}"] [data-status="active"]`).waitFor({ timeout: 10_000 });
    const health = row().locator('[data-testid="health-cell"] .health');
    await health.waitFor();
    assert.match((await health.innerText()).trim(), /^\d{1,3}/);
    assert.ok(['healthy', 'warning', 'critical'].includes(await health.getAttribute('data-level')));
    const acc = await api('GET', `/projects/${projectId}/accounts/${accountId}`);
    assert.equal(acc.body.status, 'active');
    assert.ok(acc.body.linked_at, 'linked_at is set');
    await h.shot('24-account-active');
  });

  await t.test('account details: health breakdown and QR history', async () => {
    await row().locator('.account-cell').click();
    const drawer = page.getByTestId('account-drawer');
    await drawer.waitFor();
    await drawer.getByTestId('health-breakdown').locator('[data-part="connection"]').waitFor();
    await drawer.getByTestId('qr-history').waitFor();
    await sleep(200);
    await h.shot('25-account-details');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  await t.test('README screenshot', async () => {
    // A few more numbers so the picture shows the pool: a backup and a warm-up number linked through
    // the API, and one still new.
    const extra = [
      { phone: '98000 00078', label: 'Backup Hyderabad', role: 'backup', link: true },
      { phone: '98000 00079', label: 'New SIM (warm-up)', role: 'warmup', link: true },
      { phone: '98000 00080', label: 'Chennai dealers', role: 'production', link: false },
    ];
    for (const x of extra) {
      const r = await api('POST', `/projects/${projectId}/accounts`, { phone: x.phone, label: x.label, role: x.role, engine: 'sim' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      if (!x.link) continue;
      const id = r.body.id;
      const l = await api('POST', `/projects/${projectId}/accounts/${id}/link`, { method: 'qr' });
      assert.equal(l.status, 202, JSON.stringify(l.body));
      await waitApi(() => api('GET', `/projects/${projectId}/accounts/${id}/qr`), (q) => q.body?.items?.length > 0, 'a QR code');
      const s = await api('POST', `/projects/${projectId}/accounts/${id}/sim/scan`, {});
      assert.equal(s.status, 202, JSON.stringify(s.body));
      await waitApi(() => api('GET', `/projects/${projectId}/accounts/${id}`), (a) => a.body?.status !== 'linking', 'the link');
    }
    await page.locator('[data-testid="accounts-table"] tbody tr').nth(3).waitFor();
    await page.evaluate(() => /** @type {HTMLElement | null} */ (document.activeElement)?.blur());
    await sleep(500);
    await h.shot('26-accounts', { readme: 'accounts.png' });
  });

  await t.test('a ban raises a live alert that can be acknowledged', async () => {
    const ban = await api('POST', `/projects/${projectId}/accounts/${accountId}/sim/ban`, {});
    assert.equal(ban.status, 202, JSON.stringify(ban.body));
    // Live: the status, the alert list on the page and the sidebar count, without a reload.
    await page.locator(`[data-testid="accounts-table"] tr[data-phone="${PHONE}"] [data-status="banned"]`).waitFor({ timeout: 20_000 });
    const alertRow = page.locator('[data-testid="alerts-list"] [data-kind="account_banned"]').first();
    await alertRow.waitFor({ timeout: 10_000 });
    await page.getByTestId('nav-alerts-count').waitFor();
    await sleep(200);
    await h.shot('27-ban-alert');

    const before = Number(await page.getByTestId('nav-alerts-count').innerText());
    await alertRow.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('Alert acknowledged').waitFor();
    const open = await api('GET', `/projects/${projectId}/alerts?state=open`);
    assert.ok(!open.body.items.some((a) => a.kind === 'account_banned' && a.account_id === accountId), 'the ban alert is no longer open');
    if (before > 1) {
      await page.waitForFunction(
        (n) => Number(document.querySelector('[data-testid="nav-alerts-count"]')?.textContent ?? '0') === n,
        before - 1,
      );
    } else {
      await page.getByTestId('nav-alerts-count').waitFor({ state: 'detached' });
    }
  });

  await t.test('the overview summarises the accounts', async () => {
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('overview-accounts').waitFor();
    await h.shot('28-overview-accounts');
  });

  await t.test('Connectors (admins): the local connector is listed and refreshed every 10 s', async () => {
    const list = await api('GET', '/connectors');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.ok(list.body.items.length >= 1, 'the spawned local connector is connected');
    const c = list.body.items[0];

    await page.getByTestId('nav-connectors').click();
    await page.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();
    const row = page.locator(`[data-testid="connectors-table"] tr[data-connector-id="${c.id}"]`);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /Connected/);
    assert.match(text, /Simulated/, 'the sim engine is shown by its label');
    assert.match(text, new RegExp(`\\b${c.pid}\\b`), 'the pid is shown');
    assert.match(text, new RegExp(`\\b${c.accounts}\\b`), 'the number of hosted accounts is shown');

    // The page polls the list again after 10 s.
    const again = await page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/connectors', { timeout: 15_000 });
    assert.equal(again.status(), 200);
    await sleep(300);
    await h.shot('29-connectors', { readme: 'connectors.png' });
  });
});
