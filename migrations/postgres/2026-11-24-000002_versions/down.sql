ALTER TABLE threads DROP COLUMN version;
ALTER TABLE boards DROP COLUMN version;
ALTER TABLE communities DROP COLUMN version;
