-- Session archives as bytes (issue 6.8): nonce || XChaCha20-Poly1305 ciphertext in a BLOB, no longer
-- base64 text (a third larger, and encoded and decoded on every save and load). SQLite has no base64
-- decoder in SQL: the table is rebuilt with a BLOB column, the rows copied as they are (text), and
-- store::migrate decodes them in C++ right after this script, in the same transaction
-- (sqlite_session_bytes in migrate.cpp).
CREATE TABLE account_sessions_0006 (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  archive    BLOB    NOT NULL,                      -- nonce || XChaCha20-Poly1305 ciphertext
  version    INTEGER
);
INSERT INTO account_sessions_0006 (id, account_id, created_at, archive, version)
  SELECT id, account_id, created_at, archive, version FROM account_sessions;
DROP TABLE account_sessions;
ALTER TABLE account_sessions_0006 RENAME TO account_sessions;
CREATE INDEX account_sessions_account ON account_sessions(account_id, id);
