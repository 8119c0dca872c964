// Process-table helpers (Linux /proc) for the tests with real Chromium, and a black-hole server that
// holds WhatsApp Web's page loading (connections accepted, never answered; WhatsApp is unreachable here).
import * as fs from 'fs';
import * as net from 'net';

export interface Proc { pid: number; ppid: number; state: string; cmd: string }

export function processes(): Proc[] {
    const out: Proc[] = [];
    for (const d of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
            const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
            const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
            out.push({ pid: Number(d), ppid: Number(rest[1]), state: rest[0], cmd });
        } catch { /* exited meanwhile */ }
    }
    return out;
}

/** Live (not zombie) Chromium processes that descend from `root` or use our data dir. */
export function chromiumOf(root: number, dataDir: string): Proc[] {
    const all = processes();
    const kids = new Set([root]);
    let grew = true;
    while (grew) { grew = false; for (const p of all) if (kids.has(p.ppid) && !kids.has(p.pid)) { kids.add(p.pid); grew = true; } }
    return all.filter((p) => p.state !== 'Z' && p.pid !== root && /chrom/i.test(p.cmd) && (kids.has(p.pid) || p.cmd.includes(dataDir)));
}

export const haveChromium = fs.existsSync(process.env.SANGAM_CHROMIUM || '/usr/bin/chromium');

export async function blackHole(): Promise<{ port: number; close: () => Promise<void> }> {
    const socks = new Set<net.Socket>();
    const srv = net.createServer((s) => { socks.add(s); s.on('close', () => socks.delete(s)); s.on('error', () => {}); });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    return { port: (srv.address() as net.AddressInfo).port, close: () => new Promise((r) => { for (const s of socks) s.destroy(); srv.close(() => r()); }) };
}


/** True while pid names a live, non-zombie process. */
export function alive(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch { return false; }
}
