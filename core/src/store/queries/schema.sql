-- name: schema-versions
SELECT version FROM schema_migrations ORDER BY version;

-- name: schema-record
INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2);
