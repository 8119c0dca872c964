-- name: alert-insert
-- No row back when the same alert is already open (index alerts_one_open).
INSERT INTO alerts (project_id, account_id, kind, severity, message, created_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING
RETURNING id;

-- name: alert-open-exists
SELECT id FROM alerts WHERE project_id = $1 AND account_id = $2 AND kind = $3 AND acknowledged_at IS NULL;

-- name: alert-open-exists-project
SELECT id FROM alerts WHERE project_id = $1 AND account_id IS NULL AND kind = $2 AND acknowledged_at IS NULL;

-- name: alert-get
SELECT a.id, a.project_id, a.account_id, a.kind, a.severity, a.message, a.created_at, a.acknowledged_at,
       a.acknowledged_by, u.email AS acknowledged_by_email
FROM alerts a LEFT JOIN users u ON u.id = a.acknowledged_by
WHERE a.id = $1 AND a.project_id = $2;

-- name: alert-list-open
SELECT a.id, a.project_id, a.account_id, a.kind, a.severity, a.message, a.created_at, a.acknowledged_at,
       a.acknowledged_by, u.email AS acknowledged_by_email
FROM alerts a LEFT JOIN users u ON u.id = a.acknowledged_by
WHERE a.project_id = $1 AND a.acknowledged_at IS NULL ORDER BY a.id DESC LIMIT $2;

-- name: alert-list-all
SELECT a.id, a.project_id, a.account_id, a.kind, a.severity, a.message, a.created_at, a.acknowledged_at,
       a.acknowledged_by, u.email AS acknowledged_by_email
FROM alerts a LEFT JOIN users u ON u.id = a.acknowledged_by
WHERE a.project_id = $1 ORDER BY a.id DESC LIMIT $2;

-- name: alert-ack
UPDATE alerts SET acknowledged_at = $3, acknowledged_by = $4 WHERE id = $1 AND project_id = $2 AND acknowledged_at IS NULL;
