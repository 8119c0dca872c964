// Bench (issue 10, performance), not a test: the team inbox with 10,000 conversations and a thread of
// 1,000 messages, and how long an incoming message takes from the bridge to a watching browser's
// WebSocket. `sangam serve` (SANGAM_CONNECTOR=off) with a raw bridge socket acting as the connector, so
// every message takes the real path (accounts → contact base → inbox → hub). Baseline in the same run:
// GET /api/v1/projects. Results on stdout; docs/performance.md records them.
//   node tests/api/bench-inbox.mjs                                   # SQLite
//   BENCH_BACKEND=postgres scripts/with-postgres.sh node tests/api/bench-inbox.mjs
//   BENCH_CONVERSATIONS=2000 BENCH_ROUNDS=100 node tests/api/bench-inbox.mjs
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startServer } from './lib/server.mjs';
import { login, newProject } from './lib/client.mjs';
import { createAccount, accountPath } from './lib/accounts.mjs';
import { connectWs } from './lib/ws.mjs';

const BACKEND = process.env.BENCH_BACKEND || 'sqlite';
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS || 10_000);
const THREAD = Number(process.env.BENCH_THREAD || 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 200);
const SECRET = randomBytes(24).toString('hex');
const WAIT_MS = 120_000;

const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const fmt = (xs) => `p50 ${q(xs, 0.5).toFixed(2)} ms, p95 ${q(xs, 0.95).toFixed(2)} ms, p99 ${q(xs, 0.99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

function bridge(server) {
  const ws = new WebSocket(`${server.wsBase}/bridge/v1`, { headers: { authorization: `Bearer ${SECRET}` } });
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
  return { ws, next, open: () => new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); }), send: (m) => ws.send(JSON.stringify(m)) };
}

let n = 0;
function message(aid, from, body) {
  n++;
  return { type: 'event', account_id: aid, event: 'message.received',
    data: { id: `false_${from}@c.us_BENCH${n}`, chat: `${from}@c.us`, from: `${from}@c.us`, from_phone: `+${from}`, author: null, is_group: false,
      body, kind: 'text', quoted_id: null, mentions: [], timestamp: new Date().toISOString(), push_name: `Farmer ${n}` } };
}

async function timed(client, path, rounds) {
  const ms = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const r = await client.get(path);
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    ms.push(performance.now() - t0);
  }
  return ms;
}

async function waitCount(admin, pid, want) {
  const deadline = Date.now() + WAIT_MS * 5;
  for (;;) {
    const r = await admin.ok('GET', `/projects/${pid}/inbox?limit=1`);
    if (r.counts.open >= want) return r;
    if (Date.now() > deadline) throw new Error(`only ${r.counts.open} conversations`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

const server = await startServer({ backend: BACKEND, env: { SANGAM_CONNECTOR: 'off', SANGAM_BRIDGE_SECRET: SECRET } });
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

  // 10,000 people write in (one conversation each), then one of them writes 1,000 times.
  let t0 = performance.now();
  for (let i = 0; i < CONVERSATIONS; i++) c.send(message(account.id, String(919700000000 + i), `Question number ${i} about the feed price`));
  await waitCount(admin, project.id, CONVERSATIONS);
  const seedS = (performance.now() - t0) / 1000;
  for (let i = 0; i < THREAD; i++) c.send(message(account.id, '919700000000', `Message ${i} of a long conversation`));
  const first = (await admin.ok('GET', `/projects/${project.id}/inbox?q=919700000000`)).items[0];
  for (;;) {
    const t = await admin.ok('GET', `/projects/${project.id}/inbox/${first.id}?limit=1`);
    if (t.conversation.unread >= THREAD) break;
    await new Promise((res) => setTimeout(res, 500));
  }

  const baseline = await timed(admin, '/projects', ROUNDS);
  const list = await timed(admin, `/projects/${project.id}/inbox`, ROUNDS);
  const filtered = await timed(admin, `/projects/${project.id}/inbox?needs_reply=true&consent=engaged`, ROUNDS);
  const search = await timed(admin, `/projects/${project.id}/inbox?q=farmer%209999`, ROUNDS);
  const thread = await timed(admin, `/projects/${project.id}/inbox/${first.id}`, ROUNDS);
  const threadBig = await timed(admin, `/projects/${project.id}/inbox/${first.id}?limit=500`, Math.min(ROUNDS, 50));

  // Incoming → WebSocket: from the bridge frame leaving the "connector" to the event at a browser's socket.
  const ws = await connectWs(server, { cookie: admin.cookie });
  await ws.subscribe(project.id);
  const live = [];
  for (let i = 0; i < ROUNDS; i++) {
    const from = String(919600000000 + i);
    const since = ws.mark();
    const got = ws.next((m) => m.type === 'event' && m.event === 'inbox.message' && m.data?.conversation?.chat === `${from}@c.us`, { since, timeout: 10_000, what: 'inbox.message' });
    t0 = performance.now();
    c.send(message(account.id, from, 'Is the price the same this week?'));
    await got;
    live.push(performance.now() - t0);
    await new Promise((res) => setTimeout(res, 20));
  }

  console.log(`sangam serve, ${BACKEND}, ${CONVERSATIONS} conversations (seeded through the bridge in ${seedS.toFixed(1)} s, ${(CONVERSATIONS / seedS).toFixed(0)} messages/s), a thread of ${THREAD} messages, ${ROUNDS} rounds`);
  console.log(`baseline GET /projects:                       ${fmt(baseline)}`);
  console.log(`GET /inbox (first 50 of ${CONVERSATIONS}):              ${fmt(list)}`);
  console.log(`GET /inbox?needs_reply&consent:               ${fmt(filtered)}`);
  console.log(`GET /inbox?q= (search):                       ${fmt(search)}`);
  console.log(`GET /inbox/{id} (newest 100 of ${THREAD}):          ${fmt(thread)}`);
  console.log(`GET /inbox/{id}?limit=500:                    ${fmt(threadBig)}`);
  console.log(`incoming message → inbox.message on the WS:   ${fmt(live)}`);
  c.ws.terminate();
  ws.close?.();
} finally {
  await server.stop();
}
