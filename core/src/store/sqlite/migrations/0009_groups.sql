-- Groups, communities and channels our accounts are in (issue 7 items 1-3): one row per WhatsApp
-- group per project however many of our numbers are in it; which numbers, their engagement phase;
-- sync runs with progress; the join queue; activity rollups kept as messages arrive.
CREATE TABLE groups (
  id             INTEGER PRIMARY KEY,
  project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  wa_id          TEXT    NOT NULL,                  -- …@g.us, or …@newsletter for a channel
  kind           TEXT    NOT NULL CHECK (kind IN ('group', 'community', 'announcement', 'channel')),
  name           TEXT    NOT NULL,
  description    TEXT    NOT NULL DEFAULT '',
  size           INTEGER NOT NULL DEFAULT 0,        -- members; followers for a channel
  admins         INTEGER NOT NULL DEFAULT 0,
  lid_members    INTEGER NOT NULL DEFAULT 0,        -- members WhatsApp showed only as @lid
  parent_wa_id   TEXT,                              -- the community a group belongs to
  announce_only  INTEGER NOT NULL DEFAULT 0,
  invite_link    TEXT,                              -- known only where one of our numbers is admin
  admin_ids      TEXT    NOT NULL DEFAULT '[]',     -- JSON: participant ids of the admins (key members)
  wa_created_at  INTEGER,
  created_at     INTEGER NOT NULL,
  synced_at      INTEGER,
  UNIQUE (project_id, wa_id)
);
CREATE INDEX groups_project_name ON groups(project_id, name);

CREATE TABLE group_accounts (
  group_id        INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  is_admin        INTEGER NOT NULL DEFAULT 0,
  phase           TEXT    NOT NULL CHECK (phase IN ('observation', 'contribution', 'value')),
  phase_since     INTEGER NOT NULL,
  phase_manual    INTEGER NOT NULL DEFAULT 0,       -- set by hand: the rule no longer moves it
  observation_at  INTEGER,
  contribution_at INTEGER,
  value_at        INTEGER,
  joined_at       INTEGER NOT NULL,                 -- first seen in the group (or joined through us)
  last_seen_at    INTEGER NOT NULL,
  left_at         INTEGER,                          -- not in the last complete sync
  PRIMARY KEY (group_id, account_id)
);
CREATE INDEX group_accounts_account ON group_accounts(account_id);
CREATE INDEX group_accounts_project ON group_accounts(project_id, phase);

CREATE TABLE group_sync_runs (
  id            INTEGER PRIMARY KEY,
  project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  cause         TEXT    NOT NULL CHECK (cause IN ('link', 'daily', 'manual')),
  status        TEXT    NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  groups_total  INTEGER,
  groups_done   INTEGER NOT NULL DEFAULT 0,
  channels      INTEGER NOT NULL DEFAULT 0,
  members       INTEGER NOT NULL DEFAULT 0,
  pages         INTEGER NOT NULL DEFAULT 0,
  error         TEXT,
  started_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  finished_at   INTEGER
);
CREATE INDEX group_sync_runs_account ON group_sync_runs(account_id, id);
CREATE INDEX group_sync_runs_project ON group_sync_runs(project_id, id);

CREATE TABLE group_settings (
  project_id     INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  joins_per_day  INTEGER NOT NULL DEFAULT 3,
  updated_at     INTEGER NOT NULL
);

CREATE TABLE group_joins (
  id            INTEGER PRIMARY KEY,
  project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  invite_code   TEXT    NOT NULL,
  group_name    TEXT,
  status        TEXT    NOT NULL CHECK (status IN ('queued', 'joining', 'joined', 'failed')),
  day           TEXT,                               -- the account's local day the join counts on
  run_after     INTEGER NOT NULL,                   -- queued: not before this (next local midnight)
  group_id      INTEGER REFERENCES groups(id) ON DELETE SET NULL,
  reason        TEXT,
  requested_by  INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX group_joins_account_day ON group_joins(account_id, day, status);
CREATE INDEX group_joins_due ON group_joins(status, run_after);

CREATE TABLE group_messages_seen (                  -- a message two of our numbers saw counts once
  group_id       INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  wa_message_id  TEXT    NOT NULL,
  at             INTEGER NOT NULL,
  PRIMARY KEY (group_id, wa_message_id)
);

CREATE TABLE group_activity_days (
  group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  project_id  INTEGER NOT NULL,
  day         TEXT    NOT NULL,                     -- YYYY-MM-DD in the project's time zone
  messages    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, day)
);

CREATE TABLE group_member_days (
  group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  project_id  INTEGER NOT NULL,
  day         TEXT    NOT NULL,
  member      TEXT    NOT NULL,                     -- …@c.us or …@lid as the message named its author
  name        TEXT    NOT NULL DEFAULT '',
  messages    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, day, member)
);

CREATE TABLE group_keyword_days (
  group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  project_id  INTEGER NOT NULL,
  day         TEXT    NOT NULL,
  word        TEXT    NOT NULL,
  count       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, day, word)
);
