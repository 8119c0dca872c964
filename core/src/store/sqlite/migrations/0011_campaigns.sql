-- Campaigns (issue 8): templates and campaigns per project, the accounts a launch assigned (the
-- circuit breaker watches them), and the outbox's per-message delivery record. Timestamps are ms UTC.
CREATE TABLE templates (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name        TEXT    NOT NULL,
  body        TEXT    NOT NULL,
  variables   TEXT    NOT NULL DEFAULT '{}',   -- JSON: name → default
  media       TEXT,                            -- JSON {kind, url, caption} or NULL
  poll        TEXT,                            -- JSON {question, options, multiple} or NULL
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (project_id, name)
);

CREATE TABLE campaigns (
  id            INTEGER PRIMARY KEY,
  project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name          TEXT    NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('group_post', 'channel_post', 'community_announcement', 'direct')),
  status        TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
  status_reason TEXT,
  template_id   INTEGER REFERENCES templates(id) ON DELETE SET NULL,
  body          TEXT    NOT NULL DEFAULT '',
  variables     TEXT    NOT NULL DEFAULT '{}',
  media         TEXT,
  poll          TEXT,
  targeting     TEXT    NOT NULL DEFAULT '{}',
  schedule      TEXT    NOT NULL DEFAULT '{}',
  progress      TEXT    NOT NULL DEFAULT '{}',   -- the last counts published (campaign.progress)
  starts_at     INTEGER,                         -- the first planned send: scheduled → running
  breaker_from  INTEGER,                         -- incidents from here on count (launch, resume)
  created_by    INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  launched_at   INTEGER,
  completed_at  INTEGER
);
CREATE INDEX campaigns_project ON campaigns(project_id, id);
CREATE INDEX campaigns_status ON campaigns(status);

-- The accounts a launch assigned, and when each was first seen banned or critical.
CREATE TABLE campaign_accounts (
  campaign_id  INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  incident     TEXT,                             -- banned | critical
  incident_at  INTEGER,
  PRIMARY KEY (campaign_id, account_id)
);

-- The outbox gains 'skipped' (a target the planner or the consent gate left out, with its reason),
-- the group a post goes to, and the delivery record from the engine's acks and replies. SQLite
-- cannot change a CHECK constraint in place: the table is rebuilt (nothing references it).
CREATE TABLE outbox_new (
  id              INTEGER PRIMARY KEY,
  project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id      INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
  target          TEXT    NOT NULL,
  contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
  kind            TEXT    NOT NULL,
  content         TEXT    NOT NULL,
  priority        INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
  planned_at      INTEGER NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'claimed', 'sent', 'failed', 'refused', 'unknown', 'cancelled', 'skipped')),
  idempotency_key TEXT    NOT NULL UNIQUE,
  attempts        INTEGER NOT NULL DEFAULT 0,
  claimed_by      TEXT,
  claimed_until   INTEGER,
  wa_message_id   TEXT,
  reason          TEXT,
  campaign_id     INTEGER,
  conversation_id INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  claimed_at      INTEGER,
  sent_at         INTEGER,
  group_id        INTEGER,
  delivered_at    INTEGER,
  read_at         INTEGER,
  replied_at      INTEGER,
  delivery_failed_at INTEGER
);
INSERT INTO outbox_new (id, project_id, account_id, target, contact_id, kind, content, priority, planned_at, status,
                        idempotency_key, attempts, claimed_by, claimed_until, wa_message_id, reason, campaign_id,
                        conversation_id, created_at, updated_at, claimed_at, sent_at)
SELECT id, project_id, account_id, target, contact_id, kind, content, priority, planned_at, status,
       idempotency_key, attempts, claimed_by, claimed_until, wa_message_id, reason, campaign_id,
       conversation_id, created_at, updated_at, claimed_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_claim ON outbox(status, priority, planned_at);
CREATE INDEX outbox_project ON outbox(project_id, id);
CREATE INDEX outbox_account_due ON outbox(account_id, status, priority, planned_at);
CREATE INDEX outbox_account_claimed ON outbox(account_id, claimed_at);
-- Progress (GROUP BY status) and the messages page (keyset on id) of one campaign.
CREATE INDEX outbox_campaign ON outbox(campaign_id, status, id);
CREATE INDEX outbox_campaign_updated ON outbox(campaign_id, updated_at);
-- Acks and quoted replies find their row by WhatsApp's message id (partial: a planned row has none, so
-- the planner's 1M-row insert does not maintain it). A reply without a quote walks the account's last
-- 7 days of claims through outbox_account_claimed (at most ~1,400 rows at 200 a day).
CREATE INDEX outbox_wa_message ON outbox(wa_message_id) WHERE wa_message_id IS NOT NULL;
