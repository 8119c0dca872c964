// First load of the dashboard on the loopback (issue 11 item 5), run by `make bench` (BENCH_ONLY=web for
// this section alone): starts `sangam demo` (three example projects, five simulated numbers) on a free
// port with a fresh data directory, then with Debian's Chromium measures
//   - the JavaScript the first page needs, raw and gzip -9 (what a gzip-serving proxy sends): the login
//     page signed out, and a project's overview signed in (the page a returning user lands on);
//   - time to interactive of that overview, from navigation start to the first frame after the
//     project's heading and its data are on screen (React has committed; its handlers are attached),
//     with a cold cache (new browser context per run) and a warm one (same context, reload).
// BENCH_WEB_CONTACTS=N (make bench: 1,000,000) first imports N generated contacts into the first project
// through the CSV import API (the path a team uses), then also times the Contacts page, so the figures are
// for the large data set the issue names, not only the demo's few hundred contacts.
// Prints markdown rows for docs/performance.md. Needs web/dist (npm run build) and build/sangam.
// The demo's connector is the one `sangam demo` spawns (connector/dist).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '..');
const bin = path.resolve(process.env.SANGAM_BIN ?? path.join(webDir, '..', 'build', 'sangam'));
const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 9);
const CONTACTS = Number(process.env.BENCH_WEB_CONTACTS ?? 0);
// SANGAM_WEB_DIR: another build of the dashboard (e.g. the previous commit's dist/, for a before/after).
const distDir = path.resolve(process.env.SANGAM_WEB_DIR ?? path.join(webDir, 'dist'));
const EMAIL = 'bench@example.com';
const PASSWORD = 'bench-password-1';

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'sangam-webbench-'));
const server = spawn(bin, ['demo'], {
  env: {
    ...process.env,
    SANGAM_LISTEN: `127.0.0.1:${port}`,
    SANGAM_DATA_DIR: dataDir,
    SANGAM_ADMIN_EMAIL: EMAIL,
    SANGAM_ADMIN_PASSWORD: PASSWORD,
    SANGAM_WEB_DIR: distDir,
    SANGAM_LOG_LEVEL: 'warn',
  },
  stdio: 'ignore',
});
let browser;
try {
  for (let i = 0; ; i++) {
    if (i > 150) throw new Error('sangam demo did not answer /healthz within 30 s');
    if (server.exitCode !== null) throw new Error(`sangam demo exited with ${server.exitCode}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

  const signIn = async (ctx) => {
    const r = await ctx.request.post(`${base}/api/v1/auth/login`, { data: { email: EMAIL, password: PASSWORD }, headers: { Origin: base } });
    if (r.status() !== 200) throw new Error(`login answered ${r.status()}`);
    const projects = await (await ctx.request.get(`${base}/api/v1/projects`)).json();
    return projects.items[0];
  };

  /** Imports CONTACTS generated contacts (distinct Indian mobiles) into the project and waits for the job. */
  const importContacts = async (state, projectId) => {
    const c = await browser.newContext({ storageState: state });
    const started = Date.now();
    const lines = ['phone,name,city'];
    const cities = ['Namakkal', 'Erode', 'Salem', 'Coimbatore', 'Madurai', 'Tiruppur'];
    for (let i = 0; i < CONTACTS; i++) lines.push(`+91 9${String(100000000 + i).slice(1).padStart(9, '0')},Bench contact ${i},${cities[i % cities.length]}`);
    const r = await c.request.post(`${base}/api/v1/projects/${projectId}/contacts/import`, {
      headers: { Origin: base, 'Content-Type': 'text/csv' },
      data: Buffer.from(lines.join('\n') + '\n'),
      timeout: 600_000,
    });
    if (r.status() !== 202) throw new Error(`contacts import answered ${r.status()}: ${await r.text()}`);
    const job = await r.json();
    for (;;) {
      const j = await (await c.request.get(`${base}/api/v1/projects/${projectId}/jobs/${job.id}`)).json();
      if (j.status === 'failed') throw new Error(`contacts import failed: ${JSON.stringify(j).slice(0, 400)}`);
      if (j.status === 'done' || j.status === 'completed' || j.status === 'succeeded') break;
      await new Promise((res) => setTimeout(res, 1000));
    }
    console.log(`Imported ${CONTACTS.toLocaleString('en')} contacts through the CSV import API in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await c.close();
  };

  /** The scripts a page loads before it is ready: [{ file, raw, gzip }]. */
  const scriptsOf = async (ctx, url, ready) => {
    const page = await ctx.newPage();
    const seen = [];
    page.on('response', (res) => {
      if (res.request().resourceType() === 'script') seen.push(res);
    });
    await page.goto(url);
    await ready(page);
    await page.waitForLoadState('networkidle');
    const out = [];
    for (const res of seen) {
      const body = await res.body();
      out.push({ file: new URL(res.url()).pathname, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
    }
    await page.close();
    return out;
  };
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const sum = (l, k) => l.reduce((a, x) => a + x[k], 0);

  const anon = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const loginJs = await scriptsOf(anon, `${base}/`, (p) => p.getByRole('button', { name: 'Sign in' }).waitFor());
  await anon.close();

  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const project = await signIn(ctx);
  const overviewUrl = `${base}/projects/${project.id}`;
  const overviewReady = (p) => p.getByRole('heading', { name: project.name, level: 1 }).waitFor();
  const overviewJs = await scriptsOf(ctx, overviewUrl, overviewReady);
  const storage = await ctx.storageState();
  await ctx.close();

  if (CONTACTS > 0) await importContacts(storage, project.id);

  // Marks the first frame after the page's heading shows `name` and, when given, `selector` matches
  // (set before any script runs).
  const readyProbe = ([name, selector]) => {
    const check = () => {
      const h = document.querySelector('main h1');
      if (h && h.textContent?.includes(name) && !document.querySelector('main .page-loading') && (!selector || document.querySelector(selector))) {
        obs.disconnect();
        requestAnimationFrame(() => setTimeout(() => (window.__ready = performance.now()), 0));
      }
    };
    const obs = new MutationObserver(check);
    document.addEventListener('DOMContentLoaded', () => obs.observe(document.body, { childList: true, subtree: true, characterData: true }));
  };
  const timeLoad = async (page, url) => {
    await page.goto(url);
    await page.waitForFunction(() => typeof window.__ready === 'number', null, { timeout: 10_000 });
    return page.evaluate(() => window.__ready);
  };
  /** Cold (a new context per run) and warm (reloads in one context) times to interactive of a page. */
  const timePage = async (url, probeArgs) => {
    const cold = [];
    for (let i = 0; i < RUNS; i++) {
      const c = await browser.newContext({ viewport: { width: 1440, height: 900 }, storageState: storage });
      await c.addInitScript(readyProbe, probeArgs);
      cold.push(await timeLoad(await c.newPage(), url));
      await c.close();
    }
    const warmCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, storageState: storage });
    await warmCtx.addInitScript(readyProbe, probeArgs);
    const warmPage = await warmCtx.newPage();
    await timeLoad(warmPage, url);
    const warm = [];
    for (let i = 0; i < RUNS; i++) warm.push(await timeLoad(warmPage, url));
    await warmCtx.close();
    return { cold, warm };
  };
  const { cold, warm } = await timePage(overviewUrl, [project.name, null]);
  // The Contacts page is ready when its first row is on screen (the list's first page and its total).
  const contactsTimes = CONTACTS > 0 ? await timePage(`${overviewUrl}/contacts`, ['Contacts', 'main tbody tr:not(.dt-spacer)']) : null;

  const stats = (l) => {
    const s = [...l].sort((a, b) => a - b);
    return `median ${s[Math.floor(s.length / 2)].toFixed(0)} ms, min ${s[0].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`;
  };
  console.log(`Dashboard first load (sangam demo on the loopback, Chromium headless, ${RUNS} runs each)`);
  console.log('| page | scripts | JS raw | JS gzip -9 |');
  console.log('|---|---|---|---|');
  console.log(`| login (signed out) | ${loginJs.length} | ${kb(sum(loginJs, 'raw'))} | ${kb(sum(loginJs, 'gzip'))} |`);
  console.log(`| project overview (signed in) | ${overviewJs.length} | ${kb(sum(overviewJs, 'raw'))} | ${kb(sum(overviewJs, 'gzip'))} |`);
  for (const f of overviewJs) console.log(`  ${f.file}: ${kb(f.raw)} raw, ${kb(f.gzip)} gzip`);
  const dataSet = CONTACTS > 0 ? ` with ${CONTACTS.toLocaleString('en')} contacts in the project` : '';
  console.log(`Overview to interactive${dataSet}, cold cache: ${stats(cold)}`);
  console.log(`Overview to interactive${dataSet}, warm cache (reload): ${stats(warm)}`);
  if (contactsTimes) {
    console.log(`Contacts page to interactive${dataSet}, cold cache: ${stats(contactsTimes.cold)}`);
    console.log(`Contacts page to interactive${dataSet}, warm cache (reload): ${stats(contactsTimes.warm)}`);
  }
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  rmSync(dataDir, { recursive: true, force: true });
}
