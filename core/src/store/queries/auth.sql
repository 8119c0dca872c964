-- name: session-insert
INSERT INTO sessions (user_id, token_hash, created_at, expires_at, ip, user_agent)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: session-auth
SELECT u.id, u.email, u.name, u.is_admin, u.disabled, u.created_at, s.id AS session_id, s.expires_at
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled;

-- name: session-alive
-- For open WebSockets: does the session they were opened with still authenticate its user?
SELECT 1 AS ok FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.id = $1 AND s.user_id = $2 AND s.expires_at > $3 AND NOT u.disabled;

-- name: session-delete
-- Which session it was, so its WebSockets can be closed.
DELETE FROM sessions WHERE token_hash = $1 RETURNING id, user_id;

-- name: session-delete-user
DELETE FROM sessions WHERE user_id = $1;

-- name: session-delete-user-except
-- A password change ends the user's other sessions; $2 is the one that made the change (0: none).
DELETE FROM sessions WHERE user_id = $1 AND id <> $2;

-- name: session-purge-expired
DELETE FROM sessions WHERE expires_at <= $1;

-- name: token-insert
INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id;

-- name: token-auth
SELECT u.id, u.email, u.name, u.is_admin, u.disabled, u.created_at, t.id AS token_id, t.last_used_at,
       t.expires_at
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)
  AND NOT u.disabled;

-- name: token-alive
SELECT 1 AS ok FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.id = $1 AND t.user_id = $2 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $3)
  AND NOT u.disabled;

-- name: token-touch
UPDATE api_tokens SET last_used_at = $2 WHERE id = $1;

-- name: token-list
SELECT id, name, prefix, created_at, last_used_at, expires_at
FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id;

-- name: token-get
SELECT id, name, prefix, created_at, last_used_at, expires_at
FROM api_tokens WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL;

-- name: token-revoke
UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL;

-- name: token-revoke-user
UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL;
