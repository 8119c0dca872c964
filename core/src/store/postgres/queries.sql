-- PostgreSQL-only queries (the rest are in ../queries/*.sql).

-- name: migration-lock
-- Transaction-scoped advisory lock: a second process starting at the same moment waits here, then
-- finds the migrations applied. 727001 is an arbitrary constant naming "sangam migrations".
SELECT pg_advisory_xact_lock(727001) IS NOT NULL AS locked;

-- name: migration-table
CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL);

-- name: session-time-zone
-- Set to UTC on every new connection (pg_db.cpp), like the stored times (UTC milliseconds).
SELECT current_setting('TimeZone') AS time_zone;
