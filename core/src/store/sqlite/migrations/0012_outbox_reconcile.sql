-- Reconciliation, re-routing and failover on the outbox (issue 8 items 14-16; docs/safety.md, dispatch).
-- reconcile_after: when an `unknown` row may next be checked against the engine (NULL: at once);
-- reconcile_attempts: checks that could not settle it (after 8 it is left for a person to review).
-- tried_accounts: ",3,7," the numbers that already failed to send it, so a row never returns to them.
ALTER TABLE outbox ADD COLUMN reconcile_after INTEGER;
ALTER TABLE outbox ADD COLUMN reconcile_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN tried_accounts TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_status_account ON outbox(status, account_id);
-- Targets no number of the project could reach, with why (shown beside the campaign's messages).
CREATE TABLE unreachable_targets (
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  target      TEXT    NOT NULL,
  reason      TEXT    NOT NULL,
  outbox_id   INTEGER,
  at          INTEGER NOT NULL,
  PRIMARY KEY (project_id, target)
);
