// WebSocket helpers around the `ws` package: a client that records every server message, so tests
// can wait for a message matching a predicate or assert that none arrived.
import WebSocket from 'ws';
import assert from 'node:assert/strict';

const open = new Set();

export function closeAllSockets() {
  for (const s of open) s.terminate();
  open.clear();
}

function authHeaders(server, auth, origin) {
  const headers = {};
  if (auth?.cookie) headers.cookie = auth.cookie;
  if (auth?.token) headers.authorization = `Bearer ${auth.token}`;
  if (origin === true) headers.origin = server.origin;
  else if (typeof origin === 'string') headers.origin = origin;
  return headers;
}

/**
 * Tries the upgrade and reports how it ended: {status: 101} when accepted (the socket is closed
 * again), otherwise {status, body} of the HTTP answer that refused it.
 */
export function upgradeStatus(server, auth, { origin = true } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.wsBase}/api/v1/ws`, { headers: authHeaders(server, auth, origin), handshakeTimeout: 5000 });
    ws.on('open', () => { ws.terminate(); resolve({ status: 101 }); });
    ws.on('unexpected-response', (req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => { resolve({ status: res.statusCode, body }); ws.terminate(); });
      res.on('error', () => resolve({ status: res.statusCode, body }));
    });
    ws.on('error', (err) => reject(err));
  });
}

export class WsClient {
  constructor(ws, label) {
    this.ws = ws;
    this.label = label;
    this.messages = [];   // every parsed message, in arrival order
    this.consumed = new Set();
    this.waiters = [];
    this.closed = false;
    ws.on('message', (data) => {
      let msg;
      try { msg = JSON.parse(data.toString()); } catch { msg = { unparsable: data.toString() }; }
      this.messages.push(msg);
      this.waiters = this.waiters.filter((w) => !w.check());
    });
    this.closeCode = null;
    this.closedAt = null;
    this.closeWaiters = [];
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.closedAt = Date.now();
      for (const w of this.closeWaiters) w();
      this.closeWaiters = [];
    });
  }

  /** Resolves with the close code once the server has closed the socket; rejects after `timeout` ms. */
  waitClosed({ timeout = 1000, what = 'the server to close the socket' } = {}) {
    return new Promise((resolve, reject) => {
      if (this.closed) { resolve(this.closeCode); return; }
      const timer = setTimeout(() => reject(new Error(`${this.label}: still open after ${timeout} ms, waiting for ${what}`)), timeout);
      this.closeWaiters.push(() => { clearTimeout(timer); resolve(this.closeCode); });
    });
  }

  send(obj) { this.ws.send(JSON.stringify(obj)); }

  /** Index of the next message to arrive; pass it to none()/next() as `since`. */
  mark() { return this.messages.length; }

  /** Waits for the first not yet consumed message (at index >= since) matching pred, consumes it. */
  next(pred, { timeout = 4000, since = 0, what = 'a matching message' } = {}) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          for (let i = since; i < this.messages.length; i++) {
            if (!this.consumed.has(i) && pred(this.messages[i])) {
              this.consumed.add(i);
              clearTimeout(waiter.timer);
              resolve(this.messages[i]);
              return true;
            }
          }
          return false;
        },
      };
      if (waiter.check()) return;
      waiter.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.label}: timed out after ${timeout} ms waiting for ${what}; received: ${JSON.stringify(this.messages.slice(since))}`));
      }, timeout);
      this.waiters.push(waiter);
    });
  }

  /** Waits `ms` and asserts that no message at index >= since matches pred. */
  async none(pred, { since = 0, ms = 400, what = 'message' } = {}) {
    await new Promise((r) => setTimeout(r, ms));
    const bad = this.messages.slice(since).filter(pred);
    assert.deepEqual(bad, [], `${this.label}: must not receive ${what}`);
  }

  /** Sends subscribe and waits for the answer for that project (subscribed or error). */
  async subscribe(projectId) {
    const since = this.mark();
    this.send({ type: 'subscribe', project_id: projectId });
    return this.next((m) => (m.type === 'subscribed' && m.project_id === projectId) || m.type === 'error',
      { since, what: `the answer to subscribe ${projectId}` });
  }

  close() {
    open.delete(this.ws);
    this.ws.terminate();
  }
}

/** Opens an authenticated WebSocket; rejects with the HTTP status when the upgrade is refused. */
export function connectWs(server, auth, { origin = true, label = 'ws' } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.wsBase}/api/v1/ws`, { headers: authHeaders(server, auth, origin), handshakeTimeout: 5000 });
    const client = new WsClient(ws, label);
    ws.on('open', () => { open.add(ws); resolve(client); });
    ws.on('unexpected-response', (req, res) => {
      ws.terminate();
      reject(new Error(`${label}: WebSocket upgrade refused with HTTP ${res.statusCode}`));
    });
    ws.on('error', (err) => reject(err));
  });
}

/** Predicate for an event message. */
export function isEvent(name, projectId) {
  return (m) => m.type === 'event' && m.event === name && (projectId === undefined || m.project_id === projectId);
}
