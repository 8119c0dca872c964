-- Contacts (issue 7). Contact rows as the API shows them.

-- name: contact-stage-copy
INSERT INTO contact_stage (batch, seq, phone, phone_hash, lid, name, push_name, region, is_admin, consent, tags, attributes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: contact-stage-clear
DELETE FROM contact_stage WHERE batch = $1;

-- name: contact-stage-lid-conflicts
-- Staged members with phone and lid where a lid-only contact and a phone contact both exist: two
-- records of one person, merged one by one (contact_base.cpp: merge).
SELECT s.lid, s.phone FROM contact_stage s
JOIN contacts l ON l.project_id = $2 AND l.lid = s.lid AND l.phone IS NULL
JOIN contacts p ON p.project_id = $2 AND p.phone = s.phone
WHERE s.batch = $1 AND s.phone IS NOT NULL AND s.lid IS NOT NULL;

-- name: contact-stage-give-lid-phone
-- A lid-only contact whose phone the engine now reports, and no other contact has that phone.
UPDATE contacts SET phone = (SELECT s.phone FROM contact_stage s WHERE s.batch = $1 AND s.lid = contacts.lid),
       consent = CASE WHEN EXISTS (SELECT 1 FROM contact_stage s JOIN suppressions x ON x.phone_hash = s.phone_hash
                                   WHERE s.batch = $1 AND s.lid = contacts.lid) THEN 'opted_out' ELSE consent END,
       updated_at = $3
WHERE project_id = $2 AND phone IS NULL
  AND lid IN (SELECT s.lid FROM contact_stage s WHERE s.batch = $1 AND s.lid IS NOT NULL AND s.phone IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM contacts p JOIN contact_stage s ON s.batch = $1 AND s.lid = contacts.lid
                  WHERE p.project_id = $2 AND p.phone = s.phone);

-- name: contact-stage-upsert-phones
-- New members become contacts; a suppressed number comes in opted out. Known ones keep what they
-- have and take a newer push name and a lid they did not know yet. `name` is the display name: the
-- push name until a CSV or a person sets another one.
INSERT INTO contacts (project_id, phone, lid, name, push_name, region, consent, source, created_at, updated_at)
SELECT CAST($2 AS BIGINT), s.phone,
       CASE WHEN s.lid IS NULL OR EXISTS (SELECT 1 FROM contacts o WHERE o.project_id = $2 AND o.lid = s.lid) THEN NULL ELSE s.lid END,
       s.push_name, s.push_name, s.region,
       CASE WHEN EXISTS (SELECT 1 FROM suppressions x WHERE x.phone_hash = s.phone_hash) THEN 'opted_out' ELSE 'unknown' END,
       CAST($4 AS TEXT), CAST($3 AS BIGINT), CAST($3 AS BIGINT)
FROM contact_stage s WHERE s.batch = $1 AND s.phone IS NOT NULL
ON CONFLICT (project_id, phone) DO UPDATE SET
  name = CASE WHEN excluded.push_name <> '' AND (contacts.name = '' OR contacts.name = contacts.push_name)
              THEN excluded.push_name ELSE contacts.name END,
  push_name = CASE WHEN excluded.push_name <> '' THEN excluded.push_name ELSE contacts.push_name END,
  lid = COALESCE(contacts.lid, excluded.lid),
  region = COALESCE(contacts.region, excluded.region),
  updated_at = excluded.updated_at;

-- name: contact-stage-upsert-lids
INSERT INTO contacts (project_id, phone, lid, name, push_name, region, consent, source, created_at, updated_at)
SELECT CAST($2 AS BIGINT), NULL, s.lid, s.push_name, s.push_name, s.region, 'unknown', CAST($4 AS TEXT), CAST($3 AS BIGINT), CAST($3 AS BIGINT)
FROM contact_stage s WHERE s.batch = $1 AND s.phone IS NULL AND s.lid IS NOT NULL
ON CONFLICT (project_id, lid) DO UPDATE SET
  name = CASE WHEN excluded.push_name <> '' AND (contacts.name = '' OR contacts.name = contacts.push_name)
              THEN excluded.push_name ELSE contacts.name END,
  push_name = CASE WHEN excluded.push_name <> '' THEN excluded.push_name ELSE contacts.push_name END,
  region = COALESCE(contacts.region, excluded.region),
  updated_at = excluded.updated_at;

-- name: contact-stage-memberships-by-phone
INSERT INTO memberships (group_id, contact_id, project_id, account_id, is_admin, first_seen, last_seen)
SELECT CAST($3 AS BIGINT), c.id, CAST($2 AS BIGINT), CAST($4 AS BIGINT), s.is_admin, CAST($5 AS BIGINT), CAST($5 AS BIGINT)
FROM contact_stage s JOIN contacts c ON c.project_id = $2 AND c.phone = s.phone
WHERE s.batch = $1 AND s.phone IS NOT NULL
ON CONFLICT (group_id, contact_id) DO UPDATE SET
  last_seen = excluded.last_seen, is_admin = excluded.is_admin, account_id = excluded.account_id;

-- name: contact-stage-memberships-by-lid
INSERT INTO memberships (group_id, contact_id, project_id, account_id, is_admin, first_seen, last_seen)
SELECT CAST($3 AS BIGINT), c.id, CAST($2 AS BIGINT), CAST($4 AS BIGINT), s.is_admin, CAST($5 AS BIGINT), CAST($5 AS BIGINT)
FROM contact_stage s JOIN contacts c ON c.project_id = $2 AND c.lid = s.lid
WHERE s.batch = $1 AND s.phone IS NULL AND s.lid IS NOT NULL
ON CONFLICT (group_id, contact_id) DO UPDATE SET
  last_seen = excluded.last_seen, is_admin = excluded.is_admin, account_id = excluded.account_id;

-- name: contact-count
SELECT count(*) AS n FROM contacts WHERE project_id = $1;

-- name: contact-by-id
SELECT id, project_id, phone, lid, name, push_name, region, persona, persona_confidence, persona_manual,
       engagement_ref, engagement_at, consent, attributes, source, last_contacted_at, created_at, updated_at
FROM contacts WHERE project_id = $1 AND id = $2;

-- name: contact-by-phone
SELECT id, consent, lid FROM contacts WHERE project_id = $1 AND phone = $2;

-- name: contact-by-lid
SELECT id, consent, phone FROM contacts WHERE project_id = $1 AND lid = $2;

-- name: contact-ids-by-phone
-- Every project's contact with the number (a suppression applies to all of them).
SELECT id, project_id FROM contacts WHERE phone = $1;

-- name: contact-insert
INSERT INTO contacts (project_id, phone, lid, name, push_name, region, consent, source, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id;

-- name: contact-insert-csv
INSERT INTO contacts (project_id, phone, name, region, consent, attributes, source, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, 'csv', $7, $7) RETURNING id;

-- name: contact-set-phone
UPDATE contacts SET phone = $3, updated_at = $4 WHERE project_id = $1 AND id = $2;

-- name: contact-set-lid
UPDATE contacts SET lid = $3, updated_at = $4 WHERE project_id = $1 AND id = $2;

-- name: contact-set-consent
UPDATE contacts SET consent = $3, updated_at = $4 WHERE project_id = $1 AND id = $2;

-- name: contact-csv-update
-- A CSV row for a known phone: what the row gives wins, what it leaves empty stays.
UPDATE contacts SET name = CASE WHEN $3 <> '' THEN $3 ELSE name END,
       region = COALESCE($4, region),
       attributes = $5,
       updated_at = $6
WHERE project_id = $1 AND id = $2;

-- name: contact-set-persona
UPDATE contacts SET persona = $3, persona_confidence = $4, persona_manual = $5, updated_at = $6
WHERE project_id = $1 AND id = $2;

-- name: contact-set-persona-by-rule
-- A rule never overwrites a person's choice.
UPDATE contacts SET persona = $3, persona_confidence = $4, updated_at = $5
WHERE project_id = $1 AND id = $2 AND persona_manual = 0;

-- name: contact-add-engagement
UPDATE contacts SET engagement_ref = engagement_ref + $3, engagement_at = $4 WHERE project_id = $1 AND id = $2;

-- name: contact-erase-conversations
-- Erasure reaches the inbox too: their direct conversations go (messages cascade) ...
DELETE FROM conversations WHERE project_id = $1 AND contact_id = $2 AND kind = 'direct';

-- name: contact-erase-group-words
-- ... and what they wrote in group conversations (author: their chat id, "<digits>@c.us" or a lid).
DELETE FROM conversation_messages
WHERE project_id = $1 AND direction = 'in' AND (author = $2 OR author = $3);

-- name: contact-erase-outbox
-- Erasure reaches the queue: what waits for them is cancelled (after the contact row goes, contact_id
-- is NULL and the send-time consent gate, which asks about the contact, would have nothing to ask), and
-- no row keeps the text written for them (their name). A row in flight (claimed) gets its outcome.
-- Nor the chat id, which is their number: it becomes "erased-<row id>" with the same suffix, so the
-- day's usage counter (migration 0021), which tells a new chat by "@c.us", still counts the row right
-- if it is deleted later, and rows stay distinct.
UPDATE outbox SET status = CASE WHEN status IN ('queued', 'unknown') THEN 'cancelled' ELSE status END,
       reason = CASE WHEN status IN ('queued', 'unknown') THEN 'the contact was erased' ELSE reason END,
       content = '{}', updated_at = $3,
       target = CASE WHEN target LIKE '%@c.us' THEN 'erased-' || id || '@c.us'
                     WHEN target LIKE '%@lid' THEN 'erased-' || id || '@lid' ELSE 'erased-' || id END
WHERE project_id = $1 AND contact_id = $2 AND status <> 'claimed';

-- name: contact-erase-events
-- The analytics log keeps what happened (the rollups count it) but not who: the contact's id goes
-- (an id SQLite may give again to the next contact would inherit their journey) and so do the keys
-- of an engine event that hold a chat id (incoming: chat; reactions: from; poll votes: voter).
UPDATE analytics_events SET contact_id = NULL, data = json_remove(data, '$.chat', '$.from', '$.author', '$.voter')
WHERE project_id = $1 AND contact_id = $2;

-- name: contact-erase-member-days
-- The places that name them by chat id ($2, $3: their "<digits>@c.us" and their lid, either twice when
-- one is unknown). Their activity per group and day goes rather than being renamed: a member known by
-- both ids has two rows a day, which one new name would make collide.
DELETE FROM group_member_days WHERE project_id = $1 AND (member = $2 OR member = $3);

-- name: contact-erase-welcome
DELETE FROM welcome_pending WHERE project_id = $1 AND (participant = $2 OR participant = $3);

-- name: contact-erase-moderation-log
-- The team's record of what moderation did stays, without who or what they wrote.
UPDATE moderation_log SET author = 'erased', body = '' WHERE project_id = $1 AND (author = $2 OR author = $3);

-- name: contact-erase-strikes
DELETE FROM moderation_strikes WHERE (author = $2 OR author = $3) AND group_id IN (SELECT id FROM groups WHERE project_id = $1);

-- name: contact-erase-join-requests
-- Decisions stay (and stay distinct: requester is part of a unique key), without the number.
UPDATE join_requests SET requester = 'erased-' || id, phone = NULL
WHERE project_id = $1 AND (requester = $2 OR requester = $3 OR phone = $4);

-- name: contact-erase-unreachable
DELETE FROM unreachable_targets WHERE project_id = $1 AND (target = $2 OR target = $3);

-- name: contact-erase-leads
-- Their form submissions stay counted (leads per campaign) without their number, fields or contact;
-- the stored first answer, given again to a replayed submission id, loses the same keys.
UPDATE leads SET phone = 'erased', contact_id = NULL, fields = '{}',
       response = json_set(response, '$.phone', 'erased', '$.contact_id', NULL, '$.fields', json('{}'))
WHERE project_id = $1 AND (contact_id = $2 OR phone = $3);

-- name: contact-delete
DELETE FROM contacts WHERE project_id = $1 AND id = $2;

-- name: contact-tags
SELECT contact_id, tag FROM contact_tags WHERE contact_id = $1 ORDER BY tag;

-- name: contact-tag-add
INSERT INTO contact_tags (contact_id, project_id, tag) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING;

-- name: contact-memberships
SELECT group_id, account_id, is_admin, first_seen, last_seen FROM memberships WHERE contact_id = $1 ORDER BY group_id;

-- name: contact-consent-events
SELECT id, from_state, to_state, source, evidence, actor, at FROM consent_events WHERE contact_id = $1 ORDER BY id;

-- name: consent-event-insert
INSERT INTO consent_events (project_id, contact_id, from_state, to_state, source, evidence, actor, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: contact-outbox
SELECT id, kind, priority, status, planned_at, idempotency_key FROM outbox WHERE contact_id = $1 ORDER BY id;

-- Merging a lid-only contact ($2) into the phone contact ($3) of project $1: its memberships (the
-- earlier first_seen and later last_seen win), tags and ledger move, then it goes.
-- name: contact-merge-memberships
INSERT INTO memberships (group_id, contact_id, project_id, account_id, is_admin, first_seen, last_seen)
SELECT group_id, CAST($3 AS BIGINT), project_id, account_id, is_admin, first_seen, last_seen FROM memberships WHERE contact_id = $2 AND project_id = $1
ON CONFLICT (group_id, contact_id) DO UPDATE SET
  first_seen = CASE WHEN excluded.first_seen < memberships.first_seen THEN excluded.first_seen ELSE memberships.first_seen END,
  last_seen = CASE WHEN excluded.last_seen > memberships.last_seen THEN excluded.last_seen ELSE memberships.last_seen END;

-- name: contact-merge-tags
INSERT INTO contact_tags (contact_id, project_id, tag) SELECT CAST($3 AS BIGINT), project_id, tag FROM contact_tags WHERE contact_id = $2 AND project_id = $1
ON CONFLICT DO NOTHING;

-- name: contact-merge-ledger
UPDATE consent_events SET contact_id = $3 WHERE contact_id = $2 AND project_id = $1;

-- name: contact-merge-outbox
UPDATE outbox SET contact_id = $3 WHERE contact_id = $2 AND project_id = $1;

-- name: contact-merge-engagement
-- ($1 project, $2 the phone contact, $3 the lid record's engagement_ref, $4 its push name, $5 now)
UPDATE contacts SET engagement_ref = engagement_ref + $3,
       name = CASE WHEN name = '' THEN $4 ELSE name END,
       push_name = CASE WHEN push_name = '' THEN $4 ELSE push_name END,
       updated_at = $5
WHERE project_id = $1 AND id = $2;

-- name: contact-fill-push-name
-- The display name a member wrote under ($3); a name given by hand or in a CSV (not the old push name)
-- is kept. No write when nothing changes (a group of 500 members talks all day).
UPDATE contacts SET name = CASE WHEN name = '' OR name = push_name THEN $3 ELSE name END,
       push_name = $3, updated_at = $4
WHERE project_id = $1 AND id = $2 AND (push_name <> $3 OR name = '');

-- name: contact-project-regions
SELECT regions FROM projects WHERE id = $1;

-- name: contact-settings
SELECT opt_out_words, persona_rules FROM contact_settings WHERE project_id = $1;

-- name: contact-settings-opt-out-upsert
INSERT INTO contact_settings (project_id, opt_out_words, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (project_id) DO UPDATE SET opt_out_words = excluded.opt_out_words, updated_at = excluded.updated_at;

-- name: contact-settings-personas-upsert
INSERT INTO contact_settings (project_id, persona_rules, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (project_id) DO UPDATE SET persona_rules = excluded.persona_rules, updated_at = excluded.updated_at;

-- name: suppression-insert
INSERT INTO suppressions (phone_hash, reason, project_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT (phone_hash) DO NOTHING;

-- name: suppression-get
SELECT reason, at FROM suppressions WHERE phone_hash = $1;

-- name: suppression-lift-opt-out
DELETE FROM suppressions WHERE phone_hash = $1 AND reason = 'opt_out';

-- name: outbox-insert
-- At most once: a second row with the same key is not queued.
INSERT INTO outbox (project_id, account_id, target, contact_id, kind, content, priority, planned_at, idempotency_key,
                    created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $8) ON CONFLICT (idempotency_key) DO NOTHING;

-- name: outbox-by-project
SELECT id, account_id, target, contact_id, kind, content, priority, status, idempotency_key FROM outbox
WHERE project_id = $1 ORDER BY id;

-- name: job-insert
INSERT INTO jobs (project_id, kind, status, total, created_by, created_at, updated_at)
VALUES ($1, $2, 'queued', $3, $4, $5, $5) RETURNING id;

-- name: job-progress
UPDATE jobs SET status = $2, done = $3, total = $4, counts = $5, rejected = $6, updated_at = $7 WHERE id = $1;

-- name: job-finish
UPDATE jobs SET status = $2, done = $3, total = $4, counts = $5, rejected = $6, error = $7, updated_at = $8,
                finished_at = $8 WHERE id = $1;

-- name: job-get
SELECT id, project_id, kind, status, done, total, counts, rejected, error, created_at, updated_at, finished_at
FROM jobs WHERE project_id = $1 AND id = $2;

-- name: job-fail-unfinished
-- At start: a job of a process that died will not finish; it is failed rather than left running.
UPDATE jobs SET status = 'failed', error = 'the server restarted before the job finished', finished_at = $1, updated_at = $1
WHERE status IN ('queued', 'running') AND updated_at < $2;

-- name: contact-copy
-- The bulk path for whole contact rows (benchmarks' 1M-contact worlds; a CSV fast path later).
INSERT INTO contacts (project_id, phone, lid, name, push_name, region, persona, persona_confidence, engagement_ref, consent,
                      source, last_contacted_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: membership-copy
INSERT INTO memberships (group_id, contact_id, project_id, account_id, is_admin, first_seen, last_seen)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: contact-tag-copy
INSERT INTO contact_tags (contact_id, project_id, tag) VALUES ($1, $2, $3);

-- name: contact-persona-page
-- Contacts whose persona the rules decide (not set by hand), 1,000 at a time by id.
SELECT id, region FROM contacts WHERE project_id = $1 AND persona_manual = 0 AND id > $2 ORDER BY id LIMIT 1000;
