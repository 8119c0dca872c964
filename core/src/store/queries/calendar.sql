-- The content calendar (calendar/calendar_service.hpp, migration 0017): recurring entries, their
-- occurrences, and the outbox rows an occurrence planned (outbox.calendar_occurrence_id).

-- name: calendar-entry-list
SELECT id, project_id, name, kind, template_id, body, variables, media, poll, targeting, weekdays, time_of_day,
       group_weekly_cap, active, created_at, updated_at
FROM calendar_entries WHERE project_id = $1 ORDER BY id;

-- name: calendar-entry-get
SELECT id, project_id, name, kind, template_id, body, variables, media, poll, targeting, weekdays, time_of_day,
       group_weekly_cap, active, created_at, updated_at
FROM calendar_entries WHERE project_id = $1 AND id = $2;

-- name: calendar-entries-active
SELECT id, project_id, name, kind, template_id, body, variables, media, poll, targeting, weekdays, time_of_day,
       group_weekly_cap, active, created_at, updated_at
FROM calendar_entries WHERE active = 1 ORDER BY project_id, id;

-- name: calendar-entry-insert
INSERT INTO calendar_entries (project_id, name, kind, template_id, body, variables, media, poll, targeting, weekdays,
                              time_of_day, group_weekly_cap, active, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
RETURNING id;

-- name: calendar-entry-update
UPDATE calendar_entries SET name = $3, kind = $4, template_id = $5, body = $6, variables = $7, media = $8, poll = $9,
       targeting = $10, weekdays = $11, time_of_day = $12, group_weekly_cap = $13, active = $14, updated_at = $15
WHERE project_id = $1 AND id = $2;

-- name: calendar-entry-delete
DELETE FROM calendar_entries WHERE project_id = $1 AND id = $2;

-- name: calendar-occurrence-insert
-- One per entry and rule day; a second planner (another node) finds the slot taken and plans nothing.
INSERT INTO calendar_occurrences (project_id, entry_id, slot_day, planned_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT (entry_id, slot_day) DO NOTHING
RETURNING id;

-- name: calendar-occurrence-get
SELECT o.id, o.project_id, o.entry_id, o.slot_day, o.planned_at, o.status, o.body, o.excluded, o.created_at,
       o.updated_at, e.name AS entry_name, e.kind AS entry_kind
FROM calendar_occurrences o JOIN calendar_entries e ON e.id = o.entry_id
WHERE o.project_id = $1 AND o.id = $2;

-- name: calendar-occurrences-between
-- The week view: occurrences planned in [$2, $3), with their outbox rows counted by status.
SELECT o.id, o.entry_id, o.slot_day, o.planned_at, o.status, o.body, o.excluded, e.name AS entry_name,
       e.kind AS entry_kind, e.body AS entry_body,
       (SELECT COUNT(*) FROM outbox x WHERE x.calendar_occurrence_id = o.id AND x.status = 'queued') AS queued,
       (SELECT COUNT(*) FROM outbox x WHERE x.calendar_occurrence_id = o.id AND x.status IN ('claimed', 'sent')) AS sent,
       (SELECT COUNT(*) FROM outbox x WHERE x.calendar_occurrence_id = o.id AND x.status IN ('skipped', 'cancelled')) AS skipped,
       (SELECT COUNT(*) FROM outbox x WHERE x.calendar_occurrence_id = o.id AND x.status IN ('failed', 'refused', 'unknown')) AS failed,
       -- The text as one group gets it (spintax picked, variables filled): what the card shows.
       (SELECT x.content FROM outbox x WHERE x.calendar_occurrence_id = o.id AND x.status NOT IN ('skipped', 'cancelled')
        ORDER BY x.id LIMIT 1) AS sample_content,
       (SELECT g.name FROM outbox x JOIN groups g ON g.id = x.group_id
        WHERE x.calendar_occurrence_id = o.id AND x.status NOT IN ('skipped', 'cancelled') ORDER BY x.id LIMIT 1) AS sample_group
FROM calendar_occurrences o JOIN calendar_entries e ON e.id = o.entry_id
WHERE o.project_id = $1 AND o.planned_at >= $2 AND o.planned_at < $3
ORDER BY o.planned_at, o.id;

-- name: calendar-occurrence-set-excluded
UPDATE calendar_occurrences SET excluded = $2, updated_at = $3 WHERE id = $1;

-- name: calendar-occurrence-move
UPDATE calendar_occurrences SET planned_at = $3, updated_at = $4 WHERE project_id = $1 AND id = $2;

-- name: calendar-occurrence-set-body
UPDATE calendar_occurrences SET body = $3, updated_at = $4 WHERE project_id = $1 AND id = $2;

-- name: calendar-occurrence-skip
UPDATE calendar_occurrences SET status = 'skipped', updated_at = $3 WHERE project_id = $1 AND id = $2 AND status = 'planned';

-- name: calendar-occurrences-future-of-entry
-- An entry changed or deleted: its occurrences not yet due are planned again from the new rule.
SELECT id FROM calendar_occurrences WHERE entry_id = $1 AND planned_at > $2 AND status = 'planned';

-- name: calendar-occurrence-delete
DELETE FROM calendar_occurrences WHERE id = $1;

-- name: calendar-outbox-rows
SELECT id, account_id, target, group_id, status, content, planned_at, reason FROM outbox
WHERE calendar_occurrence_id = $1 ORDER BY id;

-- name: calendar-outbox-insert
INSERT INTO outbox (project_id, account_id, target, group_id, kind, content, priority, planned_at, status,
                    idempotency_key, reason, calendar_occurrence_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, 'calendar', $5, $6, $7, $8, $9, $10, $11, $12, $12);

-- name: calendar-outbox-move
-- The queued rows follow their occurrence; rows already sent (or in flight) stay as they are.
UPDATE outbox SET planned_at = $2, updated_at = $3 WHERE calendar_occurrence_id = $1 AND status = 'queued';

-- name: calendar-outbox-skip
UPDATE outbox SET status = 'skipped', reason = $2, updated_at = $3 WHERE calendar_occurrence_id = $1 AND status = 'queued';

-- name: calendar-outbox-set-content
UPDATE outbox SET content = $2, updated_at = $3 WHERE id = $1 AND status = 'queued';

-- name: calendar-outbox-delete-queued
-- Re-planning after the entry changed: its queued rows go (never a row that left or may have left).
DELETE FROM outbox WHERE calendar_occurrence_id = $1 AND status IN ('queued', 'skipped');

-- name: calendar-group-week-count
-- Calendar posts to group $2 in the local week [$3, $4) — the per-group weekly cap counts these.
SELECT COUNT(*) AS n FROM outbox
WHERE project_id = $1 AND group_id = $2 AND kind = 'calendar' AND planned_at >= $3 AND planned_at < $4
  AND status IN ('queued', 'claimed', 'sent', 'unknown');

-- name: calendar-outbox-cancel-entry
-- The entry is deleted: its posts not yet sent are cancelled (with the reason), never left queued.
UPDATE outbox SET status = 'cancelled', reason = $2, updated_at = $3
WHERE status = 'queued' AND calendar_occurrence_id IN (SELECT id FROM calendar_occurrences WHERE entry_id = $1);

-- ---- the demo (cli/demo_calendar.cpp) ----

-- name: demo-calendar-ready
-- Groups and channels where one of our numbers may post (value phase): the demo plans once both are
-- synced (the channels come after the groups in a sync).
SELECT COALESCE(SUM(CASE WHEN g.kind = 'channel' THEN 0 ELSE 1 END), 0) AS n,
       COALESCE(SUM(CASE WHEN g.kind = 'channel' THEN 1 ELSE 0 END), 0) AS channels
FROM group_accounts ga JOIN groups g ON g.id = ga.group_id
WHERE ga.project_id = $1 AND ga.phase = 'value' AND ga.left_at IS NULL;

-- name: demo-calendar-count
SELECT COUNT(*) AS n FROM calendar_entries WHERE project_id = $1;

-- name: demo-calendar-mark-sent
-- The demo's history only: an occurrence earlier this week, its rows shown as sent and delivered.
UPDATE outbox SET status = 'sent', claimed_at = planned_at, sent_at = planned_at + 4000, delivered_at = planned_at + 60000,
       wa_message_id = 'demo-calendar-' || CAST(id AS TEXT), updated_at = $2
WHERE calendar_occurrence_id = $1 AND status = 'queued';

-- name: calendar-occurrences-empty-future
-- Occurrences not yet due that planned no row at all (no group could take them then: none synced yet,
-- none in its value phase): planned again each minute, so a group that became reachable gets them.
SELECT o.id, o.planned_at, o.body FROM calendar_occurrences o
WHERE o.entry_id = $1 AND o.status = 'planned' AND o.planned_at > $2
  AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.calendar_occurrence_id = o.id);
