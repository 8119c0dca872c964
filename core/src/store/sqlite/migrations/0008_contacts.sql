-- Contacts (issue 7): the people of a project, their group memberships, the consent ledger, the
-- global suppression list, background jobs, and the outbox the dispatcher will claim from.
-- Timestamps are INTEGER ms since the epoch (UTC) from the core's Clock.
CREATE TABLE contacts (
  id                 INTEGER PRIMARY KEY,
  project_id         INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  phone              TEXT,                          -- E.164; NULL for a member known only by @lid
  lid                TEXT,                          -- "123…@lid"; NULL when never seen as a lid
  name               TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,  -- from a CSV or by hand; wins over push_name
  push_name          TEXT    NOT NULL DEFAULT '',   -- the member's own WhatsApp display name
  region             TEXT,
  persona            TEXT,
  persona_confidence INTEGER NOT NULL DEFAULT 0 CHECK (persona_confidence BETWEEN 0 AND 100),
  persona_manual     INTEGER NOT NULL DEFAULT 0,    -- 1: set by a person; rules never overwrite it
  -- Engagement with time decay, stored as its value at the reference instant (engagement.hpp):
  -- value now = engagement_ref * 2^-((now - T0) / half-life), so "at least x now" is an index range.
  engagement_ref     REAL    NOT NULL DEFAULT 0,
  engagement_at      INTEGER,                       -- last engagement event
  consent            TEXT    NOT NULL DEFAULT 'unknown' CHECK (consent IN ('unknown', 'engaged', 'opted_in', 'opted_out')),
  attributes         TEXT    NOT NULL DEFAULT '{}', -- custom CSV columns, JSON object of strings
  source             TEXT    NOT NULL,              -- group | csv | api | message
  last_contacted_at  INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  UNIQUE (project_id, phone),
  UNIQUE (project_id, lid)
);
-- One index per filter kind of the search, each starting with the project and ending with id so
-- the keyset (id > cursor) pagination walks the index (docs/performance.md: p95 per filter).
CREATE INDEX contacts_consent ON contacts(project_id, consent, id);
CREATE INDEX contacts_persona ON contacts(project_id, persona, persona_confidence, id);
CREATE INDEX contacts_region ON contacts(project_id, region, id);
CREATE INDEX contacts_engagement ON contacts(project_id, engagement_ref);
CREATE INDEX contacts_contacted ON contacts(project_id, last_contacted_at);
-- NOCASE column + index: `name LIKE 'abc%'` (case-insensitive) is an index range in SQLite.
CREATE INDEX contacts_name ON contacts(project_id, name);
CREATE INDEX contacts_phone ON contacts(project_id, phone);

CREATE TABLE contact_tags (
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL,
  tag        TEXT    NOT NULL,
  PRIMARY KEY (contact_id, tag)
);
CREATE INDEX contact_tags_tag ON contact_tags(project_id, tag, contact_id);

-- A contact seen in a group. group_id has no foreign key: the groups table comes with migration
-- 0009 (group sync), and a membership may be written before the group row in the same sync.
-- `account_id` is the last of our accounts that saw the member there.
CREATE TABLE memberships (
  group_id   INTEGER NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL,
  account_id INTEGER,
  is_admin   INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  PRIMARY KEY (group_id, contact_id)
);
CREATE INDEX memberships_contact ON memberships(contact_id);

-- Append-only: every consent change, with what proves it.
CREATE TABLE consent_events (
  id         INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  from_state TEXT    NOT NULL,
  to_state   TEXT    NOT NULL,
  source     TEXT    NOT NULL,                      -- message | api | csv | import | merge | erasure
  evidence   TEXT    NOT NULL DEFAULT '{}',         -- JSON: message id and text, form, note
  actor      TEXT    NOT NULL,                      -- "user:3", "contact", "system"
  at         INTEGER NOT NULL
);
CREATE INDEX consent_events_contact ON consent_events(contact_id, id);

-- Global across projects: an opted-out or erased number, kept only as a salted hash
-- (contacts/suppression.hpp), is never messageable and never re-imported as messageable.
CREATE TABLE suppressions (
  phone_hash TEXT    PRIMARY KEY,
  reason     TEXT    NOT NULL CHECK (reason IN ('opt_out', 'erased', 'manual')),
  project_id INTEGER,                               -- where it came from; informational
  at         INTEGER NOT NULL
);

-- Per-project contact settings: opt-out words and persona rules (JSON; NULL: the defaults).
CREATE TABLE contact_settings (
  project_id    INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  opt_out_words TEXT,
  persona_rules TEXT,
  updated_at    INTEGER NOT NULL
);

-- Staging rows of a bulk import (one `batch` per import); filled with the bulk path (COPY / one
-- prepared insert), merged into contacts and memberships with set-based SQL, emptied in the same
-- transaction.
CREATE TABLE contact_stage (
  batch      INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  phone      TEXT,
  phone_hash TEXT,
  lid        TEXT,
  name       TEXT    NOT NULL,
  push_name  TEXT    NOT NULL,
  region     TEXT,
  is_admin   INTEGER NOT NULL,
  consent    TEXT,
  tags       TEXT,
  attributes TEXT
);
CREATE INDEX contact_stage_batch ON contact_stage(batch, seq);
-- The merge queries look staged rows up by lid and by phone; without these a 20,000-row chunk was
-- scanned once per lid-only contact (PostgreSQL: 77 s for 100,000 members).
CREATE INDEX contact_stage_lid ON contact_stage(batch, lid);
CREATE INDEX contact_stage_phone ON contact_stage(batch, phone);

-- Background work with progress (jobs/job_service.hpp): imports, exports, group sync.
CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind        TEXT    NOT NULL,
  status      TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  done        INTEGER NOT NULL DEFAULT 0,
  total       INTEGER,
  counts      TEXT    NOT NULL DEFAULT '{}',
  rejected    TEXT    NOT NULL DEFAULT '[]',
  error       TEXT,
  created_by  INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX jobs_project ON jobs(project_id, id);

-- The one queue of outgoing messages (DESIGN.md, the sending path). No dispatcher claims from it yet
-- (the campaigns issue); opt-out confirmations are queued here as priority 1.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id      INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
  target          TEXT    NOT NULL,                 -- chat id, e.g. "9198…@c.us"
  contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
  kind            TEXT    NOT NULL,                 -- opt_out_confirmation | campaign | reply | …
  content         TEXT    NOT NULL,                 -- JSON
  priority        INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
  planned_at      INTEGER NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'claimed', 'sent', 'failed', 'refused', 'unknown', 'cancelled')),
  idempotency_key TEXT    NOT NULL UNIQUE,
  attempts        INTEGER NOT NULL DEFAULT 0,
  claimed_by      TEXT,
  claimed_until   INTEGER,
  wa_message_id   TEXT,
  reason          TEXT,
  campaign_id     INTEGER,
  conversation_id INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX outbox_claim ON outbox(status, priority, planned_at);
CREATE INDEX outbox_project ON outbox(project_id, id);
