-- A leaner outbox for the planner's 1M-row launch (issue 8, Performance; docs/performance.md). Before
-- this, every planned row maintained 10 B-trees besides the table (and PostgreSQL's primary key); now
-- 3: the key's UNIQUE (the at-most-once guarantee), outbox_account_due (the dispatcher's claim) and
-- outbox_campaign (progress, the messages page). Indexes whose column is NULL, or whose status is not
-- 'queued', on a freshly planned row become partial, so the launch does not write them and the
-- dispatcher adds a row's entries only when the row reaches that state.
-- Every query over the outbox (store/queries/*.sql) was checked against what is left:
--   outbox_claim (status, priority, planned_at): no query orders the whole outbox by priority; the
--     dispatcher claims per account (outbox_account_due). Recovery's "status = 'claimed'" scans use
--     outbox_in_flight below, reach-track-new's "status = 'sent'" outbox_sent.
--   outbox_status_account (status, account_id): (account_id, status = x) is the prefix of
--     outbox_account_due; the review list's (project, status = 'unknown') is outbox_unknown.
--   inbox_outbox_by_wa_message (wa_message_id): the same column as the partial outbox_wa_message,
--     which every "wa_message_id = $n" can use (it implies NOT NULL).
--   outbox_project (project_id, id): the review list of unknowns is outbox_unknown; a row by project
--     and id is the primary key; outbox-by-project (tests) and a project's deletion (ON DELETE
--     CASCADE, an owner's rare act) scan the table instead.
--   outbox_campaign_updated (campaign_id, updated_at): the progress tick's MAX(updated_at) asks only
--     whether a row changed since the launch, so rows never updated (updated_at = created_at) need
--     no entry (campaign-last-change says updated_at > created_at).
DROP INDEX IF EXISTS outbox_claim;
DROP INDEX IF EXISTS outbox_status_account;
DROP INDEX IF EXISTS inbox_outbox_by_wa_message;
DROP INDEX IF EXISTS inbox_outbox_by_conversation;
DROP INDEX IF EXISTS outbox_account_claimed;
DROP INDEX IF EXISTS outbox_project;
DROP INDEX IF EXISTS outbox_campaign_updated;
CREATE INDEX outbox_campaign_changed ON outbox(campaign_id, updated_at) WHERE updated_at > created_at;
CREATE INDEX outbox_conversation ON outbox(conversation_id) WHERE conversation_id IS NOT NULL;
-- The day's usage of an account (outbox-usage-today, per dispatcher decision) reads only this index:
-- every column it needs is in it, so ~200 claims a day are ~200 index entries, not 200 table rows.
CREATE INDEX outbox_account_usage ON outbox(account_id, claimed_at) INCLUDE (status, kind, target, claimed_until)
  WHERE claimed_at IS NOT NULL;
CREATE INDEX outbox_in_flight ON outbox(claimed_by, claimed_until) WHERE status = 'claimed';
CREATE INDEX outbox_unknown ON outbox(project_id, id) WHERE status = 'unknown';
CREATE INDEX outbox_sent ON outbox(sent_at) WHERE status = 'sent';

-- PostgreSQL checks a foreign key with a trigger per inserted row (a SELECT … FOR KEY SHARE of the
-- parent row, queued and run after the statement): for the planner's COPY of 1M rows that was 9 of
-- 27 s (docs/performance.md). What the outbox's three references were for is what happens when a
-- parent is deleted — a project's rows go with it, an account's or a contact's rows keep their
-- history without it — so that moves to triggers on the parents' DELETE, which cost nothing per
-- outbox row. Every writer of outbox rows (planner, enqueue, inbox, opt-out) takes the ids from rows
-- it read in the same transaction. SQLite keeps its references: there a check is an in-cache
-- primary-key probe (~0.3 µs a row).
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_project_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_account_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_contact_id_fkey;
CREATE FUNCTION outbox_parent_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'projects' THEN
    DELETE FROM outbox WHERE project_id = OLD.id;
  ELSIF TG_TABLE_NAME = 'accounts' THEN
    UPDATE outbox SET account_id = NULL WHERE account_id = OLD.id;
  ELSE
    UPDATE outbox SET contact_id = NULL WHERE contact_id = OLD.id;
  END IF;
  RETURN OLD;
END
$$;
CREATE TRIGGER outbox_project_deleted AFTER DELETE ON projects FOR EACH ROW EXECUTE FUNCTION outbox_parent_deleted();
CREATE TRIGGER outbox_account_deleted AFTER DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION outbox_parent_deleted();
CREATE TRIGGER outbox_contact_deleted AFTER DELETE ON contacts FOR EACH ROW EXECUTE FUNCTION outbox_parent_deleted();
