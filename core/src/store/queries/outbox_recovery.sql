-- The outbox's recovery side (campaigns/reconcile.hpp, campaigns/reroute.hpp; docs/safety.md,
-- dispatch): unknown outcomes checked against the engine, rows moved to another number after their
-- retries or when their number is banned or critical, and targets no number can reach.

-- name: outbox-recover-node
-- At start: this node's claims are its previous process's (one process per data dir, hence per node
-- id), which died before settling them: the send may have left. Checked against the engine next.
UPDATE outbox SET status = 'unknown', updated_at = $2, reconcile_after = NULL,
       reason = 'the core stopped while sending; checking the chat before sending again'
WHERE status = 'claimed' AND claimed_by = $1;

-- name: outbox-unknown-due
-- Unknown rows of one account whose next check is due, oldest first.
SELECT id, project_id, account_id, target, content, attempts, claimed_at, reconcile_attempts, tried_accounts
FROM outbox WHERE status = 'unknown' AND account_id = $1 AND reconcile_attempts < $3
  AND (reconcile_after IS NULL OR reconcile_after <= $2)
ORDER BY id LIMIT $4;

-- name: outbox-known-ids
-- Message ids already attributed to this account's rows for one chat since a time: a second message
-- with the same body there is not the one being looked for.
SELECT wa_message_id FROM outbox
WHERE account_id = $1 AND target = $2 AND status = 'sent' AND wa_message_id IS NOT NULL AND sent_at >= $3;

-- name: outbox-reconciled-sent
UPDATE outbox SET status = 'sent', wa_message_id = $2, sent_at = $3, updated_at = $3,
       reason = 'found in the chat after an unknown outcome'
WHERE id = $1 AND status = 'unknown';

-- name: outbox-reconciled-absent
-- The engine answered definitively that the chat does not have it: surely not sent, queued again.
UPDATE outbox SET status = 'queued', planned_at = $2, reason = $3, updated_at = $4, claimed_by = NULL,
       claimed_until = NULL, claimed_at = NULL, reconcile_after = NULL
WHERE id = $1 AND status = 'unknown';

-- name: outbox-reconcile-later
-- $5: 1 when the engine looked and could not tell, 0 when it could not be asked (not connected).
UPDATE outbox SET reconcile_attempts = reconcile_attempts + $5, reconcile_after = $2, reason = $3, updated_at = $4
WHERE id = $1 AND status = 'unknown';

-- name: outbox-unknown-later
-- A timeout or a lost connector mid-send: the send may still land, so the first check waits a little.
UPDATE outbox SET reconcile_after = $2 WHERE id = $1 AND status = 'unknown';

-- name: outbox-release
-- The send never left the core (no connector): back in the queue, the attempt not counted.
UPDATE outbox SET status = 'queued', planned_at = $3, reason = $4, attempts = attempts - 1, claimed_by = NULL,
       claimed_until = NULL, claimed_at = NULL, updated_at = $5
WHERE id = $1 AND status = 'claimed' AND claimed_by = $2;

-- name: outbox-row-for-move
SELECT id, project_id, account_id, target, priority, planned_at, status, attempts, tried_accounts
FROM outbox WHERE id = $1;

-- name: outbox-move
-- To another number: a fresh set of attempts there, the numbers tried so far remembered.
UPDATE outbox SET account_id = $2, status = 'queued', attempts = 0, planned_at = $3, tried_accounts = $4,
       reason = $5, updated_at = $6, claimed_by = NULL, claimed_until = NULL, claimed_at = NULL,
       reconcile_after = NULL, reconcile_attempts = 0
WHERE id = $1 AND status IN ('queued', 'claimed', 'unknown');

-- name: outbox-fail-unreachable
UPDATE outbox SET status = 'failed', reason = $2, updated_at = $3, claimed_by = NULL, claimed_until = NULL
WHERE id = $1 AND status IN ('queued', 'claimed', 'unknown');

-- name: unreachable-upsert
INSERT INTO unreachable_targets (project_id, target, reason, outbox_id, at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (project_id, target) DO UPDATE SET reason = excluded.reason, outbox_id = excluded.outbox_id, at = excluded.at;

-- name: unreachable-list
SELECT target, reason, outbox_id, at FROM unreachable_targets WHERE project_id = $1 ORDER BY at DESC, target;

-- name: outbox-queued-of-account
-- Everything an account still has to send, in the order it would have sent it.
SELECT id, target, priority, planned_at, tried_accounts FROM outbox
WHERE account_id = $1 AND status = 'queued' ORDER BY priority, planned_at, id;

-- name: reroute-candidates
-- Numbers of the project that may take over a row: working, healthy (not critical: ≥ 70), not the
-- one giving it up. Group membership is checked per target (reroute-group-members).
SELECT id, phone, engine, status, health,
       (SELECT COUNT(*) FROM outbox o WHERE o.account_id = a.id AND o.status = 'queued') AS queued
FROM accounts a
WHERE project_id = $1 AND id <> $2 AND status IN ('active', 'warming') AND health >= 70
ORDER BY id;

-- name: reroute-group-members
-- Our numbers that are members of a group (or of a channel) of the project, by its WhatsApp id, and
-- were still in it at the last sync.
SELECT ga.account_id FROM group_accounts ga JOIN groups g ON g.id = ga.group_id
WHERE g.project_id = $1 AND g.wa_id = $2 AND ga.left_at IS NULL;

-- name: account-backup-standby
-- A linked backup number of the project, waiting: the first one failover activates.
SELECT id, phone FROM accounts
WHERE project_id = $1 AND role = 'backup' AND status = 'standby' AND linked_at IS NOT NULL AND health >= 70
ORDER BY id LIMIT 1;

-- name: outbox-touch
-- The benchmarks' floor (core/bench/dispatch_bench.cpp): the least a claim can cost, one row updated.
UPDATE outbox SET updated_at = $2 WHERE id = $1;

-- name: outbox-reconcile-state
SELECT status, reconcile_attempts FROM outbox WHERE id = $1;
