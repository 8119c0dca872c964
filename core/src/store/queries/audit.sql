-- name: audit-insert
INSERT INTO audit_log (project_id, actor_id, actor_email, action, target, before_json, after_json, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: audit-list
-- Keyset pagination (id < before) keeps every page one index range scan, however deep the log.
-- Filters: $4 actor (-1 any, 0 Sangam itself), $5 action LIKE pattern ('' any), $6 <= at < $7.
SELECT id, at, actor_id, actor_email, action, target, before_json, after_json
FROM audit_log WHERE project_id = $1 AND id < $2
  AND (CAST($4 AS BIGINT) = -1 OR COALESCE(actor_id, 0) = CAST($4 AS BIGINT))
  AND (CAST($5 AS TEXT) = '' OR action LIKE CAST($5 AS TEXT))
  AND at >= $6 AND at < $7
ORDER BY id DESC LIMIT $3;
