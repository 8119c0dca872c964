-- name: account-insert
INSERT INTO accounts (project_id, phone, label, engine, role, status, daily_limit, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, 'new', $6, $7, $7)
RETURNING id;

-- name: account-columns
SELECT id, project_id, phone, label, engine, role, status, status_reason, health, health_connection,
       health_delivery, health_behaviour, daily_limit, usage_today, linked_at, last_activity_at, phone_seen_at,
       warmup_started_at, reconnect_attempts, next_retry_at, last_rtt_ms, connector_id, lease_node, lease_until, created_at, updated_at
FROM accounts WHERE id = $1;

-- name: account-list
SELECT id, project_id, phone, label, engine, role, status, status_reason, health, health_connection,
       health_delivery, health_behaviour, daily_limit, usage_today, linked_at, last_activity_at, phone_seen_at,
       warmup_started_at, reconnect_attempts, next_retry_at, last_rtt_ms, connector_id, lease_node, lease_until, created_at, updated_at
FROM accounts WHERE project_id = $1 ORDER BY id;

-- name: account-list-running
-- Accounts whose WhatsApp client should be up: restarted after a connector (re)connects.
SELECT id, project_id, phone, label, engine, role, status, status_reason, health, health_connection,
       health_delivery, health_behaviour, daily_limit, usage_today, linked_at, last_activity_at, phone_seen_at,
       warmup_started_at, reconnect_attempts, next_retry_at, last_rtt_ms, connector_id, lease_node, lease_until, created_at, updated_at
FROM accounts WHERE status IN ('linking', 'active', 'standby', 'warming', 'cooling') ORDER BY id;

-- name: account-list-retry-due
SELECT id FROM accounts WHERE next_retry_at IS NOT NULL AND next_retry_at <= $1 ORDER BY next_retry_at;

-- name: account-list-linked
SELECT id, project_id, phone, status, linked_at, phone_seen_at FROM accounts
WHERE linked_at IS NOT NULL AND status IN ('active', 'standby', 'warming', 'cooling') ORDER BY id;

-- name: account-update-settings
UPDATE accounts SET label = $2, role = $3, daily_limit = $4, updated_at = $5 WHERE id = $1;

-- name: account-set-status
-- Conditional on the status the caller read ($5): on PostgreSQL (READ COMMITTED) another transaction
-- may have moved the account meanwhile (a retire racing a late ready); no row changed means conflict.
UPDATE accounts SET status = $2, status_reason = $3, updated_at = $4 WHERE id = $1 AND status = $5;

-- name: account-linked
UPDATE accounts SET status = $2, status_reason = NULL, linked_at = COALESCE(linked_at, $3), phone_seen_at = $3,
       last_activity_at = $3, warmup_started_at = CASE WHEN $2 = 'warming' THEN COALESCE(warmup_started_at, $3)
       ELSE warmup_started_at END, reconnect_attempts = 0, next_retry_at = NULL, connector_id = $4, updated_at = $3
WHERE id = $1 AND status = $2;

-- name: account-unlinked
UPDATE accounts SET status = $2, status_reason = $3, linked_at = NULL, reconnect_attempts = 0, next_retry_at = NULL,
       updated_at = $4
WHERE id = $1 AND status = $2;

-- name: account-schedule-retry
UPDATE accounts SET reconnect_attempts = $2, next_retry_at = $3, status_reason = $4, updated_at = $5 WHERE id = $1;

-- name: account-seen
UPDATE accounts SET last_activity_at = $2, phone_seen_at = $2, last_rtt_ms = $3 WHERE id = $1;

-- name: account-set-connector
UPDATE accounts SET connector_id = $2 WHERE id = $1;

-- name: account-set-health
UPDATE accounts SET health = $2, health_connection = $3, health_delivery = $4, health_behaviour = $5 WHERE id = $1;

-- name: account-delete
DELETE FROM accounts WHERE id = $1;

-- name: account-event-insert
INSERT INTO account_events (account_id, at, kind) VALUES ($1, $2, $3);

-- name: account-event-count
SELECT count(*) AS n FROM account_events WHERE account_id = $1 AND kind = $2 AND at > $3;

-- name: account-health-insert
INSERT INTO account_health (account_id, at, score, connection, delivery, behaviour) VALUES ($1, $2, $3, $4, $5, $6);

-- name: account-health-history
SELECT at, score FROM account_health WHERE account_id = $1 ORDER BY id DESC LIMIT $2;

-- name: account-health-last
SELECT at, score FROM account_health WHERE account_id = $1 ORDER BY id DESC LIMIT 1;

-- name: account-qr-insert
INSERT INTO account_qr (account_id, kind, value, at) VALUES ($1, $2, $3, $4);

-- name: account-qr-list
SELECT kind, value, at FROM account_qr WHERE account_id = $1 ORDER BY id DESC LIMIT $2;

-- name: account-qr-trim
-- QR codes rotate every ~20 s while a link waits; the newest 100 are plenty of history.
DELETE FROM account_qr WHERE account_id = $1 AND id <= (SELECT id FROM account_qr WHERE account_id = $1 ORDER BY id DESC LIMIT 1 OFFSET 100);

-- name: session-version-next
-- The version of an account's next archive (bound into its seal). The row lock serialises two saves.
UPDATE accounts SET session_version = session_version + 1 WHERE id = $1 RETURNING session_version;

-- name: session-archive-insert
INSERT INTO account_sessions (account_id, created_at, archive, version) VALUES ($1, $2, $3, $4);

-- name: session-archive-list
-- Newest version first; archives sealed before versions existed (NULL) last. Without the archives
-- (up to 7 × tens of MB): session.load fetches one at a time (session-archive-get) until one opens.
SELECT id, version FROM account_sessions WHERE account_id = $1 ORDER BY version DESC NULLS LAST, id DESC;

-- name: session-archive-get
SELECT archive FROM account_sessions WHERE id = $1 AND account_id = $2;

-- name: session-archive-trim
-- Keep the newest 7 archives: a corrupt latest one falls back to an older one.
DELETE FROM account_sessions WHERE account_id = $1 AND id <= (SELECT id FROM account_sessions WHERE account_id = $1 ORDER BY id DESC LIMIT 1 OFFSET 7);

-- name: session-archive-count
SELECT count(*) AS n FROM account_sessions WHERE account_id = $1;

-- name: session-archive-delete
DELETE FROM account_sessions WHERE account_id = $1;

-- name: account-start-warmup
UPDATE accounts SET warmup_started_at = COALESCE(warmup_started_at, $2) WHERE id = $1;

-- name: account-events-purge
-- The health score looks back 7 days; 30 days of facts leave room for reports.
DELETE FROM account_events WHERE at < $1;

-- name: account-health-purge
-- Health history for charts: 90 days.
DELETE FROM account_health WHERE at < $1;

-- name: account-day-usage-purge
-- The dispatcher reads only the current local day's counter row (migration 0021) and seeds a missing
-- one by counting; a row per account and day would otherwise stay forever. 35 days leave a month of
-- days to look at.
DELETE FROM account_day_usage WHERE day_start < $1;

-- name: account-lease-release
UPDATE accounts SET lease_node = NULL, lease_until = NULL WHERE id = $1 AND lease_node = $2;

-- name: account-lease-holder
SELECT lease_node, lease_until FROM accounts WHERE id = $1;

