-- The team inbox (issue 10 items 1-2): one conversation per (account, chat) — a direct chat, or a
-- group where someone mentioned our number or quoted our message — with its messages, who is on it,
-- whether it waits for our answer; and the project's saved replies. Our answers are outbox rows
-- (outbox.conversation_id); a message of ours links to its row for its delivery status.
CREATE TABLE conversations (
  id              INTEGER PRIMARY KEY,
  project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  chat            TEXT    NOT NULL,                 -- "…@c.us" / "…@lid" (direct) or "…@g.us" (group)
  kind            TEXT    NOT NULL CHECK (kind IN ('direct', 'group')),
  contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
  group_id        INTEGER REFERENCES groups(id) ON DELETE SET NULL,
  title           TEXT    NOT NULL DEFAULT '',      -- the sender's push name or the group's name when first seen
  assignee_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
  status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  unread          INTEGER NOT NULL DEFAULT 0,
  needs_reply     INTEGER NOT NULL DEFAULT 0,       -- 1: their message is the last one
  last_message_at INTEGER NOT NULL,
  last_preview    TEXT    NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (project_id, account_id, chat)
);
-- The list is newest first per project (10,000 conversations: one index range, docs/performance.md).
CREATE INDEX conversations_project_recent ON conversations(project_id, last_message_at, id);
-- The list's counts read only this index (10,000 open conversations on SQLite: 2.3 ms of CPU instead
-- of 4.9 ms through the table).
CREATE INDEX conversations_open_counts ON conversations(project_id, status, unread, needs_reply);

CREATE TABLE conversation_messages (
  id                INTEGER PRIMARY KEY,
  project_id        INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  conversation_id   INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  direction         TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
  wa_id             TEXT,                           -- WhatsApp's id; NULL for ours until it is sent
  author            TEXT    NOT NULL DEFAULT '',    -- who wrote it (a member in a group)
  author_name       TEXT    NOT NULL DEFAULT '',
  body              TEXT    NOT NULL DEFAULT '',
  kind              TEXT    NOT NULL DEFAULT 'text',
  quoted_wa_id      TEXT,
  context_outbox_id INTEGER,                        -- the message of ours it answers (campaign, post)
  outbox_id         INTEGER,                        -- ours: the outbox row that sends it
  sent_by           INTEGER REFERENCES users(id) ON DELETE SET NULL,
  at                INTEGER NOT NULL,
  UNIQUE (conversation_id, wa_id)
);
CREATE INDEX conversation_messages_thread ON conversation_messages(conversation_id, at, id);

CREATE TABLE saved_replies (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name        TEXT    NOT NULL,
  body        TEXT    NOT NULL,
  keywords    TEXT    NOT NULL DEFAULT '[]',        -- JSON list; a match suggests this reply
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (project_id, name)
);

-- A reply quoting our message names it by WhatsApp id: its context is found by this index.
CREATE INDEX inbox_outbox_by_wa_message ON outbox(wa_message_id);
CREATE INDEX inbox_outbox_by_conversation ON outbox(conversation_id);

-- Welcome messages (issue 10 item 6): a template per group where our number is admin, and the members
-- who joined and wait for the next batch (one message mentioning everyone who joined within the window).
CREATE TABLE group_welcomes (
  group_id    INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  enabled     INTEGER NOT NULL DEFAULT 1,
  template    TEXT    NOT NULL,
  window_ms   INTEGER NOT NULL DEFAULT 180000,      -- joins within 3 minutes share one welcome
  updated_at  INTEGER NOT NULL
);
CREATE TABLE welcome_pending (
  group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  participant TEXT    NOT NULL,                  -- "…@c.us" or "…@lid"
  joined_at   INTEGER NOT NULL,
  welcomed_at INTEGER,                            -- set once welcomed: a replayed join is not welcomed again
  PRIMARY KEY (group_id, participant)
);

-- Moderation (issue 10 item 7) in groups where our number is admin: the group's rules, every action
-- (or, in a dry run, what would have been done) with the message and the rule, and strikes per member.
CREATE TABLE moderation_rules (
  group_id    INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  rules       TEXT    NOT NULL,                  -- JSON, community/moderation.hpp
  dry_run     INTEGER NOT NULL DEFAULT 1,
  updated_at  INTEGER NOT NULL
);
CREATE TABLE moderation_log (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  account_id  INTEGER NOT NULL,
  author      TEXT    NOT NULL,
  message_id  TEXT    NOT NULL,
  body        TEXT    NOT NULL,
  rule        TEXT    NOT NULL,                  -- link | forwarded | banned_word | flood
  action      TEXT    NOT NULL,                  -- delete | warn | remove
  dry_run     INTEGER NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX moderation_log_group ON moderation_log(project_id, group_id, id);
CREATE TABLE moderation_strikes (
  group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  author      TEXT    NOT NULL,
  strikes     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, author)
);
