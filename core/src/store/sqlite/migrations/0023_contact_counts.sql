-- The dashboard's "Total contacts" card (issue 9, analytics/dashboard.cpp) without counting 1,000,000
-- rows twice per page view (~180 ms each on SQLite, docs/performance.md "dashboard at scale"):
-- contacts per project and quarter hour of creation (bucket = created_at / 900000), kept by triggers
-- in the transaction that inserts or deletes the contact, whichever path does it (import, bulk copy,
-- erasure, merge, project deletion). Every zone's offset is a whole number of quarter hours, so a
-- local midnight is a bucket boundary; a count before any other instant adds the contacts of the
-- bucket it falls in by the index below. A bucket whose contacts all went keeps n = 0.
CREATE INDEX contacts_created ON contacts(project_id, created_at);

CREATE TABLE contact_counts (
  project_id INTEGER NOT NULL,
  bucket     INTEGER NOT NULL,   -- created_at / 900000
  n          INTEGER NOT NULL,
  PRIMARY KEY (project_id, bucket)
) WITHOUT ROWID;

INSERT INTO contact_counts (project_id, bucket, n)
SELECT project_id, created_at / 900000, COUNT(*) FROM contacts GROUP BY project_id, created_at / 900000;

CREATE TRIGGER contact_counts_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contact_counts (project_id, bucket, n) VALUES (NEW.project_id, NEW.created_at / 900000, 1)
  ON CONFLICT (project_id, bucket) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER contact_counts_delete AFTER DELETE ON contacts BEGIN
  UPDATE contact_counts SET n = n - 1 WHERE project_id = OLD.project_id AND bucket = OLD.created_at / 900000;
END;

-- No query changes either column today; should one, the count follows.
CREATE TRIGGER contact_counts_update AFTER UPDATE OF project_id, created_at ON contacts
WHEN OLD.project_id <> NEW.project_id OR OLD.created_at <> NEW.created_at BEGIN
  UPDATE contact_counts SET n = n - 1 WHERE project_id = OLD.project_id AND bucket = OLD.created_at / 900000;
  INSERT INTO contact_counts (project_id, bucket, n) VALUES (NEW.project_id, NEW.created_at / 900000, 1)
  ON CONFLICT (project_id, bucket) DO UPDATE SET n = n + 1;
END;
