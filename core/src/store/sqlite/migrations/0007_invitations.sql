-- Invitations (issue 13 item 5): an owner invites an email with a role; the person opens the link,
-- sets their own password and becomes a member. Only a hash of the link's secret is stored, so the
-- link is shown once and a copy of the database does not hold usable links.
CREATE TABLE invitations (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  email       TEXT    NOT NULL,                    -- lower-cased
  role        TEXT    NOT NULL,                    -- owner | manager | viewer
  token_hash  TEXT    NOT NULL UNIQUE,             -- BLAKE2b-256 hex of the link's secret
  created_by  INTEGER,
  created_by_email TEXT,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  accepted_at INTEGER,
  accepted_user_id INTEGER,
  revoked_at  INTEGER
);
CREATE INDEX invitations_project ON invitations(project_id, id);
