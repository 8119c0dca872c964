// Bench (issue 6.8), not a test: does the core keep serving while a connector saves and loads
// multi-MB session archives? `sangam serve` (SANGAM_CONNECTOR=off) with a raw bridge socket acting as
// the connector: GET /healthz latency idle, then while session.save and session.load of a 10 MiB
// archive_base64 (7.5 MiB of archive) run back to back. Results on stdout; docs/performance.md.
//   node tests/api/bench-session-io.mjs                  # SQLite, SANGAM_THREADS=1
//   BENCH_THREADS=2 BENCH_ROUNDS=20 node tests/api/bench-session-io.mjs
//   SANGAM_BIN=/path/to/other/sangam node tests/api/bench-session-io.mjs   # another build (before/after)
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startServer } from './lib/server.mjs';
import { login, newProject } from './lib/client.mjs';
import { createAccount, accountPath } from './lib/accounts.mjs';

const THREADS = process.env.BENCH_THREADS || '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS || 20);
const SECRET = randomBytes(24).toString('hex');
const WAIT_MS = 60_000;  // bound on every wait

const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const fmt = (xs) => `p50 ${q(xs, 0.5).toFixed(2)} ms, p99 ${q(xs, 0.99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} requests)`;

function bridge(server) {
  const ws = new WebSocket(`${server.wsBase}/bridge/v1`, { headers: { authorization: `Bearer ${SECRET}` }, maxPayload: 256 << 20 });
  const waiting = [];
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    const i = waiting.findIndex((w) => w.pred(m));
    if (i >= 0) waiting.splice(i, 1)[0].resolve(m);
  });
  const next = (pred, what) => new Promise((resolve, reject) => {
    const w = { pred, resolve };
    waiting.push(w);
    setTimeout(() => { if (waiting.includes(w)) reject(new Error(`no ${what} in ${WAIT_MS} ms`)); }, WAIT_MS).unref();
  });
  let seq = 0;
  return {
    ws, next,
    open: () => new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); }),
    send: (m) => ws.send(JSON.stringify(m)),
    async request(request, account_id, args = {}) {
      const id = `r-${++seq}`;
      const got = next((m) => m.type === 'response' && m.id === id, `response to ${request}`);
      ws.send(JSON.stringify({ type: 'request', id, request, account_id, args }));
      const r = await got;
      if (!r.ok) throw new Error(`${request}: ${JSON.stringify(r.error)}`);
      return r;
    },
  };
}

async function healthz(server, until) {
  const ms = [];
  while (!until()) {
    const t0 = performance.now();
    const res = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(WAIT_MS) });
    await res.arrayBuffer();
    ms.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  return ms;
}

const server = await startServer({ backend: 'sqlite', env: { SANGAM_CONNECTOR: 'off', SANGAM_BRIDGE_SECRET: SECRET, SANGAM_THREADS: THREADS } });
try {
  const { client: admin } = await login(server, 'admin@example.com', 'admin-password-0123');
  const project = await newProject(admin);
  const account = await createAccount(admin, project.id);
  const c = bridge(server);
  await c.open();
  const welcome = c.next((m) => m.type === 'welcome', 'welcome');
  c.send({ type: 'hello', protocol: 1, connector_id: 'bench', version: 'bench', engines: ['sim', 'webjs'], pid: process.pid });
  await welcome;
  const start = c.next((m) => m.type === 'command' && m.command === 'account.start', 'account.start');
  await admin.ok('POST', `${accountPath(project.id, account.id)}/link`, {}, 202);
  c.send({ type: 'result', id: (await start).id, ok: true, data: {} });  // the account is placed on us

  const archive = randomBytes(7.5 * (1 << 20)).toString('base64');  // 10 MiB of base64
  let done = false;
  const idleUntil = performance.now() + 3000;
  const idle = await healthz(server, () => performance.now() > idleUntil);
  const saves = [], loads = [];
  const busy = healthz(server, () => done);
  for (let i = 0; i < ROUNDS; i++) {
    let t0 = performance.now();
    await c.request('session.save', account.id, { archive_base64: archive });
    saves.push(performance.now() - t0);
    t0 = performance.now();
    const r = await c.request('session.load', account.id);
    loads.push(performance.now() - t0);
    if (r.data.archive_base64 !== archive) throw new Error('session.load returned another archive');
  }
  done = true;
  const during = await busy;
  console.log(`sangam serve, SQLite, SANGAM_THREADS=${THREADS}, ${ROUNDS} × (session.save + session.load) of a ${(archive.length / (1 << 20)).toFixed(0)} MiB archive_base64`);
  console.log(`GET /healthz idle:                ${fmt(idle)}`);
  console.log(`GET /healthz during saves/loads:  ${fmt(during)}`);
  console.log(`session.save round trip:          ${fmt(saves)}`);
  console.log(`session.load round trip:          ${fmt(loads)}`);
  c.ws.terminate();
} finally {
  await server.stop();
}
