-- Channels and media files (channels/channel_service.hpp, migration 0017).

-- name: media-insert
INSERT INTO media_files (project_id, kind, mimetype, filename, size, data, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: media-list
SELECT id, kind, mimetype, filename, size, created_at FROM media_files WHERE project_id = $1 ORDER BY id DESC LIMIT 200;

-- name: media-meta
SELECT id, project_id, kind, mimetype, filename, size, created_at FROM media_files WHERE project_id = $1 AND id = $2;

-- name: media-for-send
-- The dispatcher attaches the file's bytes when it claims a row that names it.
SELECT mimetype, filename, data FROM media_files WHERE project_id = $1 AND id = $2;

-- name: channel-list
-- The project's channels with the number that owns or administers each (value phase: we post there).
SELECT g.id, g.wa_id, g.name, g.description, g.size, g.invite_link, g.synced_at,
       (SELECT COUNT(*) FROM group_accounts ga WHERE ga.group_id = g.id AND ga.is_admin = 1 AND ga.left_at IS NULL) AS our_admins
FROM groups g WHERE g.project_id = $1 AND g.kind = 'channel' ORDER BY g.name, g.id;

-- name: channel-followers-history
SELECT group_id, day, followers FROM channel_followers WHERE project_id = $1 AND day >= $2 ORDER BY group_id, day;

-- name: channel-followers-upsert
-- Once a day per channel: the latest count the day's sync saw (a later sync the same day replaces it).
INSERT INTO channel_followers (project_id, group_id, day, followers, at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (group_id, day) DO UPDATE SET followers = excluded.followers, at = excluded.at;

-- name: channels-synced-all
-- Every channel with a count from a sync, for the daily snapshot.
SELECT g.id, g.project_id, g.size, g.synced_at, p.time_zone FROM groups g JOIN projects p ON p.id = g.project_id
WHERE g.kind = 'channel' AND g.synced_at IS NOT NULL;

-- name: channel-posts-recent
-- What went out to a channel lately (the dashboard lists it beside the followers).
SELECT o.id, o.content, o.status, o.planned_at, o.sent_at, o.kind FROM outbox o
WHERE o.project_id = $1 AND o.group_id = $2 ORDER BY o.planned_at DESC LIMIT 10;
