-- The event writer inserts a batch's marks in one INSERT … SELECT FROM json_each … RETURNING
-- (analytics-mark-insert-many) instead of staging them first: staging wrote every mark twice more
-- (the stage row and its delete). The stage table is no longer used.
DROP TABLE IF EXISTS analytics_mark_stage;
