// A connector spawned by the core (SANGAM_SUPERVISED=1) stops when its stdin closes — the core holds
// the only write end, so that is the core dying, kill -9 included — and closes its Chromium first.
// A connector started by hand keeps running whatever happens to its stdin.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { FakeCore, runConnector, sleep } from './helpers';
import { Proc, chromiumOf, haveChromium, blackHole, alive } from './procs';

test('supervised: stdin closed → every client stopped, Chromium closed, exit 0 within 5 s', { skip: !haveChromium && 'no Chromium here', timeout: 120_000 }, async () => {
    const hole = await blackHole();
    const core = new FakeCore();
    await core.listen();
    const conn = runConnector(core, {
        SANGAM_SUPERVISED: '1',
        SANGAM_CHROMIUM_EXTRA_ARGS: JSON.stringify([`--host-resolver-rules=MAP * 127.0.0.1:${hole.port}`]),
    }, { stdin: 'pipe' });
    let seen: Proc[] = [];
    try {
        await core.whenConnected();
        await core.command('account.start', 31, { engine: 'sim', phone: '+919800000031', restore: false });
        await core.command('account.start', 32, { engine: 'webjs', restore: false });
        for (let i = 0; i < 200 && !seen.some((p) => p.ppid === conn.child.pid); i++) { await sleep(50); seen = chromiumOf(conn.child.pid!, conn.dataDir); }
        assert.ok(seen.some((p) => p.ppid === conn.child.pid), 'Chromium was launched for the webjs account');
        await sleep(500); // let Chromium start its helpers
        seen = chromiumOf(conn.child.pid!, conn.dataDir);

        const t0 = Date.now();
        conn.child.stdin!.end(); // what the kernel does to the pipe when the core dies
        const code = await Promise.race([conn.exited, sleep(5000).then(() => 'still running')]);
        assert.equal(code, 0, `the connector exited cleanly within 5 s (got ${code})`);
        assert.ok(Date.now() - t0 < 5000);
        const stopping = conn.lines.find((l) => l.event === 'connector.stopping');
        assert.equal(stopping?.signal, 'stdin closed', JSON.stringify(stopping));
        assert.ok(conn.lines.some((l) => l.event === 'account.stopped' && l.account === 32), 'the webjs client was stopped');
        assert.ok(conn.lines.some((l) => l.event === 'account.stopped' && l.account === 31), 'the sim client was stopped');
        assert.ok(!conn.lines.some((l) => l.event === 'account.browser_killed'), 'the browser closed, not killed');
        // Chromium's helpers (zygote, renderer) exit a moment after its browser process
        const left = () => [...seen.filter((p) => alive(p.pid)), ...chromiumOf(conn.child.pid!, conn.dataDir)];
        while (left().length && Date.now() - t0 < 5000) await sleep(100);
        assert.deepEqual(left().map((p) => `${p.pid} ${p.cmd.slice(0, 80)}`), [], 'no Chromium process left 5 s after stdin closed');
    } finally {
        if (conn.child.exitCode === null) { conn.child.kill('SIGTERM'); await conn.exited; }
        for (const p of seen) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
        await core.close();
        await hole.close();
        fs.rmSync(conn.dataDir, { recursive: true, force: true });
    }
});

test('not supervised (started by hand): a closed stdin changes nothing, the connector keeps serving', { timeout: 60_000 }, async () => {
    const core = new FakeCore();
    await core.listen();
    const conn = runConnector(core, {}, { stdin: 'pipe' });
    try {
        await core.whenConnected();
        conn.child.stdin!.end();
        await sleep(1500);
        assert.equal(conn.child.exitCode, null, 'still running');
        assert.ok(!conn.lines.some((l) => l.event === 'connector.stopping'), JSON.stringify(conn.lines.slice(-5)));
        const r = await core.command('account.start', 33, { engine: 'sim', phone: '+919800000033', restore: false });
        assert.equal(r.ok, true, `commands still answered: ${JSON.stringify(r)}`);
    } finally {
        conn.child.kill('SIGTERM');
        await conn.exited;
        await core.close();
        fs.rmSync(conn.dataDir, { recursive: true, force: true });
    }
});
