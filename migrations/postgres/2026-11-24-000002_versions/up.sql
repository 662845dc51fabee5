-- A version per thread, board and community, bumped by every write that
-- changes what their pages show. Rendered pages are cached under these
-- versions, so any instance's write makes every instance's copy stale.
ALTER TABLE threads ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE boards ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE communities ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
