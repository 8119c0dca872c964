// Browser test of the Community page (issue 10 items 3-5, 7) against a real `sangam serve` with the
// simulated WhatsApp network: a team member creates a group from the dashboard with the linked
// number, sees its growth phase and members against the target, rotates its invite link, and answers a
// join request by hand, and is told which moderation pattern does not compile; the page and the create dialog fit a phone, and axe finds nothing serious.
//
//   npm run build && node --test e2e/community.test.mjs      (from web/; SANGAM_BIN overrides ../build/sangam)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Harness, checkPage, settle } from './harness.mjs';

const SIM_ENV = { SANGAM_CONNECTOR: 'auto', SANGAM_SIM_SPEED: '20', SANGAM_SIM_SEED: '7' };
const SHOTS = path.join(import.meta.dirname, 'artifacts');

const h = new Harness();
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  await h.start({ name: 'e2e-community', env: SIM_ENV });
  page = h.page;
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await h.stop();
});

const api = (method, url, body) => h.api(method, url, body);

const waitApi = (get, pred, what, timeout = 20_000) => h.waitApi(get, pred, what, timeout);

test('community: create a group, rotate its link, answer a join request', async (t) => {
  let pid = 0;
  let aid = 0;
  await t.test('a project with a linked simulated number', async () => {
    await h.login();
    await page.getByRole('heading', { name: 'New project' }).waitFor();
    ({ pid, aid } = await h.projectWithSimNumber({ name: 'PoultryCare', slug: 'poultrycare-community' }, { phone: '+919800000078', label: 'Community' }, 20_000));
  });

  await t.test('the empty page says when to create a group', async () => {
    await page.goto(`${h.baseUrl}/projects/${pid}`);
    await page.getByTestId('nav-community').click();
    await page.getByRole('heading', { name: 'Community', level: 1 }).waitFor();
    await page.getByText('No own group yet').waitFor();
  });

  await t.test('create a group from the dialog; a missing purpose is named', async () => {
    await page.getByTestId('community-create').click();
    const dialog = page.getByTestId('create-group-dialog');
    await dialog.waitFor();
    await page.getByTestId('create-group-name').fill('Layer Farmers Pune');
    await page.getByTestId('create-group-submit').click();
    await page.getByTestId('create-group-error').getByText(/purpose/i).waitFor();
    await h.checkHere('create group dialog');
    await page.getByTestId('create-group-purpose').fill('Best practices for layer farms');
    await page.getByTestId('create-group-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 20_000 });
    const card = page.getByTestId('own-groups').getByRole('button', { name: /Layer Farmers Pune/ });
    await card.waitFor();
    await card.getByText('Foundation').waitFor();
    await card.getByText('1 of 20–30 members').waitFor();
    await page.getByTestId('public-link').getByText(/Leads to “Layer Farmers Pune”/).waitFor();
  });

  await t.test('rotate the invite link: a new one is shown', async () => {
    const link = page.getByTestId('invite-link');
    const before = await link.textContent();
    await page.getByTestId('link-rotate').click();
    await waitApi(async () => link.textContent(), (t2) => t2 && t2 !== before, 'a new link');
  });

  await t.test('a join request arrives and is approved by hand; the decision is logged', async () => {
    const list = await api('GET', `/projects/${pid}/own-groups`);
    const g = list.body.items[0];
    const r = await api('POST', `/projects/${pid}/accounts/${aid}/sim/join_request`, { chat: g.wa_id, members: ['+919845012301'] });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const pending = page.getByTestId('requests-pending');
    await waitApi(async () => {
      if (!(await pending.count())) await page.getByRole('button', { name: 'Refresh' }).click();
      return pending.count();
    }, (n) => n > 0, 'the request shown', 20_000);
    await pending.getByRole('button', { name: 'Approve' }).click();
    await page.getByTestId('requests-log').getByText('approved').waitFor();
    await settle(page);
    const { problems } = await checkPage(page, 'community page at desktop');
    assert.deepEqual(problems, []);
    await page.screenshot({ path: path.join(SHOTS, 'community-1440.png'), fullPage: true });
  });

  await t.test('a moderation pattern that does not compile is refused at the field', async () => {
    await page.getByTestId('moderation-patterns').fill('free\\s+loan\n(unclosed');
    await page.getByTestId('moderation-save').click();
    await page.getByTestId('moderation-error').getByText(/patterns\[1\].*does not compile/i).waitFor();
    await page.getByTestId('moderation-patterns').fill('free\\s+loan');
    await page.getByTestId('moderation-save').click();
    await page.getByTestId('moderation-error').waitFor({ state: 'detached' });
  });

  await t.test('the page fits a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${h.baseUrl}/projects/${pid}/community`);
    await page.getByTestId('own-group-panel').waitFor();
    await settle(page);
    const { problems } = await checkPage(page, 'community page at 390x844');
    assert.deepEqual(problems, []);
    await page.screenshot({ path: path.join(SHOTS, 'community-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
