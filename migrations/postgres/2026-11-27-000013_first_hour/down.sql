ALTER TABLE users DROP COLUMN closed_at;
ALTER TABLE users DROP COLUMN position;
ALTER TABLE users DROP COLUMN unit;
ALTER TABLE boards DROP COLUMN default_kind;
