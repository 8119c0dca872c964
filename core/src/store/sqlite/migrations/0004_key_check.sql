-- Keys across nodes. `settings` holds values of the whole installation, read by every node sharing
-- the database; the first is `secret_key_check`, the check value of the secret key (crypto.hpp:
-- key_check_value) stored on the first start, so a node started with another key refuses to start
-- instead of failing later on every stored session ("session corrupt").
CREATE TABLE settings (
  name       TEXT    PRIMARY KEY,
  value      TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);
-- Session archives are sealed with (account id, version) as associated data: an archive copied to
-- another account or row does not open. `session_version` numbers an account's archives (1, 2, …);
-- `version` NULL marks an archive sealed before this migration, without associated data.
ALTER TABLE accounts ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account_sessions ADD COLUMN version INTEGER;
