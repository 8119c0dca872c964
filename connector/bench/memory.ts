// Memory of the connector: RSS with 0 / 10 / 100 linked sim accounts, and the Chromium of one
// webjs client (page load held open by a black-hole server, since WhatsApp Web is unreachable here).
// Run: npm run build && node dist/bench/memory.js
import * as fs from 'fs';
import * as net from 'net';
import { FakeCore, runConnector, sleep } from '../test/helpers';

function kb(pid: number, field: string, file = 'status'): number {
    const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : 0;
}

function tree(root: number): number[] {
    const all: Array<[number, number]> = [];
    for (const d of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        try { const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8'); all.push([Number(d), Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1])]); } catch { /* gone */ }
    }
    const set = new Set([root]);
    let grew = true;
    while (grew) { grew = false; for (const [p, pp] of all) if (set.has(pp) && !set.has(p)) { set.add(p); grew = true; } }
    set.delete(root);
    return [...set];
}

async function simRss(world: string, n: number): Promise<{ rss: number; ms: number }> {
    const core = new FakeCore();
    await core.listen();
    const conn = runConnector(core, { SANGAM_SIM_WORLD: world, SANGAM_SIM_SPEED: '1000' });
    await core.whenConnected();
    const t0 = Date.now();
    for (let i = 0; i < n; i++) {
        const phone = world === 'demo' && i < 5 ? `+91980000000${i + 1}` : `+9197${String(10000000 + i)}`;
        await core.command('account.start', 1000 + i, { engine: 'sim', phone });
    }
    for (let i = 0; i < n; i++) {
        await core.waitEvent((e) => e.event === 'account.qr' && e.account_id === 1000 + i, 30_000);
        await core.command('sim.scan', 1000 + i);
    }
    for (let i = 0; i < n; i++) {
        await core.waitEvent((e) => e.event === 'account.ready' && e.account_id === 1000 + i, 30_000);
        await core.command('account.groups', 1000 + i);
    }
    const ms = Date.now() - t0;
    await sleep(1500);
    const rss = kb(conn.child.pid!, 'VmRSS');
    conn.child.kill('SIGTERM');
    await conn.exited;
    await core.close();
    return { rss, ms };
}

async function chromium(): Promise<{ connector: number; rss: number; pss: number; procs: number }> {
    const socks = new Set<net.Socket>();
    const hole = net.createServer((s) => { socks.add(s); s.on('error', () => {}); });
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', () => r()));
    const core = new FakeCore();
    await core.listen();
    const conn = runConnector(core, {
        SANGAM_INIT_TIMEOUT_MS: '120000',
        SANGAM_CHROMIUM_EXTRA_ARGS: JSON.stringify([`--host-resolver-rules=MAP * 127.0.0.1:${(hole.address() as net.AddressInfo).port}`]),
    });
    await core.whenConnected();
    await core.command('account.start', 1, { engine: 'webjs', restore: false });
    await sleep(8000);
    const kids = tree(conn.child.pid!);
    let rss = 0, pss = 0;
    for (const p of kids) { try { rss += kb(p, 'VmRSS'); pss += kb(p, 'Pss', 'smaps_rollup'); } catch { /* gone */ } }
    const connector = kb(conn.child.pid!, 'VmRSS');
    conn.child.kill('SIGTERM');
    await conn.exited;
    await core.close();
    for (const s of socks) s.destroy();
    hole.close();
    return { connector, rss, pss, procs: kids.length };
}

(async () => {
    for (const world of ['test', 'demo']) {
        for (const n of [0, 10, 100]) {
            const r = await simRss(world, n);
            console.log(`sim world=${world} accounts=${n}: connector RSS ${(r.rss / 1024).toFixed(1)} MB (linking all took ${r.ms} ms)`);
        }
    }
    if (fs.existsSync('/usr/bin/chromium')) {
        const c = await chromium();
        console.log(`webjs: one client, page held loading: Chromium ${c.procs} processes, RSS sum ${(c.rss / 1024).toFixed(0)} MB, PSS sum ${(c.pss / 1024).toFixed(0)} MB; connector RSS ${(c.connector / 1024).toFixed(1)} MB`);
    }
})();
