// Process-table helpers (Linux /proc) for tests that check which processes the connector leaves behind.
import { readdirSync, readFileSync } from 'node:fs';

/** {pid, ppid, cmd} of every process that can be read (races with exiting processes are ignored). */
export function processTable() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces and parentheses: split after the last ')'
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = rest[0];
      if (state === 'Z') continue; // a zombie has released everything; its parent has yet to reap it
      const ppid = Number(rest[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      out.push({ pid: Number(name), ppid, cmd });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** Every live descendant of pid (children, grandchildren, ...). */
export function descendants(pid, table = processTable()) {
  const children = new Map();
  for (const p of table) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(p);
  }
  const out = [];
  const stack = [...(children.get(pid) || [])];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(children.get(p.pid) || []));
  }
  return out;
}

export const isChromium = (p) => /chrom(e|ium)/i.test(p.cmd);

/** True while pid names a live, non-zombie process. */
export function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The value of --user-data-dir=... in a Chromium command line, or null. */
export function userDataDir(cmd) {
  const m = /--user-data-dir=(\S+)/.exec(cmd);
  return m ? m[1] : null;
}
