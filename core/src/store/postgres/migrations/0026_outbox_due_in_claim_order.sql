-- The dispatcher's next due row (outbox-next-due) is ORDER BY priority, planned_at, id LIMIT 1, and
-- outbox_account_due stopped at planned_at: the id that breaks ties came from a sort. PostgreSQL's
-- generic plan, costed on statistics taken before the queue filled (one row expected), read every
-- due row of the account and sorted them all for each decision: 3,000 due rows, 1,529 buffers and
-- 1.1 ms of the server's CPU per claim (pg_stat_statements, docs/performance.md). With the id in the
-- index its order is the query's, so the scan stops at the first row whatever the estimate.
DROP INDEX IF EXISTS outbox_account_due;
CREATE INDEX outbox_account_due ON outbox(account_id, status, priority, planned_at, id);
