-- name: invitation-insert
INSERT INTO invitations (project_id, email, role, token_hash, created_by, created_by_email, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id;

-- name: invitation-list
SELECT id, project_id, email, role, created_by_email, created_at, expires_at, accepted_at, revoked_at
FROM invitations WHERE project_id = $1 ORDER BY id DESC LIMIT 200;

-- name: invitation-get
SELECT id, project_id, email, role, created_by_email, created_at, expires_at, accepted_at, revoked_at
FROM invitations WHERE id = $1 AND project_id = $2;

-- name: invitation-by-token
SELECT i.id, i.project_id, i.email, i.role, i.created_by_email, i.created_at, i.expires_at, i.accepted_at,
       i.revoked_at, p.name AS project_name
FROM invitations i JOIN projects p ON p.id = i.project_id WHERE i.token_hash = $1;

-- name: invitation-accept
-- Only an open invitation is taken: two accepts racing for one link end with one member.
UPDATE invitations SET accepted_at = $2, accepted_user_id = $3
WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2;

-- name: invitation-revoke
UPDATE invitations SET revoked_at = $3 WHERE id = $1 AND project_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL;
