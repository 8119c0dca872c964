// Direct access to a test server's outbox (issue 8 crash and ban-model tests), through the sqlite3 /
// psql command-line clients: rows are enqueued as the planner will enqueue them, until the campaigns
// API exists (then the tests should launch campaigns instead), and read back for the assertions.
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

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/**
 * Inserts outbox rows for an account: rows = [{target, text, priority?, kind?}], due now. Returns
 * their idempotency keys in order.
 */
export async function enqueue(server, { projectId, accountId, rows, tag }) {
  const now = Date.now();
  const keys = rows.map((_, i) => `${tag}-${accountId}-${i}-${now}`);
  const values = rows.map((r, i) => `(${projectId}, ${accountId}, ${q(r.target)}, NULL, ${q(r.kind ?? 'reply')}, ${q(JSON.stringify({ text: r.text }))}, ` +
    `${r.priority ?? 1}, ${now}, ${q(keys[i])}, NULL, ${now}, ${now})`).join(', ');
  await sql(server, `INSERT INTO outbox (project_id, account_id, target, contact_id, kind, content, priority, planned_at, ` +
    `idempotency_key, campaign_id, created_at, updated_at) VALUES ${values}`);
  return keys;
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
