-- PostgreSQL-only queries (the rest are in ../queries/*.sql).

-- name: migration-lock
-- Transaction-scoped advisory lock: a second process starting at the same moment waits here, then
-- finds the migrations applied. 727001 is an arbitrary constant naming "sangam migrations".
SELECT pg_advisory_xact_lock(727001) IS NOT NULL AS locked;

-- name: migration-table
CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL);

-- Account leases (docs/accounts.md, scale-out) are timed by the database's clock, never
-- a node's own: two hosts' clocks may differ by more than a lease lasts.

-- name: account-lease-claim
-- Takes the lease for the given ms when it is free, expired, or already ours; affected = 1 means we hold it.
UPDATE accounts SET lease_node = $2, lease_until = (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT + $3
WHERE id = $1 AND (lease_node IS NULL OR lease_node = $2 OR lease_until < (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT);

-- name: account-lease-renew
-- Renews every lease this node still holds and says which: an account missing from the answer was
-- taken by another node while this one stalled, and its client must stop (fencing).
UPDATE accounts SET lease_until = (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT + $2
WHERE lease_node = $1 AND status IN ('linking', 'active', 'standby', 'warming', 'cooling')
RETURNING id;

-- name: account-list-orphaned
-- Accounts that should run but whose lease expired: their process died.
SELECT id FROM accounts
WHERE status IN ('active', 'standby', 'warming', 'cooling') AND next_retry_at IS NULL
  AND lease_node IS NOT NULL AND lease_until < (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT
ORDER BY id;

-- name: session-time-zone
-- Set to UTC on every new connection (pg_db.cpp), like the stored times (UTC milliseconds).
SELECT current_setting('TimeZone') AS time_zone;

-- name: project-lock-members
-- Serialises membership changes of one project: the last-owner rule counts owners, then writes;
-- two owners demoting each other at once on READ COMMITTED would both see two owners.
SELECT id FROM projects WHERE id = $1 FOR UPDATE;

-- name: notify
-- Sent inside the write transaction it belongs to: listeners hear it on COMMIT only (Database::listen).
SELECT pg_notify($1, $2);

-- name: group-lock-account
-- Joins of one account are counted and written one at a time: two joins at once on READ COMMITTED
-- would both count 2 of 3 and both join.
SELECT id FROM accounts WHERE id = $1 FOR UPDATE;

-- name: contact-stage-copy
COPY contact_stage (batch, seq, phone, phone_hash, lid, name, push_name, region, is_admin, consent, tags, attributes) FROM STDIN;

-- name: contact-copy
COPY contacts (project_id, phone, lid, name, push_name, region, persona, persona_confidence, engagement_ref, consent,
               source, last_contacted_at, created_at, updated_at) FROM STDIN;

-- name: membership-copy
COPY memberships (group_id, contact_id, project_id, account_id, is_admin, first_seen, last_seen) FROM STDIN;

-- name: contact-tag-copy
COPY contact_tags (contact_id, project_id, tag) FROM STDIN;
-- name: dispatch-lock-account
-- Serialises the claims of one account across processes: the day's usage and the claim are read and
-- written under this lock, so a daily limit holds however many dispatchers run (READ COMMITTED would
-- let two see the same count). With the account's columns (as account-columns), its project's
-- calendar (time zone, working hours, weekend factor: the dispatcher caches them parsed while they
-- stay the same). The usage row and the in-flight check are NOT read here but in the next statement
-- (dispatch-usage): a SELECT … FOR UPDATE that waited for the lock re-reads only the locked row, and
-- the joined and sub-queried rows would come from the snapshot taken before the wait — the other
-- dispatcher's claim, committed meanwhile, unseen (two claims in one pacing gap, measured here).
SELECT a.id, a.project_id, a.phone, a.label, a.engine, a.role, a.status, a.status_reason, a.health,
       a.health_connection, a.health_delivery, a.health_behaviour, a.daily_limit, a.usage_today, a.linked_at,
       a.last_activity_at, a.phone_seen_at, a.warmup_started_at, a.reconnect_attempts, a.next_retry_at,
       a.last_rtt_ms, a.connector_id, a.lease_node, a.lease_until, a.created_at, a.updated_at,
       p.time_zone AS project_time_zone, p.working_hours AS project_working_hours,
       p.weekend_factor AS project_weekend_factor,
       CAST($2 AS BIGINT) AS decided_at  -- the decision's clock, as SQLite's version takes it
FROM accounts a JOIN projects p ON p.id = a.project_id
WHERE a.id = $1 FOR UPDATE OF a;

-- name: dispatch-usage
-- After dispatch-lock-account, in a statement of its own (a fresh snapshot under READ COMMITTED, taken
-- once the lock is held): the account's latest day usage row (migration 0021; the dispatcher checks
-- it is today's) and whether a send of it is in flight (a claim not yet expired: a seek in
-- outbox_in_flight, migration 0021).
SELECT u.day_start AS usage_day, u.messages AS usage_messages, u.group_posts AS usage_group_posts,
       u.new_chats AS usage_new_chats, u.last_claimed_at AS usage_last_claimed_at,
       CASE WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.account_id = $1 AND o.status = 'claimed' AND o.claimed_until > $2)
            THEN 1 ELSE 0 END AS in_flight
FROM (SELECT 1) one
LEFT JOIN account_day_usage u ON u.account_id = $1
  AND u.day_start = (SELECT MAX(d.day_start) FROM account_day_usage d WHERE d.account_id = $1 AND d.day_start <= $2);

-- name: contacts-by-phones
-- A CSV chunk's known contacts in one look-up ($2: JSON array of E.164 phones).
SELECT id, phone, consent, attributes FROM contacts
WHERE project_id = $1 AND phone IN (SELECT jsonb_array_elements_text(CAST($2 AS jsonb)));

-- name: suppressions-by-hashes
SELECT phone_hash FROM suppressions WHERE phone_hash IN (SELECT jsonb_array_elements_text(CAST($1 AS jsonb)));

-- name: outbox-plan-row
-- The campaign planner's rows stream as COPY text (DESIGN.md: 560k rows/s against 17k for an INSERT loop).
COPY outbox (project_id, account_id, target, contact_id, group_id, kind, content, priority, planned_at, status,
             idempotency_key, reason, campaign_id, created_at, updated_at) FROM STDIN;

-- name: analytics-event-copy
COPY analytics_events (project_id, kind, priority, at, account_id, contact_id, group_id, campaign_id, outbox_id,
                       link_code, data) FROM STDIN;

-- name: analytics-outbox-by-keys
SELECT id, project_id, account_id, contact_id, campaign_id, target, COALESCE(claimed_at, planned_at) AS sent_ms,
       idempotency_key
FROM outbox WHERE idempotency_key IN (SELECT jsonb_array_elements_text(CAST($1 AS jsonb)));

-- name: analytics-mark-insert-many
-- A mark another node inserts at the same moment makes this INSERT wait for that transaction and then
-- skip the mark, so it is counted by one of the two only. Marks come sorted (by the writer's map), so
-- two batches lock their common marks in the same order and cannot deadlock.
INSERT INTO analytics_marks (project_id, mark)
SELECT CAST($1 AS bigint), jsonb_array_elements_text(CAST($2 AS jsonb))
ON CONFLICT DO NOTHING
RETURNING mark;

-- name: analytics-rollup-add-many
-- A batch's rollup deltas in one statement ($1..$15: one array per column, the same length, every
-- (project, dim, dim_id, day) once): one round trip instead of one per row, ~10,000 of them for a
-- batch of 5,000 acks spread over 120 days (docs/performance.md). SQLite runs analytics-rollup-add
-- as its bulk path (one prepared statement) instead.
INSERT INTO analytics_rollups (project_id, dim, dim_id, day, sent, delivered, read, replied, failed, clicks,
                               previews, incoming, joins, leaves, leads)
SELECT * FROM unnest(CAST($1 AS bigint[]), CAST($2 AS text[]), CAST($3 AS bigint[]), CAST($4 AS bigint[]),
                     CAST($5 AS bigint[]), CAST($6 AS bigint[]), CAST($7 AS bigint[]), CAST($8 AS bigint[]),
                     CAST($9 AS bigint[]), CAST($10 AS bigint[]), CAST($11 AS bigint[]), CAST($12 AS bigint[]),
                     CAST($13 AS bigint[]), CAST($14 AS bigint[]), CAST($15 AS bigint[]))
ON CONFLICT (project_id, dim, dim_id, day) DO UPDATE SET
  sent = analytics_rollups.sent + excluded.sent,
  delivered = analytics_rollups.delivered + excluded.delivered,
  read = analytics_rollups.read + excluded.read,
  replied = analytics_rollups.replied + excluded.replied,
  failed = analytics_rollups.failed + excluded.failed,
  clicks = analytics_rollups.clicks + excluded.clicks,
  previews = analytics_rollups.previews + excluded.previews,
  incoming = analytics_rollups.incoming + excluded.incoming,
  joins = analytics_rollups.joins + excluded.joins,
  leaves = analytics_rollups.leaves + excluded.leaves,
  leads = analytics_rollups.leads + excluded.leads;

-- name: contact-erase-events
UPDATE analytics_events SET contact_id = NULL,
       data = CAST(CAST(data AS jsonb) - ARRAY['chat', 'from', 'author', 'voter'] AS text)
WHERE project_id = $1 AND contact_id = $2;

-- name: contact-erase-leads
UPDATE leads SET phone = 'erased', contact_id = NULL, fields = '{}',
       response = CAST(CAST(response AS jsonb) || jsonb_build_object('phone', 'erased', 'contact_id', NULL, 'fields', '{}'::jsonb) AS text)
WHERE project_id = $1 AND (contact_id = $2 OR phone = $3);
