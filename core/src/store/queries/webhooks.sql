-- Outgoing webhooks and their delivery log (ops/webhooks.hpp). Migration 0013.

-- name: webhook-insert
INSERT INTO webhooks (project_id, url, secret, events, allow_private, created_at) VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, url, events, active, created_at;

-- name: webhook-list
SELECT id, url, events, active, created_at FROM webhooks WHERE project_id = $1 ORDER BY id;

-- name: webhook-get
SELECT id, url, events, active, created_at FROM webhooks WHERE project_id = $1 AND id = $2;

-- name: webhook-delete
DELETE FROM webhooks WHERE project_id = $1 AND id = $2;

-- name: webhook-delivery-insert
INSERT INTO webhook_deliveries (project_id, webhook_id, event, payload, status, attempts, next_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $5)
RETURNING id;

-- name: webhook-due
SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_at <= $1 ORDER BY next_at, id LIMIT $2;

-- name: webhook-delivery-claim
-- Moves next_at past the attempt's timeout: whoever updates the row first sends it, once.
UPDATE webhook_deliveries SET next_at = $3
WHERE id = $1 AND status = 'pending' AND next_at <= $2
RETURNING id, project_id, attempts, created_at, payload,
          (SELECT url FROM webhooks w WHERE w.id = webhook_deliveries.webhook_id) AS url,
          (SELECT secret FROM webhooks w WHERE w.id = webhook_deliveries.webhook_id) AS secret,
          (SELECT allow_private FROM webhooks w WHERE w.id = webhook_deliveries.webhook_id) AS allow_private;

-- name: webhook-delivery-finish
UPDATE webhook_deliveries SET status = $2, attempts = $3, next_at = $4, last_status = $5, latency_ms = $6,
       response = $7, updated_at = $8
WHERE id = $1;

-- name: webhook-delivery-get
SELECT id, event, status, attempts, next_at, last_status, latency_ms, response, created_at, updated_at
FROM webhook_deliveries WHERE id = $1;

-- name: webhook-deliveries
SELECT id, event, status, attempts, next_at, last_status, latency_ms, response, created_at, updated_at
FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2;
