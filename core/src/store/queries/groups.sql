-- Groups, our accounts in them, sync runs, joins, activity (groups/group_store.cpp). Migration 0009.

-- name: group-upsert
-- One row per WhatsApp group per project, whichever of our numbers saw it. An invite link is kept
-- when this number is no admin but another one is ($11 NULL).
INSERT INTO groups (project_id, wa_id, kind, name, description, size, admins, lid_members, parent_wa_id,
                    announce_only, invite_link, admin_ids, wa_created_at, created_at, synced_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
ON CONFLICT (project_id, wa_id) DO UPDATE SET
  kind = excluded.kind, name = excluded.name, description = excluded.description, size = excluded.size,
  admins = excluded.admins, lid_members = excluded.lid_members, parent_wa_id = excluded.parent_wa_id,
  announce_only = excluded.announce_only, invite_link = COALESCE(excluded.invite_link, groups.invite_link),
  admin_ids = excluded.admin_ids, wa_created_at = COALESCE(excluded.wa_created_at, groups.wa_created_at),
  synced_at = excluded.synced_at
RETURNING id;

-- name: group-account-upsert
-- $5: the phase a group starts in when we first see it there ('value' where we are admin: our own
-- group; 'observation' otherwise). A group seen again keeps its phase and its dates.
INSERT INTO group_accounts (group_id, account_id, project_id, is_admin, phase, phase_since, observation_at,
                            contribution_at, value_at, joined_at, last_seen_at)
VALUES ($1, $2, $3, $4, $5, $6,
        CASE WHEN $5 = 'observation' THEN CAST($6 AS BIGINT) ELSE NULL END,
        CASE WHEN $5 = 'contribution' THEN CAST($6 AS BIGINT) ELSE NULL END,
        CASE WHEN $5 = 'value' THEN CAST($6 AS BIGINT) ELSE NULL END, $6, $6)
ON CONFLICT (group_id, account_id) DO UPDATE SET is_admin = excluded.is_admin, last_seen_at = excluded.last_seen_at,
  left_at = NULL;

-- name: group-accounts-mark-left
-- After a complete sync that started at $2: the groups this account was no longer in.
UPDATE group_accounts SET left_at = $3 WHERE account_id = $1 AND last_seen_at < $2 AND left_at IS NULL;

-- name: group-by-id
SELECT g.id, g.project_id, g.wa_id, g.kind, g.name, g.description, g.size, g.admins, g.lid_members, g.parent_wa_id,
       g.announce_only, g.invite_link, g.admin_ids, g.wa_created_at, g.created_at, g.synced_at,
       p.id AS parent_id, p.name AS parent_name
FROM groups g LEFT JOIN groups p ON p.project_id = g.project_id AND p.wa_id = g.parent_wa_id
WHERE g.project_id = $1 AND g.id = $2;

-- name: group-text
SELECT name, description FROM groups WHERE id = $1;

-- name: group-id-by-wa
SELECT id FROM groups WHERE project_id = $1 AND wa_id = $2;

-- name: group-list
-- Filters are NULL when not asked for. $2: the first day (YYYY-MM-DD) of the activity window.
-- $5: 1 = one of our numbers is admin, 0 = none is. $10/$11: lower-case LIKE patterns.
SELECT g.id, g.project_id, g.wa_id, g.kind, g.name, g.description, g.size, g.admins, g.lid_members, g.parent_wa_id,
       g.announce_only, g.invite_link, g.admin_ids, g.wa_created_at, g.created_at, g.synced_at,
       COALESCE(a.messages, 0) AS messages_window, COALESCE(m.members, 0) AS active_members_window,
       p.id AS parent_id, p.name AS parent_name, COUNT(*) OVER () AS total
FROM groups g
LEFT JOIN groups p ON p.project_id = g.project_id AND p.wa_id = g.parent_wa_id
LEFT JOIN (SELECT group_id, SUM(messages) AS messages FROM group_activity_days
           WHERE project_id = $1 AND day >= $2 GROUP BY group_id) a ON a.group_id = g.id
LEFT JOIN (SELECT group_id, COUNT(DISTINCT member) AS members FROM group_member_days
           WHERE project_id = $1 AND day >= $2 GROUP BY group_id) m ON m.group_id = g.id
WHERE g.project_id = $1
  AND (CAST($3 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM group_accounts ga WHERE ga.group_id = g.id
       AND ga.account_id = CAST($3 AS BIGINT) AND ga.left_at IS NULL))
  AND (CAST($4 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM group_accounts ga WHERE ga.group_id = g.id
       AND ga.phase = CAST($4 AS TEXT) AND ga.left_at IS NULL))
  AND (CAST($5 AS BIGINT) IS NULL OR CAST($5 AS BIGINT) = (CASE WHEN EXISTS (SELECT 1 FROM group_accounts ga
       WHERE ga.group_id = g.id AND ga.is_admin = 1 AND ga.left_at IS NULL) THEN 1 ELSE 0 END))
  AND (CAST($6 AS BIGINT) IS NULL OR g.size >= CAST($6 AS BIGINT))
  AND (CAST($7 AS BIGINT) IS NULL OR g.size <= CAST($7 AS BIGINT))
  AND (CAST($8 AS BIGINT) IS NULL OR COALESCE(a.messages, 0) >= CAST($8 AS BIGINT))
  AND (CAST($9 AS TEXT) IS NULL OR g.kind = CAST($9 AS TEXT))
  AND (CAST($10 AS TEXT) IS NULL OR LOWER(g.name || ' ' || g.description) LIKE CAST($10 AS TEXT))
  AND (CAST($11 AS TEXT) IS NULL OR LOWER(g.name || ' ' || g.description) LIKE CAST($11 AS TEXT))
ORDER BY g.kind = 'community' DESC, g.name, g.id
LIMIT $12 OFFSET $13;

-- name: group-accounts-of-project
SELECT ga.group_id, ga.account_id, a.phone, a.label, ga.is_admin, ga.phase, ga.phase_since, ga.phase_manual,
       ga.observation_at, ga.contribution_at, ga.value_at, ga.joined_at, ga.last_seen_at, ga.left_at
FROM group_accounts ga JOIN accounts a ON a.id = ga.account_id
WHERE ga.project_id = $1 ORDER BY ga.group_id, ga.account_id;

-- name: group-accounts-of-group
SELECT ga.group_id, ga.account_id, a.phone, a.label, ga.is_admin, ga.phase, ga.phase_since, ga.phase_manual,
       ga.observation_at, ga.contribution_at, ga.value_at, ga.joined_at, ga.last_seen_at, ga.left_at
FROM group_accounts ga JOIN accounts a ON a.id = ga.account_id
WHERE ga.project_id = $1 AND ga.group_id = $2 ORDER BY ga.account_id;

-- name: group-account-get
SELECT group_id, account_id, phase, phase_manual FROM group_accounts WHERE project_id = $1 AND group_id = $2 AND account_id = $3;

-- name: group-account-set-phase
-- By hand ($5 = 1) or by the rule ($5 = 0); the date the phase was entered is kept per phase.
UPDATE group_accounts SET phase = $4, phase_since = $6, phase_manual = $5,
  observation_at = CASE WHEN $4 = 'observation' THEN $6 ELSE observation_at END,
  contribution_at = CASE WHEN $4 = 'contribution' THEN $6 ELSE contribution_at END,
  value_at = CASE WHEN $4 = 'value' THEN $6 ELSE value_at END
WHERE project_id = $1 AND group_id = $2 AND account_id = $3;

-- name: group-accounts-phase-due
-- The seed's rule: week 1 observation, weeks 2-3 contribution, week 4 on value posts. $1 = now - 7 days,
-- $2 = now - 21 days. Hand-set phases are left alone.
SELECT group_id, account_id, project_id, phase, joined_at FROM group_accounts
WHERE phase_manual = 0 AND left_at IS NULL
  AND ((phase = 'observation' AND joined_at <= $1) OR (phase = 'contribution' AND joined_at <= $2));

-- name: sync-run-insert
INSERT INTO group_sync_runs (project_id, account_id, cause, status, started_at, updated_at)
VALUES ($1, $2, $3, 'running', $4, $4) RETURNING id;

-- name: sync-run-progress
UPDATE group_sync_runs SET groups_total = $2, groups_done = $3, members = $4, pages = $5, updated_at = $6
WHERE id = $1 AND status = 'running';

-- name: sync-run-finish
UPDATE group_sync_runs SET status = $2, channels = $3, error = $4, updated_at = $5, finished_at = $5
WHERE id = $1 AND status = 'running';

-- name: sync-run-running
-- A run that has not moved for $2 ms is abandoned (its node died, or the engine never answered).
SELECT id FROM group_sync_runs WHERE account_id = $1 AND status = 'running' AND updated_at >= $2;

-- name: sync-run-fail-stale
UPDATE group_sync_runs SET status = 'failed', error = 'no progress for too long (the engine stopped answering)',
  updated_at = $2, finished_at = $2
WHERE status = 'running' AND updated_at < $1;

-- name: sync-run-latest
-- The newest run of each account of the project.
SELECT r.id, r.project_id, r.account_id, r.cause, r.status, r.groups_total, r.groups_done, r.channels, r.members,
       r.pages, r.error, r.started_at, r.updated_at, r.finished_at
FROM group_sync_runs r
WHERE r.project_id = $1 AND r.id = (SELECT MAX(id) FROM group_sync_runs x WHERE x.account_id = r.account_id)
ORDER BY r.account_id;

-- name: sync-run-by-id
SELECT id, project_id, account_id, cause, status, groups_total, groups_done, channels, members, pages, error,
       started_at, updated_at, finished_at
FROM group_sync_runs WHERE id = $1;

-- name: sync-last-done
SELECT MAX(started_at) AS at FROM group_sync_runs WHERE account_id = $1 AND status = 'done';

-- name: group-settings-get
SELECT joins_per_day, updated_at FROM group_settings WHERE project_id = $1;

-- name: group-settings-upsert
INSERT INTO group_settings (project_id, joins_per_day, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (project_id) DO UPDATE SET joins_per_day = excluded.joins_per_day, updated_at = excluded.updated_at;

-- name: join-count-day
-- Joins that count against the account's limit on a local day: done or under way.
SELECT COUNT(*) AS n FROM group_joins WHERE account_id = $1 AND day = $2 AND status IN ('joining', 'joined');

-- name: join-insert
INSERT INTO group_joins (project_id, account_id, invite_code, group_name, status, day, run_after, requested_by,
                         created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id;

-- name: join-set
UPDATE group_joins SET status = $2, day = $3, group_id = $4, reason = $5, updated_at = $6 WHERE id = $1;

-- name: join-by-id
SELECT j.id, j.project_id, j.account_id, j.invite_code, j.group_name, j.status, j.day, j.run_after, j.group_id,
       j.reason, j.created_at, j.updated_at
FROM group_joins j WHERE j.id = $1;

-- name: join-list
SELECT j.id, j.project_id, j.account_id, j.invite_code, j.group_name, j.status, j.day, j.run_after, j.group_id,
       j.reason, j.created_at, j.updated_at
FROM group_joins j WHERE j.project_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR j.account_id = CAST($2 AS BIGINT))
ORDER BY j.id DESC LIMIT 100;

-- name: join-due
SELECT id, project_id, account_id, invite_code FROM group_joins WHERE status = 'queued' AND run_after <= $1
ORDER BY run_after, id LIMIT 20;

-- name: join-requeue
UPDATE group_joins SET run_after = $2 WHERE id = $1;

-- name: join-pending-count
SELECT COUNT(*) AS n FROM group_joins WHERE account_id = $1 AND status = 'queued';

-- name: group-message-seen
-- affected = 0: another of our numbers already reported this message.
INSERT INTO group_messages_seen (group_id, wa_message_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING;

-- name: group-activity-add
INSERT INTO group_activity_days (group_id, project_id, day, messages) VALUES ($1, $2, $3, 1)
ON CONFLICT (group_id, day) DO UPDATE SET messages = group_activity_days.messages + 1;

-- name: group-member-day-add
INSERT INTO group_member_days (group_id, project_id, day, member, name, messages) VALUES ($1, $2, $3, $4, $5, 1)
ON CONFLICT (group_id, day, member) DO UPDATE SET messages = group_member_days.messages + 1,
  name = CASE WHEN excluded.name = '' THEN group_member_days.name ELSE excluded.name END;

-- name: group-keyword-add
INSERT INTO group_keyword_days (group_id, project_id, day, word, count) VALUES ($1, $2, $3, $4, 1)
ON CONFLICT (group_id, day, word) DO UPDATE SET count = group_keyword_days.count + 1;

-- name: group-activity-series
SELECT day, messages FROM group_activity_days WHERE group_id = $1 AND day >= $2 ORDER BY day;

-- name: group-active-members-series
SELECT day, COUNT(*) AS members FROM group_member_days WHERE group_id = $1 AND day >= $2 GROUP BY day ORDER BY day;

-- name: group-top-members
SELECT member, MAX(name) AS name, SUM(messages) AS messages FROM group_member_days
WHERE group_id = $1 AND day >= $2 GROUP BY member ORDER BY SUM(messages) DESC, member LIMIT $3;

-- name: group-top-keywords
SELECT word, SUM(count) AS count FROM group_keyword_days
WHERE group_id = $1 AND day >= $2 GROUP BY word ORDER BY SUM(count) DESC, word LIMIT $3;

-- name: group-account-phone
SELECT id, project_id, phone, status FROM accounts WHERE id = $1;

-- name: group-accounts-linked-sync-due
-- Linked accounts whose last finished sync started before $1 (a day ago), or that never synced; a
-- failed run waits $2 (10 minutes) before the next try, so a disconnected connector is not asked every minute.
SELECT a.id, a.project_id FROM accounts a
WHERE a.linked_at IS NOT NULL AND a.status IN ('active', 'standby', 'warming', 'cooling')
  AND NOT EXISTS (SELECT 1 FROM group_sync_runs r WHERE r.account_id = a.id
                  AND (r.status = 'running' OR (r.status = 'done' AND r.started_at >= $1)
                       OR (r.status = 'failed' AND r.started_at >= $2)))
ORDER BY a.id;
