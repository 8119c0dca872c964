-- WhatsApp accounts, their encrypted session archives, QR history, health history, alerts.
CREATE TABLE accounts (
  id                 INTEGER PRIMARY KEY,
  project_id         INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  phone              TEXT    NOT NULL UNIQUE,       -- E.164; one number belongs to one project
  label              TEXT    NOT NULL,
  engine             TEXT    NOT NULL CHECK (engine IN ('webjs', 'sim')),
  role               TEXT    NOT NULL CHECK (role IN ('production', 'backup', 'warmup')),
  status             TEXT    NOT NULL CHECK (status IN ('new', 'linking', 'active', 'standby', 'warming', 'cooling',
                                                        'disconnected', 'banned', 'retired')),
  status_reason      TEXT,
  health             INTEGER NOT NULL DEFAULT 100,
  health_connection  INTEGER NOT NULL DEFAULT 40,
  health_delivery    INTEGER NOT NULL DEFAULT 30,
  health_behaviour   INTEGER NOT NULL DEFAULT 30,
  daily_limit        INTEGER NOT NULL,
  usage_today        INTEGER NOT NULL DEFAULT 0,
  linked_at          INTEGER,
  last_activity_at   INTEGER,
  phone_seen_at      INTEGER,
  warmup_started_at  INTEGER,
  reconnect_attempts INTEGER NOT NULL DEFAULT 0,
  next_retry_at      INTEGER,                       -- set while a disconnected session is being restored
  last_rtt_ms        INTEGER,
  connector_id       TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);
CREATE INDEX accounts_project ON accounts(project_id);
CREATE INDEX accounts_retry ON accounts(next_retry_at);

CREATE TABLE account_sessions (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  archive    TEXT    NOT NULL                       -- base64(nonce || XChaCha20-Poly1305 ciphertext)
);
CREATE INDEX account_sessions_account ON account_sessions(account_id, id);

CREATE TABLE account_qr (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind       TEXT    NOT NULL,                      -- qr | pairing_code
  value      TEXT    NOT NULL,
  at         INTEGER NOT NULL
);
CREATE INDEX account_qr_account ON account_qr(account_id, id);

CREATE TABLE account_health (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  score      INTEGER NOT NULL,
  connection INTEGER NOT NULL,
  delivery   INTEGER NOT NULL,
  behaviour  INTEGER NOT NULL
);
CREATE INDEX account_health_account ON account_health(account_id, id);

-- Facts the health score counts over a window: reconnects, sends, acks, reports.
CREATE TABLE account_events (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  kind       TEXT    NOT NULL
);
CREATE INDEX account_events_account ON account_events(account_id, kind, at);

CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY,
  project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id      INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
  kind            TEXT    NOT NULL,
  severity        TEXT    NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  message         TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by INTEGER
);
CREATE INDEX alerts_project ON alerts(project_id, id);
