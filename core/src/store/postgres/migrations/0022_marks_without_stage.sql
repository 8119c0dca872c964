-- The event writer inserts a batch's marks in one INSERT … SELECT FROM jsonb_array_elements_text …
-- RETURNING (analytics-mark-insert-many) instead of COPYing them into a stage first. The stage table
-- is no longer used.
DROP TABLE IF EXISTS analytics_mark_stage;
