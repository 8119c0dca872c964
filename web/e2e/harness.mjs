// Shared by the browser tests: start a real `sangam serve` on a free port with a fresh data directory,
// launch Debian's Chromium with playwright-core, take screenshots, and always clean up.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

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

  /** @param {{ env?: Record<string,string>, name?: string }} opts */
  async start({ env = {}, name = 'e2e' } = {}) {
    assert.ok(existsSync(SANGAM_BIN), `sangam binary not found at ${SANGAM_BIN} (set SANGAM_BIN)`);
    assert.ok(existsSync(path.join(webDir, 'dist', 'index.html')), 'web/dist is missing: run `npm run build` first');
    mkdirSync(ARTIFACTS, { recursive: true });
    live.add(this);

    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.dataDir = mkdtempSync(path.join(tmpdir(), `sangam-${name}-`));
    const child = spawn(SANGAM_BIN, ['serve'], {
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
  }

  /**
   * Saves `${name}.png` in the artifacts directory, and docs/screenshots/<readme> when
   * SANGAM_UPDATE_SCREENSHOTS=1 (so that a test run does not change tracked files).
   */
  async shot(name, { readme } = {}) {
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.page.mouse.move(1200, 880); // no hover highlight in the pictures
    await this.page.screenshot({ path: file });
    if (readme && process.env.SANGAM_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(SCREENSHOTS_DIR, { recursive: true });
      await this.page.screenshot({ path: path.join(SCREENSHOTS_DIR, readme) });
    }
    return file;
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
