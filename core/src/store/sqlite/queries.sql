-- SQLite-only queries (the rest are in ../queries/*.sql).

-- name: migration-lock
-- The migration transaction is BEGIN IMMEDIATE, which already excludes every other writer.
SELECT 1 AS locked;

-- name: migration-table
CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);

-- Account leases (docs/accounts.md, scale-out) are timed by the database's clock, never
-- a node's own: two hosts' clocks may differ by more than a lease lasts.

-- name: account-lease-claim
-- Takes the lease for the given ms when it is free, expired, or already ours; affected = 1 means we hold it.
UPDATE accounts SET lease_node = $2, lease_until = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + $3
WHERE id = $1 AND (lease_node IS NULL OR lease_node = $2 OR lease_until < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));

-- name: account-lease-renew
-- Renews every lease this node still holds and says which: an account missing from the answer was
-- taken by another node while this one stalled, and its client must stop (fencing).
UPDATE accounts SET lease_until = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + $2
WHERE lease_node = $1 AND status IN ('linking', 'active', 'standby', 'warming', 'cooling')
RETURNING id;

-- name: account-list-orphaned
-- Accounts that should run but whose lease expired: their process died.
SELECT id FROM accounts
WHERE status IN ('active', 'standby', 'warming', 'cooling') AND next_retry_at IS NULL
  AND lease_node IS NOT NULL AND lease_until < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
ORDER BY id;

-- name: session-time-zone
-- SQLite's date functions always work in UTC.
SELECT 'UTC' AS time_zone;

-- name: project-lock-members
-- BEGIN IMMEDIATE already serialises every writer; the PostgreSQL version locks the project row.
SELECT id FROM projects WHERE id = $1;

-- Migration 0006 (store/migrate.cpp): archives still stored as base64 text, decoded one by one.
-- name: session-archive-text-ids
SELECT id FROM account_sessions WHERE typeof(archive) = 'text' ORDER BY id;

-- name: session-archive-text
SELECT archive FROM account_sessions WHERE id = $1;

-- name: session-archive-set-bytes
UPDATE account_sessions SET archive = $2 WHERE id = $1;

-- name: group-lock-account
-- Joins of one account are counted and written one at a time; on SQLite BEGIN IMMEDIATE already does it.
SELECT id FROM accounts WHERE id = $1;

-- name: outbox-lock-account
-- BEGIN IMMEDIATE already holds the database's write lock: claims are serialised. The account's
-- columns (as account-columns) come with it: one statement fewer per dispatcher decision.
SELECT id, project_id, phone, label, engine, role, status, status_reason, health, health_connection,
       health_delivery, health_behaviour, daily_limit, usage_today, linked_at, last_activity_at, phone_seen_at,
       warmup_started_at, reconnect_attempts, next_retry_at, last_rtt_ms, connector_id, lease_node, lease_until, created_at, updated_at
FROM accounts WHERE id = $1;

-- name: contacts-by-phones
-- A CSV chunk's known contacts in one look-up ($2: JSON array of E.164 phones).
SELECT id, phone, consent, attributes FROM contacts
WHERE project_id = $1 AND phone IN (SELECT value FROM json_each($2));

-- name: suppressions-by-hashes
SELECT phone_hash FROM suppressions WHERE phone_hash IN (SELECT value FROM json_each($1));
