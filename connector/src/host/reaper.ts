// Safety net for Chromium left behind by a connector that died hard (SIGKILL, OOM): puppeteer starts
// Chromium in its own process group, so killing the connector's group does not reach it, and
// puppeteer's exit hook does not run on SIGKILL. At start-up we kill Chromium processes that (1) use
// a Sangam RemoteAuth profile (--user-data-dir=…/acct-<id>/RemoteAuth-acct-<id>) and (2) are orphans
// (their parent is not a node process). Linux only (/proc); elsewhere it does nothing.
import * as fs from 'fs';
import { log } from '../log';

const PROFILE = /--user-data-dir=\S*\/acct-[-_\w]+\/RemoteAuth-acct-[-_\w]+/;

function read(pid: string): { ppid: number; state: string; cmd: string } | null {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return { state: rest[0], ppid: Number(rest[1]), cmd: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') };
    } catch { return null; }
}

export function reapOrphanedChromium(): number {
    let dirs: string[];
    try { dirs = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)); } catch { return 0; }
    let killed = 0;
    for (const d of dirs) {
        const p = read(d);
        if (!p || p.state === 'Z' || !/chrom/i.test(p.cmd) || !PROFILE.test(p.cmd) || p.cmd.includes('--type=')) continue;
        const parent = read(String(p.ppid));
        if (parent && /(^|\/)node(js)?\s/.test(parent.cmd)) continue;   // a live connector owns it
        try { process.kill(-Number(d), 'SIGKILL'); } catch { try { process.kill(Number(d), 'SIGKILL'); } catch { continue; } }
        killed++;
        log('warn', 'connector.orphan_chromium_killed', { pid: Number(d) });
    }
    return killed;
}
