-- SQLite-only queries (the rest are in ../queries/*.sql).

-- name: migration-lock
-- The migration transaction is BEGIN IMMEDIATE, which already excludes every other writer.
SELECT 1 AS locked;

-- name: migration-table
CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);

-- name: session-time-zone
-- SQLite's date functions always work in UTC.
SELECT 'UTC' AS time_zone;
