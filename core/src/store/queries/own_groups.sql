-- Own groups, invitations, invite links and join requests (community/own_groups.hpp).

-- name: own-account
SELECT id, project_id, phone, status, label FROM accounts WHERE id = $1;

-- name: own-community
SELECT g.id, g.wa_id FROM groups g
JOIN group_accounts ga ON ga.group_id = g.id AND ga.account_id = $3 AND ga.is_admin = 1 AND ga.left_at IS NULL
WHERE g.project_id = $1 AND g.id = $2 AND g.kind = 'community';

-- name: own-insert
INSERT INTO own_groups (group_id, project_id, account_id, purpose, admins_add_only, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: own-group-insert
INSERT INTO groups (project_id, wa_id, kind, name, description, size, admins, lid_members, parent_wa_id,
                    announce_only, invite_link, admin_ids, wa_created_at, created_at, synced_at)
VALUES ($1, $2, 'group', $3, $4, $5, 1, 0, $6, $7, $8, '[]', $9, $9, NULL)
RETURNING id;

-- name: own-group-account-insert
INSERT INTO group_accounts (group_id, account_id, project_id, is_admin, phase, phase_since, value_at, joined_at, last_seen_at)
VALUES ($1, $2, $3, 1, 'value', $4, $4, $4, $4)
ON CONFLICT (group_id, account_id) DO UPDATE SET is_admin = 1, left_at = NULL;

-- name: own-list
-- Our groups, oldest first (the public link fills the first one that is not full). `left`: the
-- creating number is no longer in it.
SELECT o.group_id, o.account_id, o.purpose, o.admins_add_only, o.link_enabled, o.created_at,
       g.wa_id, g.name, g.description, g.size, g.announce_only, g.invite_link, g.parent_wa_id,
       p.name AS community_name, a.phone AS account_phone, a.label AS account_label,
       CASE WHEN ga.group_id IS NULL OR ga.left_at IS NOT NULL THEN 1 ELSE 0 END AS has_left,
       (SELECT COUNT(*) FROM join_requests r WHERE r.group_id = o.group_id AND r.status = 'pending') AS pending_requests
FROM own_groups o
JOIN groups g ON g.id = o.group_id
JOIN accounts a ON a.id = o.account_id
LEFT JOIN groups p ON p.project_id = g.project_id AND p.wa_id = g.parent_wa_id
LEFT JOIN group_accounts ga ON ga.group_id = o.group_id AND ga.account_id = o.account_id
WHERE o.project_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR o.group_id = CAST($2 AS BIGINT))
ORDER BY o.created_at, o.group_id;

-- name: own-set-invite
UPDATE groups SET invite_link = $3 WHERE project_id = $1 AND id = $2;

-- name: own-set-link-enabled
UPDATE own_groups SET link_enabled = $3 WHERE project_id = $1 AND group_id = $2;

-- name: own-set-left
UPDATE group_accounts SET left_at = $3 WHERE group_id = $1 AND account_id = $2 AND left_at IS NULL;

-- name: own-size-add
UPDATE groups SET size = size + $2 WHERE id = $1;

-- name: own-public-project
SELECT id, slug FROM projects WHERE slug = $1 OR CAST(id AS TEXT) = $1;

-- name: own-settings
SELECT add_interval_ms, adds_per_day, join_rule FROM own_group_settings WHERE project_id = $1;

-- name: own-settings-upsert
INSERT INTO own_group_settings (project_id, add_interval_ms, adds_per_day, join_rule, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (project_id) DO UPDATE SET add_interval_ms = excluded.add_interval_ms, adds_per_day = excluded.adds_per_day,
  join_rule = excluded.join_rule, updated_at = excluded.updated_at;

-- ---- invitations ----

-- name: own-contact
SELECT id, phone, name, push_name, consent FROM contacts WHERE project_id = $1 AND id = $2;

-- name: invite-open
-- An invitation of this contact to this group that is still on its way or done (not invited twice).
SELECT id, status FROM group_invites WHERE group_id = $1 AND contact_id = $2 AND status <> 'failed' LIMIT 1;

-- name: invite-insert
INSERT INTO group_invites (project_id, group_id, account_id, contact_id, phone, method, status, reason, outbox_id,
                           run_after, day, requested_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $12, $12)
RETURNING id;

-- name: invite-list
SELECT i.id, i.contact_id, i.phone, i.method, i.status, i.reason, i.outbox_id, i.run_after, i.created_at, i.updated_at,
       c.name AS contact_name, c.push_name AS contact_push_name, o.status AS outbox_status, o.reason AS outbox_reason
FROM group_invites i JOIN contacts c ON c.id = i.contact_id LEFT JOIN outbox o ON o.id = i.outbox_id
WHERE i.project_id = $1 AND i.group_id = $2 ORDER BY i.id DESC LIMIT 200;

-- name: invite-due
-- Queued direct adds whose time has come, the oldest first, one per number per round (pacing).
SELECT i.id, i.project_id, i.group_id, i.account_id, i.contact_id, i.phone, g.wa_id, g.invite_link
FROM group_invites i JOIN groups g ON g.id = i.group_id
WHERE i.status = 'queued' AND i.method = 'add' AND i.run_after <= $1
ORDER BY i.run_after, i.id LIMIT 50;

-- name: invite-adds-day
SELECT COUNT(*) AS n FROM group_invites WHERE account_id = $1 AND day = $2 AND method = 'add' AND status <> 'queued';

-- name: invite-last-add
SELECT MAX(updated_at) AS at FROM group_invites WHERE account_id = $1 AND method = 'add' AND status <> 'queued';

-- name: invite-last-planned
SELECT MAX(run_after) AS at FROM group_invites WHERE account_id = $1 AND method = 'add' AND status = 'queued';

-- name: invite-claim
UPDATE group_invites SET status = 'adding', day = $2, updated_at = $3 WHERE id = $1 AND status = 'queued';

-- name: invite-set
UPDATE group_invites SET status = $2, reason = $3, outbox_id = COALESCE($4, outbox_id), updated_at = $5 WHERE id = $1;

-- name: invite-requeue
UPDATE group_invites SET run_after = $2, updated_at = $3 WHERE id = $1;

-- ---- join requests ----

-- name: join-request-upsert
INSERT INTO join_requests (project_id, group_id, requester, phone, requested_at, status)
VALUES ($1, $2, $3, $4, $5, 'pending')
ON CONFLICT (group_id, requester, requested_at) DO NOTHING;

-- name: join-request-pending-of
SELECT id FROM join_requests WHERE group_id = $1 AND requester = $2 AND status = 'pending';

-- name: join-request-list
SELECT id, requester, phone, requested_at, status, decided_by, rule, reason, decided_at
FROM join_requests WHERE project_id = $1 AND group_id = $2
ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, COALESCE(decided_at, requested_at) DESC, id DESC LIMIT 200;

-- name: join-request-get
SELECT r.id, r.group_id, r.requester, r.phone, r.status, g.wa_id FROM join_requests r JOIN groups g ON g.id = r.group_id
WHERE r.project_id = $1 AND r.group_id = $2 AND r.id = $3;

-- name: join-request-decide
UPDATE join_requests SET status = $2, decided_by = $3, rule = $4, reason = $5, decided_at = $6 WHERE id = $1 AND status = 'pending';

-- name: own-group-by-wa
SELECT o.group_id, o.project_id, o.account_id FROM own_groups o JOIN groups g ON g.id = o.group_id WHERE g.wa_id = $1 AND o.account_id = $2;

-- name: own-contact-by-phone
SELECT id, consent, region FROM contacts WHERE project_id = $1 AND phone = $2;

-- ---- moderation acts (community/moderation.hpp) ----

-- name: moderation-log-insert-id
INSERT INTO moderation_log (project_id, group_id, account_id, author, message_id, body, rule, action, dry_run, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING id;

-- name: moderation-log-outcome
UPDATE moderation_log SET outcome = $2 WHERE id = $1;

-- ---- demo (cli/demo_own_groups.cpp) ----

-- name: own-demo-account
SELECT id, phone FROM accounts WHERE project_id = $1 AND status = 'active' ORDER BY id LIMIT 1;

-- name: own-demo-contacts
SELECT id FROM contacts WHERE project_id = $1 AND consent IN ('opted_in', 'engaged') AND phone IS NOT NULL ORDER BY id LIMIT $2;
