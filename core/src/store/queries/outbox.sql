-- The outbox's dispatch side (campaigns/outbox.hpp). A row moves queued → claimed → sent | unknown |
-- refused | failed, or back to queued with a later planned_at when it must wait. The claim (with its
-- idempotency key, written at insert) is committed before the send leaves the core: a crash after
-- it leaves a claimed row that recovery marks unknown — never sent twice.

-- name: outbox-next-due
SELECT id, project_id, account_id, target, contact_id, kind, content, priority, planned_at, status,
       idempotency_key, attempts, campaign_id
FROM outbox WHERE account_id = $1 AND status = 'queued' AND planned_at <= $2
  -- A campaign's rows go only while it runs: pause (and a scheduled start) hold them right here, in
  -- the claim's own query, so no send of a paused campaign can slip between a check and the claim.
  AND (campaign_id IS NULL OR campaign_id IN (SELECT id FROM campaigns WHERE status = 'running'))
ORDER BY priority, planned_at, id LIMIT 1;

-- name: outbox-usage-today
-- What the account has claimed since the local day began (claimed, sent, or maybe sent), counted.
-- Since migration 0021 the decision reads this from the day's counter row (account_day_usage); the
-- count runs once, when that row does not exist yet (the first decision of a local day, the day of
-- the upgrade, a project whose time zone changed), and seeds it (outbox-usage-init).
SELECT COUNT(*) AS messages,
       COALESCE(SUM(CASE WHEN target LIKE '%@g.us' THEN 1 ELSE 0 END), 0) AS group_posts,
       COALESCE(SUM(CASE WHEN target LIKE '%@c.us' AND kind <> 'reply' AND kind <> 'opt_out_confirmation' THEN 1 ELSE 0 END), 0) AS new_chats,
       MAX(claimed_at) AS last_claimed_at
FROM outbox WHERE account_id = $1 AND claimed_at >= $2 AND status IN ('claimed', 'sent', 'unknown');

-- name: outbox-usage-day
SELECT day_start AS usage_day, messages AS usage_messages, group_posts AS usage_group_posts,
       new_chats AS usage_new_chats, last_claimed_at AS usage_last_claimed_at
FROM account_day_usage WHERE account_id = $1 AND day_start = $2;

-- name: outbox-usage-init
-- Seeds the day's counter with the count (outbox-usage-today), under the account's lock; from here
-- the outbox's triggers keep it (migration 0021). A row already there (another process seeded it
-- first) stays as it is.
INSERT INTO account_day_usage (account_id, day_start, messages, group_posts, new_chats, last_claimed_at)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, day_start) DO NOTHING;

-- name: outbox-claim
-- $5: the local day the claim counts in (the project's midnight, UTC ms): the trigger
-- outbox_usage_enter adds it to that day's counter row in this same statement (migration 0021).
UPDATE outbox SET status = 'claimed', claimed_by = $2, claimed_at = $3, claimed_until = $4,
       attempts = attempts + 1, updated_at = $3, usage_day = $5
WHERE id = $1 AND status = 'queued';

-- name: outbox-claim-skip
-- Refused at send time for good (consent, the group's phase): the row as a claim settled `skipped`
-- would leave it (claimed_by, claimed_at, an attempt, the reason), in one statement instead of a claim
-- and a finish; never counted as usage (it never was sent).
UPDATE outbox SET status = 'skipped', claimed_by = $2, claimed_at = $3, claimed_until = $4,
       attempts = attempts + 1, reason = $5, wa_message_id = NULL, sent_at = NULL, updated_at = $3
WHERE id = $1 AND status = 'queued';

-- name: outbox-defer
UPDATE outbox SET planned_at = $2, reason = $3, updated_at = $4 WHERE id = $1 AND status = 'queued';

-- name: outbox-finish
-- Only the claim's holder settles it.
UPDATE outbox SET status = $3, wa_message_id = $4, reason = $5, sent_at = $6, updated_at = $7
WHERE id = $1 AND status = 'claimed' AND claimed_by = $2;

-- name: outbox-requeue
-- Surely not sent (no connector, client not ready): back in the queue for a later attempt.
UPDATE outbox SET status = 'queued', planned_at = $3, reason = $4, claimed_by = NULL, claimed_until = NULL,
       claimed_at = NULL, updated_at = $5
WHERE id = $1 AND status = 'claimed' AND claimed_by = $2;

-- name: outbox-recover-stale
-- Claims whose holder stopped (crash, kill -9) before settling them: the send may have left.
UPDATE outbox SET status = 'unknown', updated_at = $1,
       reason = 'the core stopped while sending; check the chat before sending again'
WHERE status = 'claimed' AND claimed_until < $1;

-- name: outbox-get
SELECT id, project_id, account_id, target, contact_id, kind, priority, planned_at, status, idempotency_key,
       attempts, claimed_by, claimed_at, wa_message_id, reason, campaign_id, sent_at
FROM outbox WHERE id = $1;

-- name: outbox-enqueue
-- The planner's insert (with its campaign), answering the new row's id.
INSERT INTO outbox (project_id, account_id, target, contact_id, kind, content, priority, planned_at,
                    idempotency_key, campaign_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
RETURNING id;

-- name: outbox-group-phase
-- The engagement phase of the sending number in the group a post goes to (issue 10 item 9), asked at
-- send time: a group moved back to observation after planning must not get the planned post. No row:
-- a group we do not track (never synced) — the planner's own checks stand.
SELECT ga.phase FROM groups g JOIN group_accounts ga ON ga.group_id = g.id
WHERE g.project_id = $1 AND g.wa_id = $2 AND ga.account_id = $3 AND ga.left_at IS NULL;
