// Starts and stops a real `sangam serve` process for the API tests.
//
// Every server gets a fresh data directory and, for the PostgreSQL backend, a fresh database
// (CREATE DATABASE on the server named by SANGAM_TEST_DATABASE_URL). Nothing is shared between
// servers, so test files can run in parallel.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..', '..');
export const SANGAM_BIN = process.env.SANGAM_BIN || path.join(REPO_ROOT, 'build', 'sangam');

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'admin-password-0123';
export const BACKENDS = ['sqlite', 'postgres'];

const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_TAIL_BYTES = 64 * 1024;

// Servers still running when the test process exits (e.g. an uncaught error) are killed here.
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Replaces the database name (URL path) of a libpq connection URL, keeping user, host and query. */
export function withDatabase(url, dbName) {
  const m = /^(postgres(?:ql)?:\/\/[^/?#]*)(\/[^?#]*)?(.*)$/.exec(url);
  if (!m) throw new Error(`SANGAM_TEST_DATABASE_URL is not a postgresql:// URL: ${url}`);
  return `${m[1]}/${dbName}${m[3]}`;
}

async function psql(url, sql) {
  try {
    await execFileP('psql', [url, '-v', 'ON_ERROR_STOP=1', '-X', '-q', '-c', sql], { timeout: 30_000 });
  } catch (err) {
    throw new Error(`psql failed (${sql}): ${err.stderr || err.message}`);
  }
}

async function createPgDatabase() {
  const base = process.env.SANGAM_TEST_DATABASE_URL;
  if (!base) {
    throw new Error(
      'PostgreSQL variant: SANGAM_TEST_DATABASE_URL is not set. Run the API tests through ' +
      '`scripts/with-postgres.sh node --test tests/api/` (or `bash tests/api/run.sh`), which starts a ' +
      'throwaway PostgreSQL cluster and sets the variable, or set it to a server URL such as ' +
      'postgresql://postgres@/postgres?host=/tmp/sangam-pg.X');
  }
  const name = `t_${randomBytes(6).toString('hex')}`;
  await psql(base, `CREATE DATABASE ${name}`);
  return { name, base, url: withDatabase(base, name) };
}

async function dropPgDatabase(db) {
  try {
    await psql(db.base, `DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
  } catch { /* best effort: the throwaway cluster is removed anyway */ }
}

function tail(buf) {
  return buf.length > LOG_TAIL_BYTES ? buf.slice(-LOG_TAIL_BYTES) : buf;
}

function spawnSangam(env, cwd) {
  const child = spawn(SANGAM_BIN, ['serve'], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  return child;
}

/** `ss` lines for sockets on a local port, with their processes (diagnostics for "address in use"). */
async function portHolders(port) {
  try {
    const { stdout } = await execFileP('ss', ['-tanp'], { timeout: 5000 });
    return stdout.split('\n').filter((l) => l.includes(`:${port} `)).join('\n') || '(no socket)';
  } catch (err) {
    return `(ss failed: ${err.message})`;
  }
}

export class Server {
  constructor({ backend, port, child, dataDir, db, env }) {
    Object.assign(this, { backend, port, dataDir, db, env });
    this.base = `http://127.0.0.1:${port}`;
    this.origin = this.base;
    this.wsBase = `ws://127.0.0.1:${port}`;
    this.stdout = '';
    this.stderr = '';
    this.stopping = false;
    this.restarts = 0;
    this.attach(child);
  }

  /** Follows a (new) sangam process: its output is appended to the logs, its exit recorded. */
  attach(child) {
    this.child = child;
    this.exited = null; // {code, signal} once the process has exited
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { this.stdout = tail(this.stdout + d); });
    child.stderr.on('data', (d) => { this.stderr = tail(this.stderr + d); });
    this.exitPromise = new Promise((resolve) => {
      const done = (code, signal) => {
        if (this.child === child && !this.exited) this.exited = { code, signal };
        live.delete(child);
        resolve({ code, signal });
      };
      child.on('exit', done);
      // a failed spawn (e.g. the binary being rebuilt: ETXTBSY) may emit no 'exit'
      child.on('error', (err) => { this.stderr += `\nspawn error: ${err.message}`; if (child.pid === undefined) done(null, null); });
    });
  }

  /**
   * kill -9 of the sangam process (nothing of it runs: no clean stop of its connector); resolves
   * with {code, signal} once it exited. restart() may follow; stop() does not count it as a crash.
   */
  async kill9() {
    if (!this.exited) {
      this.child.kill('SIGKILL');
      await this.exitPromise;
    }
    this.killedOnPurpose = this.exited;
    return this.exited;
  }

  /** SIGTERM (then SIGKILL after STOP_TIMEOUT_MS); resolves with {code, signal}. */
  async terminate() {
    if (!this.exited) {
      this.child.kill('SIGTERM');
      const t = setTimeout(() => { if (!this.exited) this.child.kill('SIGKILL'); }, STOP_TIMEOUT_MS);
      await this.exitPromise;
      clearTimeout(t);
    }
    return this.exited;
  }

  /**
   * Stops the sangam process and starts a new one with the same environment: same port, same data
   * directory and (PostgreSQL) same database, so cookies, tokens and stored objects survive and
   * every Client bound to this Server keeps working. Throws if the old process had crashed (kill9()
   * is no crash), or if the new one does not become healthy. Resolves with the old process's exit {code, signal}.
   */
  async restart() {
    if (this.exited && this.exited !== this.killedOnPurpose) {
      throw new Error(`sangam had exited before restart() (code ${this.exited.code}, signal ${this.exited.signal})\n${this.logs()}`);
    }
    const oldChild = this.child;
    const old = await this.terminate();
    // (its connector may still log its shutdown for a while; then the pipes must not hold us)
    setTimeout(() => { oldChild.stdout.destroy(); oldChild.stderr.destroy(); }, 15_000).unref();
    this.restarts += 1;
    this.stdout += `\n--- restart ${this.restarts} (old process exited: code ${old.code}, signal ${old.signal}) ---\n`;
    this.stderr += `\n--- restart ${this.restarts} ---\n`;
    // The port was just released; a TIME_WAIT socket does not matter (SO_REUSEADDR), but retry a
    // bind failure briefly all the same.
    let lastErr;
    for (let attempt = 0; attempt < 5; attempt++) {
      this.attach(spawnSangam(this.env, this.dataDir));
      try {
        await this.waitHealthy();
        return old;
      } catch (err) {
        lastErr = err;
        await this.terminate();
        if (!/address (already )?in use|EADDRINUSE|bind/i.test(this.stderr)) break;
        lastErr = new Error(`${err.message}\n--- who holds port ${this.port} ---\n${await portHolders(this.port)}`);
        await sleep(300);
      }
    }
    throw lastErr;
  }

  logs() {
    return `--- sangam stderr (${this.backend}) ---\n${this.stderr}\n--- sangam stdout ---\n${this.stdout}`;
  }

  async waitHealthy() {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(`sangam exited during startup (code ${this.exited.code}, signal ${this.exited.signal})\n${this.logs()}`);
      }
      try {
        const res = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) { await res.arrayBuffer(); return; }
        last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
      } catch (err) {
        last = err.cause?.code || err.message;
      }
      await sleep(50);
    }
    throw new Error(`sangam did not answer GET /healthz with 200 within ${STARTUP_TIMEOUT_MS} ms (last: ${last})\n${this.logs()}`);
  }

  /** Stops the server (SIGTERM, then SIGKILL) and removes its data. Throws if it had crashed before. */
  async stop() {
    if (this.stopping) return;
    this.stopping = true;
    const crashed = this.exited !== this.killedOnPurpose ? this.exited : null;
    await this.terminate();
    // A process sangam started (its connector) inherits these pipes; should it outlive sangam, it
    // must not keep the test process alive.
    this.child.stdout.destroy();
    this.child.stderr.destroy();
    await rm(this.dataDir, { recursive: true, force: true });
    if (this.db) await dropPgDatabase(this.db);
    if (crashed) {
      throw new Error(`sangam exited while the tests were running (code ${crashed.code}, signal ${crashed.signal})\n${this.logs()}`);
    }
  }
}

/**
 * Starts `sangam serve` on a free port with a fresh data dir (and a fresh PostgreSQL database for
 * backend 'postgres') and waits until GET /healthz answers 200.
 */
export async function startServer({ backend = 'sqlite', env: extraEnv = {} } = {}) {
  if (!existsSync(SANGAM_BIN)) {
    throw new Error(`sangam binary not found at ${SANGAM_BIN} (build it first, or set SANGAM_BIN)`);
  }
  const db = backend === 'postgres' ? await createPgDatabase() : null;
  let lastErr;
  // A port found free can be taken by another process before sangam binds it: retry with a new one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'sangam-api-'));
    const port = await freePort();
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith('SANGAM_')) env[k] = v; // nothing from the caller's sangam config leaks in
    }
    Object.assign(env, {
      SANGAM_LISTEN: `127.0.0.1:${port}`,
      SANGAM_DATA_DIR: dataDir,
      SANGAM_ADMIN_EMAIL: ADMIN_EMAIL,
      SANGAM_ADMIN_PASSWORD: ADMIN_PASSWORD,
    }, db ? { SANGAM_DATABASE_URL: db.url } : {}, extraEnv);
    const child = spawnSangam(env, dataDir);
    const server = new Server({ backend, port, child, dataDir, db: null, env });
    try {
      await server.waitHealthy();
      server.db = db;
      return server;
    } catch (err) {
      lastErr = err;
      await server.stop().catch(() => {});
      if (!/address (already )?in use|EADDRINUSE|bind/i.test(server.stderr)) break;
    }
  }
  if (db) await dropPgDatabase(db);
  throw lastErr;
}
