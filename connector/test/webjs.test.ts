// The real whatsapp-web.js path with real Chromium (/usr/bin/chromium) and no network: the failure
// becomes one clear account.error, quickly, with the browser closed and no Chromium left behind.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { FakeCore, runConnector, sleep } from './helpers';
import { Proc, processes, chromiumOf, haveChromium, blackHole } from './procs';

test('webjs without network: account.error "network", browser closed, no orphaned Chromium', { skip: !haveChromium && 'no Chromium here', timeout: 120_000 }, async () => {
    const core = new FakeCore();
    await core.listen();
    const conn = runConnector(core);
    try {
        await core.whenConnected();
        const t0 = Date.now();
        const r = await core.command('account.start', 21, { engine: 'webjs', restore: true });
        assert.equal(r.ok, true);
        // Chromium must really be launched (the path under test), then fail on the closed network.
        const err = await core.waitEvent((e) => e.event === 'account.error' && e.account_id === 21, 90_000);
        const elapsed = Date.now() - t0;
        assert.equal(err.data.code, 'network', `got ${JSON.stringify(err.data)}`);
        assert.match(err.data.message, /WhatsApp Web|net::ERR_/);
        assert.ok(elapsed < 65_000, `no hang (took ${elapsed} ms)`);
        assert.equal(core.events.filter((e) => e.event === 'account.error').length, 1, 'exactly one error');
        assert.ok(core.requests.some((q) => q.request === 'session.load' && q.account_id === 21), 'RemoteAuth asked the core for a session');
        assert.ok(conn.lines.some((l) => l.event === 'account.init_failed'), 'logged');
        // the account is gone and its browser with it
        assert.equal((await core.command('account.state', 21)).error.code, 'unknown_account');
        let left = chromiumOf(conn.child.pid!, conn.dataDir);
        for (let i = 0; i < 20 && left.length; i++) { await sleep(250); left = chromiumOf(conn.child.pid!, conn.dataDir); }
        assert.deepEqual(left.map((p) => `${p.pid} ${p.cmd.slice(0, 80)}`), []);
        assert.ok(!fs.existsSync(`${conn.dataDir}/acct-21`), 'scratch files removed');
    } finally {
        conn.child.kill('SIGTERM');
        assert.equal(await conn.exited, 0);
        await core.close();
        fs.rmSync(conn.dataDir, { recursive: true, force: true });
    }
});

test('webjs with a missing Chromium: account.error "browser_launch_failed"', { timeout: 60_000 }, async () => {
    const core = new FakeCore();
    await core.listen();
    const conn = runConnector(core, { SANGAM_CHROMIUM: '/nonexistent/chromium' });
    try {
        await core.whenConnected();
        await core.command('account.start', 22, { engine: 'webjs', restore: false });
        const err = await core.waitEvent((e) => e.event === 'account.error' && e.account_id === 22, 30_000);
        assert.equal(err.data.code, 'browser_launch_failed', JSON.stringify(err.data));
    } finally {
        conn.child.kill('SIGTERM');
        await conn.exited;
        await core.close();
        fs.rmSync(conn.dataDir, { recursive: true, force: true });
    }
});

/** A TCP server that accepts and never answers: with every host mapped to it, WhatsApp Web never loads. */
test('webjs: a page that never loads hits the initialize timeout → account.error "timeout", Chromium gone', { skip: !haveChromium && 'no Chromium here', timeout: 120_000 }, async () => {
    const hole = await blackHole();
    const core = new FakeCore();
    await core.listen();
    const conn = runConnector(core, { SANGAM_INIT_TIMEOUT_MS: '4000', SANGAM_CHROMIUM_EXTRA_ARGS: JSON.stringify([`--host-resolver-rules=MAP * 127.0.0.1:${hole.port}`]) });
    try {
        await core.whenConnected();
        await core.command('account.start', 24, { engine: 'webjs', restore: false });
        const err = await core.waitEvent((e) => e.event === 'account.error' && e.account_id === 24, 60_000);
        assert.equal(err.data.code, 'timeout', JSON.stringify(err.data));
        let left = chromiumOf(conn.child.pid!, conn.dataDir);
        for (let i = 0; i < 20 && left.length; i++) { await sleep(250); left = chromiumOf(conn.child.pid!, conn.dataDir); }
        assert.deepEqual(left.map((p) => p.pid), []);
    } finally {
        conn.child.kill('SIGTERM');
        await conn.exited;
        await core.close();
        await hole.close();
        fs.rmSync(conn.dataDir, { recursive: true, force: true });
    }
});

test('webjs: a Chromium killed while the client starts is reported (account.error browser_crashed) and cleaned up', { skip: !haveChromium && 'no Chromium here', timeout: 120_000 }, async () => {
    const hole = await blackHole();
    const core = new FakeCore();
    await core.listen();
    const conn = runConnector(core, { SANGAM_CHROMIUM_EXTRA_ARGS: JSON.stringify([`--host-resolver-rules=MAP * 127.0.0.1:${hole.port}`]) });
    try {
        await core.whenConnected();
        await core.command('account.start', 23, { engine: 'webjs', restore: false });
        let procs: Proc[] = [];
        for (let i = 0; i < 200 && !procs.some((p) => p.ppid === conn.child.pid); i++) { await sleep(50); procs = chromiumOf(conn.child.pid!, conn.dataDir); }
        const main = procs.find((p) => p.ppid === conn.child.pid);
        assert.ok(main, 'Chromium was launched');
        await sleep(500);
        process.kill(main.pid, 'SIGKILL');
        const ev = await core.waitEvent((e) => (e.event === 'account.disconnected' || e.event === 'account.error') && e.account_id === 23, 60_000);
        // After initialize() the same death is account.disconnected BROWSER_CRASHED (needs WhatsApp Web to load).
        assert.equal(ev.event, 'account.error', JSON.stringify(ev));
        assert.equal(ev.data.code, 'browser_crashed', JSON.stringify(ev.data));
        let left = chromiumOf(conn.child.pid!, conn.dataDir);
        for (let i = 0; i < 20 && left.length; i++) { await sleep(250); left = chromiumOf(conn.child.pid!, conn.dataDir); }
        assert.deepEqual(left.map((p) => p.pid), []);
        assert.equal((await core.command('account.state', 23)).error.code, 'unknown_account');
    } finally {
        conn.child.kill('SIGTERM');
        await conn.exited;
        await core.close();
        await hole.close();
        fs.rmSync(conn.dataDir, { recursive: true, force: true });
    }
});

test('a connector killed with SIGKILL leaves Chromium behind; the next connector reaps it', { skip: !haveChromium && 'no Chromium here', timeout: 120_000 }, async () => {
    const hole = await blackHole();
    const core = new FakeCore();
    await core.listen();
    const env = { SANGAM_CHROMIUM_EXTRA_ARGS: JSON.stringify([`--host-resolver-rules=MAP * 127.0.0.1:${hole.port}`]) };
    const first = runConnector(core, env);
    let second: ReturnType<typeof runConnector> | null = null;
    try {
        await core.whenConnected();
        await core.command('account.start', 25, { engine: 'webjs', restore: false });
        let procs: Proc[] = [];
        for (let i = 0; i < 200 && !procs.some((p) => p.ppid === first.child.pid); i++) { await sleep(50); procs = chromiumOf(first.child.pid!, first.dataDir); }
        assert.ok(procs.length > 0, 'Chromium was launched');
        await sleep(500);
        first.child.kill('SIGKILL');
        await first.exited;
        await sleep(300);
        const orphans = () => processes().filter((p) => p.state !== 'Z' && p.cmd.includes(first.dataDir) && /chrom/i.test(p.cmd));
        assert.ok(orphans().length > 0, 'puppeteer leaves Chromium behind on SIGKILL');
        core.socket = null;
        second = runConnector(core);
        await core.whenConnected();
        let left = orphans();
        for (let i = 0; i < 20 && left.length; i++) { await sleep(250); left = orphans(); }
        assert.deepEqual(left.map((p) => p.pid), []);
        assert.ok(second.lines.some((l) => l.event === 'connector.orphan_chromium_killed'));
    } finally {
        for (const p of processes()) if (p.cmd.includes(first.dataDir) && /chrom/i.test(p.cmd)) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
        if (second) { second.child.kill('SIGTERM'); await second.exited; fs.rmSync(second.dataDir, { recursive: true, force: true }); }
        await core.close();
        await hole.close();
        fs.rmSync(first.dataDir, { recursive: true, force: true });
    }
});
