-- Session archives as bytes (issue 6.8): nonce || XChaCha20-Poly1305 ciphertext in a bytea, no longer
-- base64 text (a third larger, and encoded and decoded on every save and load). PostgreSQL decodes the
-- existing rows itself. A value that is not valid base64 (only ever written by hand) becomes empty
-- bytes rather than failing the migration, and so the start: like before, it fails to open on load
-- ("session_corrupt") and an older archive is restored.
ALTER TABLE account_sessions ALTER COLUMN archive TYPE bytea USING (
  CASE WHEN length(archive) % 4 = 0 AND archive ~ '^[A-Za-z0-9+/]*={0,2}$' THEN decode(archive, 'base64')
       ELSE ''::bytea END);
