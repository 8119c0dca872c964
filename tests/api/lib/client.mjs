// HTTP helpers: a Client is bound to one server and one identity (session cookie, bearer token or none).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';

export const API = '/api/v1';

/** '/projects' -> '/api/v1/projects'; '/healthz', '/metrics' and '/api/...' stay as they are. */
export function apiPath(p) {
  if (p.startsWith('/api/') || p === '/healthz' || p === '/metrics' || p.startsWith('/healthz?') || p.startsWith('/metrics?')) return p;
  return API + p;
}

let seq = 0;
/** A value unique within this test process (and practically across processes). */
export function uniq(prefix = 'x') {
  seq += 1;
  return `${prefix}${seq}${randomBytes(3).toString('hex')}`;
}

export class Response {
  constructor(status, headers, text) {
    this.status = status;
    this.headers = headers;
    this.text = text;
    this.body = null;
    if (text.length > 0) {
      try { this.body = JSON.parse(text); } catch { this.body = undefined; }
    }
  }
  get contentType() { return this.headers.get('content-type') || ''; }
  describe() {
    return `HTTP ${this.status} ${this.contentType} ${this.text.slice(0, 500)}`;
  }
}

export class Client {
  /**
   * @param server  a Server from server.mjs
   * @param auth    {cookie} | {token} | null
   */
  constructor(server, auth = null) {
    this.server = server;
    this.auth = auth;
  }

  get cookie() { return this.auth?.cookie; }
  get token() { return this.auth?.token; }

  /**
   * opts.origin: true (default: the server's own origin on state changes made with a cookie),
   *              false (no Origin header) or a string (that Origin).
   * opts.raw:    a string/Buffer sent as the body as is (instead of JSON.stringify(body)).
   * opts.headers: extra headers.
   * opts.localAddress: the client address to connect from, e.g. '127.0.0.2' (Linux routes all of
   *              127/8 to lo), so the server sees another client IP.
   */
  async request(method, p, body, opts = {}) {
    const headers = { accept: 'application/json', ...(opts.headers || {}) };
    if (this.auth?.cookie) headers.cookie = this.auth.cookie;
    if (this.auth?.token) headers.authorization = `Bearer ${this.auth.token}`;
    const origin = opts.origin ?? true;
    if (origin === true) headers.origin = this.server.origin;
    else if (typeof origin === 'string') headers.origin = origin;
    let payload;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers['content-type'] ??= 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    let res;
    try {
      const url = this.server.base + apiPath(p);
      const timeout = opts.timeout ?? 15_000;
      res = opts.localAddress
        ? await requestFrom(opts.localAddress, url, { method, headers, body: payload, timeout })
        : await fetch(url, { method, headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(timeout) });
    } catch (err) {
      await new Promise((r) => setTimeout(r, 100)); // let a crash be noticed
      const why = this.server.exited
        ? `; sangam has exited (code ${this.server.exited.code}, signal ${this.server.exited.signal})\n${this.server.logs()}`
        : '';
      throw new Error(`${method} ${p}: request failed: ${err.cause?.code || err.cause?.message || err.message}${why}`);
    }
    const text = await res.text();
    return new Response(res.status, res.headers, text);
  }

  get(p, opts) { return this.request('GET', p, undefined, opts); }
  post(p, body, opts) { return this.request('POST', p, body, opts); }
  put(p, body, opts) { return this.request('PUT', p, body, opts); }
  patch(p, body, opts) { return this.request('PATCH', p, body, opts); }
  del(p, opts) { return this.request('DELETE', p, undefined, opts); }

  /** Request that must answer `status`; returns the parsed body. */
  async ok(method, p, body, status = 200, opts) {
    const res = await this.request(method, p, body, opts);
    assert.equal(res.status, status, `${method} ${p} expected ${status}, got ${res.describe()}`);
    return res.body;
  }
}

/**
 * One request over node:http from a given local address (global fetch cannot choose it); answers
 * with what the Client needs of a fetch Response: status, headers (a Headers) and text().
 */
function requestFrom(localAddress, url, { method, headers, body, timeout }) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, localAddress, timeout, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        const h = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        resolve({ status: res.statusCode, headers: h, text: async () => text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeout} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Asserts the error envelope {"error":{"code","message","field"?}}. field: string (exact) or RegExp. */
export function assertError(res, status, code, field) {
  const what = res.describe();
  assert.equal(res.status, status, `expected HTTP ${status} ${code}, got ${what}`);
  assert.match(res.contentType, /^application\/json/, `error must be JSON: ${what}`);
  assert.ok(res.body && typeof res.body === 'object' && res.body.error && typeof res.body.error === 'object',
    `expected an error envelope, got ${what}`);
  assert.equal(res.body.error.code, code, `expected error code ${code}, got ${what}`);
  assert.equal(typeof res.body.error.message, 'string', `error.message must be a string: ${what}`);
  assert.ok(res.body.error.message.length > 0, `error.message must not be empty: ${what}`);
  if (field instanceof RegExp) {
    assert.match(String(res.body.error.field), field, `expected error.field matching ${field}, got ${what}`);
  } else if (field !== undefined) {
    assert.equal(res.body.error.field, field, `expected error.field ${field}, got ${what}`);
  }
}

export function assertStatus(res, status, msg = '') {
  assert.equal(res.status, status, `${msg}${msg ? ': ' : ''}expected HTTP ${status}, got ${res.describe()}`);
}

/** Logs in; returns {client, res, cookie, user}. Throws unless the login answers 200 with a cookie. */
export async function login(server, email, password) {
  const anon = new Client(server);
  const res = await anon.post('/auth/login', { email, password });
  assert.equal(res.status, 200, `login ${email} expected 200, got ${res.describe()}`);
  const cookie = sessionCookie(res);
  assert.ok(cookie, `login ${email}: no sangam_session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  return { client: new Client(server, { cookie }), res, cookie, user: res.body.user };
}

/** 'sangam_session=abc' from a login response's Set-Cookie, or null. */
export function sessionCookie(res) {
  for (const c of res.headers.getSetCookie()) {
    const m = /^\s*(sangam_session=[^;]*)/.exec(c);
    if (m) return m[1];
  }
  return null;
}

/** Creates a user as `admin` and logs in as it. Returns {client, user, email, password}. */
export async function newUser(admin, { name, is_admin = false, login: doLogin = true } = {}) {
  const email = `${uniq('user')}@example.com`;
  const password = `pw-${uniq('secret')}`;
  const res = await admin.post('/users', { email, name: name ?? `User ${email}`, password, is_admin });
  assert.equal(res.status, 201, `POST /users expected 201, got ${res.describe()}`);
  const out = { user: res.body, email, password, client: null };
  if (doLogin) out.client = (await login(admin.server, email, password)).client;
  return out;
}

/** Creates a project as `client` (201 expected); overrides are merged into the body. */
export async function newProject(client, overrides = {}) {
  const slug = uniq('p').toLowerCase();
  const body = { name: `Project ${slug}`, slug, ...overrides };
  const res = await client.post('/projects', body);
  assert.equal(res.status, 201, `POST /projects expected 201, got ${res.describe()}`);
  return res.body;
}

/** POST /projects/{pid}/members {email, role}: adds a user by email; returns the response (201 when added). */
export function addMember(client, pid, email, role) {
  return client.post(`/projects/${pid}/members`, { email, role });
}

/** PUT /projects/{pid}/members/{uid} {role}: changes an existing member's role; returns the response. */
export function putMember(client, pid, uid, role) {
  return client.put(`/projects/${pid}/members/${uid}`, { role });
}

/** Creates a bearer token as `client`; returns {client: Client with the token, token: Token object}. */
export async function newToken(client, name = uniq('tok')) {
  const res = await client.post('/tokens', { name });
  assert.equal(res.status, 201, `POST /tokens expected 201, got ${res.describe()}`);
  return { token: res.body, client: new Client(client.server, { token: res.body.token }) };
}
