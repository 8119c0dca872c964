// describeBackends(): one describe block per storage backend, each with its own fresh server.
import { describe, before, beforeEach, after } from 'node:test';
import { startServer, BACKENDS, ADMIN_EMAIL, ADMIN_PASSWORD } from './server.mjs';
import { login } from './client.mjs';
import { closeAllSockets } from './ws.mjs';

/**
 * Registers `body(ctx)` once per backend (SQLite, PostgreSQL). Before the block's tests a server is
 * started and the admin logged in: ctx.server, ctx.admin (Client), ctx.adminUser. The server is
 * stopped after the block, also when tests or the startup failed. Use ctx.setup(fn) instead of
 * before(fn) for fixtures of the block.
 * options.env: extra environment for the server; options.adminLogin: false to skip the admin login.
 */
export function describeBackends(title, body, options = {}) {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, () => {
      const ctx = { backend, server: null, admin: null, adminUser: null };
      // A failed startup (or setup) is reported as a failure of every test of the block, with its
      // message, rather than as "cancelled" tests.
      let setupError = null;
      before(async () => {
        try {
          ctx.server = await startServer({ backend, env: options.env });
          if (options.adminLogin !== false) {
            const r = await login(ctx.server, ADMIN_EMAIL, ADMIN_PASSWORD);
            ctx.admin = r.client;
            ctx.adminUser = r.user;
          }
        } catch (err) {
          setupError = err;
        }
      });
      /** Like before(), for the block's own fixtures; skipped once the startup failed. */
      ctx.setup = (fn) => before(async () => {
        if (setupError) return;
        try { await fn(); } catch (err) { setupError = err; }
      });
      beforeEach(() => { if (setupError) throw setupError; });
      after(async () => {
        closeAllSockets();
        if (ctx.server) await ctx.server.stop();
      });
      body(ctx);
    });
  }
}

export { ADMIN_EMAIL, ADMIN_PASSWORD };
