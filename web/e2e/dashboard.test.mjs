// Browser test of the dashboard against a real `sangam serve`.
//
//   npm run build && SANGAM_BIN=../build/sangam npm run test:e2e      (from web/)
//
// Starts sangam on a free port with a fresh data directory (see harness.mjs), drives Debian's Chromium
// with playwright-core, saves screenshots to $SANGAM_ARTIFACTS_DIR (default web/e2e/artifacts/) and
// (with SANGAM_UPDATE_SCREENSHOTS=1) writes docs/screenshots/dashboard.png for the README. The server is always stopped at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Harness, sleep } from './harness.mjs';

const h = new Harness();
let baseUrl = '';
/** @type {import('playwright-core').Page} */
let page;
const shot = (name) => h.shot(name);

before(async () => {
  await h.start({ name: 'e2e-dashboard' });
  baseUrl = h.baseUrl;
  page = h.page;
});

after(async () => {
  await h.stop();
});

test('dashboard: login, create a project, edit settings, validation, live updates', async (t) => {
  let projectId = 0;

  await t.test('wrong password shows the server message', async () => {
    await page.goto(baseUrl + '/');
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill('definitely-wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const err = page.getByTestId('login-error');
    await err.waitFor();
    assert.ok((await err.innerText()).trim().length > 0, 'login error text is empty');
    await shot('01-login-error');
  });

  await t.test('log in', async () => {
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // No project yet: the dashboard opens the creation page.
    await page.getByRole('heading', { name: 'New project' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/projects\/new$/);
    await shot('02-new-project');
  });

  await t.test('create project PoultryCare', async () => {
    await page.getByLabel('Project name').fill('PoultryCare');
    assert.equal(await page.getByLabel('Slug').inputValue(), 'poultrycare', 'slug is derived from the name');
    const regions = page.getByTestId('regions').locator('input');
    for (const r of ['Telangana', 'Andhra Pradesh', 'Karnataka']) {
      await regions.fill(r);
      await regions.press('Enter');
    }
    const personas = page.getByTestId('personas').locator('input');
    for (const r of ['Farmer', 'Dealer', 'Veterinarian']) {
      await personas.fill(r);
      await personas.press('Enter');
    }
    await page.getByTestId('save-project').click();
    await page.getByRole('heading', { name: 'PoultryCare', level: 1 }).waitFor();
    const m = /^\/projects\/(\d+)$/.exec(new URL(page.url()).pathname);
    assert.ok(m, `expected the overview URL, got ${page.url()}`);
    projectId = Number(m[1]);
    await shot('03-overview');
  });

  await t.test('the project is listed in the switcher', async () => {
    await page.getByTestId('project-switcher').click();
    const menu = page.getByTestId('project-switcher-menu');
    await menu.waitFor();
    await menu.getByRole('option', { name: /PoultryCare/ }).waitFor();
    assert.ok(await menu.getByText('New project').isVisible());
    await shot('04-switcher');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
  });

  await t.test('change the time zone to Asia/Dubai and see it persisted', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByRole('heading', { name: 'Project settings' }).waitFor();
    const tz = page.getByTestId('time-zone').locator('input');
    assert.equal(await tz.inputValue(), 'Asia/Kolkata');
    await tz.click();
    await tz.fill('Dubai');
    await page.getByRole('option', { name: 'Asia/Dubai' }).click();
    assert.equal(await tz.inputValue(), 'Asia/Dubai');
    await page.getByTestId('save-project').click();
    await page.getByText('Settings saved').waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Project settings' }).waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="time-zone"] input')?.value === 'Asia/Dubai',
      null,
      { timeout: 5000 },
    );
    // The API agrees.
    const fromApi = await page.evaluate(async (id) => (await (await fetch(`/api/v1/projects/${id}`)).json()).time_zone, projectId);
    assert.equal(fromApi, 'Asia/Dubai');
    await shot('05-settings');
  });

  await t.test('an invalid slug shows the error next to the slug field', async () => {
    const slug = page.getByLabel('Slug');
    await slug.fill('9 Not A Slug!');
    await page.getByTestId('save-project').click();
    const err = page.locator('[data-field="slug"] [data-error-for="slug"]');
    await err.waitFor();
    const text = (await err.innerText()).trim();
    assert.ok(text.length > 0, 'slug error is empty');
    // Nothing else is marked as wrong.
    assert.equal(await page.locator('.field-error').count(), 1, 'only the slug field shows an error');
    await slug.scrollIntoViewIfNeeded();
    await shot('06-slug-error');
    // Put it back; nothing was saved.
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    assert.equal(await slug.inputValue(), 'poultrycare');
  });

  await t.test('an overlapping working-hours window is flagged on its row', async () => {
    const start = page.getByLabel('Window 2 start');
    await start.fill('11:00'); // window 1 is 09:00–12:00
    await page.getByTestId('save-project').click();
    const err = page.locator('[data-error-for^="working_hours.1"], [data-error-for="working_hours"]').first();
    await err.waitFor();
    await err.scrollIntoViewIfNeeded();
    await shot('07-working-hours-error');
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
  });

  await t.test('API tokens: create one, it is shown once', async () => {
    await page.getByTestId('nav-tokens').click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByLabel('Name').fill('e2e script');
    await page.getByRole('button', { name: 'Create token' }).click();
    const value = page.getByTestId('new-token-value');
    await value.waitFor();
    const token = (await value.innerText()).trim();
    assert.match(token, /^sgm_/);
    await page.getByTestId('tokens-table').getByText('e2e script').waitFor();
    await shot('08-tokens');
    t.diagnostic(`token prefix ${token.slice(0, 8)}…`);
    // Keep it for the live-update check below.
    process.env.__E2E_TOKEN = token;
  });

  await t.test('a change made through the API shows up live (WebSocket)', async () => {
    await page.goto(`${baseUrl}/projects/${projectId}`);
    await page.getByRole('heading', { name: 'PoultryCare', level: 1 }).waitFor();
    await page.locator('[data-testid="live-indicator"].live-open').waitFor();
    // Give the subscribe message a moment to reach the server.
    await sleep(300);
    const res = await fetch(`${baseUrl}/api/v1/projects/${projectId}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${process.env.__E2E_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ weekend_factor: 0.5, default_region: 'AE' }),
    });
    assert.equal(res.status, 200, `PATCH with bearer token: ${res.status} ${await res.text()}`);
    await page.getByText('Phone region AE').waitFor({ timeout: 5000 });
  });

  await t.test('members are added by email; an unknown email is offered an invitation', async () => {
    // A teammate for the project (and, later, for the README screenshot).
    const created = await page.evaluate(async () => (await fetch('/api/v1/users', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'priya@example.com', name: 'Priya Sharma', password: 'priya-password-1' }),
    })).status);
    assert.equal(created, 201);
    await page.getByTestId('nav-members').click();
    await page.getByTestId('members-table').getByText(ADMIN_EMAIL).waitFor();
    const form = page.getByTestId('add-member-form');
    await form.getByLabel('Email').fill('nobody-here@example.com');
    await form.getByRole('button', { name: 'Add member' }).click();
    // Issue 13: an email without an account leads to an invitation, not to a dead end.
    await page.getByTestId('no-account').getByText('No one has a Sangam account with nobody-here@example.com').waitFor();
    await form.getByLabel('Email').fill('Priya@Example.com');
    await form.getByLabel('Role').selectOption('manager');
    await form.getByRole('button', { name: 'Add member' }).click();
    await page.getByTestId('members-table').getByText('priya@example.com').waitFor();
    assert.equal(await page.getByLabel('Role of priya@example.com').inputValue(), 'manager');
    assert.equal(await form.getByLabel('Email').inputValue(), '', 'the form is cleared after adding');
  });

  await t.test('members, audit log and users pages render', async () => {
    await page.getByTestId('nav-members').click();
    await page.getByTestId('members-table').getByText(ADMIN_EMAIL).waitFor();
    await shot('09-members');

    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-table').waitFor();
    assert.ok((await page.getByTestId('audit-table').locator('tbody tr').count()) >= 1, 'audit log is empty');
    await shot('10-audit');

    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').getByText(ADMIN_EMAIL).waitFor();
    await shot('11-users');
  });

  await t.test('README screenshot', async () => {
    // A second project (and the teammate added above) make the product look like it is in use.
    const status = await page.evaluate(async () => (await fetch('/api/v1/projects', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Restopi', slug: 'restopi', time_zone: 'Asia/Kolkata' }),
    })).status);
    assert.equal(status, 201);
    await page.goto(`${baseUrl}/projects/${projectId}`);
    await page.getByRole('heading', { name: 'PoultryCare', level: 1 }).waitFor();
    await page.locator('[data-testid="live-indicator"].live-open').waitFor();
    await h.shot('12-dashboard', { readme: 'dashboard.png' });
  });

  await t.test('log out', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    assert.equal(me, 401);
  });
});
