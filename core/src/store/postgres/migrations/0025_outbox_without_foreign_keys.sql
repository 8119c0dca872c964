-- Nothing to do on PostgreSQL: its outbox lost its foreign keys in 0019 (delete triggers on the parents
-- act for them). SQLite's 0025 does the same there.
SELECT 1;
