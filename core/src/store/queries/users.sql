-- name: user-count
SELECT count(*) AS n FROM users;

-- name: user-active-admin-count
SELECT count(*) AS n FROM users WHERE is_admin AND NOT disabled;

-- name: user-insert
INSERT INTO users (email, name, password_hash, is_admin, disabled, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
RETURNING id;

-- name: user-by-id
SELECT id, email, name, password_hash, is_admin, disabled, created_at FROM users WHERE id = $1;

-- name: user-by-email
SELECT id, email, name, password_hash, is_admin, disabled, created_at FROM users WHERE email = $1;

-- name: user-list
SELECT id, email, name, password_hash, is_admin, disabled, created_at FROM users ORDER BY id;

-- name: user-update
UPDATE users SET name = $2, password_hash = $3, is_admin = $4, disabled = $5, updated_at = $6 WHERE id = $1;

-- name: user-delete
DELETE FROM users WHERE id = $1;
