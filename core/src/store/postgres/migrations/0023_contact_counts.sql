-- The dashboard's "Total contacts" card (issue 9, analytics/dashboard.cpp) without counting 1,000,000
-- rows twice per page view (docs/performance.md "dashboard at scale"): contacts per project and
-- quarter hour of creation (bucket = created_at / 900000), kept by triggers in the transaction that
-- inserts or deletes the contact, whichever path does it (import, COPY, erasure, merge, project
-- deletion). Every zone's offset is a whole number of quarter hours, so a local midnight is a bucket
-- boundary; a count before any other instant adds the contacts of the bucket it falls in by the index
-- below. A bucket whose contacts all went keeps n = 0.
--
-- Inserts and deletes are counted per statement (transition tables): a COPY of 100,000 contacts
-- created in the same quarter hour is one upsert of one row. A row trigger would update that row
-- 100,000 times in one transaction, each update a new version the next one walks past.
-- Concurrency: writers that add contacts to the same bucket queue on its row until the first commits
-- (as they already do on the contacts' unique keys for the same numbers); buckets are upserted in
-- key order, so two such statements do not deadlock on the counters.
CREATE INDEX contacts_created ON contacts(project_id, created_at);

CREATE TABLE contact_counts (
  project_id BIGINT NOT NULL,
  bucket     BIGINT NOT NULL,   -- created_at / 900000
  n          BIGINT NOT NULL,
  PRIMARY KEY (project_id, bucket)
);

INSERT INTO contact_counts (project_id, bucket, n)
SELECT project_id, created_at / 900000, COUNT(*) FROM contacts GROUP BY project_id, created_at / 900000;

CREATE FUNCTION contact_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contact_counts (project_id, bucket, n)
  SELECT project_id, created_at / 900000, COUNT(*) FROM contact_rows_added
  GROUP BY project_id, created_at / 900000 ORDER BY 1, 2
  ON CONFLICT (project_id, bucket) DO UPDATE SET n = contact_counts.n + excluded.n;
  RETURN NULL;
END
$$;
CREATE FUNCTION contact_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contact_counts k SET n = k.n - r.n
  FROM (SELECT project_id, created_at / 900000 AS bucket, COUNT(*) AS n FROM contact_rows_removed
        GROUP BY project_id, created_at / 900000 ORDER BY 1, 2) r
  WHERE k.project_id = r.project_id AND k.bucket = r.bucket;
  RETURN NULL;
END
$$;
-- No query changes either column today; should one, the count follows (row by row: rare).
CREATE FUNCTION contact_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contact_counts SET n = n - 1 WHERE project_id = OLD.project_id AND bucket = OLD.created_at / 900000;
  INSERT INTO contact_counts (project_id, bucket, n) VALUES (NEW.project_id, NEW.created_at / 900000, 1)
  ON CONFLICT (project_id, bucket) DO UPDATE SET n = contact_counts.n + 1;
  RETURN NULL;
END
$$;
CREATE TRIGGER contact_counts_insert AFTER INSERT ON contacts REFERENCING NEW TABLE AS contact_rows_added
  FOR EACH STATEMENT EXECUTE FUNCTION contact_counts_added();
CREATE TRIGGER contact_counts_delete AFTER DELETE ON contacts REFERENCING OLD TABLE AS contact_rows_removed
  FOR EACH STATEMENT EXECUTE FUNCTION contact_counts_removed();
CREATE TRIGGER contact_counts_update AFTER UPDATE OF project_id, created_at ON contacts FOR EACH ROW
  WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id OR OLD.created_at IS DISTINCT FROM NEW.created_at)
  EXECUTE FUNCTION contact_counts_moved();
