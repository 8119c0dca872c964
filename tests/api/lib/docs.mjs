// Reads the endpoint table of docs/api.md, the API contract, so that the "every endpoint" tests
// follow the document as it grows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './server.mjs';

/**
 * [{method, path, who, full}] from the "## Endpoints" table; path as written (e.g. '/projects/{id}'),
 * full with the /api/v1 prefix unless the row says "(no prefix)" or the path already has it.
 */
export function documentedEndpoints() {
  const text = readFileSync(path.join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
  const start = text.indexOf('## Endpoints');
  if (start < 0) throw new Error('docs/api.md has no "## Endpoints" section');
  const section = text.slice(start).split(/\n## /)[0];
  const rows = [];
  for (const line of section.split('\n')) {
    const m = /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`([^|]*)\|\s*([^|]*)\|/.exec(line);
    if (!m) continue;
    const p = m[2].split('?')[0];
    const noPrefix = /no prefix/.test(m[3]) || p.startsWith('/api/');
    rows.push({ method: m[1], path: p, who: m[4].trim(), full: noPrefix ? p : `/api/v1${p}` });
  }
  if (rows.length < 20) throw new Error(`docs/api.md endpoint table: only ${rows.length} rows parsed`);
  return rows;
}

/** Endpoints anyone may call without signing in ("anyone", "anyone unless ..."). */
export function isPublic(row) {
  return /^anyone\b/.test(row.who);
}

/** '/api/v1/projects/{id}/members/{userId}' -> '/projects/{}/members/{}' (prefix and parameter names dropped). */
export function normalizePath(p) {
  return p.replace(/^\/api\/v1(?=\/)/, '').replace(/\{[^}]*\}/g, '{}');
}
