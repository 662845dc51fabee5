ALTER TABLE outbox DROP COLUMN community_id;
DROP INDEX notifications_mailed;
DROP INDEX notifications_undecided;
ALTER TABLE notifications DROP COLUMN mailed_at;
ALTER TABLE notifications DROP COLUMN mail_state;
