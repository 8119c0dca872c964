// Issue 6, item 5: one secret key per database. Every node sharing a database must seal and open the
// session archives with the same key; a node with another key (or a generated one, SANGAM_SECRET_KEY
// unset) refuses to start with one line naming SANGAM_SECRET_KEY, instead of failing over later into
// "session corrupt" for every account.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeBackends } from './lib/harness.mjs';
import { SANGAM_BIN } from './lib/server.mjs';
import { poll } from './lib/accounts.mjs';

const KEY_A = 'a1'.repeat(32);
const KEY_B = 'b2'.repeat(32);

/** Runs `sangam serve` with env; resolves its output so far and, once it exited, its exit. */
function launch(env) {
  const child = spawn(SANGAM_BIN, ['serve'], { env, cwd: env.SANGAM_DATA_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  const p = { child, stdout: '', stderr: '', exit: null };
  child.stdout.on('data', (d) => { p.stdout += d; });
  child.stderr.on('data', (d) => { p.stderr += d; });
  p.exited = new Promise((resolve) => child.on('exit', (code, signal) => { p.exit = { code, signal }; resolve(p.exit); }));
  return p;
}

/** Waits until p exits (→ its exit) or says it is running (→ null). */
async function outcome(p) {
  await poll(() => p.exit || /is running at/.test(p.stdout), Boolean, { timeout: 20_000, interval: 50, what: `sangam to start or exit (stderr: ${p.stderr})` });
  return p.exit;
}

async function stop(p) {
  if (!p.exit) { p.child.kill('SIGTERM'); await p.exited; }
}

/** The one line a refused node prints: exit code 2, naming SANGAM_SECRET_KEY and what to set. */
function assertRefused(p, exit) {
  assert.ok(exit, `the node with another key started instead of refusing:\n${p.stdout}`);
  assert.equal(exit.code, 2, `exit ${JSON.stringify(exit)}; stderr: ${p.stderr}`);
  const lines = p.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${p.stderr}`);
  assert.match(lines[0], /^sangam: secret key mismatch: /);
  assert.match(lines[0], /Set SANGAM_SECRET_KEY to the key of the node that first used the database/);
  assert.ok(!lines[0].includes(KEY_A) && !lines[0].includes(KEY_B), 'no key in the message');
}

describeBackends('secret key', (ctx) => {
  const dirs = [];
  after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });
  const freshDir = async () => { const d = await mkdtemp(path.join(tmpdir(), 'sangam-key-')); dirs.push(d); return d; };
  // Another node on the same database: PostgreSQL: a second process beside the first, with its own
  // data dir. SQLite: the database is a file in the data dir, so "another node" is a later start on it.
  const nodeEnv = async (extra) => {
    const env = { ...ctx.server.env, SANGAM_LISTEN: '127.0.0.1:0', SANGAM_CONNECTOR: 'off', ...extra };
    if (ctx.backend === 'postgres') env.SANGAM_DATA_DIR = await freshDir();
    return env;
  };
  const sqliteDir = async () => {
    // the block's server holds its data dir; the SQLite cases use a database of their own, created with KEY_A
    const dir = await freshDir();
    const first = launch({ ...ctx.server.env, SANGAM_DATA_DIR: dir, SANGAM_LISTEN: '127.0.0.1:0', SANGAM_CONNECTOR: 'off', SANGAM_SECRET_KEY: KEY_A });
    assert.equal(await outcome(first), null, `the first node starts: ${first.stderr}`);
    await stop(first);
    return dir;
  };
  const other = async (extra) => {
    const env = await nodeEnv(extra);
    if (ctx.backend === 'sqlite') env.SANGAM_DATA_DIR = await sqliteDir();
    return env;
  };

  test('a node with another SANGAM_SECRET_KEY refuses to start, with one line saying what to set', { timeout: 60_000 }, async () => {
    const p = launch(await other({ SANGAM_SECRET_KEY: KEY_B }));
    try {
      assertRefused(p, await outcome(p));
      assert.match(p.stderr, /\(SANGAM_SECRET_KEY\)/, 'names where this node\'s key came from');
    } finally { await stop(p); }
    assert.equal((await fetch(`${ctx.server.base}/healthz`)).status, 200, 'the first node is unaffected');
  });

  test('a node without SANGAM_SECRET_KEY (a generated key) refuses too, naming its secret.key', { timeout: 60_000 }, async () => {
    const env = await other({});
    delete env.SANGAM_SECRET_KEY;
    const p = launch(env);
    try {
      assertRefused(p, await outcome(p));
      assert.match(p.stderr, /secret\.key, generated because SANGAM_SECRET_KEY is unset\)/);
    } finally { await stop(p); }
  });

  test('a node with the same SANGAM_SECRET_KEY starts', { timeout: 60_000 }, async () => {
    const p = launch(await other({ SANGAM_SECRET_KEY: KEY_A }));
    try {
      assert.equal(await outcome(p), null, `started: ${p.stderr}`);
      const url = /is running at (\S+)/.exec(p.stdout)[1];
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
    } finally { await stop(p); }
  });
}, { env: { SANGAM_SECRET_KEY: KEY_A } });
