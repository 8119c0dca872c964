// Direct reads of a test server's outbox (issue 8 crash and ban-model tests), through the sqlite3 /
// psql command-line clients: the rows a campaign planned, with the columns the API does not show
// (reconcile attempts, the claim), read back for the assertions.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { readFileSync, existsSync } from 'node:fs';

const execFileP = promisify(execFile);

/** Runs one SQL statement on the server's database; returns the rows of a SELECT as objects. */
export async function sql(server, query) {
  if (server.backend === 'postgres') {
    const wrapped = /^\s*select/i.test(query) ? `SELECT COALESCE(json_agg(t), '[]') FROM (${query}) t` : query;
    const { stdout } = await execFileP('psql', [server.db.url, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', wrapped], { timeout: 30_000 });
    return /^\s*select/i.test(query) ? JSON.parse(stdout.trim() || '[]') : [];
  }
  const db = path.join(server.dataDir, 'sangam.db');
  const { stdout } = await execFileP('sqlite3', ['-json', '-cmd', '.timeout 10000', db, query], { timeout: 30_000 });
  return stdout.trim() ? JSON.parse(stdout) : [];
}

/** Every outbox row of a project: id, account_id, target, status, reason, wa_message_id, text. */
export async function outboxRows(server, projectId) {
  const rows = await sql(server, `SELECT id, account_id, target, status, reason, wa_message_id, content, attempts, ` +
    `reconcile_attempts FROM outbox WHERE project_id = ${projectId} ORDER BY id`);
  return rows.map((r) => ({ ...r, text: JSON.parse(r.content).text }));
}

/** What the simulated network carried (SANGAM_SIM_LEDGER): one object per message. */
export function carried(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => {
    try { return [JSON.parse(l)]; } catch { return []; }
  });
}
