-- The dashboard's common combination (persona + region + consent) as one index range in id order:
-- with three single-column indexes each backend intersected or scanned 5,000-65,000 rows for a page of
-- 50 (p50 95 ms on SQLite, 156 ms on PostgreSQL at 1M contacts; docs/performance.md).
CREATE INDEX contacts_persona_region_consent ON contacts(project_id, persona, region, consent, id);
