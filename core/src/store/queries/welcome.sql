-- Welcome messages to new members of our groups (community/welcome.hpp).

-- name: welcome-get
SELECT group_id, enabled, template, window_ms, updated_at FROM group_welcomes WHERE project_id = $1 AND group_id = $2;

-- name: welcome-upsert
INSERT INTO group_welcomes (group_id, project_id, enabled, template, window_ms, updated_at)
VALUES ($2, $1, $3, $4, $5, $6)
ON CONFLICT (group_id) DO UPDATE SET enabled = excluded.enabled, template = excluded.template,
  window_ms = excluded.window_ms, updated_at = excluded.updated_at;

-- name: welcome-group-for-join
-- The group of a join our number $2 saw, when it has a welcome switched on and the number is its admin.
SELECT g.id AS group_id, g.name FROM groups g
JOIN group_accounts ga ON ga.group_id = g.id AND ga.account_id = $2 AND ga.is_admin = 1 AND ga.left_at IS NULL
JOIN group_welcomes w ON w.group_id = g.id AND w.enabled = 1
WHERE g.project_id = $1 AND g.wa_id = $3;

-- name: welcome-pending-insert
INSERT INTO welcome_pending (group_id, project_id, account_id, participant, joined_at)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (group_id, participant) DO NOTHING;

-- name: welcome-due
-- Groups whose first waiting member joined a window ago: their batch is complete.
SELECT p.group_id, p.project_id, MIN(p.joined_at) AS first_at
FROM welcome_pending p JOIN group_welcomes w ON w.group_id = p.group_id
WHERE p.welcomed_at IS NULL
GROUP BY p.group_id, p.project_id, w.window_ms
HAVING MIN(p.joined_at) <= $1 - w.window_ms;

-- name: welcome-pending-of
SELECT participant, account_id, joined_at FROM welcome_pending WHERE group_id = $1 AND welcomed_at IS NULL
ORDER BY joined_at, participant LIMIT 50;

-- name: welcome-pending-done
UPDATE welcome_pending SET welcomed_at = $3 WHERE group_id = $1 AND participant = $2;

-- name: welcome-pending-count
SELECT COUNT(*) AS n FROM welcome_pending WHERE project_id = $1 AND group_id = $2 AND welcomed_at IS NULL;

-- name: welcome-group
SELECT g.id, g.wa_id, g.name, ga.account_id, ga.phase FROM groups g
JOIN group_accounts ga ON ga.group_id = g.id AND ga.is_admin = 1 AND ga.left_at IS NULL
WHERE g.project_id = $1 AND g.id = $2 ORDER BY ga.account_id LIMIT 1;

-- ---- moderation (community/moderation.hpp) ----

-- name: moderation-rules-get
SELECT group_id, rules, dry_run, updated_at FROM moderation_rules WHERE project_id = $1 AND group_id = $2;

-- name: moderation-rules-upsert
INSERT INTO moderation_rules (group_id, project_id, rules, dry_run, updated_at) VALUES ($2, $1, $3, $4, $5)
ON CONFLICT (group_id) DO UPDATE SET rules = excluded.rules, dry_run = excluded.dry_run, updated_at = excluded.updated_at;

-- name: moderation-context
-- A group message seen by number $2: the group's rules when the number is its admin there, and
-- whether the author is an admin (admin_ids holds the participant ids of the admins).
SELECT g.id AS group_id, g.admin_ids, m.rules, m.dry_run FROM groups g
JOIN group_accounts ga ON ga.group_id = g.id AND ga.account_id = $2 AND ga.is_admin = 1 AND ga.left_at IS NULL
JOIN moderation_rules m ON m.group_id = g.id
WHERE g.project_id = $1 AND g.wa_id = $3;

-- name: moderation-strike
INSERT INTO moderation_strikes (group_id, author, strikes) VALUES ($1, $2, 1)
ON CONFLICT (group_id, author) DO UPDATE SET strikes = moderation_strikes.strikes + 1
RETURNING strikes;

-- name: moderation-log-insert
INSERT INTO moderation_log (project_id, group_id, account_id, author, message_id, body, rule, action, dry_run, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: moderation-log-list
SELECT id, author, message_id, body, rule, action, dry_run, outcome, at FROM moderation_log
WHERE project_id = $1 AND group_id = $2 ORDER BY id DESC LIMIT $3;
