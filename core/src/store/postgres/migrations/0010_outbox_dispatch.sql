-- The dispatcher's bookkeeping on the outbox (campaigns/outbox.hpp): when a row was claimed (the
-- day's usage and the pacing gap are counted from it) and when WhatsApp took it.
ALTER TABLE outbox ADD COLUMN claimed_at BIGINT;
ALTER TABLE outbox ADD COLUMN sent_at BIGINT;
CREATE INDEX outbox_account_due ON outbox(account_id, status, priority, planned_at);
CREATE INDEX outbox_account_claimed ON outbox(account_id, claimed_at);
