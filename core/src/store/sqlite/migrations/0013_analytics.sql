-- Analytics (issue 9): the append-only event log, the marks that make every rollup increment happen
-- once, the rollups, short links, leads with their touchpoints and attributions, outgoing webhooks.

-- Every engine event and every click, enriched at ingest (docs/analytics.md). Never updated: a
-- replayed ack is stored again and the marks below keep it from being counted twice. No foreign keys:
-- the log is written in batches of thousands through the bulk path, and a deleted contact or campaign
-- keeps its history.
CREATE TABLE analytics_events (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL,
  kind        TEXT    NOT NULL,      -- sent | delivered | read | played | failed | incoming | reply | reaction | poll_vote | join | leave | account | click | preview
  priority    INTEGER NOT NULL,      -- 1 high (incoming messages, account alerts), 2 standard (acks, clicks)
  at          INTEGER NOT NULL,
  account_id  INTEGER,
  contact_id  INTEGER,
  group_id    INTEGER,
  campaign_id INTEGER,
  outbox_id   INTEGER,
  link_code   TEXT,
  data        TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX analytics_events_project_at ON analytics_events(project_id, at);
CREATE INDEX analytics_events_contact ON analytics_events(project_id, contact_id, at);

-- One row per counted fact ("d:<outbox>" delivered, "r:<outbox>" read, "in:<account>:<wa id>", …).
-- An increment happens only for a mark inserted now, so duplicates and late, weaker acks add nothing.
CREATE TABLE analytics_marks (
  project_id INTEGER NOT NULL,
  mark       TEXT    NOT NULL,
  PRIMARY KEY (project_id, mark)
) WITHOUT ROWID;
CREATE TABLE analytics_mark_stage (
  batch      INTEGER NOT NULL,
  project_id INTEGER NOT NULL,
  mark       TEXT    NOT NULL
);
CREATE INDEX analytics_mark_stage_batch ON analytics_mark_stage(batch);

-- Counters per (dimension, id, local day): dim campaign | account | group | project (id 0) | hour
-- (id = local hour of the day 0-23, for "best posting times"). Days are the project's local days
-- since 1970-01-01.
CREATE TABLE analytics_rollups (
  project_id INTEGER NOT NULL,
  dim        TEXT    NOT NULL,
  dim_id     INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  sent       INTEGER NOT NULL DEFAULT 0,
  delivered  INTEGER NOT NULL DEFAULT 0,
  read       INTEGER NOT NULL DEFAULT 0,
  replied    INTEGER NOT NULL DEFAULT 0,
  failed     INTEGER NOT NULL DEFAULT 0,
  clicks     INTEGER NOT NULL DEFAULT 0,
  previews   INTEGER NOT NULL DEFAULT 0,
  incoming   INTEGER NOT NULL DEFAULT 0,
  joins      INTEGER NOT NULL DEFAULT 0,
  leaves     INTEGER NOT NULL DEFAULT 0,
  leads      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, dim, dim_id, day)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS outbox_wa_message ON outbox(wa_message_id);

-- Per-recipient (or per-post) short links: /r/{code}.
CREATE TABLE links (
  code        TEXT    PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  url         TEXT    NOT NULL,      -- the target with its UTM parameters
  campaign_id INTEGER,
  contact_id  INTEGER,
  group_id    INTEGER,
  account_id  INTEGER,
  outbox_key  TEXT,                  -- the outbox row's idempotency key
  created_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX links_outbox ON links(outbox_key);

CREATE TABLE analytics_settings (
  project_id      INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  lead_secret     BLOB,              -- sealed with the instance key (util/crypto.hpp)
  window_days     INTEGER NOT NULL DEFAULT 30,
  report_sent_day INTEGER,              -- the local day the last weekly report went to the webhooks
  updated_at      INTEGER NOT NULL
);

CREATE TABLE leads (
  id            INTEGER PRIMARY KEY,
  project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  submission_id TEXT    NOT NULL,
  source        TEXT    NOT NULL CHECK (source IN ('form', 'manual', 'csv')),
  phone         TEXT    NOT NULL,    -- E.164
  contact_id    INTEGER,
  form          TEXT    NOT NULL DEFAULT '',
  product       TEXT    NOT NULL DEFAULT '',
  page          TEXT    NOT NULL DEFAULT '',
  utm           TEXT    NOT NULL DEFAULT '{}',
  fields        TEXT    NOT NULL DEFAULT '{}',
  quality       TEXT    NOT NULL DEFAULT 'warm' CHECK (quality IN ('hot', 'warm', 'cold')),
  submitted_at  INTEGER NOT NULL,
  campaign_id   INTEGER,             -- last touch, the primary model
  first_campaign_id INTEGER,
  source_group_id   INTEGER,
  touchpoints   INTEGER NOT NULL DEFAULT 0,
  days_to_convert REAL,
  engagement    REAL    NOT NULL DEFAULT 0,
  response      TEXT    NOT NULL,    -- the first answer, given again to a replayed submission
  created_at    INTEGER NOT NULL,
  UNIQUE (project_id, submission_id)
);
CREATE INDEX leads_project_at ON leads(project_id, submitted_at);
CREATE INDEX leads_campaign ON leads(project_id, campaign_id);
CREATE INDEX leads_contact ON leads(project_id, contact_id);

CREATE TABLE lead_touchpoints (
  lead_id     INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  kind        TEXT    NOT NULL,
  campaign_id INTEGER,
  group_id    INTEGER,
  at          INTEGER NOT NULL,
  PRIMARY KEY (lead_id, seq)
);

CREATE TABLE lead_attributions (
  lead_id     INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  model       TEXT    NOT NULL CHECK (model IN ('last_touch', 'first_touch', 'linear')),
  campaign_id INTEGER NOT NULL,
  credit      REAL    NOT NULL,
  PRIMARY KEY (lead_id, model, campaign_id)
);
CREATE INDEX lead_attributions_campaign ON lead_attributions(campaign_id, model);

-- Outgoing webhooks (issue 9 item 8): signed with a per-webhook secret sealed at rest.
CREATE TABLE webhooks (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  url         TEXT    NOT NULL,
  secret      BLOB    NOT NULL,
  events      TEXT    NOT NULL,      -- JSON array of event names
  active      INTEGER NOT NULL DEFAULT 1,
  allow_private INTEGER NOT NULL DEFAULT 0,  -- an administrator allowed a loopback/private address
  created_at  INTEGER NOT NULL
);
CREATE INDEX webhooks_project ON webhooks(project_id);
CREATE TABLE webhook_deliveries (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL,
  webhook_id  INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event       TEXT    NOT NULL,
  payload     TEXT    NOT NULL,
  status      TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  next_at     INTEGER,
  last_status INTEGER,
  latency_ms  INTEGER,
  response    TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_at);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, id);

-- Reach of group posts (issue 9 item 2): group acks are unreliable, so the per-participant delivery
-- and read lists are read from the engine (Message.getInfo) 1 h, 6 h and 24 h after posting.
CREATE TABLE group_post_reach (
  outbox_id     INTEGER PRIMARY KEY,
  project_id    INTEGER NOT NULL,
  group_id      INTEGER,
  account_id    INTEGER NOT NULL,
  wa_message_id TEXT    NOT NULL,
  campaign_id   INTEGER,
  posted_at     INTEGER NOT NULL,
  members       INTEGER NOT NULL DEFAULT 0,   -- the group's size when last checked
  delivered     INTEGER NOT NULL DEFAULT 0,
  read          INTEGER NOT NULL DEFAULT 0,
  checks        INTEGER NOT NULL DEFAULT 0,
  next_check_at INTEGER,                      -- NULL: done (24 h checked) or given up
  checked_at    INTEGER,
  error         TEXT
);
CREATE INDEX group_post_reach_due ON group_post_reach(next_check_at);
CREATE INDEX group_post_reach_group ON group_post_reach(project_id, group_id, posted_at);
