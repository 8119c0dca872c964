-- The content calendar and channels (issue 10 items 8 and 10). A calendar entry is a recurring post
-- (weekdays + a local time) to groups, communities or a channel; each occurrence is planned into the
-- outbox like a campaign's messages (outbox.calendar_occurrence_id), under the same policy at send
-- time. Media files a post attaches are kept by the core (the dispatcher sends their bytes); a
-- channel's follower count is kept once a day.
-- AUTOINCREMENT: an occurrence's id is part of its outbox rows' idempotency keys, and rows of a
-- deleted entry stay (cancelled); SQLite would otherwise hand a deleted row's id out again.
CREATE TABLE calendar_entries (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name             TEXT    NOT NULL,
  kind             TEXT    NOT NULL CHECK (kind IN ('group_post', 'channel_post', 'community_announcement')),
  template_id      INTEGER REFERENCES templates(id) ON DELETE SET NULL,
  body             TEXT    NOT NULL DEFAULT '',
  variables        TEXT    NOT NULL DEFAULT '{}',
  media            TEXT,                            -- JSON {kind, media_id | url, caption} or NULL
  poll             TEXT,                            -- JSON {question, options, multiple} or NULL
  targeting        TEXT    NOT NULL DEFAULT '{}',   -- a campaign's targeting.groups
  weekdays         TEXT    NOT NULL,                -- ISO weekdays, "1,3,5" = Monday, Wednesday, Friday
  time_of_day      TEXT    NOT NULL,                -- "HH:MM" in the project's time zone
  group_weekly_cap INTEGER NOT NULL DEFAULT 3,      -- calendar posts per group per week, 1-3
  active           INTEGER NOT NULL DEFAULT 1,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (project_id, name)
);

CREATE TABLE calendar_occurrences (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  entry_id    INTEGER NOT NULL REFERENCES calendar_entries(id) ON DELETE CASCADE,
  slot_day    TEXT    NOT NULL,                     -- the rule's day (a moved post keeps its slot)
  planned_at  INTEGER NOT NULL,
  status      TEXT    NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'skipped')),
  body        TEXT,                                 -- this occurrence's own text; NULL: the entry's
  excluded    TEXT    NOT NULL DEFAULT '[]',        -- JSON: targets left out when planned, with reasons
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (entry_id, slot_day)
);
CREATE INDEX calendar_occurrences_week ON calendar_occurrences(project_id, planned_at);

ALTER TABLE outbox ADD COLUMN calendar_occurrence_id INTEGER;
CREATE INDEX outbox_calendar ON outbox(calendar_occurrence_id) WHERE calendar_occurrence_id IS NOT NULL;

CREATE TABLE media_files (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind        TEXT    NOT NULL CHECK (kind IN ('image', 'document', 'video')),
  mimetype    TEXT    NOT NULL,
  filename    TEXT    NOT NULL,
  size        INTEGER NOT NULL,
  data        BLOB    NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX media_files_project ON media_files(project_id, id);

CREATE TABLE channel_followers (
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  day         TEXT    NOT NULL,                     -- the project's local date
  followers   INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (group_id, day)
);
