// Security regressions (issue: unauthenticated file read, HTTP parsing, Origin, log injection, the demo's
// password, phones in logs). Each case is an attack that once worked; see docs/security.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, symlinkSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeBackends } from './lib/harness.mjs';
import { assertError, assertStatus, newProject, uniq } from './lib/client.mjs';
import { REPO_ROOT, SANGAM_BIN } from './lib/server.mjs';
import { ACCOUNT_ENV, createAccount, linkSim, waitAlert, waitConnector } from './lib/accounts.mjs';
import { connectWs } from './lib/ws.mjs';

/** Sends `text` as is on a fresh TCP connection; resolves with everything the server wrote until it
 * closed the connection or `ms` passed. */
function raw(server, text, ms = 2000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1');
    const chunks = [];
    const timer = setTimeout(() => { sock.destroy(); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: false }); }, ms);
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', (err) => { clearTimeout(timer); reject(err); });
    sock.on('close', () => { clearTimeout(timer); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true }); });
    sock.write(Buffer.from(text, 'latin1'));
  });
}

const statusOf = (text) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
const responsesIn = (text) => (text.match(/HTTP\/1\.[01] \d{3} /g) || []).length;

const get = (target, extra = '') => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extra}\r\n`;

// What the attacker must never see.
function leaks(ctx, text) {
  const found = [];
  if (/root:.*:0:0:/.test(text)) found.push('/etc/passwd');
  if (/SANGAM_[A-Z_]+=/.test(text)) found.push('an environment');
  if (text.includes('SQLite format 3')) found.push('the database');
  const key = readFileSync(path.join(ctx.server.dataDir, 'secret.key'), 'latin1').trim();
  if (key && text.includes(key)) found.push('secret.key');
  return found;
}

describeBackends('security: files outside the web directory', (ctx) => {
  test('no spelling of a path outside the web directory is served, without or with a session', async () => {
    const dir = ctx.server.dataDir;
    const targets = [
      '//etc/passwd', '/%2fetc%2fpasswd', '/%2Fetc%2Fpasswd', '//proc/self/environ', '/%2fproc%2fself%2fenviron',
      `/${dir}/secret.key`, `/${dir}/sangam.db`, `//${dir}/secret.key`, `/%2f${dir.slice(1)}/secret.key`,
      '/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/%252e%252e/%252e%252e/etc/passwd',
      '/%252fetc%252fpasswd', '/..%5c..%5c..%5cetc/passwd', '/\\etc\\passwd', '/%5cetc%5cpasswd',
      '/etc/passwd%00.js', '/%00/etc/passwd', '/%c0%af%c0%afetc%c0%afpasswd', '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
      '/assets/../../../../etc/passwd', '/./../etc/passwd', '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'x/etc/passwd', 'etc/passwd', `http://127.0.0.1:${ctx.server.port}//etc/passwd`,
      `http://127.0.0.1:${ctx.server.port}/%2fproc%2fself%2fenviron`,
    ];
    const problems = [];
    for (const target of targets) {
      for (const cookie of ['', `Cookie: ${ctx.admin.cookie}\r\n`]) {
        const res = await raw(ctx.server, get(target, cookie));
        const status = statusOf(res.text);
        const found = leaks(ctx, res.text);
        if (found.length) problems.push(`${target}: leaked ${found.join(', ')}`);
        // The app's index.html (a client-side route) or 404/400 — never another file.
        else if (status === 200 && !res.text.includes('<div id="root">')) problems.push(`${target}: 200 with something other than the app`);
        else if (![200, 400, 404].includes(status)) problems.push(`${target}: status ${status}`);
      }
    }
    assert.deepEqual(problems, []);
    // The forms named in the report are 404, not the app.
    for (const target of ['//etc/passwd', '/%2fetc%2fpasswd', '//proc/self/environ', `/${dir}/secret.key`, 'x/etc/passwd']) {
      const s = statusOf((await raw(ctx.server, get(target))).text);
      assert.ok(s === 404 || s === 400, `${target}: ${s}`);
    }
    assertStatus(await ctx.admin.get('/auth/me'), 200, 'the server keeps serving');
  });

  test('the dashboard itself is still served, assets included', async () => {
    const index = await raw(ctx.server, get('/'));
    assert.equal(statusOf(index.text), 200);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    assert.ok(asset, 'index.html names its script');
    const js = await raw(ctx.server, get(asset));
    assert.equal(statusOf(js.text), 200);
    assert.match(js.text, /content-type: text\/javascript/i);
    assert.match(js.text, /cache-control: public, max-age=31536000, immutable/i);
    assert.equal(statusOf((await raw(ctx.server, get('/projects/3/settings'))).text), 200, 'client-side routes get the app');
    assert.equal(statusOf((await raw(ctx.server, get('/assets/missing-1234.js'))).text), 404);
  });
});

// A web directory with symlinks that point outside it: neither the file nor the directory link is followed.
const webDir = mkdtempSync(path.join(tmpdir(), 'sangam-web-'));
mkdirSync(path.join(webDir, 'assets'));
copyFileSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'), path.join(webDir, 'index.html'));
writeFileSync(path.join(webDir, 'assets', 'ok.txt'), 'inside');
symlinkSync('/etc/passwd', path.join(webDir, 'passwd.txt'));
symlinkSync('/etc', path.join(webDir, 'etc'));
symlinkSync('/etc/passwd', path.join(webDir, 'assets', 'passwd'));
process.on('exit', () => rmSync(webDir, { recursive: true, force: true }));

describeBackends('security: symlinks in the web directory', (ctx) => {
  test('a symlink in the web directory that points outside it is not followed', async () => {
    assert.equal(statusOf((await raw(ctx.server, get('/assets/ok.txt'))).text), 200, 'a plain file inside is served');
    for (const target of ['/passwd.txt', '/etc/passwd', '/etc/hostname', '/assets/passwd', '/etc/']) {
      const res = await raw(ctx.server, get(target));
      assert.deepEqual(leaks(ctx, res.text), [], target);
      const s = statusOf(res.text);
      assert.ok(s === 404 || (s === 200 && res.text.includes('<div id="root">')), `${target}: ${s}`);
    }
  });
}, { env: { SANGAM_WEB_DIR: webDir } });

describeBackends('security: HTTP framing', (ctx) => {
  const smuggle = (te, extra = '') =>
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
    `Transfer-Encoding: ${te}\r\n${extra}\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

  test('Transfer-Encoding other than plain chunked is refused with 400 and the connection closed', async () => {
    for (const [te, extra] of [['chunked, identity', ''], ['identity', ''], ['xchunked', 'Content-Length: 5\r\n'],
      ['chunked', 'Content-Length: 5\r\n'], ['gzip, chunked', ''], ['chunked\r\nTransfer-Encoding: chunked', '']]) {
      const res = await raw(ctx.server, smuggle(te, extra));
      assert.equal(statusOf(res.text), 400, `TE ${te}: ${res.text.slice(0, 200)}`);
      assert.equal(responsesIn(res.text), 1, `TE ${te}: the rest must not be read as a second request`);
      assert.match(res.text, /"code":"bad_request"/);
      assert.ok(res.closed, `TE ${te}: the connection is closed`);
    }
  });

  test('HTTP/1.1 without Host, or with two, is refused; HTTP/1.0 without Host is fine', async () => {
    let res = await raw(ctx.server, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.equal(statusOf(res.text), 400, res.text.slice(0, 200));
    res = await raw(ctx.server, 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n');
    assert.equal(statusOf(res.text), 400, res.text.slice(0, 200));
    res = await raw(ctx.server, 'GET /healthz HTTP/1.0\r\n\r\n');
    assert.equal(statusOf(res.text), 200, res.text.slice(0, 200));
  });

  test('a plain chunked body still works, and so does keep-alive', async () => {
    const body = JSON.stringify({ name: 'Chunked', slug: uniq('chunk').toLowerCase() });
    const req = `POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1:${ctx.server.port}\r\nContent-Type: application/json\r\n` +
      `Cookie: ${ctx.admin.cookie}\r\nOrigin: ${ctx.server.origin}\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` + get('/healthz');
    const res = await raw(ctx.server, req);
    assert.equal(statusOf(res.text), 201, res.text.slice(0, 300));
    assert.equal(responsesIn(res.text), 2);
  });

  test('+ in a path is a plus, not a space', async () => {
    const res = await ctx.admin.get('/projects/1+2');
    assertError(res, 404, 'not_found');
    // The request log shows the path as sent (info lines are flushed every second).
    await new Promise((r) => setTimeout(r, 1500));
    assert.match(ctx.server.stdout, /path=\/api\/v1\/projects\/1\+2 /);
  });
});

describeBackends('security: Origin', (ctx) => {
  test('a cookie change from another scheme on our host and port is refused', async () => {
    const p = await newProject(ctx.admin, { name: 'Origin' });
    const hostPort = `127.0.0.1:${ctx.server.port}`;
    for (const origin of [`https://${hostPort}`, `evil://${hostPort}`, `ws://${hostPort}`, hostPort, `http://${hostPort}/`]) {
      assertError(await ctx.admin.patch(`/projects/${p.id}`, { name: 'Pwned' }, { origin }), 403, 'csrf_failed');
    }
    assert.equal((await ctx.admin.ok('GET', `/projects/${p.id}`)).name, 'Origin', 'nothing changed');
    assertStatus(await ctx.admin.patch(`/projects/${p.id}`, { name: 'Renamed' }), 200, 'our own origin works');
  });
});

describeBackends('security: logs', (ctx) => {
  test('a path cannot write a log line of its own, nor a NUL', async () => {
    await raw(ctx.server, get('/x%0Alevel=error%20event=auth.login_failed%20email=forged%0D%00'));
    await raw(ctx.server, get('/api/v1/nothing%0a2026-01-01T00:00:00.000Z%20level=error%20event=forged'));
    await new Promise((r) => setTimeout(r, 1500)); // the log is flushed every second
    const lines = ctx.server.stdout.split('\n');
    const forged = lines.filter((l) => /^level=error|^2026-01-01T00:00:00.000Z|^\s*level=/.test(l) || /event=forged/.test(l) && !/path=/.test(l));
    assert.deepEqual(forged, [], 'no line starts where the attacker put a newline');
    assert.ok(!ctx.server.stdout.includes('\0'), 'no NUL in the log');
    assert.ok(lines.some((l) => l.includes('event=http.request') && l.includes('\\nlevel=error')), 'the request is logged, escaped');
  });
});

describeBackends('security: phones in alert log lines', (ctx) => {
  ctx.setup(() => waitConnector(ctx.admin));

  test('an alert log line carries a masked phone, the alert itself the whole number', async () => {
    const p = await newProject(ctx.admin, { name: 'Masking', default_region: 'IN' });
    const ws = await connectWs(ctx.server, { cookie: ctx.admin.cookie });
    await ws.subscribe(p.id);
    const { account } = await linkSim(ctx.admin, ws, p.id, await createAccount(ctx.admin, p.id));
    await ctx.admin.ok('POST', `/projects/${p.id}/accounts/${account.id}/sim/disconnect`, { reason: 'UNPAIRED' }, 202);
    const alert = await waitAlert(ctx.admin, p.id, (a) => a.account_id === account.id, { timeout: 15_000 });
    assert.ok(alert.message.includes(account.phone), `the alert keeps the number: ${alert.message}`);
    await new Promise((r) => setTimeout(r, 1200));
    const lines = ctx.server.stdout.split('\n').filter((l) => l.includes('event=alert.raised') && l.includes(`account=${account.id} `));
    assert.ok(lines.length > 0, 'the alert is logged');
    const digits = account.phone.replace(/\D/g, '');
    for (const l of lines) {
      assert.ok(!l.replace(/\D/g, ' ').includes(digits) && !l.includes(account.phone), `full phone in: ${l}`);
      assert.ok(l.includes(`${digits.slice(0, 2)}`) && l.includes(digits.slice(-3)), `masked phone keeps head and tail: ${l}`);
    }
  });
}, { env: ACCOUNT_ENV });

test('the demo prints its admin password on the first start only', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sangam-demo-'));
  try {
    const start = () => new Promise((resolve, reject) => {
      const env = { ...process.env, SANGAM_DATA_DIR: dataDir, SANGAM_LISTEN: '127.0.0.1:0', SANGAM_CONNECTOR: 'off' };
      for (const k of ['SANGAM_DATABASE_URL', 'SANGAM_ADMIN_PASSWORD', 'SANGAM_ADMIN_EMAIL', 'SANGAM_CONFIG']) delete env[k];
      const child = spawn(SANGAM_BIN, ['demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`demo did not start:\n${out}`)); }, 30_000);
      child.stdout.on('data', (d) => {
        out += d;
        if (/Log in as .*\n/.test(out)) { clearTimeout(timer); child.kill('SIGTERM'); }
      });
      child.stderr.on('data', (d) => { out += d; });
      child.on('exit', () => { clearTimeout(timer); resolve(out); });
    });
    const first = await start();
    assert.match(first, /Log in as admin@sangam\.local \/ sangam-demo/);
    const second = await start();
    assert.match(second, /Log in as admin@sangam\.local/);
    assert.ok(!second.includes('sangam-demo'), `the second start must not print the password:\n${second}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
