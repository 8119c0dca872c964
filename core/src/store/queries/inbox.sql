-- The team inbox (inbox/inbox_service.hpp): conversations, their messages, replies through the outbox,
-- the review of sends whose outcome is unknown, saved replies.

-- name: inbox-conversation-upsert
-- One conversation per (account, chat); a contact learnt later (lid merged, CSV) is filled in.
INSERT INTO conversations (project_id, account_id, chat, kind, contact_id, group_id, title, last_message_at,
                           created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
ON CONFLICT (project_id, account_id, chat) DO UPDATE SET
  contact_id = COALESCE(conversations.contact_id, excluded.contact_id),
  group_id = COALESCE(conversations.group_id, excluded.group_id),
  title = CASE WHEN conversations.title = '' THEN excluded.title ELSE conversations.title END
RETURNING id;

-- name: inbox-message-insert
-- A message seen twice (a reconnect replays it) is stored once: answers no row then.
INSERT INTO conversation_messages (project_id, conversation_id, direction, wa_id, author, author_name, body, kind,
                                   quoted_wa_id, context_outbox_id, outbox_id, sent_by, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (conversation_id, wa_id) DO NOTHING
RETURNING id;

-- name: inbox-conversation-incoming
-- Their message: unread, waiting for our answer, and back in the open list if it was done. A message
-- older than the newest one (a phone's backlog after linking) does not move the list.
UPDATE conversations SET unread = unread + 1, needs_reply = 1, status = 'open',
       last_preview = CASE WHEN $3 >= last_message_at THEN $4 ELSE last_preview END,
       last_message_at = CASE WHEN $3 >= last_message_at THEN $3 ELSE last_message_at END, updated_at = $5
WHERE project_id = $1 AND id = $2;

-- name: inbox-conversation-answered
UPDATE conversations SET unread = 0, needs_reply = 0, last_message_at = $3, last_preview = $4, updated_at = $5
WHERE project_id = $1 AND id = $2;

-- name: inbox-opt-out-confirmation
-- The automatic confirmation the contact base queued for an opt-out message (its key names the
-- message): the inbox links it to the conversation and shows it as the answer.
UPDATE outbox SET conversation_id = $2 WHERE idempotency_key = $1
RETURNING id, content;

-- name: inbox-conversation-auto-answered
-- Answered by Sangam itself (an opt-out's confirmation): no longer waiting for us, still unread.
UPDATE conversations SET needs_reply = 0, last_preview = $3, updated_at = $4
WHERE project_id = $1 AND id = $2;

-- name: inbox-outbox-by-wa
SELECT id, kind, campaign_id, content FROM outbox WHERE project_id = $1 AND wa_message_id = $2;

-- name: inbox-outbox-last-to
-- What we last sent into a chat from this account since $4: what an unquoted reply answers.
SELECT id FROM outbox
WHERE project_id = $1 AND account_id = $2 AND target = $3 AND status = 'sent' AND sent_at >= $4
ORDER BY sent_at DESC, id DESC LIMIT 1;

-- name: inbox-list
-- Filters are NULL when not asked for; newest first, keyset on (last_message_at, id) < ($10, $11).
-- $6: 1 = waiting for our answer. $7: open | done. $8: an assignee's user id, 0 = nobody. $9: LIKE pattern.
SELECT c.id, c.account_id, c.chat, c.kind, c.contact_id, c.group_id, c.title, c.assignee_id, c.status, c.unread,
       c.needs_reply, c.last_message_at, c.last_preview,
       ct.name AS contact_name, ct.push_name AS contact_push_name, ct.phone AS contact_phone, ct.consent, ct.persona,
       g.name AS group_name, u.name AS assignee_name, a.label AS account_label, a.phone AS account_phone
FROM conversations c
LEFT JOIN contacts ct ON ct.id = c.contact_id
LEFT JOIN groups g ON g.id = c.group_id
LEFT JOIN users u ON u.id = c.assignee_id
LEFT JOIN accounts a ON a.id = c.account_id
WHERE c.project_id = $1
  AND (CAST($2 AS BIGINT) IS NULL OR c.account_id = CAST($2 AS BIGINT))
  AND (CAST($3 AS BIGINT) IS NULL OR c.group_id = CAST($3 AS BIGINT))
  AND (CAST($4 AS TEXT) IS NULL OR ct.persona = CAST($4 AS TEXT))
  AND (CAST($5 AS TEXT) IS NULL OR ct.consent = CAST($5 AS TEXT))
  AND (CAST($6 AS BIGINT) IS NULL OR c.needs_reply = CAST($6 AS BIGINT))
  AND (CAST($7 AS TEXT) IS NULL OR c.status = CAST($7 AS TEXT))
  AND (CAST($8 AS BIGINT) IS NULL OR COALESCE(c.assignee_id, 0) = CAST($8 AS BIGINT))
  AND (CAST($9 AS TEXT) IS NULL OR LOWER(c.title || ' ' || c.chat || ' ' || COALESCE(ct.name, '') || ' ' || c.last_preview) LIKE CAST($9 AS TEXT))
  AND (c.last_message_at < $10 OR (c.last_message_at = $10 AND c.id < $11))
ORDER BY c.last_message_at DESC, c.id DESC
LIMIT $12;

-- name: inbox-counts
SELECT COUNT(*) AS open,
       COALESCE(SUM(CASE WHEN unread > 0 THEN 1 ELSE 0 END), 0) AS unread_conversations,
       COALESCE(SUM(unread), 0) AS unread_messages,
       COALESCE(SUM(needs_reply), 0) AS needs_reply
FROM conversations WHERE project_id = $1 AND status = 'open';

-- name: inbox-conversation-get
SELECT c.id, c.account_id, c.chat, c.kind, c.contact_id, c.group_id, c.title, c.assignee_id, c.status, c.unread,
       c.needs_reply, c.last_message_at, c.last_preview,
       ct.name AS contact_name, ct.push_name AS contact_push_name, ct.phone AS contact_phone, ct.consent, ct.persona,
       g.name AS group_name, u.name AS assignee_name, a.label AS account_label, a.phone AS account_phone
FROM conversations c
LEFT JOIN contacts ct ON ct.id = c.contact_id
LEFT JOIN groups g ON g.id = c.group_id
LEFT JOIN users u ON u.id = c.assignee_id
LEFT JOIN accounts a ON a.id = c.account_id
WHERE c.project_id = $1 AND c.id = $2;

-- name: inbox-thread
-- Newest first from before message $3 (keyset on (at, id)), with what each answers and our rows' status.
SELECT m.id, m.direction, m.wa_id, m.author, m.author_name, m.body, m.kind, m.quoted_wa_id, m.at, m.outbox_id,
       m.context_outbox_id, u.name AS sent_by_name, o.status AS send_status, o.reason AS send_reason,
       x.kind AS context_kind, x.campaign_id AS context_campaign_id, x.content AS context_content
FROM conversation_messages m
LEFT JOIN users u ON u.id = m.sent_by
LEFT JOIN outbox o ON o.id = m.outbox_id
LEFT JOIN outbox x ON x.id = m.context_outbox_id
WHERE m.project_id = $1 AND m.conversation_id = $2
  AND (m.at < $3 OR (m.at = $3 AND m.id < $4))
ORDER BY m.at DESC, m.id DESC
LIMIT $5;

-- name: inbox-mark-read
UPDATE conversations SET unread = 0, updated_at = $3 WHERE project_id = $1 AND id = $2;

-- name: inbox-assign
UPDATE conversations SET assignee_id = $3, updated_at = $4 WHERE project_id = $1 AND id = $2;

-- name: inbox-set-status
UPDATE conversations SET status = $3, unread = CASE WHEN $3 = 'done' THEN 0 ELSE unread END, updated_at = $4
WHERE project_id = $1 AND id = $2;

-- name: inbox-outbox-enqueue
-- A reply from the inbox: an outbox row linked to its conversation, answering its id.
INSERT INTO outbox (project_id, account_id, target, contact_id, kind, content, priority, planned_at,
                    idempotency_key, conversation_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8, $8)
RETURNING id;

-- name: inbox-unknown-list
-- Sends whose outcome is unknown, for a person to check the chat and decide.
SELECT o.id, o.account_id, o.target, o.contact_id, o.kind, o.content, o.priority, o.reason, o.claimed_at,
       o.updated_at, o.campaign_id, o.conversation_id, o.attempts,
       ct.name AS contact_name, ct.push_name AS contact_push_name, a.label AS account_label, a.phone AS account_phone
FROM outbox o
LEFT JOIN contacts ct ON ct.id = o.contact_id
LEFT JOIN accounts a ON a.id = o.account_id
WHERE o.project_id = $1 AND o.status = 'unknown'
ORDER BY o.id DESC LIMIT $2;

-- name: inbox-outbox-row
SELECT id, project_id, account_id, target, contact_id, kind, content, priority, status, idempotency_key,
       campaign_id, conversation_id, claimed_at, reason
FROM outbox WHERE project_id = $1 AND id = $2;

-- name: inbox-outbox-mark-sent
UPDATE outbox SET status = 'sent', reason = $3, sent_at = COALESCE(claimed_at, $4), updated_at = $4
WHERE project_id = $1 AND id = $2 AND status = 'unknown';

-- name: inbox-outbox-mark-resent
UPDATE outbox SET status = 'cancelled', reason = $3, updated_at = $4
WHERE project_id = $1 AND id = $2 AND status = 'unknown';

-- name: inbox-outbox-resend
-- The person's "send again": a new row (a new key) with the same content, due now.
INSERT INTO outbox (project_id, account_id, target, contact_id, kind, content, priority, planned_at,
                    idempotency_key, campaign_id, conversation_id, created_at, updated_at)
SELECT project_id, account_id, target, contact_id, kind, content, priority, CAST($3 AS BIGINT), CAST($4 AS TEXT),
       campaign_id, conversation_id, CAST($3 AS BIGINT), CAST($3 AS BIGINT)
FROM outbox WHERE project_id = $1 AND id = $2
RETURNING id;

-- name: inbox-message-outbox-move
-- The thread's message follows its resent row.
UPDATE conversation_messages SET outbox_id = $3 WHERE project_id = $1 AND outbox_id = $2;

-- name: saved-reply-list
SELECT id, name, body, keywords, created_at, updated_at FROM saved_replies WHERE project_id = $1 ORDER BY name, id;

-- name: saved-reply-get
SELECT id, name, body, keywords, created_at, updated_at FROM saved_replies WHERE project_id = $1 AND id = $2;

-- name: saved-reply-insert
INSERT INTO saved_replies (project_id, name, body, keywords, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5) RETURNING id;

-- name: saved-reply-update
UPDATE saved_replies SET name = $3, body = $4, keywords = $5, updated_at = $6 WHERE project_id = $1 AND id = $2;

-- name: saved-reply-delete
DELETE FROM saved_replies WHERE project_id = $1 AND id = $2;

-- name: inbox-member-of
SELECT 1 AS ok FROM project_members WHERE project_id = $1 AND user_id = $2
UNION ALL SELECT 1 AS ok FROM users WHERE id = $2 AND is_admin AND NOT disabled;
