-- One open alert per (project, account, kind). AlertService::raise checks for an open alert before it
-- inserts, but on PostgreSQL (READ COMMITTED) two concurrent raises both see none and both insert; this
-- index turns the second insert into a no-op (INSERT … ON CONFLICT DO NOTHING). Duplicates already
-- open are closed first, keeping the oldest.
UPDATE alerts SET acknowledged_at = created_at
WHERE acknowledged_at IS NULL
  AND id NOT IN (SELECT MIN(id) FROM alerts WHERE acknowledged_at IS NULL
                 GROUP BY project_id, COALESCE(account_id, 0), kind);
CREATE UNIQUE INDEX alerts_one_open ON alerts (project_id, (COALESCE(account_id, 0)), kind)
  WHERE acknowledged_at IS NULL;
