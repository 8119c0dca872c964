-- Scale-out: each account's WhatsApp client runs under one sangam process at a time. The holder
-- renews its lease while it runs the client; a lease not renewed for its lifetime (60 s) is free, so
-- a dead process's accounts move to another process.
ALTER TABLE accounts ADD COLUMN lease_node TEXT;
ALTER TABLE accounts ADD COLUMN lease_until INTEGER;
