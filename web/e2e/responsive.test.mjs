// Browser test of the dashboard on a phone (390 x 844) and a laptop (1440 x 900), against `sangam demo`
// (three example projects, five simulated numbers): for every page the navigation opens and closes,
// nothing scrolls sideways and axe-core finds no serious or critical violation; and a keyboard-only walk
// login → project → accounts → link dialog works at both sizes (focus kept in the drawer and the dialog,
// Escape closes them, focus goes back to the button that opened them).
//
//   npm run build && node --test e2e/responsive.test.mjs      (from web/; SANGAM_BIN overrides ../build/sangam)
//
// With SANGAM_UPDATE_SCREENSHOTS=1 it refreshes the phone pictures of the README (docs/screenshots/phone-*.png).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Harness, VIEWPORTS, checkPage, routePattern, settle, sidewaysOverflow, sleep } from './harness.mjs';

const h = new Harness();
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  await h.start({
    name: 'e2e-responsive',
    command: 'demo',
    // The numbers stay unlinked (no simulated scans at start), so the keyboard walk has Link buttons.
    env: { SANGAM_CONNECTOR: 'auto', SANGAM_SIM_SPEED: process.env.E2E_SIM_SPEED ?? '20', SANGAM_SIM_SEED: '7', SANGAM_DEMO_AUTOLINK: '0' },
  });
  page = h.page;
});

after(async () => {
  await h.stop();
});

/** What has keyboard focus: its test id, accessible-ish name and whether it is inside `within`. */
function focused(within) {
  return page.evaluate((sel) => {
    const el = document.activeElement;
    if (!el || el === document.body) return { testid: null, name: '', inside: false, tag: 'body' };
    return {
      testid: el.getAttribute('data-testid'),
      name: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 60),
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type'),
      inside: sel ? !!el.closest(sel) : false,
    };
  }, within ?? null);
}

/** Presses Tab until `pred(focused())` holds; fails after `max` presses. */
async function tabTo(pred, what, { max = 60, within } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(within);
    if (pred(f)) return f;
  }
  throw new Error(`Tab never reached ${what} (last: ${JSON.stringify(await focused(within))})`);
}

/** Tab goes round inside `sel` (more presses than it has controls) and never leaves it. */
async function assertFocusStaysIn(sel, presses = 25) {
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press(i % 5 === 4 ? 'Shift+Tab' : 'Tab');
    const f = await focused(sel);
    assert.ok(f.inside, `focus left ${sel} after ${i + 1} presses: ${JSON.stringify(f)}`);
  }
}

const navOpen = () => page.locator('.app.nav-open').count().then((n) => n > 0);

async function login() {
  await page.goto(h.baseUrl + '/');
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
}

async function api(method, url, body) {
  return page.evaluate(
    async ([m, u, b]) => {
      const res = await fetch(`/api/v1${u}`, {
        method: m,
        headers: b === undefined ? {} : { 'Content-Type': 'application/json' },
        body: b === undefined ? undefined : JSON.stringify(b),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    [method, url, body],
  );
}

for (const size of /** @type {const} */ (['phone', 'desktop'])) {
  test(`keyboard only at ${size}: login → project → accounts → link dialog`, async (t) => {
    const phone = size === 'phone';
    await page.setViewportSize(VIEWPORTS[size]);
    await page.context().clearCookies();

    await t.test('sign in from the keyboard', async () => {
      await login();
      await tabTo((f) => f.type === 'email', 'the email field');
      await page.keyboard.type(ADMIN_EMAIL);
      await tabTo((f) => f.type === 'password', 'the password field');
      await page.keyboard.type(ADMIN_PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForURL(/\/projects\/\d+$/);
    });

    const projects = (await api('GET', '/projects')).body.items;
    assert.ok(projects.length >= 2, 'the demo has several projects');
    const here = Number(/\/projects\/(\d+)/.exec(page.url())?.[1]);
    const other = projects.find((p) => p.id !== here);

    /** On a phone the navigation is behind the menu button: open it from the keyboard. */
    const openNav = async () => {
      if (!phone) return;
      await page.locator('body').focus().catch(() => {});
      const f = await focused();
      if (f.testid !== 'nav-toggle') await tabTo((x) => x.testid === 'nav-toggle', 'the menu button');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('.app.nav-open') && document.activeElement?.closest('#app-sidebar'));
    };

    await t.test('switch project with the project switcher', async () => {
      await openNav();
      await tabTo((f) => f.testid === 'project-switcher', 'the project switcher', { within: phone ? '#app-sidebar' : undefined });
      await page.keyboard.press('Enter');
      await page.getByTestId('project-switcher-menu').waitFor();
      await tabTo((f) => f.name.includes(other.name), `the option ${other.name}`);
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/projects/${other.id}$`));
      await page.getByRole('heading', { name: other.name, level: 1 }).waitFor();
      if (phone) {
        assert.equal(await navOpen(), false, 'the drawer closes after choosing');
        assert.equal((await focused()).testid, 'nav-toggle', 'focus returns to the menu button');
      }
    });

    await t.test('open Accounts from the navigation', async () => {
      await openNav();
      await tabTo((f) => f.testid === 'nav-accounts', 'Accounts in the navigation');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'WhatsApp accounts' }).waitFor();
      await page.locator('[data-testid="accounts-table"] tbody tr').first().waitFor();
    });

    await t.test('open the link dialog; focus stays inside; Escape closes it and focus returns', async () => {
      const opener = await tabTo((f) => f.testid === 'link-account', 'a Link button');
      const phoneOf = await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-phone'));
      await page.keyboard.press('Enter');
      const dialog = page.getByTestId('link-dialog');
      await dialog.waitFor();
      await page.waitForFunction(() => !!document.activeElement?.closest('[role="dialog"]'));
      await dialog.getByTestId('qr-code').waitFor({ timeout: 20_000 });
      await assertFocusStaysIn('[data-testid="link-dialog"]');
      // The dialog fits the screen.
      const box = await dialog.boundingBox();
      const vp = page.viewportSize();
      assert.ok(box && vp && box.x >= 0 && box.x + box.width <= vp.width, `the dialog fits the window: ${JSON.stringify(box)}`);
      await h.checkHere(`link dialog (${size})`);
      if (phone) await h.shot('40-phone-link-dialog', { readme: 'phone-link-dialog.png' });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      const back = await focused();
      const backPhone = await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-phone'));
      assert.ok(back.testid === opener.testid && backPhone === phoneOf, `focus returns to the Link button of ${phoneOf}: ${JSON.stringify(back)}`);
    });
  });
}

test('every page at phone and desktop size: navigation, no sideways scroll, axe', async (t) => {
  await page.setViewportSize(VIEWPORTS.desktop);
  const projects = (await api('GET', '/projects')).body.items;
  const p = projects.find((x) => x.role === 'owner') ?? projects[0];
  const base = `/projects/${p.id}`;
  const pages = [
    { path: base, heading: p.name, shot: 'overview' },
    { path: `${base}/accounts`, heading: 'WhatsApp accounts', ready: '[data-testid="accounts-table"] tbody tr', shot: 'accounts' },
    { path: `${base}/alerts`, heading: 'Alerts' },
    { path: `${base}/settings`, heading: 'Project settings' },
    { path: `${base}/members`, heading: 'Members', ready: '[data-testid="members-table"]' },
    { path: `${base}/audit`, heading: 'Audit log', ready: '[data-testid="audit-table"]' },
    { path: `${base}/contacts`, heading: 'Contacts' },
    { path: `${base}/groups`, heading: 'Groups' },
    { path: `${base}/campaigns`, heading: 'Campaigns' },
    { path: `${base}/analytics`, heading: 'Analytics' },
    { path: `${base}/inbox`, heading: 'Inbox' },
    { path: `${base}/templates`, heading: 'Templates' },
    { path: `${base}/calendar`, heading: 'Calendar', ready: '[data-testid="calendar-grid"]' },
    { path: '/users', heading: 'Users', ready: '[data-testid="users-table"]' },
    { path: '/connectors', heading: 'Connectors' },
    { path: '/tokens', heading: 'API tokens' },
    { path: '/projects/new', heading: 'New project' },
    { path: '/no/such/page', heading: null, text: 'Page not found' },
  ];

  for (const size of /** @type {const} */ (['phone', 'desktop'])) {
    await page.setViewportSize(VIEWPORTS[size]);
    for (const pg of pages) {
      await t.test(`${pg.path} at ${size}`, async () => {
        await page.goto(h.baseUrl + pg.path);
        if (pg.heading) await page.getByRole('heading', { name: pg.heading, level: 1 }).first().waitFor();
        else await page.getByText(pg.text).waitFor();
        if (pg.ready) await page.locator(pg.ready).first().waitFor();
        await settle(page);

        const toggle = page.getByTestId('nav-toggle');
        const sidebar = page.getByTestId('sidebar');
        if (size === 'phone') {
          assert.equal(await sidebar.isVisible(), false, 'the sidebar is folded away on a phone');
          await page.getByTestId('topbar-alerts').waitFor();
          await toggle.click();
          await page.locator('.app.nav-open').waitFor();
          assert.ok(await sidebar.isVisible(), 'the drawer opens');
          assert.ok((await focused('#app-sidebar')).inside, 'focus moves into the drawer');
          await page.getByTestId('project-switcher').waitFor();
          await assertFocusStaysIn('#app-sidebar', 12);
          if (pg.shot === 'overview') await h.shot('41-phone-nav', { readme: 'phone-nav.png' });
          await page.keyboard.press('Escape');
          await page.locator('.app.nav-open').waitFor({ state: 'detached' });
          assert.equal((await focused()).testid, 'nav-toggle', 'Escape closes the drawer and focus returns to the menu button');
          // A tap beside the drawer closes it too.
          await toggle.click();
          await page.locator('.nav-backdrop').click({ position: { x: 370, y: 400 } });
          await page.locator('.app.nav-open').waitFor({ state: 'detached' });
        } else {
          assert.equal(await toggle.isVisible(), false, 'no menu button on a wide screen');
          assert.ok(await sidebar.isVisible(), 'the sidebar is always shown');
          assert.ok(await page.getByTestId('nav-tokens').isVisible());
        }

        const { problems } = await checkPage(page, `${pg.path} at ${size}`);
        assert.deepEqual(problems, [], problems.join('\n'));
        h.checked.add(`${routePattern(page.url())}@${size}`);
        if (pg.shot && size === 'phone') {
          await page.evaluate(() => window.scrollTo(0, 0));
          await sleep(200);
          await h.shot(`42-phone-${pg.shot}`, { readme: `phone-${pg.shot}.png` });
        }
      });
    }
  }
});

test('a long list is virtualised: 400 numbers, a few dozen rows in the page, every one reachable by scrolling', async () => {
  await page.setViewportSize(VIEWPORTS.desktop);
  await page.context().clearCookies();
  await h.login();
  await page.waitForURL(/\/projects\/\d+$/);
  const created = await api('POST', '/projects', { name: 'Many numbers', slug: 'many-numbers', time_zone: 'Asia/Kolkata' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  const n = 400;
  const status = await page.evaluate(
    async ([pid, count]) => {
      const codes = [];
      for (let i = 0; i < count; i += 20) {
        const batch = [];
        for (let j = i; j < Math.min(count, i + 20); j++) {
          const phone = `+9197${String(10000000 + j).padStart(8, '0')}`;
          batch.push(
            fetch(`/api/v1/projects/${pid}/accounts`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ phone, engine: 'sim', label: `Number ${j + 1}` }),
            }).then((r) => r.status),
          );
        }
        codes.push(...(await Promise.all(batch)));
      }
      return codes;
    },
    [id, n],
  );
  assert.ok(status.every((s) => s === 201), `all ${n} numbers created: ${[...new Set(status)]}`);

  for (const size of /** @type {const} */ (['desktop', 'phone'])) {
    await page.setViewportSize(VIEWPORTS[size]);
    await page.goto(`${h.baseUrl}/projects/${id}/accounts`);
    const table = page.getByTestId('accounts-table');
    await table.locator('tbody tr[data-phone]').first().waitFor();
    assert.equal(await table.getAttribute('aria-rowcount'), String(n + 1), 'the table tells its full size');
    const inDom = await table.locator('tbody tr[data-phone]').count();
    assert.ok(inDom > 5 && inDom < 80, `${size}: ${inDom} of ${n} rows in the DOM`);
    // The last number (sorted by status, then phone) comes into the DOM at the bottom of the page.
    const last = `+9197${String(10000000 + n - 1).padStart(8, '0')}`;
    assert.equal(await table.locator(`tr[data-phone="${last}"]`).count(), 0);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await table.locator(`tr[data-phone="${last}"]`).waitFor({ timeout: 5000 });
    assert.ok((await table.locator('tbody tr[data-phone]').count()) < 80, 'still only a window of rows after scrolling');
    assert.ok((await sidewaysOverflow(page)) <= 0, 'no sideways scroll');
  }
});
