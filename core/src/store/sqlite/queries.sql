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

-- name: dispatch-lock-account
-- One statement per decision for everything it reads but the due row (docs/performance.md, "Dispatcher
-- decision with a usage counter"). BEGIN IMMEDIATE already holds the database's write lock: claims are
-- serialised. With the account's columns (as account-columns): its project's calendar (the time zone,
-- working hours and weekend factor the dispatcher caches parsed while they stay the same), its latest
-- day usage row (migration 0021; the dispatcher checks it is today's) and whether a send of it is in
-- flight (a claim not yet expired: a seek in outbox_in_flight, migration 0021).
SELECT a.id, a.project_id, a.phone, a.label, a.engine, a.role, a.status, a.status_reason, a.health,
       a.health_connection, a.health_delivery, a.health_behaviour, a.daily_limit, a.usage_today, a.linked_at,
       a.last_activity_at, a.phone_seen_at, a.warmup_started_at, a.reconnect_attempts, a.next_retry_at,
       a.last_rtt_ms, a.connector_id, a.lease_node, a.lease_until, a.created_at, a.updated_at,
       p.time_zone AS project_time_zone, p.working_hours AS project_working_hours,
       p.weekend_factor AS project_weekend_factor,
       u.day_start AS usage_day, u.messages AS usage_messages, u.group_posts AS usage_group_posts,
       u.new_chats AS usage_new_chats, u.last_claimed_at AS usage_last_claimed_at,
       CASE WHEN EXISTS (SELECT 1 FROM outbox o INDEXED BY outbox_in_flight WHERE o.account_id = a.id AND o.status = 'claimed' AND o.claimed_until > $2)
            THEN 1 ELSE 0 END AS in_flight
FROM accounts a JOIN projects p ON p.id = a.project_id
LEFT JOIN account_day_usage u ON u.account_id = a.id
  AND u.day_start = (SELECT MAX(d.day_start) FROM account_day_usage d WHERE d.account_id = a.id AND d.day_start <= $2)
WHERE a.id = $1;

-- name: contacts-by-phones
-- A CSV chunk's known contacts in one look-up ($2: JSON array of E.164 phones).
SELECT id, phone, consent, attributes FROM contacts
WHERE project_id = $1 AND phone IN (SELECT value FROM json_each($2));

-- name: suppressions-by-hashes
SELECT phone_hash FROM suppressions WHERE phone_hash IN (SELECT value FROM json_each($1));
