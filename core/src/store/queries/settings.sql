-- name: setting-insert-if-absent
-- The first node to store a setting wins; a node starting at the same moment reads the winner's value.
INSERT INTO settings (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING;

-- name: setting-get
SELECT value FROM settings WHERE name = $1;
