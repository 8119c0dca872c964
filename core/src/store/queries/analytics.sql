-- Analytics (analytics/*.hpp, docs/analytics.md): the event log, marks, rollups, links, leads.

-- name: analytics-event-copy
INSERT INTO analytics_events (project_id, kind, priority, at, account_id, contact_id, group_id, campaign_id,
                              outbox_id, link_code, data)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: analytics-mark-insert-many
-- The marks of one project's batch ($2: JSON array of marks, each once) that were not there before:
-- exactly the facts to count now. One statement per batch, no staging table: staging wrote every mark
-- twice more (the stage row and its delete), ~1/4 of the writer's time (docs/performance.md).
-- WHERE true: SQLite's parser needs it between a SELECT and ON CONFLICT.
INSERT INTO analytics_marks (project_id, mark)
SELECT $1, value FROM json_each($2) WHERE true
ON CONFLICT DO NOTHING
RETURNING mark;

-- name: analytics-rollup-add
INSERT INTO analytics_rollups (project_id, dim, dim_id, day, sent, delivered, read, replied, failed, clicks,
                               previews, incoming, joins, leaves, leads)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
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

-- The message's facts are counted on the day of its claim (set before the send left, never changed),
-- so they land on the same day whichever ack arrives first.
-- name: analytics-outbox-by-key
SELECT id, project_id, account_id, contact_id, campaign_id, target, COALESCE(claimed_at, planned_at) AS sent_ms
FROM outbox WHERE idempotency_key = $1;

-- name: analytics-outbox-by-keys
-- A batch's acks' messages in one look-up ($1: JSON array of idempotency keys) instead of one round
-- trip each: on PostgreSQL a round trip costs more than the look-up (docs/performance.md, analytics).
SELECT id, project_id, account_id, contact_id, campaign_id, target, COALESCE(claimed_at, planned_at) AS sent_ms,
       idempotency_key
FROM outbox WHERE idempotency_key IN (SELECT value FROM json_each($1));

-- name: analytics-outbox-by-wa-id
SELECT id, project_id, account_id, contact_id, campaign_id, target, COALESCE(claimed_at, planned_at) AS sent_ms
FROM outbox WHERE wa_message_id = $1;

-- name: analytics-outbox-by-id
SELECT id, project_id, account_id, contact_id, campaign_id, target, COALESCE(claimed_at, planned_at) AS sent_ms
FROM outbox WHERE id = $1;

-- name: analytics-last-outbox-to
-- The campaign message a one-to-one reply answers: the latest one sent to that chat within $3 ms.
SELECT id, project_id, account_id, contact_id, campaign_id, target FROM outbox
WHERE account_id = $1 AND target = $2 AND status = 'sent' AND claimed_at >= $3 AND campaign_id IS NOT NULL
ORDER BY claimed_at DESC LIMIT 1;

-- name: analytics-account-project
SELECT project_id FROM accounts WHERE id = $1;

-- name: analytics-project-zone
SELECT time_zone FROM projects WHERE id = $1;

-- name: analytics-contact-by-phone
SELECT id FROM contacts WHERE project_id = $1 AND phone = $2;

-- name: analytics-group-by-wa-id
SELECT id FROM groups WHERE project_id = $1 AND wa_id = $2;

-- name: analytics-events-all
-- Tests and the recomputation check: the raw log of one project in order.
SELECT id, kind, at, account_id, contact_id, group_id, campaign_id, outbox_id, link_code, data
FROM analytics_events WHERE project_id = $1 ORDER BY id;

-- name: analytics-rollups-all
SELECT dim, dim_id, day, sent, delivered, read, replied, failed, clicks, previews, incoming, joins, leaves, leads
FROM analytics_rollups WHERE project_id = $1 ORDER BY dim, dim_id, day;

-- name: link-insert
INSERT INTO links (code, project_id, url, campaign_id, contact_id, group_id, account_id, outbox_key, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: link-get
SELECT code, project_id, url, campaign_id, contact_id, group_id, account_id, outbox_key FROM links WHERE code = $1;

-- name: link-find
-- The link already made for this message and URL: shortening is idempotent per (outbox key, url).
SELECT code FROM links WHERE outbox_key = $1 AND url = $2;

-- name: link-find-by-key
-- A campaign launch's links rows (one per URL) read before its messages render (LinkService::launch_links).
SELECT url, code FROM links WHERE outbox_key = $1 ORDER BY code;

-- name: lead-secret-get
SELECT lead_secret, window_days FROM analytics_settings WHERE project_id = $1;

-- name: lead-secret-set
INSERT INTO analytics_settings (project_id, lead_secret, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (project_id) DO UPDATE SET lead_secret = excluded.lead_secret, updated_at = excluded.updated_at;

-- name: lead-by-submission
SELECT id, response FROM leads WHERE project_id = $1 AND submission_id = $2;

-- name: lead-contact
SELECT id, engagement_ref FROM contacts WHERE project_id = $1 AND phone = $2;

-- name: lead-touches
-- A contact's campaign touches in the window (analytics/attribution.hpp decides what counts).
SELECT kind, campaign_id, group_id, at FROM analytics_events
WHERE project_id = $1 AND contact_id = $2 AND at >= $3 AND at <= $4 AND campaign_id IS NOT NULL
  AND kind IN ('delivered', 'read', 'played', 'reply', 'click')
ORDER BY at, id;

-- name: lead-first-import
SELECT group_id, first_seen FROM memberships WHERE contact_id = $1 ORDER BY first_seen, group_id LIMIT 1;

-- name: lead-insert
INSERT INTO leads (project_id, submission_id, source, phone, contact_id, form, product, page, utm, fields, quality,
                   submitted_at, campaign_id, first_campaign_id, source_group_id, touchpoints, days_to_convert,
                   engagement, response, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
RETURNING id;

-- name: lead-set-response
UPDATE leads SET response = $2 WHERE id = $1;

-- name: lead-touch-insert
INSERT INTO lead_touchpoints (lead_id, seq, kind, campaign_id, group_id, at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: lead-credit-insert
INSERT INTO lead_attributions (lead_id, model, campaign_id, credit) VALUES ($1, $2, $3, $4);

-- name: lead-get
SELECT id, project_id, submission_id, source, phone, contact_id, form, product, page, utm, fields, quality,
       submitted_at, campaign_id, first_campaign_id, source_group_id, touchpoints, days_to_convert, engagement
FROM leads WHERE id = $1;

-- name: lead-credits
SELECT model, campaign_id, credit FROM lead_attributions WHERE lead_id = $1 ORDER BY model, campaign_id;

-- name: lead-journey
SELECT t.kind, t.campaign_id, t.group_id, g.name AS group_name, t.at
FROM lead_touchpoints t LEFT JOIN groups g ON g.id = t.group_id
WHERE t.lead_id = $1 ORDER BY t.seq;

-- name: lead-list
SELECT id FROM leads WHERE project_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3;

-- Dashboard aggregates (analytics/dashboard.cpp). Everything reads the rollups (a few rows per
-- campaign, account, group and day) or an indexed range, never the raw log: at 10M events a scan
-- would take seconds (docs/performance.md).

-- name: dash-totals
SELECT COALESCE(SUM(sent), 0) AS sent, COALESCE(SUM(delivered), 0) AS delivered, COALESCE(SUM(read), 0) AS read,
       COALESCE(SUM(replied), 0) AS replied, COALESCE(SUM(clicks), 0) AS clicks, COALESCE(SUM(leads), 0) AS leads,
       COALESCE(SUM(incoming), 0) AS incoming
FROM analytics_rollups WHERE project_id = $1 AND dim = 'project' AND dim_id = 0 AND day >= $2 AND day <= $3;

-- name: dash-distinct-dims
-- Groups with activity / campaigns with sends in a range of days.
SELECT COUNT(DISTINCT dim_id) AS n FROM analytics_rollups
WHERE project_id = $1 AND dim = $2 AND day >= $3 AND day <= $4 AND (sent > 0 OR incoming > 0 OR replied > 0);

-- name: dash-contacts-before
-- Contacts created before $2 (ms): the quarter-hour counters before its bucket $3 (= $2 / 900000,
-- migration 0023) and, by index, the contacts of that bucket before $2 ($4 = $3 * 900000; none when
-- $2 is a local midnight). Equal to COUNT(*) ... created_at < $2, without reading 1M rows.
SELECT CAST((SELECT COALESCE(SUM(n), 0) FROM contact_counts WHERE project_id = $1 AND bucket < $3)
          + (SELECT COUNT(*) FROM contacts WHERE project_id = $1 AND created_at >= $4 AND created_at < $2) AS BIGINT) AS n;

-- name: dash-contacts-now
-- Contacts created before $2 when $2 is now: all of the project's, less any stamped later (a clock
-- set back), by index.
SELECT CAST((SELECT COALESCE(SUM(n), 0) FROM contact_counts WHERE project_id = $1)
          - (SELECT COUNT(*) FROM contacts WHERE project_id = $1 AND created_at >= $2) AS BIGINT) AS n;

-- name: dash-health-now
SELECT AVG(health) AS health, COUNT(*) AS n FROM accounts WHERE project_id = $1 AND status NOT IN ('retired');

-- name: dash-health-at
-- Each account's last recorded score before $2, averaged. One lookup per account, walking its
-- history backwards by id from the newest row (index account_health_account) to the first before $2:
-- the health recorder writes a row an hour per account and keeps 90 days, so correlating on every
-- history row (the first form of this query) made ~2,000 x 2,000 steps per account, 7.5 s with 20
-- accounts (docs/performance.md, dashboard at scale). The same rows are averaged: the newest id before $2.
SELECT AVG(h.score) AS health FROM accounts a
JOIN account_health h ON h.id = (SELECT h2.id FROM account_health h2 WHERE h2.account_id = a.id AND h2.at < $2
                                 ORDER BY h2.id DESC LIMIT 1)
WHERE a.project_id = $1;

-- name: dash-series
SELECT day, sent, delivered, read, replied, clicks, leads, incoming FROM analytics_rollups
WHERE project_id = $1 AND dim = 'project' AND dim_id = 0 AND day >= $2 AND day <= $3 ORDER BY day;

-- name: dash-hours
SELECT dim_id AS hour, SUM(sent) AS sent, SUM(read) AS read, SUM(replied) AS replied, SUM(incoming) AS incoming
FROM analytics_rollups WHERE project_id = $1 AND dim = 'hour' AND day >= $2 AND day <= $3
GROUP BY dim_id ORDER BY dim_id;

-- name: dash-by-dim
SELECT dim_id, SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(read) AS read, SUM(replied) AS replied,
       SUM(failed) AS failed, SUM(clicks) AS clicks, SUM(leads) AS leads, SUM(incoming) AS incoming,
       SUM(joins) AS joins, SUM(leaves) AS leaves
FROM analytics_rollups WHERE project_id = $1 AND dim = $2 AND day >= $3 AND day <= $4
GROUP BY dim_id;

-- name: dash-accounts
SELECT id, phone, label, status, health, health_connection, health_delivery, health_behaviour
FROM accounts WHERE project_id = $1 ORDER BY id;

-- name: dash-account-health-history
-- One point per account and 3 hours ($3 ms), the lowest score of the bucket, at the bucket's start: the
-- recorder writes a score an hour, and 30 days of them for 20 numbers were 14,400 points (~580 KB of
-- JSON, 126-177 ms p95 at scale, docs/performance.md) for a chart 220 px tall. The lowest, so a dip
-- is never averaged away.
SELECT h.account_id, (h.at / $3) * $3 AS at, MIN(h.score) AS score FROM account_health h JOIN accounts a ON a.id = h.account_id
WHERE a.project_id = $1 AND h.at >= $2 GROUP BY 1, 2 ORDER BY 1, 2;

-- name: dash-groups
SELECT id, name, size, kind FROM groups WHERE project_id = $1;

-- name: dash-group-leads
SELECT source_group_id AS group_id, COUNT(*) AS leads FROM leads
WHERE project_id = $1 AND source_group_id IS NOT NULL AND submitted_at >= $2 AND submitted_at < $3
GROUP BY source_group_id;

-- name: dash-leads-between
SELECT COUNT(*) AS n FROM leads WHERE project_id = $1 AND submitted_at >= $2 AND submitted_at < $3;

-- name: dash-contact-events
SELECT kind, at, account_id, group_id, campaign_id, outbox_id, link_code FROM analytics_events
WHERE project_id = $1 AND contact_id = $2 ORDER BY at DESC, id DESC LIMIT $3;

-- name: dash-contact-leads
SELECT id FROM leads WHERE project_id = $1 AND contact_id = $2 ORDER BY submitted_at DESC LIMIT 20;

-- name: dash-contact
SELECT id, phone, name, push_name, consent, engagement_ref, created_at FROM contacts WHERE project_id = $1 AND id = $2;

-- name: dash-contact-groups
SELECT m.group_id, g.name, m.first_seen FROM memberships m JOIN groups g ON g.id = m.group_id
WHERE m.contact_id = $1 ORDER BY m.first_seen;

-- Weekly report (analytics/weekly_report.cpp).

-- name: report-due-projects
-- Projects whose weekly report was not sent on local day $2 (the caller checks it is Friday there).
SELECT p.id, p.time_zone, s.report_sent_day FROM projects p LEFT JOIN analytics_settings s ON s.project_id = p.id;

-- name: report-mark-sent
-- Only one node sends it: the row moves from "not today" to today once.
INSERT INTO analytics_settings (project_id, report_sent_day, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (project_id) DO UPDATE SET report_sent_day = excluded.report_sent_day, updated_at = excluded.updated_at
WHERE analytics_settings.report_sent_day IS NULL OR analytics_settings.report_sent_day < excluded.report_sent_day;

-- Group post reach (analytics/group_reach.cpp).

-- name: reach-track-new
-- Group posts sent in the last day that are not tracked yet; the first check one hour after posting.
INSERT INTO group_post_reach (outbox_id, project_id, group_id, account_id, wa_message_id, campaign_id, posted_at, next_check_at)
SELECT o.id, o.project_id, g.id, o.account_id, o.wa_message_id, o.campaign_id, o.sent_at, o.sent_at + 3600000
FROM outbox o LEFT JOIN groups g ON g.project_id = o.project_id AND g.wa_id = o.target
WHERE o.status = 'sent' AND o.target LIKE '%@g.us' AND o.sent_at >= $1 AND o.wa_message_id IS NOT NULL
  AND o.account_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM group_post_reach r WHERE r.outbox_id = o.id);

-- name: reach-due
SELECT r.outbox_id, r.account_id, r.wa_message_id, r.posted_at, r.next_check_at, r.checks, COALESCE(g.size, 0) AS size
FROM group_post_reach r LEFT JOIN groups g ON g.id = r.group_id
WHERE r.next_check_at IS NOT NULL AND r.next_check_at <= $1 ORDER BY r.next_check_at LIMIT $2;

-- name: reach-claim
-- Moves the check a few minutes ahead while its answer is out: another node (or the next round) skips it.
UPDATE group_post_reach SET next_check_at = $3 WHERE outbox_id = $1 AND next_check_at = $2;

-- name: reach-record
UPDATE group_post_reach SET members = $2, delivered = $3, read = $4, checks = $5, next_check_at = $6, checked_at = $7,
       error = $8
WHERE outbox_id = $1;

-- name: reach-by-group
-- Per group: posts checked in the range and their average reach (the latest check of each post).
SELECT group_id, COUNT(*) AS posts, SUM(delivered) AS delivered, SUM(read) AS read, SUM(members) AS members
FROM group_post_reach
WHERE project_id = $1 AND posted_at >= $2 AND posted_at < $3 AND checks > 0 AND group_id IS NOT NULL
GROUP BY group_id;
