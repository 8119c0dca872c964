-- Own groups (issue 10 items 3, 4, 5, 7): groups the team created from the dashboard, with their
-- purpose; invitations of contacts (the link one-to-one through the outbox, or a paced direct add);
-- the project's pacing of adds; join requests with every decision (who or which rule); and what a
-- moderation action did once dry run is off.
CREATE TABLE own_groups (
  group_id        INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
  project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,  -- the number that created it (admin)
  purpose         TEXT    NOT NULL DEFAULT '',
  admins_add_only INTEGER NOT NULL DEFAULT 1,
  link_enabled    INTEGER NOT NULL DEFAULT 1,      -- 0 after "revoke": the new code is kept, never shown or used
  created_by      INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX own_groups_project ON own_groups(project_id, created_at);

CREATE TABLE own_group_settings (
  project_id       INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  add_interval_ms  INTEGER NOT NULL DEFAULT 10000,   -- direct adds at least 10 s apart
  adds_per_day     INTEGER NOT NULL DEFAULT 50,      -- per number and local day
  join_rule        TEXT,                             -- JSON: the join-request rule (own_groups.hpp), NULL: by hand
  updated_at       INTEGER NOT NULL
);

CREATE TABLE group_invites (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  group_id     INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  contact_id   INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  phone        TEXT    NOT NULL,
  method       TEXT    NOT NULL CHECK (method IN ('link', 'add')),
  status       TEXT    NOT NULL CHECK (status IN ('queued', 'adding', 'added', 'link_sent', 'failed')),
  reason       TEXT,
  outbox_id    INTEGER,
  run_after    INTEGER NOT NULL,
  day          TEXT,                                 -- the local day a direct add counted on
  requested_by INTEGER,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX group_invites_due ON group_invites(status, run_after);
CREATE INDEX group_invites_group ON group_invites(group_id, id);
CREATE INDEX group_invites_account_day ON group_invites(account_id, day);

CREATE TABLE join_requests (
  id            INTEGER PRIMARY KEY,
  project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  group_id      INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  requester     TEXT    NOT NULL,                    -- …@c.us or …@lid
  phone         TEXT,
  requested_at  INTEGER NOT NULL,
  status        TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'failed')),
  decided_by    INTEGER,                             -- the user, or NULL when a rule decided
  rule          TEXT,                                -- the rule's verdict, e.g. "region IN, not suppressed"
  reason        TEXT,
  decided_at    INTEGER,
  UNIQUE (group_id, requester, requested_at)
);
CREATE INDEX join_requests_group ON join_requests(project_id, group_id, status, id);

ALTER TABLE moderation_log ADD COLUMN outcome TEXT;   -- done | failed: why (NULL in a dry run)
