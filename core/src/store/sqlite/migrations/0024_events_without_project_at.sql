-- analytics_events_project_at (project_id, at) is read by no query: the log is read per contact
-- (lead-touches, dash-contact-events: analytics_events_contact) or per project in id order (tests,
-- demo_history's "any event yet", which analytics_events_contact's project_id prefix answers too);
-- the dashboard reads the rollups. Every ingested event paid one more random B-tree insert for it
-- (docs/performance.md, Analytics: the writer at 100,000 events/s).
DROP INDEX IF EXISTS analytics_events_project_at;
