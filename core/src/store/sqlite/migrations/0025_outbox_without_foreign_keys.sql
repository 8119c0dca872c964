-- SQLite's outbox without foreign keys, as PostgreSQL's since 0019 (issue 8, the planner's 1M-row
-- launch; docs/performance.md). Every planned row looked up its project, account and contact (three
-- B-tree seeks a row, ~15 % of the launch's insert measured with and without them). Nothing inserts an
-- outbox row for a parent that does not exist (the planner reads them in the same transaction); what
-- the foreign keys did on a parent's deletion is kept by triggers on the parents below. SQLite cannot
-- drop a foreign key in place: the table is rebuilt (nothing references it) with every column,
-- index and trigger it had after 0024.
CREATE TABLE outbox_new (
  id              INTEGER PRIMARY KEY,
  project_id      INTEGER NOT NULL,
  account_id      INTEGER,
  target          TEXT    NOT NULL,                 -- chat id, e.g. "9198…@c.us"
  contact_id      INTEGER,
  kind            TEXT    NOT NULL,                 -- opt_out_confirmation | campaign | reply | …
  content         TEXT    NOT NULL,                 -- JSON
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
  delivery_failed_at INTEGER,
  reconcile_after INTEGER,
  reconcile_attempts INTEGER NOT NULL DEFAULT 0,
  tried_accounts  TEXT    NOT NULL DEFAULT '',
  calendar_occurrence_id INTEGER,
  usage_day       INTEGER
);
INSERT INTO outbox_new (id, project_id, account_id, target, contact_id, kind, content, priority, planned_at, status, idempotency_key, attempts, claimed_by, claimed_until, wa_message_id, reason, campaign_id, conversation_id, created_at, updated_at, claimed_at, sent_at, group_id, delivered_at, read_at, replied_at, delivery_failed_at, reconcile_after, reconcile_attempts, tried_accounts, calendar_occurrence_id, usage_day)
SELECT id, project_id, account_id, target, contact_id, kind, content, priority, planned_at, status, idempotency_key, attempts, claimed_by, claimed_until, wa_message_id, reason, campaign_id, conversation_id, created_at, updated_at, claimed_at, sent_at, group_id, delivered_at, read_at, replied_at, delivery_failed_at, reconcile_after, reconcile_attempts, tried_accounts, calendar_occurrence_id, usage_day FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

-- The indexes and the usage counter's triggers, as 0010–0024 left them.
CREATE INDEX outbox_account_due ON outbox(account_id, status, priority, planned_at);
CREATE INDEX outbox_account_usage ON outbox(account_id, claimed_at, status, kind, target, claimed_until)
  WHERE claimed_at IS NOT NULL;
CREATE INDEX outbox_calendar ON outbox(calendar_occurrence_id) WHERE calendar_occurrence_id IS NOT NULL;
CREATE INDEX outbox_campaign ON outbox(campaign_id, status, id);
CREATE INDEX outbox_campaign_changed ON outbox(campaign_id, updated_at) WHERE updated_at > created_at;
CREATE INDEX outbox_conversation ON outbox(conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX outbox_in_flight ON outbox(account_id, claimed_until) WHERE status = 'claimed';
CREATE INDEX outbox_sent ON outbox(sent_at) WHERE status = 'sent';
CREATE INDEX outbox_unknown ON outbox(project_id, id) WHERE status = 'unknown';
CREATE INDEX outbox_wa_message ON outbox(wa_message_id) WHERE wa_message_id IS NOT NULL;

CREATE TRIGGER outbox_usage_delete AFTER DELETE ON outbox
WHEN OLD.usage_day IS NOT NULL AND OLD.account_id IS NOT NULL AND (OLD.status = 'claimed' OR OLD.status = 'sent' OR OLD.status = 'unknown')
BEGIN
  UPDATE account_day_usage SET
    messages = max(messages - 1, 0),
    group_posts = max(group_posts - CASE WHEN OLD.target LIKE '%@g.us' THEN 1 ELSE 0 END, 0),
    new_chats = max(new_chats - CASE WHEN OLD.target LIKE '%@c.us' AND OLD.kind <> 'reply' AND OLD.kind <> 'opt_out_confirmation' THEN 1 ELSE 0 END, 0),
    last_claimed_at = CASE WHEN OLD.claimed_at IS NOT last_claimed_at THEN last_claimed_at
                           WHEN prev_claimed_at IS NOT NULL THEN prev_claimed_at
                           WHEN messages <= 1 THEN NULL ELSE last_claimed_at END,
    prev_claimed_at = CASE WHEN OLD.claimed_at IS last_claimed_at OR OLD.claimed_at IS prev_claimed_at THEN NULL
                           ELSE prev_claimed_at END
  WHERE account_id = OLD.account_id AND day_start = OLD.usage_day;
END;
CREATE TRIGGER outbox_usage_enter AFTER UPDATE OF status, account_id, usage_day ON outbox
WHEN NEW.usage_day IS NOT NULL AND NEW.account_id IS NOT NULL AND (NEW.status = 'claimed' OR NEW.status = 'sent' OR NEW.status = 'unknown')
  AND NOT (OLD.usage_day IS NOT NULL AND OLD.account_id IS NOT NULL AND (OLD.status = 'claimed' OR OLD.status = 'sent' OR OLD.status = 'unknown')
           AND OLD.account_id = NEW.account_id AND OLD.usage_day = NEW.usage_day)
BEGIN
  INSERT INTO account_day_usage (account_id, day_start, messages, group_posts, new_chats, last_claimed_at, prev_claimed_at)
  VALUES (NEW.account_id, NEW.usage_day, 1,
          CASE WHEN NEW.target LIKE '%@g.us' THEN 1 ELSE 0 END,
          CASE WHEN NEW.target LIKE '%@c.us' AND NEW.kind <> 'reply' AND NEW.kind <> 'opt_out_confirmation' THEN 1 ELSE 0 END,
          NEW.claimed_at, NULL)
  ON CONFLICT (account_id, day_start) DO UPDATE SET
    messages = messages + 1,
    group_posts = group_posts + excluded.group_posts,
    new_chats = new_chats + excluded.new_chats,
    prev_claimed_at = CASE WHEN last_claimed_at IS NULL OR excluded.last_claimed_at >= last_claimed_at THEN last_claimed_at
                           ELSE max(COALESCE(prev_claimed_at, excluded.last_claimed_at), excluded.last_claimed_at) END,
    last_claimed_at = CASE WHEN last_claimed_at IS NULL OR excluded.last_claimed_at >= last_claimed_at
                           THEN excluded.last_claimed_at ELSE last_claimed_at END;
END;
CREATE TRIGGER outbox_usage_leave AFTER UPDATE OF status, account_id, usage_day ON outbox
WHEN OLD.usage_day IS NOT NULL AND OLD.account_id IS NOT NULL AND (OLD.status = 'claimed' OR OLD.status = 'sent' OR OLD.status = 'unknown')
  AND NOT (NEW.usage_day IS NOT NULL AND NEW.account_id IS NOT NULL AND (NEW.status = 'claimed' OR NEW.status = 'sent' OR NEW.status = 'unknown')
           AND OLD.account_id = NEW.account_id AND OLD.usage_day = NEW.usage_day)
BEGIN
  UPDATE account_day_usage SET
    messages = max(messages - 1, 0),
    group_posts = max(group_posts - CASE WHEN OLD.target LIKE '%@g.us' THEN 1 ELSE 0 END, 0),
    new_chats = max(new_chats - CASE WHEN OLD.target LIKE '%@c.us' AND OLD.kind <> 'reply' AND OLD.kind <> 'opt_out_confirmation' THEN 1 ELSE 0 END, 0),
    last_claimed_at = CASE WHEN OLD.claimed_at IS NOT last_claimed_at THEN last_claimed_at
                           WHEN prev_claimed_at IS NOT NULL THEN prev_claimed_at
                           WHEN messages <= 1 THEN NULL ELSE last_claimed_at END,
    prev_claimed_at = CASE WHEN OLD.claimed_at IS last_claimed_at OR OLD.claimed_at IS prev_claimed_at THEN NULL
                           ELSE prev_claimed_at END
  WHERE account_id = OLD.account_id AND day_start = OLD.usage_day;
END;

-- What the foreign keys did when a parent goes: a project's rows with it, an account's or a contact's
-- rows kept without the link (the contact's erasure cancels what waited for them first).
CREATE TRIGGER outbox_project_deleted AFTER DELETE ON projects BEGIN
  DELETE FROM outbox WHERE project_id = OLD.id;
END;
CREATE TRIGGER outbox_account_deleted AFTER DELETE ON accounts BEGIN
  UPDATE outbox SET account_id = NULL WHERE account_id = OLD.id;
END;
CREATE TRIGGER outbox_contact_deleted AFTER DELETE ON contacts BEGIN
  UPDATE outbox SET contact_id = NULL WHERE contact_id = OLD.id;
END;
