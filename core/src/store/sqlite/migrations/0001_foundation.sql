-- Foundation: users, projects, members, API tokens, sessions, audit log.
-- Timestamps are INTEGER milliseconds since the Unix epoch (UTC), always taken from the core's Clock,
-- never from the database, so tests with a manual clock see exactly the times they set.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT    NOT NULL UNIQUE,           -- stored lower-cased
  name          TEXT    NOT NULL,
  password_hash TEXT    NOT NULL,                  -- argon2id string (libsodium crypto_pwhash_str)
  is_admin      INTEGER NOT NULL DEFAULT 0,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE projects (
  id             INTEGER PRIMARY KEY,
  name           TEXT    NOT NULL,
  slug           TEXT    NOT NULL UNIQUE,
  time_zone      TEXT    NOT NULL,
  default_region TEXT    NOT NULL,
  working_hours  TEXT    NOT NULL,                 -- JSON [{"start":"09:00","end":"12:00"},…]
  weekend_factor REAL    NOT NULL,
  regions        TEXT    NOT NULL,                 -- JSON array of names
  personas       TEXT    NOT NULL,                 -- JSON array of names
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);

CREATE TABLE project_members (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role       TEXT    NOT NULL CHECK (role IN ('owner', 'manager', 'viewer')),
  added_at   INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user ON project_members(user_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT    NOT NULL,
  token_hash   TEXT    NOT NULL UNIQUE,            -- BLAKE2b of the token; the token itself is shown once
  prefix       TEXT    NOT NULL,                   -- first characters, to recognise a token in a list
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  expires_at   INTEGER,
  revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE sessions (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash   TEXT    NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  ip           TEXT    NOT NULL,
  user_agent   TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- No foreign keys: the history outlives the project and the user it names.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER,                             -- NULL for global actions (users)
  actor_id    INTEGER,
  actor_email TEXT,
  action      TEXT    NOT NULL,
  target      TEXT    NOT NULL,
  before_json TEXT,
  after_json  TEXT,
  at          INTEGER NOT NULL
);
CREATE INDEX audit_log_project ON audit_log(project_id, id);
