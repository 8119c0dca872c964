// Shared by the browser tests: start a real `sangam serve` on a free port with a fresh data directory,
// launch Debian's Chromium with playwright-core, take screenshots, and always clean up.
//
// Every page a test visits is also checked, without the test asking: when the harness stops it opens
// each visited route again (one URL per route pattern, ids folded) in a fresh signed-in context, at a
// phone (390 x 844) and a desktop (1440 x 900) size, plus the signed-out login page, and fails the test
// file when axe-core finds a serious or critical violation or the page scrolls sideways. The findings
// are written to $SANGAM_ARTIFACTS_DIR/a11y-report.json. SANGAM_E2E_AUDIT=0 skips it (debugging only).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { writeFileSync } from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const webDir = path.resolve(here, '..');
export const repoDir = path.resolve(webDir, '..');

export const SANGAM_BIN = process.env.SANGAM_BIN ? path.resolve(process.env.SANGAM_BIN) : path.join(repoDir, 'build', 'sangam');
export const ARTIFACTS = process.env.SANGAM_ARTIFACTS_DIR
  ? path.resolve(process.env.SANGAM_ARTIFACTS_DIR)
  : path.join(here, 'artifacts');
export const SCREENSHOTS_DIR = path.join(repoDir, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'e2e-admin-password-42';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The two sizes every page is checked at: a common phone and a laptop. */
export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1440, height: 900 },
};

/** Impacts that fail a test; "minor" and "moderate" findings are reported in the JSON only. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

/** "/projects/12/accounts?x=1" → "/projects/:id/accounts": one check per route, not per id. */
export function routePattern(url) {
  const u = new URL(url);
  return u.pathname.replace(/\/\d+(?=\/|$)/g, '/:id');
}

/**
 * Waits until a dashboard page has settled: no request in flight for 500 ms and no loading spinner.
 * Best effort: a page that keeps polling is checked as it is after the timeout.
 */
export async function settle(page, timeout = 8000) {
  await page.waitForLoadState('networkidle', { timeout }).catch(() => {});
  await page.locator('.page-loading').first().waitFor({ state: 'detached', timeout }).catch(() => {});
  await page.evaluate(() => document.fonts?.ready).catch(() => {});
}

/**
 * axe-core (WCAG 2.1 A/AA rules and best practices) on the page as it is now. Returns the violations
 * whose impact is serious or critical, each as { rule, impact, help, nodes: [selector …] }.
 */
export async function axeViolations(page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return {
    failing: results.violations
      .filter((v) => FAILING_IMPACTS.has(v.impact ?? ''))
      .map((v) => ({ rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })),
    all: results.violations.map((v) => ({ rule: v.id, impact: v.impact, count: v.nodes.length })),
  };
}

/** Horizontal overflow of the page: the page's width beyond the window (0 = nothing scrolls sideways). */
export async function sidewaysOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Both checks on the page as it is; a list of readable failures (empty = clean). */
export async function checkPage(page, where) {
  const problems = [];
  const { failing, all } = await axeViolations(page);
  for (const v of failing) problems.push(`${where}: axe ${v.impact} ${v.rule} (${v.help}) at ${v.nodes.join(' | ')}`);
  const over = await sidewaysOverflow(page);
  if (over > 0) problems.push(`${where}: the page scrolls sideways by ${over} px`);
  return { problems, all };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** Every started harness, so a torn-down runner never leaves a server behind. */
const live = new Set();
process.on('exit', () => {
  for (const h of live) if (h.server && h.server.exitCode === null) h.server.kill('SIGKILL');
});

export class Harness {
  /** @type {import('node:child_process').ChildProcess | null} */
  server = null;
  serverLog = '';
  dataDir = '';
  baseUrl = '';
  /** @type {import('playwright-core').Browser | null} */
  browser = null;
  /** @type {import('playwright-core').Page} */
  page;
  /** Route pattern → first URL visited with it (see routePattern). */
  visited = new Map();
  /** "route@size" (size: phone | desktop) a test already checked itself with checkPage, skipped by the audit. */
  checked = new Set();

  /** @param {{ env?: Record<string,string>, name?: string, command?: 'serve' | 'demo' }} opts */
  name = 'e2e';

  async start({ env = {}, name = 'e2e', command = 'serve' } = {}) {
    this.name = name;
    assert.ok(existsSync(SANGAM_BIN), `sangam binary not found at ${SANGAM_BIN} (set SANGAM_BIN)`);
    assert.ok(existsSync(path.join(webDir, 'dist', 'index.html')), 'web/dist is missing: run `npm run build` first');
    mkdirSync(ARTIFACTS, { recursive: true });
    live.add(this);

    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.dataDir = mkdtempSync(path.join(tmpdir(), `sangam-${name}-`));
    const child = spawn(SANGAM_BIN, [command], {
      env: {
        ...process.env,
        SANGAM_LISTEN: `127.0.0.1:${port}`,
        SANGAM_DATA_DIR: this.dataDir,
        SANGAM_ADMIN_EMAIL: ADMIN_EMAIL,
        SANGAM_ADMIN_PASSWORD: ADMIN_PASSWORD,
        SANGAM_WEB_DIR: path.join(webDir, 'dist'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.server = child;
    const collect = (d) => {
      this.serverLog += d.toString();
      if (this.serverLog.length > 200_000) this.serverLog = this.serverLog.slice(-100_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code, signal) => {
      // Stopped by us in stop()? Then server is already null. Anything else is worth a loud note.
      if (this.server === child) {
        console.error(`[${name}] sangam exited unexpectedly (code ${code}, signal ${signal}); last log lines:\n${this.serverLog.slice(-4000)}`);
      }
    });
    await this.waitForHealth(30_000);

    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    const context = await this.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    this.page = await context.newPage();
    this.page.setDefaultTimeout(10_000);
    // Same-document (history API) navigations count too, so every route the app shows is recorded.
    this.page.on('framenavigated', (frame) => {
      if (frame !== this.page.mainFrame()) return;
      const url = frame.url();
      if (!url.startsWith(this.baseUrl)) return;
      const key = routePattern(url);
      if (!this.visited.has(key)) this.visited.set(key, url);
    });
    this.page.on('pageerror', (e) => console.error('[browser pageerror]', e.message));
    this.page.on('console', (m) => {
      // 4xx answers the test provokes on purpose are logged by Chromium as "Failed to load resource".
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) console.error('[browser console]', m.text());
    });
    return this;
  }

  async waitForHealth(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (this.server?.exitCode !== null) throw new Error(`sangam exited early (code ${this.server?.exitCode}):\n${this.serverLog}`);
      try {
        const res = await fetch(`${this.baseUrl}/healthz`);
        if (res.status === 200) return;
        last = `status ${res.status}`;
      } catch (e) {
        last = String(e?.cause?.code ?? e);
      }
      await sleep(150);
    }
    throw new Error(`sangam did not answer /healthz within ${timeoutMs} ms (${last}):\n${this.serverLog}`);
  }

  async stop() {
    let auditError = null;
    if (this.browser && this.server && process.env.SANGAM_E2E_AUDIT !== '0') {
      try {
        await this.auditVisited();
      } catch (e) {
        auditError = e;
      }
    }
    try {
      await this.browser?.close();
    } finally {
      const child = this.server;
      this.server = null;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(this);
      if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    }
    if (auditError) throw auditError;
  }

  /**
   * Opens every visited route again in fresh contexts at both sizes (signed in through the API as the
   * admin, and the login page signed out) and fails on serious/critical axe findings or sideways scroll.
   */
  async auditVisited() {
    const browser = /** @type {import('playwright-core').Browser} */ (this.browser);
    const problems = [];
    const report = [];
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const anon = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
      try {
        const page = await anon.newPage();
        await page.goto(this.baseUrl + '/');
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        await settle(page);
        const r = await checkPage(page, `login page at ${size}`);
        problems.push(...r.problems);
        report.push({ route: '(signed out) /', size, violations: r.all });
      } finally {
        await anon.close();
      }

      const ctx = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
      try {
        const res = await ctx.request.post(`${this.baseUrl}/api/v1/auth/login`, {
          data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
          headers: { Origin: this.baseUrl },
        });
        assert.equal(res.status(), 200, `audit: signing in through the API answered ${res.status()}`);
        const page = await ctx.newPage();
        page.setDefaultTimeout(10_000);
        for (const [route, url] of this.visited) {
          if (this.checked.has(`${route}@${size}`) || route === '/login') continue;
          await page.goto(url);
          await settle(page);
          const r = await checkPage(page, `${route} at ${size} (${url.slice(this.baseUrl.length)})`);
          problems.push(...r.problems);
          report.push({ route, size, url: url.slice(this.baseUrl.length), violations: r.all });
        }
      } finally {
        await ctx.close();
      }
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, `a11y-report-${this.name}.json`), JSON.stringify(report, null, 2));
    assert.deepEqual(problems, [], `accessibility / layout problems on visited pages:\n${problems.join('\n')}`);
  }

  /**
   * The checks of auditVisited on the test's own page, now, at both sizes (the viewport is put back):
   * for states that a fresh visit would not show (a dialog open).
   */
  async checkHere(label = routePattern(this.page.url())) {
    const page = this.page;
    const before = page.viewportSize();
    const problems = [];
    try {
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(viewport);
        await sleep(150); // media queries and the virtualiser react to the resize
        problems.push(...(await checkPage(page, `${label} at ${size}`)).problems);
      }
    } finally {
      if (before) await page.setViewportSize(before);
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  }

  /**
   * Saves `${name}.png` in the artifacts directory, and docs/screenshots/<readme> when
   * SANGAM_UPDATE_SCREENSHOTS=1 (so that a test run does not change tracked files).
   */
  async shot(name, { readme } = {}) {
    const file = path.join(ARTIFACTS, `${name}.png`);
    const vp = this.page.viewportSize() ?? VIEWPORTS.desktop;
    await this.page.mouse.move(vp.width - 2, vp.height - 2); // no hover highlight in the pictures
    await this.page.screenshot({ path: file });
    if (readme && process.env.SANGAM_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(SCREENSHOTS_DIR, { recursive: true });
      await this.page.screenshot({ path: path.join(SCREENSHOTS_DIR, readme) });
    }
    return file;
  }

  /** An API call from the page, with its session cookie: {status, body}. */
  api(method, url, body) {
    return this.page.evaluate(
      async ([m, u, b]) => {
        const res = await fetch(`/api/v1${u}`, {
          method: m,
          headers: b === undefined ? {} : { 'Content-Type': 'application/json' },
          body: b === undefined ? undefined : JSON.stringify(b),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null };
      },
      [method, url, body],
    );
  }

  /** Calls `get` every 250 ms until `pred` holds; on time-out the error has the last answer and the server's log tail. */
  async waitApi(get, pred, what, timeout = 20_000) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      last = await get();
      if (pred(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 2000)}\n${this.serverLog.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Creates a project and a simulated number in it, links it with a simulated scan and waits until it
   *  is active (the first step of most browser tests): {pid, aid}. */
  async projectWithSimNumber(project, account, timeout = 20_000) {
    const p = await this.api('POST', '/projects', project);
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const pid = p.body.id;
    const a = await this.api('POST', `/projects/${pid}/accounts`, { engine: 'sim', ...account });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const aid = a.body.id;
    await this.waitApi(() => this.api('POST', `/projects/${pid}/accounts/${aid}/link`, {}), (r) => r.status === 202, 'link accepted', timeout);
    await this.waitApi(async () => {
      await this.api('POST', `/projects/${pid}/accounts/${aid}/sim/scan`, {});
      return this.api('GET', `/projects/${pid}/accounts/${aid}`);
    }, (r) => r.body?.status === 'active', 'the number active', timeout);
    return { pid, aid };
  }

  /** Signs in through the login form. */
  async login() {
    const page = this.page;
    await page.goto(this.baseUrl + '/');
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
}
