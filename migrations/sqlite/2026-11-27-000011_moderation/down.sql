DROP TABLE audit_log;
DROP TABLE suspensions;
ALTER TABLE threads DROP COLUMN is_hidden;
ALTER TABLE posts DROP COLUMN moderated_at;
ALTER TABLE posts DROP COLUMN hidden_at;
DROP TABLE flags;
