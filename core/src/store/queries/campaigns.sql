-- Templates, campaigns and the campaign side of the outbox (campaigns/campaign_service.hpp).
-- Migration 0011.

-- name: template-list
SELECT id, project_id, name, body, variables, media, poll, created_at, updated_at
FROM templates WHERE project_id = $1 ORDER BY name, id;

-- name: template-get
SELECT id, project_id, name, body, variables, media, poll, created_at, updated_at
FROM templates WHERE project_id = $1 AND id = $2;

-- name: template-insert
INSERT INTO templates (project_id, name, body, variables, media, poll, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id;

-- name: template-update
UPDATE templates SET name = $3, body = $4, variables = $5, media = $6, poll = $7, updated_at = $8
WHERE project_id = $1 AND id = $2;

-- name: template-delete
DELETE FROM templates WHERE project_id = $1 AND id = $2;

-- name: campaign-list
-- Newest first; $2/$3 filter status and kind when not NULL.
SELECT id, project_id, name, kind, status, status_reason, template_id, body, variables, media, poll, targeting,
       schedule, progress, starts_at, breaker_from, created_by, created_at, updated_at, launched_at, completed_at
FROM campaigns
WHERE project_id = $1 AND (CAST($2 AS TEXT) IS NULL OR status = CAST($2 AS TEXT))
  AND (CAST($3 AS TEXT) IS NULL OR kind = CAST($3 AS TEXT))
ORDER BY id DESC LIMIT 500;

-- name: analytics-campaign-name
-- The campaign performance table and the weekly report name their rows (analytics/dashboard.cpp).
SELECT name FROM campaigns WHERE project_id = $1 AND id = $2;

-- name: campaign-get
SELECT id, project_id, name, kind, status, status_reason, template_id, body, variables, media, poll, targeting,
       schedule, progress, starts_at, breaker_from, created_by, created_at, updated_at, launched_at, completed_at
FROM campaigns WHERE project_id = $1 AND id = $2;

-- name: campaign-insert
INSERT INTO campaigns (project_id, name, kind, template_id, body, variables, media, poll, targeting, schedule,
                       created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id;

-- name: campaign-update
-- Only drafts and scheduled-but-unlaunched campaigns change ($13: the status the caller saw).
UPDATE campaigns SET name = $3, kind = $4, template_id = $5, body = $6, variables = $7, media = $8, poll = $9,
       targeting = $10, schedule = $11, updated_at = $12
WHERE project_id = $1 AND id = $2 AND status = $13;

-- name: campaign-delete
DELETE FROM campaigns WHERE project_id = $1 AND id = $2 AND status = $3;

-- name: campaign-set-status
-- A transition from exactly the status the caller read ($3): two people pausing at once, or the
-- tick completing it meanwhile, leave one winner (affected = 1).
UPDATE campaigns SET status = $4, status_reason = $5, updated_at = $6,
       launched_at = CASE WHEN $4 IN ('scheduled', 'running') AND launched_at IS NULL THEN $6 ELSE launched_at END,
       completed_at = CASE WHEN $4 IN ('completed', 'cancelled') THEN $6 ELSE completed_at END,
       breaker_from = CASE WHEN $4 = 'running' AND $3 <> 'scheduled' THEN $6 ELSE breaker_from END
WHERE project_id = $1 AND id = $2 AND status = $3;

-- name: campaign-set-launch
UPDATE campaigns SET starts_at = $2, breaker_from = $3, body = $4 WHERE id = $1;

-- name: campaign-set-progress
UPDATE campaigns SET progress = $2 WHERE id = $1;

-- name: campaign-bodies-recent
-- Bodies of the project's other campaigns launched in the last 30 days (the similarity check: what
-- the recipients and WhatsApp saw; drafts do not count).
SELECT body, variables FROM campaigns WHERE project_id = $1 AND id <> $2 AND launched_at >= $3 AND body <> ''
ORDER BY id DESC LIMIT 50;

-- name: campaign-active
-- What the scheduler watches: campaigns that may start, finish, trip the breaker or progress.
SELECT id, project_id, status, starts_at, breaker_from, progress FROM campaigns
WHERE status IN ('scheduled', 'running', 'paused') ORDER BY id;

-- name: campaign-open-rows
-- Rows still to be sent or in flight.
SELECT COUNT(*) AS n FROM outbox WHERE campaign_id = $1 AND status IN ('queued', 'claimed');

-- name: campaign-last-change
-- Whether a row of the campaign changed since the last tick: the newest change among the rows changed
-- since they were planned (the partial index outbox_campaign_changed; migration 0019).
SELECT MAX(updated_at) AS at FROM outbox WHERE campaign_id = $1 AND updated_at > created_at;

-- name: campaign-progress
SELECT status, COUNT(*) AS n, COUNT(delivered_at) AS delivered, COUNT(read_at) AS read_n,
       COUNT(replied_at) AS replied, COUNT(delivery_failed_at) AS delivery_failed
FROM outbox WHERE campaign_id = $1 GROUP BY status;

-- name: campaign-account-insert
INSERT INTO campaign_accounts (campaign_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: campaign-account-of-moved-row
-- Failover and re-routing moved outbox row $1 onto another number: the circuit breaker watches that
-- number for this campaign too (a ban of the taker counts like a ban of a number chosen at launch).
INSERT INTO campaign_accounts (campaign_id, account_id)
SELECT campaign_id, account_id FROM outbox WHERE id = $1 AND campaign_id IS NOT NULL AND account_id IS NOT NULL
ON CONFLICT DO NOTHING;

-- name: campaign-signals
-- What WhatsApp told us about the campaign's messages whose outcome came since $2 (the breaker armed,
-- at most a day back): refused at send, or an error ack instead of delivery. A range of
-- outbox_campaign_changed: a day of a campaign is at most its numbers' daily limits (~200 each).
SELECT COUNT(*) AS outcomes,
       COALESCE(SUM(CASE WHEN status = 'refused' OR delivery_failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS refused
FROM outbox WHERE campaign_id = $1 AND updated_at >= $2 AND updated_at > created_at AND status IN ('sent', 'refused');

-- name: campaign-account-incidents-new
-- Accounts of the campaign now banned or critical (health < 70) that have no incident yet.
SELECT ca.account_id, a.phone, a.status, a.health FROM campaign_accounts ca JOIN accounts a ON a.id = ca.account_id
WHERE ca.campaign_id = $1 AND ca.incident IS NULL AND (a.status = 'banned' OR a.health < 70);

-- name: campaign-account-incident
UPDATE campaign_accounts SET incident = $3, incident_at = $4 WHERE campaign_id = $1 AND account_id = $2 AND incident IS NULL;

-- name: campaign-account-incidents
-- Incidents since the breaker was (re)armed: launch or the last resume.
SELECT ca.account_id, a.phone, ca.incident FROM campaign_accounts ca JOIN accounts a ON a.id = ca.account_id
WHERE ca.campaign_id = $1 AND ca.incident_at >= $2 ORDER BY ca.incident_at, ca.account_id;

-- name: campaign-cancel-rows
UPDATE outbox SET status = 'cancelled', reason = $2, updated_at = $3 WHERE campaign_id = $1 AND status = 'queued';

-- name: campaign-messages
-- Keyset page on id; $2 the cursor (last id seen, 0 first), $3 the displayed status or NULL, $4 the limit.
SELECT o.id, o.target, o.contact_id, o.group_id, o.account_id, a.phone AS account_phone, o.planned_at, o.status,
       o.reason, o.sent_at, o.delivered_at, o.read_at, o.replied_at, o.delivery_failed_at,
       COALESCE(NULLIF(c.name, ''), NULLIF(c.push_name, ''), c.phone, g.name) AS target_name
FROM outbox o
LEFT JOIN accounts a ON a.id = o.account_id
LEFT JOIN contacts c ON c.id = o.contact_id
LEFT JOIN groups g ON g.id = o.group_id
WHERE o.campaign_id = $1 AND o.id > $2
  AND (CAST($3 AS TEXT) IS NULL OR CAST($3 AS TEXT) = (CASE
        WHEN o.status = 'sent' AND o.delivery_failed_at IS NOT NULL THEN 'failed'
        WHEN o.status = 'sent' AND o.replied_at IS NOT NULL THEN 'replied'
        WHEN o.status = 'sent' AND o.read_at IS NOT NULL THEN 'read'
        WHEN o.status = 'sent' AND o.delivered_at IS NOT NULL THEN 'delivered'
        ELSE o.status END))
ORDER BY o.id LIMIT $4;

-- name: campaign-accounts-eligible
-- The project's accounts that may carry campaign work: producing or warming up, connected, and not
-- critical (health < 70 stops an account, docs/safety.md).
SELECT id, project_id, phone, label, role, status, health, daily_limit, warmup_started_at
FROM accounts WHERE project_id = $1 AND status IN ('active', 'warming') AND role IN ('production', 'warmup')
ORDER BY id;

-- name: campaign-accounts-usage
-- Campaign rows already planned per account and local day ($2 = the first day's midnight): a second
-- campaign shares the day's capacity with the first.
SELECT account_id, COUNT(*) AS n FROM outbox
WHERE project_id = $1 AND planned_at >= $2 AND planned_at < $3 AND status IN ('queued', 'claimed', 'sent', 'unknown')
GROUP BY account_id;

-- name: campaign-groups
-- Candidate groups of a project: the kind a campaign posts to ($2).
SELECT g.id, g.wa_id, g.kind, g.name, g.announce_only, g.size FROM groups g
WHERE g.project_id = $1 AND g.kind = $2 ORDER BY g.id;

-- name: campaign-group-accounts
SELECT ga.group_id, ga.account_id, ga.phase, ga.is_admin FROM group_accounts ga
WHERE ga.project_id = $1 AND ga.left_at IS NULL ORDER BY ga.group_id, ga.account_id;

-- name: campaign-group-personas
-- Members' personas and regions per group: a group's persona/region is the most common among its members.
SELECT m.group_id, c.persona, c.region, COUNT(*) AS n FROM memberships m JOIN contacts c ON c.id = m.contact_id
WHERE m.project_id = $1 GROUP BY m.group_id, c.persona, c.region;

-- name: campaign-group-activity
-- Messages per group since day $2 (YYYY-MM-DD).
SELECT group_id, SUM(messages) AS messages FROM group_activity_days WHERE project_id = $1 AND day >= $2 GROUP BY group_id;

-- name: campaign-contacts
-- Candidate contacts of a direct campaign (every filter but consent, which is counted per reason).
-- $2 persona, $3 min confidence, $4 region, $5 engagement ref threshold, $6 contacted before (ms),
-- $7 a JSON array of tags (any) or NULL.
SELECT c.id, c.phone, c.name, c.push_name, c.region, c.consent, c.attributes FROM contacts c
WHERE c.project_id = $1
  AND (CAST($2 AS TEXT) IS NULL OR c.persona = CAST($2 AS TEXT))
  AND (CAST($3 AS BIGINT) IS NULL OR c.persona_confidence >= CAST($3 AS BIGINT))
  AND (CAST($4 AS TEXT) IS NULL OR c.region = CAST($4 AS TEXT))
  AND (CAST($5 AS DOUBLE PRECISION) IS NULL OR c.engagement_ref >= CAST($5 AS DOUBLE PRECISION))
  AND (CAST($6 AS BIGINT) IS NULL OR c.last_contacted_at IS NULL OR c.last_contacted_at < CAST($6 AS BIGINT))
ORDER BY c.id;

-- name: campaign-contact-tags
SELECT contact_id, tag FROM contact_tags WHERE project_id = $1;

-- name: campaign-suppressions
SELECT phone_hash FROM suppressions;

-- name: outbox-plan-row
-- The planner's bulk insert (Conn::bulk): one prepared INSERT stepped per row on SQLite, COPY on
-- PostgreSQL (postgres/queries.sql).
INSERT INTO outbox (project_id, account_id, target, contact_id, group_id, kind, content, priority, planned_at, status,
                    idempotency_key, reason, campaign_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15);

-- name: outbox-ack
-- An engine ack, by the core's key or WhatsApp's id; monotonic: a timestamp once set never changes,
-- read implies delivered, and a late or repeated ack changes nothing. $3: 2 delivered, 3 read.
UPDATE outbox SET delivered_at = COALESCE(delivered_at, $4),
       read_at = CASE WHEN $3 >= 3 THEN COALESCE(read_at, $4) ELSE read_at END,
       updated_at = $4
WHERE (idempotency_key = $1 OR wa_message_id = $2) AND status = 'sent'
  AND (delivered_at IS NULL OR ($3 >= 3 AND read_at IS NULL));

-- name: outbox-ack-error
-- WhatsApp reported it could not deliver: counted as failed unless it was delivered already.
UPDATE outbox SET delivery_failed_at = $3, updated_at = $3
WHERE (idempotency_key = $1 OR wa_message_id = $2) AND status = 'sent' AND delivered_at IS NULL AND delivery_failed_at IS NULL;

-- name: outbox-reply-quoted
-- A reply quoting our message: replied (and so read and delivered).
UPDATE outbox SET replied_at = $2, read_at = COALESCE(read_at, $2), delivered_at = COALESCE(delivered_at, $2), updated_at = $2
WHERE wa_message_id = $1 AND status = 'sent' AND replied_at IS NULL;

-- name: outbox-reply-chat
-- A one-to-one message from a contact after our campaign message to them from this account (within
-- $4 ms): the latest such message counts as replied.
UPDATE outbox SET replied_at = $3, read_at = COALESCE(read_at, $3), delivered_at = COALESCE(delivered_at, $3), updated_at = $3
WHERE id = (SELECT id FROM outbox WHERE account_id = $1 AND claimed_at >= $4 AND target = $2 AND status = 'sent'
            AND campaign_id IS NOT NULL AND sent_at >= $4 AND sent_at <= $3 ORDER BY sent_at DESC LIMIT 1)
  AND replied_at IS NULL;

-- name: demo-campaign-count
-- The demo's own campaigns so far: the completed ones of its history (demo_history_campaign) do not count.
SELECT COUNT(*) AS n FROM campaigns WHERE project_id = $1 AND status <> 'completed';

-- name: demo-history-campaign-done
-- A campaign of the demo's history: launched when its first message went, completed after its last.
UPDATE campaigns SET status = 'completed', launched_at = $2, starts_at = $2, completed_at = $3, created_at = CAST($2 AS BIGINT) - 86400000,
       updated_at = $3 WHERE id = $1;

-- name: demo-contacts-for-opt-in
-- The demo's direct follow-up: members with a phone, the first few of the project.
SELECT id FROM contacts WHERE project_id = $1 AND phone IS NOT NULL AND consent = 'unknown' ORDER BY id LIMIT $2;

-- name: demo-campaign-history
-- The demo's history only: last month's campaign, its planned rows shown as sent, delivered and mostly
-- read ($2 = how far back), then completed.
UPDATE outbox SET status = 'sent', planned_at = planned_at - $2, sent_at = planned_at - $2 + 5000,
       delivered_at = planned_at - $2 + 60000, read_at = CASE WHEN id % 3 = 0 THEN NULL ELSE planned_at - $2 + 900000 END,
       replied_at = CASE WHEN id % 5 = 0 THEN planned_at - $2 + 1800000 ELSE NULL END,
       wa_message_id = 'demo-history-' || CAST(id AS TEXT), updated_at = $3
WHERE campaign_id = $1 AND status = 'queued';

-- name: demo-campaign-history-done
UPDATE campaigns SET status = 'completed', launched_at = launched_at - $2, created_at = created_at - $2,
       completed_at = CAST($3 AS BIGINT) - CAST($2 AS BIGINT) + 3 * 86400000, starts_at = starts_at - $2 WHERE id = $1;
